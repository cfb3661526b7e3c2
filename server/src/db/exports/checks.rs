//! The checks before publishing: the activities, grants and transactions of the IATI file that
//! break a rule of the standard, read like the CSV exports.

use app::domain::Scope;
use app::domain::exports::{ExportFilter, ExportKind};
use app::domain::iati::{ActivityFacts, IatiProblem, IatiRule, Subject, rules_broken, usable_code};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue, Value};

use super::super::Db;
use super::Reader;

/// The activities and grants of the IATI file for `filter` within `scope` that break a rule
/// of the standard (`app::domain::iati`), read like `activities.csv` and `grants.csv`.
/// `themes_with_sector` are the themes the settings give a sector (a grant is published with
/// the sector of `both`, the whole programme).
pub async fn iati_problems(
    db: &Db,
    themes_with_sector: &[String],
    filter: &ExportFilter,
    scope: &Scope,
) -> Result<Vec<app::domain::iati::IatiProblem>, AppError> {
    let text = |kind: ExportKind, row: &[Value], name: &str| -> String {
        let at = kind.columns().iter().position(|c| c.name == name).unwrap_or(usize::MAX);
        match row.get(at) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::RecordId(id)) => super::super::rows::key_of(id),
            Some(Value::Datetime(at)) => at.format("%Y-%m-%d").to_string(),
            _ => String::new(),
        }
    };
    let mut problems = Vec::new();
    let mut grants = Vec::new();
    let mut reader = Reader::open(db, ExportKind::Grants, filter, scope).await?;
    while let Some(rows) = reader.next().await? {
        for row in &rows {
            let code = text(ExportKind::Grants, row, "reference");
            grants.push((text(ExportKind::Grants, row, "id"), code.clone()));
            let mut rules = Vec::new();
            if !themes_with_sector.iter().any(|t| t == "both") {
                rules.push(IatiRule::NoSector);
            }
            if !usable_code(&code) {
                rules.push(IatiRule::UnusableCode);
            }
            if !rules.is_empty() {
                problems.push(IatiProblem {
                    subject: Subject::Grant(text(ExportKind::Grants, row, "id")),
                    code,
                    rules,
                });
            }
        }
    }
    let activities = ExportKind::Activities;
    let date = |row: &[Value], name: &str| {
        chrono::NaiveDate::parse_from_str(&text(activities, row, name), "%Y-%m-%d").ok()
    };
    let today = chrono::Utc::now().date_naive();
    let mut reader = Reader::open(db, activities, filter, scope).await?;
    while let Some(rows) = reader.next().await? {
        for row in &rows {
            let code = text(activities, row, "code");
            let facts = ActivityFacts {
                code: &code,
                planned_start: date(row, "planned_start"),
                actual_start: date(row, "actual_start"),
                actual_end: date(row, "actual_end"),
                has_sector: themes_with_sector.contains(&text(activities, row, "theme")),
            };
            let rules = rules_broken(&facts, today);
            if !rules.is_empty() {
                problems.push(IatiProblem {
                    subject: Subject::Activity(text(activities, row, "id")),
                    code,
                    rules,
                });
            }
        }
    }
    problems.extend(future_transactions(db, &grants, filter).await?);
    problems.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(problems)
}

/// The transactions of `grants` (key and reference) within `filter` dated after today (rules
/// 11.2.1 and 11.2.2: a transaction is money that moved; what is to come is a budget), each
/// named by its activity's code or else its grant's reference. Read through the index on grant
/// and date: a range per grant.
async fn future_transactions(
    db: &Db,
    grants: &[(String, String)],
    filter: &ExportFilter,
) -> Result<Vec<IatiProblem>, AppError> {
    #[derive(Debug, SurrealValue)]
    #[surreal(crate = "surrealdb::types")]
    struct Future {
        id: RecordId,
        activity_code: Option<String>,
    }
    let mut conditions = String::from("donor_grant = $grant AND value_date > $today AND archived = false");
    for (on, condition) in [
        (filter.from.is_some(), " AND value_date >= $start"),
        (filter.to.is_some(), " AND value_date <= $end"),
        (filter.country.is_some(), " AND activity_country = $country"),
    ] {
        if on {
            conditions.push_str(condition);
        }
    }
    let sql = format!(
        "SELECT id, activity.code AS activity_code FROM transaction WITH INDEX transaction_grant_date
         WHERE {conditions} ORDER BY id;"
    );
    let day = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let today = chrono::Utc::now().date_naive();
    let mut problems = Vec::new();
    for (key, reference) in grants {
        let future: Vec<Future> = db
            .query(sql.as_str())
            .bind(("grant", RecordId::new("donor_grant", key.as_str())))
            .bind(("today", day(today)))
            .bind(("start", filter.from.and_then(day)))
            .bind(("end", filter.to.and_then(day)))
            .bind(("country", filter.country.clone()))
            .await
            .map_err(super::super::query::internal)?
            .take(0)
            .map_err(super::super::query::internal)?;
        problems.extend(future.into_iter().map(|t| IatiProblem {
            subject: Subject::Transaction(super::super::rows::key_of(&t.id)),
            code: t.activity_code.unwrap_or_else(|| reference.clone()),
            rules: vec![IatiRule::FutureTransaction],
        }));
    }
    Ok(problems)
}
