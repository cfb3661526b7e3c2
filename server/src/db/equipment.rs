//! The equipment register as each user may see it: filtered, paginated, and totalled per grant
//! in the database.

use app::domain::{
    Currency, EquipmentFilter, EquipmentFilterOptions, EquipmentRow, GrantEquipmentTotal, Money, NamedRef,
    Page, PageRequest, Rate, Scope, Text,
};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::query::{Records, condition, internal, invalid_row, scope_value};
use super::rows::{EquipmentRecord, key_of};

/// The `WHERE` clause of the filter and the scope.
fn conditions(scope: &Scope, filter: &EquipmentFilter) -> String {
    let mut conds = vec!["archived = false", condition(scope, Records::Equipment)];
    if filter.donor.is_some() {
        conds.push("donor_grant.donor = $donor");
    }
    if filter.grant.is_some() {
        conds.push("donor_grant = $grant");
    }
    if filter.category.is_some() {
        conds.push("category = $category");
    }
    if filter.institute.is_some() {
        conds.push(
            "id IN array::flatten((SELECT VALUE lines.equipment FROM handover WHERE archived = false AND institute = $institute))",
        );
    }
    if filter.state.is_some() {
        // States belong to handover lines: the records with a line in that state, among the
        // handovers the scope sees (an institute, its own).
        conds.push(match scope {
            Scope::Institute(_) => {
                "id IN array::flatten((SELECT VALUE lines.filter(|$l| $l.state = $state).equipment FROM handover
                 WHERE archived = false AND institute = $scope))"
            }
            _ => {
                "id IN array::flatten((SELECT VALUE lines.filter(|$l| $l.state = $state).equipment FROM handover
                 WHERE archived = false))"
            }
        });
    }
    conds.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ")
}

fn query<'a>(
    db: &'a Db,
    sql: String,
    scope: &Scope,
    filter: &EquipmentFilter,
) -> surrealdb::method::Query<'a, surrealdb::engine::any::Any> {
    db.query(sql)
        .bind(("scope", scope_value(scope)))
        .bind(("donor", filter.donor.as_deref().map(|k| RecordId::new("donor", k))))
        .bind(("grant", filter.grant.as_deref().map(|k| RecordId::new("donor_grant", k))))
        .bind(("category", filter.category.clone()))
        .bind(("institute", filter.institute.as_deref().map(|k| RecordId::new("institute", k))))
        .bind(("state", filter.state.clone()))
}

pub async fn list(
    db: &Db,
    scope: &Scope,
    filter: &EquipmentFilter,
    page: PageRequest,
) -> Result<Page<EquipmentRow>, AppError> {
    let condition = conditions(scope, filter);
    let sql = format!(
        "SELECT id, description, description_fr, category, quantity, unit_cost_minor, currency,
                donor_grant.reference AS grant_reference, donor_grant.donor.name AS donor_name,
                donor_grant.donor.name_fr AS donor_name_fr, supplier, purchase_date
         FROM equipment WHERE {condition}
         ORDER BY purchase_date DESC, description LIMIT $limit START $start;
         SELECT count() AS n FROM equipment WHERE {condition} GROUP ALL;"
    );
    let mut response = query(db, sql, scope, filter)
        .bind(("limit", i64::from(page.per_page)))
        .bind(("start", i64::try_from(page.offset()).unwrap_or(i64::MAX)))
        .await
        .map_err(internal)?;
    let rows: Vec<EquipmentRecord> = response.take(0).map_err(internal)?;
    let total: Option<i64> = response.take((1, "n")).map_err(internal)?;
    let items =
        rows.into_iter().map(EquipmentRow::try_from).collect::<Result<Vec<_>, _>>().map_err(invalid_row)?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total: total.unwrap_or(0).max(0) as u64 })
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct TotalRow {
    reference: Option<String>,
    currency: String,
    rate: Option<surrealdb::types::Decimal>,
    total: i64,
}

/// The value of the filtered items per grant, added up in the database, grouped by currency and
/// by the euro rate of the transaction that paid for them.
pub async fn totals(
    db: &Db,
    scope: &Scope,
    filter: &EquipmentFilter,
) -> Result<Vec<GrantEquipmentTotal>, AppError> {
    let condition = conditions(scope, filter);
    let sql = format!(
        "SELECT donor_grant.reference AS reference, currency, transaction.rate_to_eur AS rate,
                math::sum(quantity * unit_cost_minor) AS total
         FROM equipment WHERE {condition} GROUP BY reference, currency, rate;"
    );
    let rows: Vec<TotalRow> =
        query(db, sql, scope, filter).await.map_err(internal)?.take(0).map_err(internal)?;
    let mut out: Vec<GrantEquipmentTotal> = Vec::new();
    for row in rows {
        let currency = Currency::parse(&row.currency).map_err(invalid_row)?;
        let amount = Money::new(row.total, currency.clone()).map_err(invalid_row)?;
        let rate = match (&row.rate, currency.as_str()) {
            (_, "EUR") => Some(Rate::one()),
            (Some(rate), _) => Rate::parse(&rate.to_string()).ok(),
            (None, _) => None,
        };
        let eur = rate.and_then(|r| amount.convert(&r, Currency::eur()).ok());
        let reference = row.reference.unwrap_or_default();
        match out.iter_mut().find(|t| t.reference == reference && t.total.currency() == &currency) {
            Some(t) => {
                t.total = Money::new(t.total.minor() + amount.minor(), currency).map_err(invalid_row)?;
                t.eur = match (&t.eur, eur) {
                    (Some(a), Some(b)) => {
                        Some(Money::new(a.minor() + b.minor(), Currency::eur()).map_err(invalid_row)?)
                    }
                    _ => None,
                };
            }
            None => out.push(GrantEquipmentTotal { reference, total: amount, eur }),
        }
    }
    out.sort_by(|a, b| a.reference.cmp(&b.reference));
    Ok(out)
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Named {
    id: RecordId,
    en: String,
    fr: Option<String>,
}

/// Grants and institutes that appear in the register the scope may see.
pub async fn filter_options(db: &Db, scope: &Scope) -> Result<EquipmentFilterOptions, AppError> {
    let visible = condition(scope, Records::Equipment);
    let sql = format!(
        "SELECT id, reference AS en, reference AS fr FROM array::distinct(
             SELECT VALUE donor_grant FROM equipment WHERE archived = false AND ({visible})) ORDER BY en;
         SELECT id, name AS en, name_fr AS fr FROM array::distinct(
             SELECT VALUE donor_grant.donor FROM equipment WHERE archived = false AND ({visible})) ORDER BY en;
         SELECT id, name AS en, name_fr AS fr FROM array::distinct(
             SELECT VALUE institute FROM handover WHERE archived = false
             AND lines.equipment ANYINSIDE (SELECT VALUE id FROM equipment WHERE archived = false AND ({visible})))
         ORDER BY en;"
    );
    let mut response = db.query(sql).bind(("scope", scope_value(scope))).await.map_err(internal)?;
    let named = |rows: Vec<Named>| -> Vec<NamedRef> {
        rows.into_iter()
            .map(|r| {
                let fr = r.fr.filter(|f| !f.is_empty()).unwrap_or_else(|| r.en.clone());
                NamedRef { id: key_of(&r.id), name: Text::new(r.en, fr) }
            })
            .collect()
    };
    let grants = named(response.take(0).map_err(internal)?);
    let donors = match scope {
        Scope::Donor(_) => Vec::new(),
        _ => named(response.take(1).map_err(internal)?),
    };
    let institutes = named(response.take(2).map_err(internal)?);
    Ok(EquipmentFilterOptions { donors, grants, institutes })
}
