//! What the storage modules share: the scope conditions and their bound value, how a failed
//! query becomes an error for the browser, and the small rows several of them read. Nothing here
//! calls another module of `db`.

use app::domain::Scope;
use app::error::{AppError, FieldError};
use surrealdb::types::{RecordId, SurrealValue};

/// The record kinds a scope filters.
#[derive(Clone, Copy)]
pub(crate) enum Records {
    Grants,
    Activities,
    Institutes,
    Equipment,
}

/// The `WHERE` condition that keeps `records` inside `scope`, using the bound `$scope`.
pub(crate) fn condition(scope: &Scope, records: Records) -> &'static str {
    match (scope, records) {
        (Scope::All, _) => "true",
        (Scope::Donor(_), Records::Grants) => "donor = $scope",
        (Scope::Donor(_), Records::Activities) => "$scope IN funding.donor_grant.donor",
        (Scope::Donor(_), Records::Institutes) => {
            "id IN array::flatten((SELECT VALUE institutes FROM activity WHERE archived = false AND $scope IN funding.donor_grant.donor))"
        }
        (Scope::Donor(_), Records::Equipment) => "donor_grant.donor = $scope",
        (Scope::Institute(_), Records::Grants) => "false",
        (Scope::Institute(_), Records::Activities) => "$scope IN institutes",
        (Scope::Institute(_), Records::Institutes) => "id = $scope",
        (Scope::Institute(_), Records::Equipment) => {
            "id IN array::flatten((SELECT VALUE lines.equipment FROM handover WHERE archived = false AND institute = $scope))"
        }
    }
}

/// The value bound to `$scope`.
pub(crate) fn scope_value(scope: &Scope) -> Option<RecordId> {
    match scope {
        Scope::All => None,
        Scope::Donor(key) => Some(RecordId::new("donor", key.as_str())),
        Scope::Institute(key) => Some(RecordId::new("institute", key.as_str())),
    }
}

/// Logs a database failure and hides it from the browser.
pub(crate) fn internal(error: surrealdb::Error) -> AppError {
    tracing::error!(%error, "database query failed");
    AppError::Internal
}

/// A stored row that breaks a domain rule: the schema should make this impossible.
pub(crate) fn invalid_row(error: app::domain::DomainError) -> AppError {
    tracing::error!(%error, "stored record fails domain validation");
    AppError::Internal
}

/// Activities that took place (implementation, finalisation, closed) count as training given.
pub(crate) const HELD: &str = "status IN [2, 3, 4]";

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub(crate) struct OptionRecord {
    pub(crate) id: RecordId,
    pub(crate) label: String,
    pub(crate) label_fr: String,
}

/// A field error: the field's name and the code of its message.
pub(crate) fn field(field: &str, code: &str) -> FieldError {
    FieldError { field: field.to_owned(), message: code.to_owned() }
}

/// Whether an error of the engine is a transaction that lost a race with another one (a write
/// conflict), which succeeds when tried again.
pub(crate) fn is_retryable(message: &str) -> bool {
    let message = message.to_lowercase();
    message.contains("conflict") || message.contains("can be retried")
}
