//! Writing handovers: creating one, marking it handed over, and recording an institute's
//! confirmation once, audited, in one transaction with the handover's new status.

use app::domain::handovers::{Confirmation, ConfirmationDraft, HandoverDetail, HandoverLine, status_after};
use app::domain::{CurrentUser, HandoverStatus};
use app::error::FieldError;
use chrono::NaiveDate;
use surrealdb::types::{Object, RecordId, SurrealValue, Value};

use crate::db::Db;
use crate::db::audit::{SaveError, actor, audited, execute, new_key};

/// What confirming did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// Recorded now.
    Recorded(HandoverStatus),
    /// The same form was already recorded (a second click, a retry): nothing new.
    AlreadyRecorded,
}

fn line_value(line: &HandoverLine, received: u32, disputed: u32, checked: &[String]) -> Value {
    let mut o = Object::new();
    o.insert("equipment", RecordId::new("equipment", line.equipment.as_str()));
    o.insert("quantity", i64::from(line.quantity));
    o.insert("serials", line.serials.clone());
    o.insert("received", i64::from(received));
    o.insert("disputed", i64::from(disputed.min(received)));
    if let Some(state) = line.state {
        o.insert("state", state.code().to_owned());
    }
    let mut serials: Vec<String> = line.serials_checked.clone();
    serials.extend(checked.iter().filter(|s| !line.serials_checked.contains(s)).cloned());
    o.insert("serials_checked", serials);
    Value::Object(o)
}

pub(crate) async fn token_recorded(db: &Db, token: &str) -> bool {
    let found: Option<RecordId> = db
        .query("SELECT VALUE id FROM handover_confirmation WHERE token = $form_token LIMIT 1;")
        .bind(("form_token", token.to_owned()))
        .await
        .ok()
        .and_then(|mut r| r.take::<Vec<RecordId>>(0).ok())
        .and_then(|v| v.into_iter().next());
    found.is_some()
}

