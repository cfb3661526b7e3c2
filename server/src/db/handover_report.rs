//! What happened to the equipment after it was handed over: state reports by the institutes,
//! overdue verifications, and the report across institutes (outstanding and disputed items,
//! items by state, value confirmed against value handed over per grant).

use std::collections::BTreeMap;

use app::domain::EquipmentState;
use app::domain::handovers::{GrantEquipmentValue, HandoverReport, OpenHandover, OverdueItem, StateCount};
use app::domain::{Currency, CurrentUser, HandoverStatus, Money, Scope, Text};
use app::error::{AppError, FieldError};
use chrono::NaiveDate;
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::audit::{SaveError, actor, audited, execute, new_key};
use super::query::{internal as read_error, invalid_row};
use super::rows::key_of;

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Line {
    quantity: i64,
    received: Option<i64>,
    disputed: Option<i64>,
    unit_cost_minor: Option<i64>,
    currency: Option<String>,
    grant: Option<String>,
    donor: Option<RecordId>,
    state: Option<String>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct HandoverLines {
    id: RecordId,
    code: String,
    institute_name: String,
    institute_name_fr: String,
    status: String,
    lines: Vec<Line>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct OverdueRow {
    id: RecordId,
    description: String,
    description_fr: String,
    next_verification_on: NaiveDate,
}

fn scope_value(scope: &Scope) -> Option<RecordId> {
    match scope {
        Scope::All => None,
        Scope::Donor(key) => Some(RecordId::new("donor", key.as_str())),
        Scope::Institute(key) => Some(RecordId::new("institute", key.as_str())),
    }
}

/// The report across the handovers the scope may see. Handover lines are few (one per kind of
/// item per handover), so the per-grant values are added up here from one query.
pub async fn report(db: &Db, scope: &Scope, today: NaiveDate) -> Result<HandoverReport, AppError> {
    let (handovers, equipment) = match scope {
        Scope::All => ("true", "true"),
        Scope::Institute(_) => (
            "institute = $scope",
            "id IN array::flatten((SELECT VALUE lines.equipment FROM handover WHERE archived = false AND institute = $scope))",
        ),
        Scope::Donor(_) => ("$scope IN lines.equipment.donor_grant.donor", "donor_grant.donor = $scope"),
    };
    let sql = format!(
        "SELECT id, code, institute.name AS institute_name, institute.name_fr AS institute_name_fr, status,
                lines.map(|$l| {{
                    quantity: $l.quantity, received: $l.received, disputed: $l.disputed,
                    unit_cost_minor: $l.equipment.unit_cost_minor, currency: $l.equipment.currency,
                    grant: $l.equipment.donor_grant.reference, donor: $l.equipment.donor_grant.donor,
                    state: $l.state
                }}) AS lines
         FROM handover WHERE archived = false AND status != 'planned' AND ({handovers}) ORDER BY code;
         SELECT id, description, description_fr, next_verification_on FROM equipment
         WHERE archived = false AND next_verification_on != NONE AND next_verification_on < $today AND ({equipment})
         ORDER BY next_verification_on LIMIT 200;"
    );
    let mut response =
        db.query(sql).bind(("scope", scope_value(scope))).bind(("today", today)).await.map_err(read_error)?;
    let handovers: Vec<HandoverLines> = response.take(0).map_err(read_error)?;
    let overdue: Vec<OverdueRow> = response.take(1).map_err(read_error)?;
    let own_donor = scope_value(scope).filter(|_| matches!(scope, Scope::Donor(_)));

    let mut open = Vec::new();
    let mut grants: BTreeMap<String, (i64, i64, String)> = BTreeMap::new();
    // Items handed over, by the state last reported of the line that holds them.
    let mut states: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for h in handovers {
        let status = HandoverStatus::from_code(&h.status).map_err(invalid_row)?;
        let mut outstanding = 0_i64;
        let mut outstanding_value: Option<Money> = None;
        for line in &h.lines {
            if own_donor.is_some() && line.donor != own_donor {
                continue;
            }
            *states.entry(line.state.clone()).or_default() += line.quantity;
            let (Some(cost), Some(currency), Some(grant)) =
                (line.unit_cost_minor, &line.currency, &line.grant)
            else {
                continue;
            };
            let received = line.received.unwrap_or(0).min(line.quantity);
            // Disputed units arrived but are not confirmed: no confirmed value.
            let confirmed = received - line.disputed.unwrap_or(0).clamp(0, received);
            let entry = grants.entry(grant.clone()).or_insert((0, 0, currency.clone()));
            entry.0 += line.quantity * cost;
            entry.1 += confirmed * cost;
            let missing = line.quantity - received;
            outstanding += missing;
            if missing > 0 {
                let currency = Currency::parse(currency).map_err(invalid_row)?;
                let add = missing * cost;
                outstanding_value = Some(match outstanding_value {
                    Some(v) if v.currency() == &currency => {
                        Money::new(v.minor() + add, currency).map_err(invalid_row)?
                    }
                    _ => Money::new(add, currency).map_err(invalid_row)?,
                });
            }
        }
        if outstanding > 0 || status == HandoverStatus::Disputed {
            open.push(OpenHandover {
                id: key_of(&h.id),
                code: h.code,
                institute: Text::new(h.institute_name, h.institute_name_fr),
                status,
                outstanding: u32::try_from(outstanding).unwrap_or(0),
                outstanding_value,
            });
        }
    }
    let grants = grants
        .into_iter()
        .map(|(reference, (handed, confirmed, currency))| {
            let currency = Currency::parse(&currency).map_err(invalid_row)?;
            Ok(GrantEquipmentValue {
                reference,
                handed_over: Money::new(handed, currency.clone()).map_err(invalid_row)?,
                confirmed: Money::new(confirmed, currency).map_err(invalid_row)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let states = states
        .into_iter()
        .map(|(state, items)| {
            Ok(StateCount {
                state: state.as_deref().map(EquipmentState::from_code).transpose().map_err(invalid_row)?,
                items: u64::try_from(items).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let overdue = overdue
        .into_iter()
        .map(|o| OverdueItem {
            id: key_of(&o.id),
            description: Text::new(o.description, o.description_fr),
            due: o.next_verification_on.to_string(),
        })
        .collect();
    Ok(HandoverReport { open, states, grants, overdue })
}

/// Records what an institute (or a programme manager) reports about the state of the items of
/// one handover line, and makes it that line's current state, audited, in one transaction. The
/// state belongs to what the institute holds: the same equipment record handed over to other
/// institutes keeps their own states. An institute reports only on its own handovers, once it
/// has received them.
pub async fn report_state(
    db: &Db,
    user: &CurrentUser,
    handover: &str,
    equipment: &str,
    state: EquipmentState,
    on: NaiveDate,
    remark: String,
) -> Result<(), SaveError> {
    let institute = user.institute.as_ref().map(|k| RecordId::new("institute", k.as_str()));
    let audit = audited("report_state", false);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $before = (SELECT * FROM ONLY $id);
         IF $before = NONE OR $before.archived OR $equipment NOT IN $before.lines.equipment {{
             THROW 'aidtrail:not_found'
         }};
         IF $institute != NONE AND ($before.institute != $institute
             OR $before.status NOT IN ['received', 'partially_received', 'disputed']) {{
             THROW 'aidtrail:not_yours'
         }};
         CREATE $report CONTENT {{
             equipment: $equipment, handover: $id, state: $state, reported_on: $on, remark: $remark,
             reported_by: $actor, at: time::now()
         }};
         LET $after = (UPDATE ONLY $id SET
             lines = lines.map(|$l| IF $l.equipment = $equipment {{ object::extend($l, {{ state: $state }}) }} ELSE {{ $l }}),
             version = $before.version + 1 RETURN AFTER);
         {audit}
         COMMIT TRANSACTION;"
    );
    let bindings = vec![
        ("id", RecordId::new("handover", handover).into_value()),
        ("equipment", RecordId::new("equipment", equipment).into_value()),
        ("report", RecordId::new("equipment_report", new_key().as_str()).into_value()),
        ("institute", institute.into_value()),
        ("state", state.code().to_owned().into_value()),
        ("on", on.into_value()),
        ("remark", remark.clone().into_value()),
        ("actor", actor(user).into_value()),
        ("reason", Some(remark).filter(|r| !r.is_empty()).into_value()),
    ];
    execute(db, &sql, bindings, |rule| match rule {
        "not_yours" => Some(SaveError::NotFound),
        _ => None,
    })
    .await
}

/// The state reports made on one handover, about the `equipment` of it the reader may see,
/// newest first. Reports made before states belonged to handover lines (migration 0015) name no
/// handover when a programme manager made them; only staff (`staff`) see those.
pub async fn state_history(
    db: &Db,
    handover: &str,
    equipment: Vec<String>,
    staff: bool,
) -> Result<Vec<app::domain::handovers::StateReport>, AppError> {
    #[derive(Debug, SurrealValue)]
    #[surreal(crate = "surrealdb::types")]
    struct Row {
        equipment: RecordId,
        state: String,
        reported_on: NaiveDate,
        remark: String,
        by: Option<String>,
    }
    let ids: Vec<RecordId> = equipment.iter().map(|k| RecordId::new("equipment", k.as_str())).collect();
    let rows: Vec<Row> = db
        .query(
            "SELECT equipment, state, reported_on, remark, reported_by.name AS by FROM equipment_report
             WHERE equipment IN $ids AND (handover = $handover OR ($staff AND handover = NONE))
             ORDER BY reported_on DESC, at DESC LIMIT 100;",
        )
        .bind(("ids", ids))
        .bind(("handover", RecordId::new("handover", handover)))
        .bind(("staff", staff))
        .await
        .map_err(read_error)?
        .take(0)
        .map_err(read_error)?;
    rows.into_iter()
        .map(|r| {
            Ok(app::domain::handovers::StateReport {
                equipment: key_of(&r.equipment),
                state: EquipmentState::from_code(&r.state).map_err(invalid_row)?,
                reported_on: r.reported_on.to_string(),
                remark: r.remark,
                reported_by: r.by.unwrap_or_default(),
            })
        })
        .collect()
}

/// A field error for the state form.
pub fn state_error(field: &str, code: &str) -> FieldError {
    FieldError { field: field.to_owned(), message: code.to_owned() }
}
