//! What the form posts share. They work without JavaScript: on a problem they keep what was
//! typed (in the session) and send the user back to the form, which shows it with the errors
//! next to the fields.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::form_values::{FormValues, may_repeat};
use app::domain::{CurrentUser, FormState, Permission};
use app::error::FieldError;
use app::services::valid_key;

use crate::http::respond::{self, Denied};

/// 401 when nobody is signed in, 403 unless the user may edit the programme's records.
pub fn require(user: &Option<axum::Extension<CurrentUser>>) -> Result<&CurrentUser, Denied> {
    respond::require(user.as_ref().map(|e| &e.0), Permission::EditProgramme)
}

/// Collects the posted pairs. The checkbox groups ([`may_repeat`]) are joined with commas; any
/// other field posted twice is refused with a 400 (no browser sends that from our forms).
pub fn values(pairs: Vec<(String, String)>) -> Result<FormValues, Repeated> {
    let mut values = FormValues::new();
    for (name, value) in pairs {
        match values.get_mut(&name) {
            Some(joined) if may_repeat(&name) => {
                joined.push(',');
                joined.push_str(&value);
            }
            Some(_) => return Err(Repeated(name)),
            None => {
                values.insert(name, value);
            }
        }
    }
    Ok(values)
}

/// A form that sent a field twice, by the field's name.
pub struct Repeated(String);

impl IntoResponse for Repeated {
    fn into_response(self) -> Response {
        repeated(&self.0)
    }
}

/// The answer to a form that sent a field twice: 400, in both languages.
fn repeated(name: &str) -> Response {
    tracing::warn!(field = name, "a form posted a field more than once: refused");
    let body = format!(
        "This form sent the field \"{name}\" more than once; nothing was saved.\n\
         Ce formulaire a envoyé le champ « {name} » plusieurs fois ; rien n’a été enregistré.\n"
    );
    (StatusCode::BAD_REQUEST, [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], body)
        .into_response()
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
    /// A field posted twice.
    Form(Repeated),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::User(denied) => denied.into_response(),
            Refused::Post(status) => status.into_response(),
            Refused::Form(repeated) => repeated.into_response(),
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
    let values = values(pairs).map_err(Refused::Form)?;
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
