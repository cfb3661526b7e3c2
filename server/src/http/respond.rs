//! How the form endpoints answer before and after their work: a refusal for who is asking, or a
//! redirect to the page that shows the outcome.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use app::domain::{CurrentUser, Permission};

/// A 303 to `location`.
pub fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// `path` with `pairs` as its query, encoded.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// Why a form post was refused before doing anything.
pub enum Denied {
    Unauthorized,
    Forbidden,
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        match self {
            Denied::Unauthorized => {
                (StatusCode::UNAUTHORIZED, "Sign in first. / Connectez-vous d’abord.").into_response()
            }
            Denied::Forbidden => {
                (StatusCode::FORBIDDEN, "Not allowed. / Action non autorisée.").into_response()
            }
        }
    }
}

/// 401 when nobody is signed in, 403 when the user lacks the permission.
pub fn require(user: Option<&CurrentUser>, permission: Permission) -> Result<&CurrentUser, Denied> {
    match user {
        None => Err(Denied::Unauthorized),
        Some(u) if u.can(permission) && !u.must_change_password => Ok(u),
        Some(_) => Err(Denied::Forbidden),
    }
}
