//! The dashboard's list of the newest activities, read per grant from `activity_recent`
//! (migration 0010) in key order, newest first.

use app::domain::dashboard::{DashboardFilter, FundedActivity};
use app::domain::{ActivityKind, Country, Text};
use app::error::AppError;
use chrono::NaiveDate;
use surrealdb::types::{RecordId, SurrealValue};

use super::rows::count;
use crate::db::Db;
use crate::db::query::{internal, invalid_row};
use crate::db::rows::key_of;

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ActivityRow {
    id: RecordId,
    code: String,
    title: String,
    title_fr: String,
    kind: String,
    country: String,
    planned_start: NaiveDate,
    total: Option<i64>,
    women: Option<i64>,
}

/// How many recent activities the dashboard lists.
pub(super) const RECENT: usize = 100;

/// The keys of `activity_recent` to read: each grant in scope, or "all".
pub(super) fn recent_keys(scope: Option<&[RecordId]>) -> Vec<surrealdb::types::Value> {
    match scope {
        Some(grants) => grants.iter().map(|g| g.clone().into_value()).collect(),
        None => vec!["all".into_value()],
    }
}

/// The key range of the year filter: keys hold minus the start in seconds since 1970, so the
/// newest activities come first.
pub(super) fn recent_bounds(filter: &DashboardFilter) -> (i64, i64) {
    let new_year = |year: i32| {
        NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp())
    };
    let lo = filter.to_year.and_then(|y| y.checked_add(1)).and_then(new_year).map_or(i64::MIN / 2, |t| 1 - t);
    let hi = filter.from_year.and_then(new_year).map_or(i64::MAX / 2, |t| 1 - t);
    (lo, hi)
}

/// The newest of the activities read per grant (a co-funded one once), with what the list shows.
pub(super) async fn recent_activities(
    db: &Db,
    mut recent: Vec<(i64, RecordId)>,
) -> Result<Vec<FundedActivity>, AppError> {
    recent.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| key_of(&a.1).cmp(&key_of(&b.1))));
    let mut ids: Vec<RecordId> = Vec::with_capacity(RECENT);
    for (_, id) in recent {
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() == RECENT {
            break;
        }
    }
    let rows: Vec<ActivityRow> = db
        .query(
            "SELECT id, code, title, title_fr, kind, country, planned_start,
                    participants.police.total + participants.gendarmerie.total + participants.justice.total
                        + participants.other.total AS total,
                    participants.police.women + participants.gendarmerie.women + participants.justice.women
                        + participants.other.women AS women
             FROM $ids;",
        )
        .bind(("ids", ids.clone()))
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    let mut list = rows
        .into_iter()
        .map(|r| {
            Ok(FundedActivity {
                id: key_of(&r.id),
                code: r.code,
                title: Text::new(r.title, r.title_fr),
                kind: ActivityKind::from_code(&r.kind).map_err(invalid_row)?,
                country: Country::parse(&r.country).map_err(invalid_row)?,
                year: chrono::Datelike::year(&r.planned_start),
                participants: count(r.total.unwrap_or(0)),
                women: count(r.women.unwrap_or(0)),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // In the order read: newest first.
    list.sort_by_key(|a| ids.iter().position(|id| key_of(id) == a.id));
    Ok(list)
}
