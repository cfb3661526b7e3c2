//! Audit events written in the same transaction as the change they describe.
//!
//! The change's transaction writes its event into `audit_pending`, unchained; once it has
//! committed, [`super::audit_sequencer`] gives the event the next sequence number and a SHA-256
//! hash over its content and the previous event's hash, and moves it into `audit_event`. The
//! log lags the commit by the few milliseconds that takes, and the writer waits for it before
//! answering, so that the page after a save shows the change in its history.

/// SurrealQL that writes one audit event, to be placed inside a transaction after the change.
/// Expects `$actor` (record or NONE), `$action`, `$record` (string), `$before_text` and
/// `$after_text` (strings or NONE), `$reason` (string or NONE) to be set, and `$audit_id` (a
/// fresh `audit_pending` id) for the writer to hand it to the sequencer; without one, the event
/// gets an id of its own and waits for the sweep.
pub const APPEND_EVENT: &str = r#"
LET $audit_target = $audit_id ?? audit_pending:ulid();
CREATE $audit_target CONTENT {
    at: time::now(), actor: $actor, action: $action, record: $record,
    before: $before_text, after: $after_text, reason: $reason
};
"#;

/// A fresh id for an event waiting to be chained.
pub fn pending_id() -> surrealdb::types::RecordId {
    surrealdb::types::RecordId::new("audit_pending", new_key().as_str())
}

/// SurrealQL that records, as one audit event of `action`, the change of the record `$id` into
/// `$after`, from `$before` unless it was just `created`. Placed inside the transaction, after
/// the change and before the commit; `$actor` and `$reason` are bound by the caller.
pub fn audited(action: &'static str, created: bool) -> String {
    let before = if created { "NONE" } else { "<string> $before" };
    format!(
        "LET $action = '{action}';
         LET $record = <string> $id;
         LET $before_text = {before};
         LET $after_text = <string> $after;
         {APPEND_EVENT}"
    )
}

/// Creates every record of `rows` (id, content, and the guard statements that refuse it) with
/// an audit event each, in one transaction: all of them or none (an import).
pub async fn create_all_audited(
    db: &super::Db,
    user: &app::domain::CurrentUser,
    rows: Vec<(surrealdb::types::RecordId, surrealdb::types::Value, String)>,
    reason: Option<String>,
) -> Result<(), SaveError> {
    use surrealdb::types::SurrealValue;
    let audit = audited("create", true);
    let events: Vec<surrealdb::types::RecordId> = rows.iter().map(|_| pending_id()).collect();
    // One loop over the rows when they share their guards (rows of one kind, as every import's
    // are). Written out one after the other in the query, with their own `LET`s and bindings,
    // 2,000 rows took 11 s to save (the writes bench; a loop: 3 s): the cost grew faster than the
    // rows, which reads as every top-level `LET` of a query staying in scope for every later
    // lookup in SurrealDB 3.3, where a `FOR` block's variables end with each turn.
    let shared_guards = rows.first().map(|r| r.2.clone()).filter(|g| rows.iter().all(|r| &r.2 == g));
    let (sql, bindings): (String, Vec<(String, surrealdb::types::Value)>) = match shared_guards {
        Some(guards) => {
            let items: Vec<surrealdb::types::Value> = rows
                .iter()
                .zip(&events)
                .map(|((id, content, _), event)| {
                    let mut item = surrealdb::types::Object::new();
                    item.insert("id", id.clone().into_value());
                    item.insert("content", content.clone());
                    item.insert("audit_id", event.clone().into_value());
                    surrealdb::types::Value::Object(item)
                })
                .collect();
            let sql = format!(
                "BEGIN TRANSACTION;
                 FOR $row IN $rows {{
                     LET $id = $row.id; LET $content = $row.content; LET $audit_id = $row.audit_id;
                     {guards}
                     LET $after = (CREATE ONLY $id CONTENT $content);
                     {audit}
                 }};
                 COMMIT TRANSACTION;"
            );
            (sql, vec![("rows".to_owned(), items.into_value())])
        }
        None => {
            let mut sql = String::from("BEGIN TRANSACTION;\n");
            let mut bindings = Vec::new();
            for (i, (id, content, guards)) in rows.iter().enumerate() {
                sql.push_str(&format!(
                    "LET $id = $id_{i}; LET $content = $content_{i}; LET $audit_id = $audit_id_{i};
                     {guards}
                     LET $after = (CREATE ONLY $id CONTENT $content);
                     {audit}\n"
                ));
                bindings.push((format!("id_{i}"), id.clone().into_value()));
                bindings.push((format!("content_{i}"), content.clone()));
                bindings.push((format!("audit_id_{i}"), events[i].clone().into_value()));
            }
            sql.push_str("COMMIT TRANSACTION;");
            (sql, bindings)
        }
    };
    let turn = db.write_turn().await;
    let deadline = tokio::time::Instant::now() + RETRY_FOR;
    let mut wait = FIRST_WAIT;
    loop {
        let mut query = db.query(sql.as_str()).bind(("actor", actor(user))).bind(("reason", reason.clone()));
        for (name, value) in &bindings {
            query = query.bind((name.clone(), value.clone()));
        }
        let mut response = query.await.map_err(|error| {
            tracing::error!(%error, "an import failed");
            SaveError::Internal
        })?;
        let errors: Vec<String> = response.take_errors().into_values().map(|e| e.to_string()).collect();
        if errors.is_empty() {
            drop(turn);
            committed();
            db.sequencer().chain(events).await;
            return Ok(());
        }
        match classify(errors) {
            WriteError::Retry if tokio::time::Instant::now() + wait < deadline => {
                tracing::warn!("an import met a concurrent transaction; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LAST_WAIT);
            }
            error => {
                tracing::warn!(?error, "an import was refused: nothing saved");
                return Err(SaveError::Conflict);
            }
        }
    }
}

/// How long a save that meets concurrent transactions is tried again before it is refused, and
/// the waits between tries (doubling, with jitter).
const RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(5);
const FIRST_WAIT: std::time::Duration = std::time::Duration::from_millis(2);
const LAST_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// Marks the request as having saved a change: nothing after this may answer it with an error
/// page (see [`crate::committed`]).
fn committed() {
    crate::committed::mark();
}

/// Why a record was not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    Invalid(Vec<app::error::FieldError>),
    /// Someone saved a newer version first.
    Conflict,
    NotFound,
    Internal,
}

