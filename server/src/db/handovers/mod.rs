//! Handovers of equipment to institutes and the institutes' confirmations: reading them within a
//! user's scope, creating them, and recording confirmations once each, audited, in one
//! transaction with the handover's new status.

use app::domain::handovers::{Confirmation, ConfirmationLine, HandoverDetail, HandoverLine, HandoverRow};
use app::domain::{HandoverStatus, Money, NamedRef, Page, PageRequest, Scope, Text};
use app::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::query::internal as read_error;
use super::rows::key_of;

mod write;

pub(crate) use write::token_recorded;
pub use write::{Confirmed, NewHandover, confirm, create, mark_handed_over};

#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct LineRecord {
    equipment: RecordId,
    quantity: i64,
    serials: Option<Vec<String>>,
    received: Option<i64>,
    disputed: Option<i64>,
    serials_checked: Option<Vec<String>>,
    state: Option<String>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct HandoverRecord {
    id: RecordId,
    code: String,
    institute: RecordId,
    institute_name: String,
    institute_name_fr: String,
    institute_city: String,
    activity: Option<RecordId>,
    activity_title: Option<String>,
    activity_title_fr: Option<String>,
    handed_over_on: NaiveDate,
    handed_over_by: String,
    status: String,
    lines: Vec<LineRecord>,
    version: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ItemRecord {
    id: RecordId,
    description: String,
    description_fr: String,
    unit_cost_minor: i64,
    currency: String,
    grant_reference: String,
    donor: RecordId,
    donor_name: String,
    donor_name_fr: String,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ConfirmationLineRecord {
    equipment: RecordId,
    received: i64,
    serials_checked: Vec<String>,
    condition: String,
    remark: String,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ConfirmationRecord {
    id: RecordId,
    outcome: String,
    reason: Option<String>,
    remarks: String,
    corrects: Option<RecordId>,
    lines: Vec<ConfirmationLineRecord>,
    by_name: Option<String>,
    confirmed_at: DateTime<Utc>,
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// A handover, with its lines limited to what the scope may see (a donor sees the items its own
/// grants paid for); `Err(Forbidden)` outside the scope.
pub async fn detail(db: &Db, scope: &Scope, key: &str) -> Result<Option<HandoverDetail>, AppError> {
    let id = RecordId::new("handover", key);
    let found: Option<HandoverRecord> = db
        .query(
            "SELECT id, code, institute, institute.name AS institute_name, institute.name_fr AS institute_name_fr,
                    institute.city AS institute_city, activity, activity.title AS activity_title,
                    activity.title_fr AS activity_title_fr, handed_over_on, handed_over_by, status, lines, version
             FROM ONLY $id WHERE archived = false;",
        )
        .bind(("id", id.clone()))
        .await
        .map_err(read_error)?
        .take(0)
        .map_err(read_error)?;
    let Some(h) = found else { return Ok(None) };
    if let Scope::Institute(own) = scope
        && h.institute != RecordId::new("institute", own.as_str())
    {
        return Err(AppError::Forbidden);
    }
    let ids: Vec<RecordId> = h.lines.iter().map(|l| l.equipment.clone()).collect();
    let mut response = db
        .query(
            "SELECT id, description, description_fr, unit_cost_minor, currency, donor_grant.reference AS grant_reference,
                    donor_grant.donor AS donor, donor_grant.donor.name AS donor_name,
                    donor_grant.donor.name_fr AS donor_name_fr
             FROM $ids;
             SELECT id, outcome, reason, remarks, corrects, lines, confirmed_by.name AS by_name, confirmed_at
             FROM handover_confirmation WHERE handover = $id ORDER BY confirmed_at;",
        )
        .bind(("ids", ids))
        .bind(("id", id))
        .await
        .map_err(read_error)?;
    let items: Vec<ItemRecord> = response.take(0).map_err(read_error)?;
    let confirmations: Vec<ConfirmationRecord> = response.take(1).map_err(read_error)?;
    let own_donor = match scope {
        Scope::Donor(key) => Some(RecordId::new("donor", key.as_str())),
        _ => None,
    };
    let mut lines = Vec::new();
    let (mut donors, mut grants): (Vec<Text>, Vec<String>) = (Vec::new(), Vec::new());
    for line in &h.lines {
        let Some(item) = items.iter().find(|i| i.id == line.equipment) else { continue };
        if own_donor.as_ref().is_some_and(|d| *d != item.donor) {
            continue;
        }
        let donor = Text::new(item.donor_name.clone(), item.donor_name_fr.clone());
        if !donors.contains(&donor) {
            donors.push(donor);
        }
        if !grants.contains(&item.grant_reference) {
            grants.push(item.grant_reference.clone());
        }
        let currency = app::domain::Currency::parse(&item.currency).map_err(super::query::invalid_row)?;
        lines.push(HandoverLine {
            equipment: key_of(&item.id),
            description: Text::new(item.description.clone(), item.description_fr.clone()),
            quantity: count(line.quantity),
            serials: line.serials.clone().unwrap_or_default(),
            unit_cost: Money::new(item.unit_cost_minor, currency).map_err(super::query::invalid_row)?,
            grant_reference: item.grant_reference.clone(),
            received: count(line.received.unwrap_or(0)),
            disputed: count(line.disputed.unwrap_or(0)),
            serials_checked: line.serials_checked.clone().unwrap_or_default(),
            state: line
                .state
                .as_deref()
                .map(app::domain::EquipmentState::from_code)
                .transpose()
                .map_err(super::query::invalid_row)?,
        });
    }
    if own_donor.is_some() && lines.is_empty() {
        return Err(AppError::Forbidden);
    }
    // A donor sees what was confirmed of its own items only: the other donors' lines (their
    // serials, conditions and remarks) are left out of each confirmation.
    let visible = |equipment: &RecordId| lines.iter().any(|l| l.equipment == key_of(equipment));
    let confirmations = confirmations
        .into_iter()
        .map(|c| {
            Ok(Confirmation {
                id: key_of(&c.id),
                outcome: HandoverStatus::from_code(&c.outcome).map_err(super::query::invalid_row)?,
                confirmed_by: c.by_name.unwrap_or_default(),
                confirmed_at: c.confirmed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                remarks: c.remarks,
                reason: c.reason,
                corrects: c.corrects.as_ref().map(key_of),
                lines: c
                    .lines
                    .into_iter()
                    .filter(|l| visible(&l.equipment))
                    .map(|l| ConfirmationLine {
                        equipment: key_of(&l.equipment),
                        received: count(l.received),
                        serials_checked: l.serials_checked,
                        condition: l.condition,
                        remark: l.remark,
                    })
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Some(HandoverDetail {
        id: key_of(&h.id),
        code: h.code,
        institute: NamedRef {
            id: key_of(&h.institute),
            name: Text::new(h.institute_name, h.institute_name_fr),
        },
        institute_city: h.institute_city,
        activity: h.activity.as_ref().map(|a| NamedRef {
            id: key_of(a),
            name: Text::new(
                h.activity_title.clone().unwrap_or_default(),
                h.activity_title_fr.clone().unwrap_or_default(),
            ),
        }),
        handed_over_on: h.handed_over_on.to_string(),
        handed_over_by: h.handed_over_by,
        status: HandoverStatus::from_code(&h.status).map_err(super::query::invalid_row)?,
        lines,
        confirmations,
        donors,
        grants,
        version: h.version,
        can_confirm: false,
        can_correct: false,
        form_token: String::new(),
        state_reports: Vec::new(),
        can_report: false,
        can_add_photo: false,
        can_hand_over: false,
        photos: Vec::new(),
    }))
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct RowRecord {
    id: RecordId,
    code: String,
    institute_name: String,
    institute_name_fr: String,
    handed_over_on: NaiveDate,
    status: String,
    items: Option<i64>,
    received: Option<i64>,
}

/// The `WHERE` condition that keeps handovers inside `scope`, on the bound `$scope`.
fn condition(scope: &Scope) -> &'static str {
    match scope {
        Scope::All => "true",
        Scope::Institute(_) => "institute = $scope",
        Scope::Donor(_) => "$scope IN lines.equipment.donor_grant.donor",
    }
}

/// One page of handovers within the scope, the ones awaiting confirmation first.
pub async fn list(
    db: &Db,
    scope: &Scope,
    status: Option<HandoverStatus>,
    page: PageRequest,
) -> Result<Page<HandoverRow>, AppError> {
    let page = page.clamped();
    let status_filter = if status.is_some() { "AND status = $status" } else { "" };
    let filter = format!("archived = false AND ({}) {status_filter}", condition(scope));
    // A donor counts the items of its own grants only.
    let lines = match scope {
        Scope::Donor(_) => "lines.filter(|$l| $l.equipment.donor_grant.donor = $scope)",
        _ => "lines",
    };
    let sql = format!(
        "SELECT id, code, institute.name AS institute_name, institute.name_fr AS institute_name_fr, handed_over_on,
                status, math::sum({lines}.quantity) AS items, math::sum({lines}.received) AS received,
                status IN ['handed_over', 'partially_received'] AS pending
         FROM handover WHERE {filter}
         ORDER BY pending DESC, handed_over_on DESC, code LIMIT $limit START $start;
         SELECT count() AS n FROM handover WHERE {filter} GROUP ALL;"
    );
    let scope_value = match scope {
        Scope::All => None,
        Scope::Donor(key) => Some(RecordId::new("donor", key.as_str())),
        Scope::Institute(key) => Some(RecordId::new("institute", key.as_str())),
    };
    let mut response = db
        .query(sql)
        .bind(("scope", scope_value))
        .bind(("status", status.map(|s| s.code().to_owned())))
        .bind(("limit", i64::from(page.per_page)))
        .bind(("start", i64::try_from(page.offset()).unwrap_or(i64::MAX)))
        .await
        .map_err(read_error)?;
    let rows: Vec<RowRecord> = response.take(0).map_err(read_error)?;
    let total: Option<i64> = response.take((1, "n")).map_err(read_error)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let (items, received) = (count(r.items.unwrap_or(0)), count(r.received.unwrap_or(0)));
            Ok(HandoverRow {
                id: key_of(&r.id),
                code: r.code,
                institute: Text::new(r.institute_name, r.institute_name_fr),
                handed_over_on: r.handed_over_on.to_string(),
                status: HandoverStatus::from_code(&r.status).map_err(super::query::invalid_row)?,
                items,
                outstanding: items.saturating_sub(received),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total: total.unwrap_or(0).max(0) as u64 })
}
