//! The users page's posts (admins only): create a user, deactivate or activate one, reset a
//! password. Each answers with a redirect to `/admin/users`, which shows the outcome.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use app::domain::{AdminFlash, CurrentUser, Permission, Role};
use app::i18n::Locale;

use crate::auth::password;
use crate::db::audit::actor;
use crate::db::users::{self, NewUser, UserError, normalise_email};
use crate::http::respond::{require, see_other, with_query};
use crate::state::AppState;

/// The session key of the one-time message shown on the users page.
pub const FLASH_KEY: &str = "admin_flash";

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
    match users::create(&state.db, Some(actor(admin)), &new, &one_time).await {
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
    match users::set_active(&state.db, Some(actor(admin)), key, active).await {
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
    match users::set_password(&state.db, Some(actor(admin)), &key, &one_time, true).await {
        Ok(()) => {
            // Sessions opened with the old password end too.
            if let Err(error) = state.sessions.delete_for_user(&key).await {
                tracing::error!(%error, user = %key, "password reset, but the user's sessions could not be ended");
            }
            tracing::info!(admin = %admin.id, user = %key, "password reset");
            let flash = AdminFlash { email: target.email, password: one_time, created: false };
            let _ = session.insert(FLASH_KEY, flash).await;
            see_other("/admin/users")
        }
        Err(error) => user_error(&error),
    }
}