/// Records an institute's confirmation (or its correction of the last one) of `handover`, which
/// the caller read at `handover.version` with the user's institute scope. Once per token.
pub async fn confirm(
    db: &Db,
    user: &CurrentUser,
    handover: &HandoverDetail,
    draft: &ConfirmationDraft,
    correcting: Option<&Confirmation>,
) -> Result<Confirmed, SaveError> {
    if draft.token.len() < 16 {
        return Err(SaveError::Invalid(vec![FieldError { field: String::new(), message: "token".into() }]));
    }
    if token_recorded(db, &draft.token).await {
        return Ok(Confirmed::AlreadyRecorded);
    }
    // A correction replaces what the corrected confirmation said: the units it counted, and
    // if it was a dispute, the units it disputed.
    let corrected_disputes = correcting.map(|c| {
        let as_draft = ConfirmationDraft {
            token: String::new(),
            lines: c.lines.clone(),
            dispute: c.outcome == HandoverStatus::Disputed,
            reason: None,
            remarks: String::new(),
        };
        app::domain::handovers::disputed_now(&as_draft, &handover.lines)
    });
    let before: Vec<HandoverLine> = handover
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let replaced = correcting
                .and_then(|c| c.lines.iter().find(|cl| cl.equipment == l.equipment))
                .map_or(0, |cl| cl.received);
            let replaced_disputed = corrected_disputes.as_ref().and_then(|d| d.get(i).copied()).unwrap_or(0);
            HandoverLine {
                received: l.received.saturating_sub(replaced),
                disputed: l.disputed.saturating_sub(replaced_disputed),
                ..l.clone()
            }
        })
        .collect();
    let received_now: Vec<u32> = handover
        .lines
        .iter()
        .map(|l| draft.lines.iter().find(|d| d.equipment == l.equipment).map_or(0, |d| d.received))
        .collect();
    let status = status_after(&before, &received_now, draft.dispute);
    let disputed_now = app::domain::handovers::disputed_now(draft, &before);
    let lines: Vec<Value> = before
        .iter()
        .zip(&received_now)
        .zip(&disputed_now)
        .map(|((line, now), disputed_now)| {
            let checked =
                draft.lines.iter().find(|d| d.equipment == line.equipment).map(|d| d.serials_checked.clone());
            // Disputed units arrived, and are disputed rather than confirmed.
            let disputed = line.disputed + disputed_now;
            line_value(line, line.received + now, disputed, &checked.unwrap_or_default())
        })
        .collect();
    let confirmation_lines: Vec<Value> = draft
        .lines
        .iter()
        .map(|l| {
            let mut o = Object::new();
            o.insert("equipment", RecordId::new("equipment", l.equipment.as_str()));
            o.insert("received", i64::from(l.received));
            o.insert("serials_checked", l.serials_checked.clone());
            o.insert("condition", l.condition.clone());
            o.insert("remark", l.remark.clone());
            Value::Object(o)
        })
        .collect();
    let allowed: Vec<&str> = match correcting {
        None => vec!["handed_over", "partially_received"],
        Some(_) => vec!["received", "partially_received", "disputed"],
    };
    let audit = audited("confirm", false);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $before = (SELECT * FROM ONLY $id);
         IF $before = NONE OR $before.archived {{ THROW 'aidtrail:not_found' }};
         IF $before.version != $version {{ THROW 'aidtrail:version_conflict' }};
         IF $before.institute != $institute {{ THROW 'aidtrail:forbidden' }};
         IF $before.status NOTINSIDE $allowed {{ THROW 'aidtrail:not_pending' }};
         CREATE $confirmation CONTENT {{
             handover: $id, token: $form_token, outcome: $status, reason: $reason_text, remarks: $remarks,
             corrects: $corrects, lines: $confirmation_lines, confirmed_by: $actor, confirmed_at: time::now()
         }};
         LET $after = (UPDATE ONLY $id SET lines = $lines, status = $status, confirmed_by = $actor,
             confirmed_at = time::now(), version = $version + 1 RETURN AFTER);
         {audit}
         COMMIT TRANSACTION;"
    );
    let institute = RecordId::new("institute", user.institute.clone().unwrap_or_default().as_str());
    let bindings = vec![
        ("id", RecordId::new("handover", handover.id.as_str()).into_value()),
        ("confirmation", RecordId::new("handover_confirmation", new_key().as_str()).into_value()),
        ("version", handover.version.into_value()),
        ("institute", institute.into_value()),
        ("allowed", allowed.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>().into_value()),
        ("form_token", draft.token.clone().into_value()),
        ("status", status.code().to_owned().into_value()),
        ("reason_text", draft.reason.clone().into_value()),
        ("reason", draft.reason.clone().into_value()),
        ("remarks", draft.remarks.clone().into_value()),
        ("corrects", correcting.map(|c| RecordId::new("handover_confirmation", c.id.as_str())).into_value()),
        ("confirmation_lines", confirmation_lines.into_value()),
        ("lines", lines.into_value()),
        ("actor", actor(user).into_value()),
    ];
    let outcome = execute(db, &sql, bindings, |rule| match rule {
        "forbidden" => Some(SaveError::NotFound),
        "not_pending" => Some(SaveError::Conflict),
        _ => None,
    })
    .await;
    match outcome {
        Ok(()) => Ok(Confirmed::Recorded(status)),
        // Two submissions of one form racing: the loser finds the winner's record.
        Err(error) if token_recorded(db, &draft.token).await => {
            tracing::info!(?error, "a confirmation was submitted twice; recorded once");
            Ok(Confirmed::AlreadyRecorded)
        }
        Err(error) => Err(error),
    }
}

/// A handover as a programme manager enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHandover {
    pub code: String,
    pub institute: String,
    pub activity: Option<String>,
    pub handed_over_on: NaiveDate,
    pub handed_over_by: String,
    pub status: HandoverStatus,
    /// (equipment key, quantity, serials)
    pub lines: Vec<(String, u32, Vec<String>)>,
}