/// Logs an unexpected failure and reports it as internal.
pub fn internal(error: impl std::fmt::Display) -> SaveError {
    tracing::error!(%error, "saving a record failed");
    SaveError::Internal
}

/// Values bound to an audited statement, by parameter name.
pub type Bindings = Vec<(&'static str, surrealdb::types::Value)>;

/// Runs one audited transaction. Our own rules (`THROW "aidtrail:<rule>"`) go through `rule`;
/// version conflicts and missing records are read here, and refuse the save at once. A conflict
/// with a concurrent transaction of the engine is no reason to refuse: it is tried again, with
/// doubling waits and jitter, for up to [`RETRY_FOR`]. A statement error inside the transaction
/// is never reported as success. The statement's audit event (`$audit_id`, bound here) is chained
/// once the transaction has committed.
pub async fn execute(
    db: &super::Db,
    sql: &str,
    mut bindings: Bindings,
    rule: impl Fn(&str) -> Option<SaveError>,
) -> Result<(), SaveError> {
    use surrealdb::types::SurrealValue;
    let event = pending_id();
    bindings.push(("audit_id", event.clone().into_value()));
    let turn = db.write_turn().await;
    let deadline = tokio::time::Instant::now() + RETRY_FOR;
    let mut wait = FIRST_WAIT;
    let mut attempt = 0_u32;
    loop {
        attempt += 1;
        let mut query = db.query(sql);
        for (name, value) in &bindings {
            query = query.bind((*name, value.clone()));
        }
        let mut response = query.await.map_err(internal)?;
        let errors: Vec<String> = response.take_errors().into_values().map(|e| e.to_string()).collect();
        if errors.is_empty() {
            drop(turn);
            committed();
            db.sequencer().chain(vec![event]).await;
            return Ok(());
        }
        match classify(errors) {
            WriteError::Rule(name) => {
                return Err(match name.as_str() {
                    "version_conflict" => SaveError::Conflict,
                    "not_found" => SaveError::NotFound,
                    other => rule(other).unwrap_or_else(|| internal(format!("unexpected rule {other}"))),
                });
            }
            WriteError::Retry if tokio::time::Instant::now() + wait < deadline => {
                tracing::debug!(attempt, "transaction conflict, trying again");
                tokio::time::sleep(jitter(wait)).await;
                wait = (wait * 2).min(LAST_WAIT);
            }
            WriteError::Retry => {
                return Err(internal(format!(
                    "transaction kept conflicting for {RETRY_FOR:?} ({attempt} tries)"
                )));
            }
            WriteError::Other(error) => return Err(internal(error)),
        }
    }
}

/// Up to twice `wait`, so that transactions that collided do not collide again in step.
fn jitter(wait: std::time::Duration) -> std::time::Duration {
    use rand::Rng;
    wait + wait.mul_f64(rand::rng().random::<f64>())
}

/// The user who made a change, as stored in audit events.
pub fn actor(user: &app::domain::CurrentUser) -> surrealdb::types::RecordId {
    surrealdb::types::RecordId::new("user", user.id.as_str())
}

/// A fresh random record key.
pub fn new_key() -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    rand::rng().sample_iter(&Alphanumeric).take(16).map(|c| char::from(c).to_ascii_lowercase()).collect()
}

