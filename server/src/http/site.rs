//! Plain axum routes beside the Leptos pages: health check and the no-JavaScript language switch.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use app::domain::CurrentUser;
use app::i18n::{LANG_COOKIE, Locale};

use crate::state::AppState;

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    if crate::db::ping(&state.db).await {
        (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
        )
            .into_response()
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    next: String,
}

/// Only same-site paths may be returned to: `/x`, never `//host` or `/\host`.
pub(crate) fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.contains(['\r', '\n']);
    if ok { next } else { "/" }
}

/// `POST /lang`: remembers the language in a cookie and goes back to the page, for browsers
/// without JavaScript (with it, the switch happens in place).
pub async fn set_language(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(locale) = Locale::from_code(&form.lang) else {
        return (StatusCode::BAD_REQUEST, "Unknown language / Langue inconnue").into_response();
    };
    if let Some(axum::Extension(user)) = user
        && let Err(error) = crate::db::users::set_language(&state.db, &user.id, locale).await
    {
        tracing::warn!(%error, "could not save the language preference");
    }
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.code());
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(safe_next(&form.next)) {
        headers.insert(header::LOCATION, location);
    }
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/activities?page=2"), "/activities?page=2");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
