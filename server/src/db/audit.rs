//! Audit events written in the same transaction as the change they describe.
//!
//! Each event gets the next sequence number and a SHA-256 hash over its content and the
//! previous event's hash, computed in the database inside the transaction, so that events are
//! chained (issue 7 adds the verification).

/// SurrealQL that appends one audit event, to be placed inside a transaction after the change.
/// Expects `$actor` (record or NONE), `$action`, `$record` (string), `$before_text` and
/// `$after_text` (strings or NONE), `$reason` (string or NONE) to be set.
pub const APPEND_EVENT: &str = r#"
LET $last = (SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1)[0];
LET $seq = ($last.seq ?? 0) + 1;
LET $prev = $last.hash ?? "";
LET $at = time::now();
LET $hash = crypto::sha256(string::join("|", <string> $seq, <string> $at, <string> ($actor ?? ""), $action, $record,
    $before_text ?? "", $after_text ?? "", $reason ?? "", $prev));
CREATE audit_event CONTENT {
    seq: $seq, at: $at, actor: $actor, action: $action, record: $record,
    before: $before_text, after: $after_text, reason: $reason, prev_hash: $prev, hash: $hash
};
"#;

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
            e[i + MARK.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
        })
    }) {
        return WriteError::Rule(rule);
    }
    if errors.iter().any(|e| e.contains("activity_code")) {
        return WriteError::Rule("duplicate_code".into());
    }
    if errors.iter().any(|e| {
        let e = e.to_lowercase();
        e.contains("conflict") || e.contains("can be retried")
    }) {
        return WriteError::Retry;
    }
    WriteError::Other(
        errors
            .into_iter()
            .find(|e| !e.contains("not executed due to a failed transaction"))
            .unwrap_or_else(|| "unknown database error".into()),
    )
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
        assert_eq!(classify(vec!["Transaction conflict: write conflict".into()]), WriteError::Retry);
        assert!(matches!(classify(vec!["boom".into()]), WriteError::Other(_)));
    }
}