/// Archives a record if `version` is still the stored one: it leaves the lists but stays
/// readable, with its history; the audit event is written in the same transaction.
pub async fn archive(
    db: &super::Db,
    user: &app::domain::CurrentUser,
    id: surrealdb::types::RecordId,
    version: i64,
    reason: Option<String>,
) -> Result<(), SaveError> {
    use surrealdb::types::SurrealValue;
    let audit = audited("archive", false);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $before = (SELECT * FROM ONLY $id);
         IF $before = NONE OR $before.archived {{ THROW 'aidtrail:not_found' }};
         IF $before.version != $version {{ THROW 'aidtrail:version_conflict' }};
         LET $after = (UPDATE ONLY $id SET archived = true, version = $version + 1 RETURN AFTER);
         {audit}
         COMMIT TRANSACTION;"
    );
    let bindings = vec![
        ("id", id.into_value()),
        ("version", version.into_value()),
        ("actor", actor(user).into_value()),
        ("reason", reason.into_value()),
    ];
    execute(db, &sql, bindings, |_| None).await
}

/// The marker our own `THROW`s carry, to tell them from engine errors.
pub const MARK: &str = "aidtrail:";

/// What went wrong in an audited write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// A `THROW "aidtrail:<code>"` from the statement: not_found, version_conflict, ...
    Rule(String),
    /// The engine refused because of a concurrent transaction: worth retrying.
    Retry,
    /// Anything else (logged).
    Other(String),
}

/// Reads the errors of a failed transaction: our rule if one was thrown, else a retryable
/// conflict, else the first error.
pub fn classify(errors: Vec<String>) -> WriteError {
    if let Some(rule) = errors.iter().find_map(|e| {
        e.find(MARK).map(|i| {
            e[i + MARK.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':'))
                .collect()
        })
    }) {
        return WriteError::Rule(rule);
    }
    if errors.iter().any(|e| e.contains("activity_code")) {
        return WriteError::Rule("duplicate_code".into());
    }
    if errors.iter().any(|e| super::query::is_retryable(e)) {
        return WriteError::Retry;
    }
    let telling: Vec<String> =
        errors.into_iter().filter(|e| !e.contains("not executed due to a failed transaction")).collect();
    WriteError::Other(if telling.is_empty() { "unknown database error".into() } else { telling.join(" | ") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_rules_win_over_the_failed_transaction_noise() {
        let errors = vec![
            "The query was not executed due to a failed transaction".to_owned(),
            "An error occurred: aidtrail:version_conflict".to_owned(),
        ];
        assert_eq!(classify(errors), WriteError::Rule("version_conflict".into()));
        let with_amount = vec!["An error occurred: aidtrail:over_grant:1250'".to_owned()];
        assert_eq!(classify(with_amount), WriteError::Rule("over_grant:1250".into()));
        assert_eq!(classify(vec!["Transaction conflict: write conflict".into()]), WriteError::Retry);
        assert!(matches!(classify(vec!["boom".into()]), WriteError::Other(_)));
    }
}