/// Creates a handover; the items handed over may not exceed what was bought, counted over every
/// handover in the same transaction.
pub async fn create(db: &Db, user: &CurrentUser, new: &NewHandover) -> Result<String, SaveError> {
    let key = new_key();
    let lines: Vec<Value> = new
        .lines
        .iter()
        .map(|(equipment, quantity, serials)| {
            let mut o = Object::new();
            o.insert("equipment", RecordId::new("equipment", equipment.as_str()));
            o.insert("quantity", i64::from(*quantity));
            o.insert("serials", serials.clone());
            o.insert("received", 0_i64);
            o.insert("disputed", 0_i64);
            o.insert("serials_checked", Vec::<String>::new());
            Value::Object(o)
        })
        .collect();
    let audit = audited("create", true);
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT id FROM handover WHERE code = $code LIMIT 1) {{ THROW 'aidtrail:duplicate' }};
         IF (SELECT VALUE archived FROM ONLY $institute) != false {{ THROW 'aidtrail:unknown_institute' }};
         FOR $line IN $lines {{
             LET $bought = (SELECT VALUE quantity FROM ONLY $line.equipment WHERE archived = false);
             IF $bought = NONE {{ THROW 'aidtrail:unknown_equipment' }};
             LET $given = math::sum(array::flatten(
                 SELECT VALUE lines[WHERE equipment = $line.equipment].quantity FROM handover WHERE archived = false));
             IF $given + $line.quantity > $bought {{ THROW 'aidtrail:more_than_bought' }};
         }};
         LET $after = (CREATE ONLY $id CONTENT {{
             code: $code, institute: $institute, activity: $activity, handed_over_on: $date,
             handed_over_by: $by, status: $status, lines: $lines
         }});
         {audit}
         COMMIT TRANSACTION;"
    );
    let bindings = vec![
        ("id", RecordId::new("handover", key.as_str()).into_value()),
        ("code", new.code.clone().into_value()),
        ("institute", RecordId::new("institute", new.institute.as_str()).into_value()),
        ("activity", new.activity.as_ref().map(|a| RecordId::new("activity", a.as_str())).into_value()),
        ("date", new.handed_over_on.into_value()),
        ("by", new.handed_over_by.clone().into_value()),
        ("status", new.status.code().to_owned().into_value()),
        ("lines", lines.into_value()),
        ("actor", actor(user).into_value()),
        ("reason", None::<String>.into_value()),
    ];
    let field = |field: &str, code: &str| FieldError { field: field.to_owned(), message: code.to_owned() };
    execute(db, &sql, bindings, |rule| {
        Some(SaveError::Invalid(vec![match rule {
            "duplicate" => field("code", app::domain::form_values::record_codes::DUPLICATE),
            "unknown_institute" => field("institute", app::domain::form_values::codes::UNKNOWN),
            "unknown_equipment" => field("line_0_equipment", app::domain::form_values::codes::UNKNOWN),
            "more_than_bought" => {
                field("line_0_quantity", app::domain::handovers::confirm_codes::MORE_THAN_BOUGHT)
            }
            _ => return None,
        }]))
    })
    .await?;
    Ok(key)
}

/// A planned handover has taken place: it now awaits the institute's confirmation.
pub async fn mark_handed_over(db: &Db, user: &CurrentUser, key: &str, version: i64) -> Result<(), SaveError> {
    let audit = audited("update", false);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $before = (SELECT * FROM ONLY $id);
         IF $before = NONE OR $before.archived {{ THROW 'aidtrail:not_found' }};
         IF $before.version != $version {{ THROW 'aidtrail:version_conflict' }};
         IF $before.status != 'planned' {{ THROW 'aidtrail:version_conflict' }};
         LET $after = (UPDATE ONLY $id SET status = 'handed_over', version = $version + 1 RETURN AFTER);
         {audit}
         COMMIT TRANSACTION;"
    );
    let bindings = vec![
        ("id", RecordId::new("handover", key).into_value()),
        ("version", version.into_value()),
        ("actor", actor(user).into_value()),
        ("reason", None::<String>.into_value()),
    ];
    execute(db, &sql, bindings, |_| None).await
}
