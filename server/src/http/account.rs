//! Form endpoints for signing in and out, changing one's password and administering users.
//! They work without JavaScript: each answers with a redirect to the page that shows the result.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use app::domain::{AdminFlash, CurrentUser, Permission, Role};
use app::i18n::{LANG_COOKIE, Locale};

use crate::auth::now_secs;
use crate::auth::password::{self, check_new};
use crate::auth::store::{SINCE_KEY, USER_KEY};
use crate::db::users::{self, NewUser, UserError, normalise_email};
use crate::http::site::safe_next;
use crate::startup::AppState;

/// The session key of the one-time message shown on the users page.
pub const FLASH_KEY: &str = "admin_flash";

fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

fn lang_cookie(locale: Locale) -> HeaderValue {
    HeaderValue::from_str(&format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.code()))
        .expect("ASCII cookie")
}

/// Why a form post was refused before doing anything.
pub(crate) enum Denied {
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
pub(crate) fn require(user: Option<&CurrentUser>, permission: Permission) -> Result<&CurrentUser, Denied> {
    match user {
        None => Err(Denied::Unauthorized),
        Some(u) if u.can(permission) && !u.must_change_password => Ok(u),
        Some(_) => Err(Denied::Forbidden),
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
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    let email = normalise_email(&form.email);
    let next = safe_next(&form.next).to_owned();
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
    {
        return see_other(&with_query(
            "/login",
            &[("error", "internal"), ("email", &email), ("next", &next)],
        ));
    }
    tracing::info!(user = %user.id, role = user.role.code(), "signed in");
    let target = if user.must_change_password { "/account/password".to_owned() } else { next };
    let mut response = see_other(&target);
    response.headers_mut().insert(header::SET_COOKIE, lang_cookie(user.language));
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
    if users::set_password(&state.db, &user.id, &form.new, false).await.is_err() {
        return back("internal");
    }
    let _ = session.cycle_id().await;
    tracing::info!(user = %user.id, "password changed");
    see_other("/?password=changed")
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    institute: String,
    #[serde(default)]
    donor: String,
    #[serde(default)]
    language: String,
}

fn user_error(error: &UserError) -> Response {
    if let UserError::Db(inner) = error {
        tracing::error!(error = %inner, "user administration failed");
    }
    see_other(&with_query("/admin/users", &[("error", error.code())]))
}

/// `POST /admin/users`: creates a user with a one-time password shown once to the admin.
pub async fn create_user(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Form(form): Form<NewUserForm>,
) -> Response {
    let admin = match require(user.as_ref().map(|e| &e.0), Permission::ManageUsers) {
        Ok(admin) => admin,
        Err(denied) => return denied.into_response(),
    };
    let Ok(role) = Role::from_code(&form.role) else {
        return see_other(&with_query("/admin/users", &[("error", "role")]));
    };
    let new = NewUser {
        email: form.email.clone(),
        name: form.name,
        role,
        institute: (role == Role::Institute).then_some(form.institute),
        donor: (role == Role::Donor).then_some(form.donor),
        language: Locale::from_code(&form.language).unwrap_or_default(),
        must_change_password: true,
    };
    let one_time = password::generate();
    match users::create(&state.db, &new, &one_time).await {
        Ok(key) => {
            tracing::info!(admin = %admin.id, user = %key, role = role.code(), "user created");
            let flash = AdminFlash { email: normalise_email(&form.email), password: one_time, created: true };
            let _ = session.insert(FLASH_KEY, flash).await;
            see_other("/admin/users")
        }
        Err(error) => user_error(&error),
    }
}

/// Activates or deactivates a user for an admin; deactivating ends the user's sessions.
async fn set_active(state: &AppState, user: Option<&CurrentUser>, key: &str, active: bool) -> Response {
    let admin = match require(user, Permission::ManageUsers) {
        Ok(admin) => admin,
        Err(denied) => return denied.into_response(),
    };
    if !active && admin.id == key {
        return see_other(&with_query("/admin/users", &[("error", "self")]));
    }
    let done = if active { "activated" } else { "deactivated" };
    match users::set_active(&state.db, key, active).await {
        Ok(()) => {
            tracing::info!(admin = %admin.id, user = %key, "user {done}");
            see_other(&format!("/admin/users?done={done}"))
        }
        Err(error) => user_error(&error),
    }
}

/// `POST /admin/users/{id}/deactivate`: the user's sessions end at once.
pub async fn deactivate_user(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
) -> Response {
    set_active(&state, user.as_ref().map(|e| &e.0), &key, false).await
}

/// `POST /admin/users/{id}/activate`.
pub async fn activate_user(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
) -> Response {
    set_active(&state, user.as_ref().map(|e| &e.0), &key, true).await
}

/// `POST /admin/users/{id}/reset-password`: a one-time password the user must change.
pub async fn reset_password(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
) -> Response {
    let admin = match require(user.as_ref().map(|e| &e.0), Permission::ManageUsers) {
        Ok(admin) => admin,
        Err(denied) => return denied.into_response(),
    };
    let target = match users::find_by_key(&state.db, &key).await {
        Ok(Some(target)) => target,
        Ok(None) => return user_error(&UserError::UnknownUser(key)),
        Err(error) => return user_error(&error),
    };
    let one_time = password::generate();
    match users::set_password(&state.db, &key, &one_time, true).await {
        Ok(()) => {
            // Sessions opened with the old password end too.
            let _ = state.sessions.delete_for_user(&key).await;
            tracing::info!(admin = %admin.id, user = %key, "password reset");
            let flash = AdminFlash { email: target.email, password: one_time, created: false };
            let _ = session.insert(FLASH_KEY, flash).await;
            see_other("/admin/users")
        }
        Err(error) => user_error(&error),
    }
}
