//! The activity form's posts: create, edit and archive an activity.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::activity_form::parse_activity_form;
use app::domain::{CurrentUser, FormState};
use app::error::FieldError;

use crate::db::activities::{self, SaveError};
use crate::http::form::{Edit, back, edit, internal_problem, problem, reason, require, values};
use crate::state::AppState;

/// `POST /activities/new`.
pub async fn create_activity(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let user = match require(&user) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    let values = match values(pairs) {
        Ok(values) => values,
        Err(refused) => return refused.into_response(),
    };
    let draft = match parse_activity_form(&values) {
        Ok(draft) => draft,
        Err(errors) => {
            return back(&session, "activity:new", "/activities/new", problem(values, errors)).await;
        }
    };
    match activities::create(&state.db, user, &draft, reason(&values)).await {
        Ok(key) => {
            tracing::info!(user = %user.id, activity = %key, "activity created");
            Redirect::to(&format!("/activities/{key}?saved=created")).into_response()
        }
        Err(SaveError::Invalid(errors)) => {
            back(&session, "activity:new", "/activities/new", problem(values, errors)).await
        }
        Err(_) => {
            let errors = vec![FieldError { field: String::new(), message: "internal".into() }];
            back(&session, "activity:new", "/activities/new", problem(values, errors)).await
        }
    }
}

/// `POST /activities/{id}/edit`: saves over the version the form was opened with, or reports a
/// conflict and keeps what the user typed.
pub async fn update_activity(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Edit { user, values, version } = match edit(&user, &key, pairs) {
        Ok(edit) => edit,
        Err(refused) => return refused.into_response(),
    };
    let form = format!("activity:{key}");
    let location = format!("/activities/{key}/edit");
    let draft = match parse_activity_form(&values) {
        Ok(draft) => draft,
        Err(errors) => return back(&session, &form, &location, problem(values, errors)).await,
    };
    match activities::update(&state.db, user, &key, version, &draft, reason(&values)).await {
        Ok(()) => {
            tracing::info!(user = %user.id, activity = %key, "activity updated");
            Redirect::to(&format!("/activities/{key}?saved=updated")).into_response()
        }
        Err(SaveError::Invalid(errors)) => back(&session, &form, &location, problem(values, errors)).await,
        Err(SaveError::Conflict) => {
            back(&session, &form, &location, FormState { values, errors: Vec::new(), conflict: true }).await
        }
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(SaveError::Internal) => back(&session, &form, &location, internal_problem(values)).await,
    }
}

/// `POST /activities/{id}/archive`.
pub async fn archive_activity(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Edit { user, values, version } = match edit(&user, &key, pairs) {
        Ok(edit) => edit,
        Err(refused) => return refused.into_response(),
    };
    match activities::archive(&state.db, user, &key, version, reason(&values)).await {
        Ok(()) => {
            tracing::info!(user = %user.id, activity = %key, "activity archived");
            Redirect::to("/activities?saved=archived").into_response()
        }
        Err(SaveError::Conflict) => {
            Redirect::to(&format!("/activities/{key}?error=conflict")).into_response()
        }
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => Redirect::to(&format!("/activities/{key}?error=internal")).into_response(),
    }
}
