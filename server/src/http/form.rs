//! What the form posts share. They work without JavaScript: on a problem they keep what was
//! typed (in the session) and send the user back to the form, which shows it with the errors
//! next to the fields.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::form_values::FormValues;
use app::domain::{CurrentUser, FormState, Permission};
use app::error::FieldError;
use app::services::valid_key;

use crate::http::respond::{self, Denied};

/// 401 when nobody is signed in, 403 unless the user may edit the programme's records.
pub fn require(user: &Option<axum::Extension<CurrentUser>>) -> Result<&CurrentUser, Denied> {
    respond::require(user.as_ref().map(|e| &e.0), Permission::EditProgramme)
}

/// Collects the posted pairs; repeated names (the institutes list, checkboxes) are joined with
/// commas.
pub fn values(pairs: Vec<(String, String)>) -> FormValues {
    let mut values = FormValues::new();
    for (name, value) in pairs {
        values
            .entry(name)
            .and_modify(|v: &mut String| {
                v.push(',');
                v.push_str(&value);
            })
            .or_insert(value);
    }
    values
}

/// The version the form was opened with.
pub fn version_of(values: &FormValues) -> Option<i64> {
    values.get("version").and_then(|v| v.trim().parse::<i64>().ok())
}

pub fn reason(values: &FormValues) -> Option<String> {
    values.get("reason").map(|r| r.trim().to_owned()).filter(|r| !r.is_empty())
}

/// A post against a stored record: the editor, what was typed, and the version the form was
/// opened with.
pub struct Edit<'u> {
    pub user: &'u CurrentUser,
    pub values: FormValues,
    pub version: i64,
}

/// Why a post is answered before it is read further.
pub enum Refused {
    /// 401 or 403.
    User(Denied),
    /// 404 for a key that cannot be one, 400 for a post without its version.
    Post(StatusCode),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::User(denied) => denied.into_response(),
            Refused::Post(status) => status.into_response(),
        }
    }
}

/// Reads a post against the record `key`.
pub fn edit<'u>(
    user: &'u Option<axum::Extension<CurrentUser>>,
    key: &str,
    pairs: Vec<(String, String)>,
) -> Result<Edit<'u>, Refused> {
    let user = require(user).map_err(Refused::User)?;
    if !valid_key(key) {
        return Err(Refused::Post(StatusCode::NOT_FOUND));
    }
    let values = values(pairs);
    let version = version_of(&values).ok_or(Refused::Post(StatusCode::BAD_REQUEST))?;
    Ok(Edit { user, values, version })
}

/// Keeps the typed values and the problems for the form page, then sends the user back to it.
pub async fn back(session: &Session, form: &str, location: &str, state: FormState) -> Response {
    if let Err(error) = session.insert(&format!("form:{form}"), state).await {
        tracing::error!(%error, "could not keep the form state");
    }
    Redirect::to(location).into_response()
}

pub fn problem(values: FormValues, errors: Vec<FieldError>) -> FormState {
    FormState { values, errors, conflict: false }
}

pub fn internal_problem(values: FormValues) -> FormState {
    problem(values, vec![FieldError { field: String::new(), message: "internal".into() }])
}
