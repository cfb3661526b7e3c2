//! Middleware in front of every route: who is asking (the session's user, resolved once per
//! request) and whether a state-changing request comes from our own site.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::CurrentUser;

use crate::auth::store::{SINCE_KEY, TOUCH_EVERY_SECS, TOUCHED_KEY, USER_KEY, now_secs};
use crate::db::users;
use crate::state::AppState;

/// Resolves the signed-in user once per request and puts it in the request's extensions, where
/// the services find it. Sessions past their absolute lifetime, and sessions of users who were
/// deactivated or deleted, are ended here.
pub async fn resolve_user(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(user) = user_of_session(&state, &session).await {
        if user.must_change_password && must_change_applies(request.method(), request.uri().path()) {
            return Redirect::to("/account/password").into_response();
        }
        request.extensions_mut().insert(user);
        touch(&session).await;
    }
    next.run(request).await
}

/// Moves the session's idle deadline on, at most once a minute: the session is stored only
/// when it changed, and a page view changes nothing else, so most views write nothing.
async fn touch(session: &Session) {
    let now = now_secs();
    let touched: i64 = session.get(TOUCHED_KEY).await.ok().flatten().unwrap_or(0);
    if now.saturating_sub(touched) >= TOUCH_EVERY_SECS {
        let _ = session.insert(TOUCHED_KEY, now).await;
    }
}

/// Pages a user with a one-time password may still open.
fn must_change_applies(method: &Method, path: &str) -> bool {
    method == Method::GET
        && !["/account/password", "/login", "/healthz", "/favicon.svg"].contains(&path)
        && !path.starts_with("/pkg/")
        && !path.starts_with("/api/")
}

async fn user_of_session(state: &AppState, session: &Session) -> Option<CurrentUser> {
    let key: String = session.get(USER_KEY).await.ok().flatten()?;
    let since: i64 = session.get(SINCE_KEY).await.ok().flatten().unwrap_or(0);
    let max = state.auth.session_max.as_secs() as i64;
    if now_secs().saturating_sub(since) > max {
        tracing::info!(user = %key, "session reached its absolute lifetime");
        let _ = session.flush().await;
        return None;
    }
    match users::find_by_key(&state.db, &key).await {
        Ok(Some(record)) if record.active => record.current(),
        Ok(_) => {
            let _ = session.flush().await;
            None
        }
        Err(error) => {
            tracing::error!(%error, "could not load the session's user");
            None
        }
    }
}

/// Refuses state-changing requests from other sites: a foreign `Origin`, or a `Sec-Fetch-Site`
/// other than same-origin. Reads (GET, HEAD, OPTIONS) pass.
pub async fn same_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if !is_same_origin(request.headers(), state.auth.public_url.as_deref()) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site request refused. / Requête intersite refusée.")
            .into_response();
    }
    next.run(request).await
}

/// Whether the browser says this request comes from our own site.
pub fn is_same_origin(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Browsers send Origin on every cross-site POST; its absence means a same-site form of
        // an old browser, or a non-browser client, which carries no ambient cookies of ours.
        return true;
    };
    match public_url {
        Some(url) => origin == url,
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
            !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_rules() {
        let ours = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]);
        assert!(is_same_origin(&ours, None));
        let foreign = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(!is_same_origin(&foreign, None));
        let fetch_cross = headers(&[("host", "a"), ("sec-fetch-site", "cross-site")]);
        assert!(!is_same_origin(&fetch_cross, None));
        let fetch_same = headers(&[("host", "a"), ("sec-fetch-site", "same-origin")]);
        assert!(is_same_origin(&fetch_same, None));
        assert!(is_same_origin(&headers(&[]), None), "no Origin: not a cross-site browser request");
        let behind_proxy = headers(&[("host", "internal:3000"), ("origin", "https://aidtrail.example.org")]);
        assert!(is_same_origin(&behind_proxy, Some("https://aidtrail.example.org")));
        assert!(!is_same_origin(&ours, Some("https://aidtrail.example.org")));
    }

    #[test]
    fn one_time_password_users_are_sent_to_change_it() {
        assert!(must_change_applies(&Method::GET, "/grants"));
        assert!(!must_change_applies(&Method::GET, "/account/password"));
        assert!(!must_change_applies(&Method::GET, "/pkg/aidtrail.js"));
        assert!(!must_change_applies(&Method::POST, "/logout"));
    }
}
