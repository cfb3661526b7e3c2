//! Form endpoints for signing in and out and changing one's password. They work without
//! JavaScript: each answers with a redirect to the page that shows the result.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use app::domain::CurrentUser;
use app::i18n::{Locale, lang_chosen_cookie_value, lang_cookie_value, language_was_chosen};

use crate::auth::password::{self, check_new};
use crate::auth::store::{SINCE_KEY, TOUCHED_KEY, USER_KEY, now_secs};
use crate::db::users::{self, normalise_email};
use crate::http::respond::{see_other, with_query};
use crate::http::site::safe_next;
use crate::state::AppState;

fn lang_cookie(locale: Locale) -> HeaderValue {
    HeaderValue::from_str(&lang_cookie_value(locale)).expect("ASCII cookie")
}

/// `target` with `language_kept=1` in its query, before any fragment: the page then tells the user
/// that it is shown in their account's language, and how to switch.
fn with_language_notice(target: &str) -> String {
    let (path, fragment) = target.split_once('#').map_or((target, None), |(p, f)| (p, Some(f)));
    let joiner = if path.contains('?') { '&' } else { '?' };
    match fragment {
        Some(fragment) => format!("{path}{joiner}language_kept=1#{fragment}"),
        None => format!("{path}{joiner}language_kept=1"),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    // The language the sign-in page was shown in (its cookie, else what the browser asks for in
    // `Accept-Language`; a request naming neither was shown in the default language by no one's
    // choice), and whether someone picked it with the switch on this browser.
    let cookies: Vec<&str> = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
    let shown = cookies.iter().find_map(|c| Locale::from_cookie_header(c)).or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Locale::from_accept_language)
    });
    let chosen = shown.filter(|_| cookies.iter().any(|c| language_was_chosen(c)));
    let email = normalise_email(&form.email);
    let next = safe_next(&form.next);
    if let Err(wait) = state.limiter.attempt(&email, client.ip()) {
        let wait = wait.as_secs().max(1).to_string();
        tracing::warn!(%email, client = %client.ip(), "sign-in rate limit reached");
        return see_other(&with_query(
            "/login",
            &[("error", "rate"), ("wait", &wait), ("email", &email), ("next", &next)],
        ));
    }
    let record = match users::find_by_email(&state.db, &email).await {
        Ok(record) => record,
        Err(error) => {
            tracing::error!(%error, "sign-in lookup failed");
            return see_other(&with_query(
                "/login",
                &[("error", "internal"), ("email", &email), ("next", &next)],
            ));
        }
    };
    let candidate = record.filter(|r| r.active);
    let password = form.password;
    let (candidate, verified) = tokio::task::spawn_blocking(move || match candidate {
        Some(record) => {
            let ok = password::verify(&password, &record.hash());
            (Some(record), ok)
        }
        None => {
            password::verify_dummy(&password);
            (None, false)
        }
    })
    .await
    .unwrap_or((None, false));
    let Some(user) = candidate.filter(|_| verified).and_then(|r| r.current()) else {
        tracing::info!(%email, client = %client.ip(), "sign-in refused");
        return see_other(&with_query("/login", &[("error", "invalid"), ("email", &email), ("next", &next)]));
    };
    // A fresh session id at sign-in, so that an id planted before cannot be ridden.
    if session.cycle_id().await.is_err()
        || session.insert(USER_KEY, &user.id).await.is_err()
        || session.insert(SINCE_KEY, now_secs()).await.is_err()
        || session.insert(TOUCHED_KEY, now_secs()).await.is_err()
        // Stored now, before the sign-in is recorded: once that has committed, a failed session
        // write no longer fails the answer, and a sign-in without its session would be none.
        || session.save().await.is_err()
    {
        return see_other(&with_query(
            "/login",
            &[("error", "internal"), ("email", &email), ("next", &next)],
        ));
    }
    // The sign-in is in the audit log before the session is handed out.
    if let Err(error) = users::record_sign_in(&state.db, &user.id).await {
        tracing::error!(%error, user = %user.id, "could not record the sign-in in the audit log");
        return see_other(&with_query(
            "/login",
            &[("error", "internal"), ("email", &email), ("next", &next)],
        ));
    }
    tracing::info!(user = %user.id, role = user.role.code(), "signed in");
    // A language chosen with the switch before signing in becomes the user's preference. Without
    // a choice (a cookie left by the last sign-in on this browser, or the browser's own language),
    // the account's preference applies, and the next page says so when it differs from the
    // language the sign-in page was shown in.
    let language = match chosen {
        Some(chosen) => {
            if chosen != user.language
                && let Err(error) = users::set_language(&state.db, &user.id, chosen).await
            {
                // The sign-in stands and the page stays in the language chosen; only the stored
                // preference is behind.
                tracing::error!(%error, user = %user.id, "could not store the language chosen at sign-in");
            }
            chosen
        }
        None => user.language,
    };
    let target = if user.must_change_password { "/account/password".to_owned() } else { next };
    let target = if chosen.is_none() && shown.is_some_and(|shown| shown != language) {
        with_language_notice(&target)
    } else {
        target
    };
    let mut response = see_other(&target);
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, lang_cookie(language));
    // The choice is spent: on a shared computer, the next person to sign in starts from their own
    // account's language.
    headers.append(
        header::SET_COOKIE,
        HeaderValue::from_str(&lang_chosen_cookie_value(false)).expect("ASCII cookie"),
    );
    response
}

/// `POST /logout`: ends the session on the server.
pub async fn logout(session: Session) -> Response {
    let _ = session.flush().await;
    see_other("/login?signed_out=1")
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let Some(axum::Extension(user)) = user else {
        return (StatusCode::UNAUTHORIZED, "Sign in first. / Connectez-vous d’abord.").into_response();
    };
    let back = |code: &str| see_other(&with_query("/account/password", &[("error", code)]));
    let record = match users::find_by_key(&state.db, &user.id).await {
        Ok(Some(record)) => record,
        _ => return back("internal"),
    };
    let current = form.current.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&current, &record.hash()))
        .await
        .unwrap_or(false);
    if !ok {
        return back("current");
    }
    if let Err(problem) = check_new(&form.current, &form.new, &form.confirm) {
        return back(problem.code());
    }
    if users::set_password(&state.db, Some(crate::db::audit::actor(&user)), &user.id, &form.new, false)
        .await
        .is_err()
    {
        return back("internal");
    }
    // Every session opened with the old password ends (another browser, a stolen cookie);
    // this one goes on under a new id, stored when the response is sent.
    if let Err(error) = state.sessions.delete_for_user(&user.id).await {
        tracing::error!(%error, user = %user.id, "password changed, but the user's other sessions could not be ended");
    }
    if let Err(error) = session.cycle_id().await {
        tracing::error!(%error, user = %user.id, "password changed, but the session id could not be renewed");
    }
    tracing::info!(user = %user.id, "password changed");
    see_other("/?password=changed")
}
