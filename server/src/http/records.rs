//! The record forms' posts (grants, transactions, donors, institutes, equipment, the strategy
//! and its pillars and indicators): create, edit and archive a record.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::records::{RecordKind, parse_record};
use app::domain::{CurrentUser, FormState};

use crate::db::audit::SaveError;
use crate::db::records;
use crate::http::form::{Edit, back, edit, internal_problem, problem, reason, require, values};
use crate::state::AppState;

/// `POST /records/{kind}/new`.
pub async fn create_record(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let user = match require(&user) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    let Some(kind) = RecordKind::from_slug(&slug) else { return StatusCode::NOT_FOUND.into_response() };
    let values = match values(pairs) {
        Ok(values) => values,
        Err(refused) => return refused.into_response(),
    };
    let (form, location) = (format!("record:{slug}:new"), format!("/records/{slug}/new"));
    let draft = match parse_record(kind, &values) {
        Ok(draft) => draft,
        Err(errors) => return back(&session, &form, &location, problem(values, errors)).await,
    };
    match records::create(&state.db, user, &draft, reason(&values)).await {
        Ok(key) => {
            tracing::info!(user = %user.id, kind = slug, record = %key, "record created");
            Redirect::to(&format!("/records/{slug}/{key}?saved=created")).into_response()
        }
        Err(SaveError::Invalid(errors)) => back(&session, &form, &location, problem(values, errors)).await,
        Err(_) => back(&session, &form, &location, internal_problem(values)).await,
    }
}

/// `POST /records/{kind}/{id}/edit`: saves over the version the form was opened with, or reports
/// a conflict and keeps what the user typed.
pub async fn update_record(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Path((slug, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Edit { user, values, version } = match edit(&user, &key, pairs) {
        Ok(edit) => edit,
        Err(refused) => return refused.into_response(),
    };
    let Some(kind) = RecordKind::from_slug(&slug) else { return StatusCode::NOT_FOUND.into_response() };
    let (form, location) = (format!("record:{slug}:{key}"), format!("/records/{slug}/{key}"));
    let draft = match parse_record(kind, &values) {
        Ok(draft) => draft,
        Err(errors) => return back(&session, &form, &location, problem(values, errors)).await,
    };
    match records::update(&state.db, user, &key, version, &draft, reason(&values)).await {
        Ok(()) => {
            tracing::info!(user = %user.id, kind = slug, record = %key, "record updated");
            Redirect::to(&format!("/records/{slug}/{key}?saved=updated")).into_response()
        }
        Err(SaveError::Invalid(errors)) => back(&session, &form, &location, problem(values, errors)).await,
        Err(SaveError::Conflict) => {
            back(&session, &form, &location, FormState { values, errors: Vec::new(), conflict: true }).await
        }
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(SaveError::Internal) => back(&session, &form, &location, internal_problem(values)).await,
    }
}

/// `POST /records/{kind}/{id}/archive`.
pub async fn archive_record(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path((slug, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Edit { user, values, version } = match edit(&user, &key, pairs) {
        Ok(edit) => edit,
        Err(refused) => return refused.into_response(),
    };
    let Some(kind) = RecordKind::from_slug(&slug) else { return StatusCode::NOT_FOUND.into_response() };
    match records::archive(&state.db, user, kind, &key, version, reason(&values)).await {
        Ok(()) => {
            tracing::info!(user = %user.id, kind = slug, record = %key, "record archived");
            Redirect::to(&format!("/records/{slug}?saved=archived")).into_response()
        }
        Err(SaveError::Conflict) => {
            Redirect::to(&format!("/records/{slug}/{key}?error=conflict")).into_response()
        }
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => Redirect::to(&format!("/records/{slug}/{key}?error=internal")).into_response(),
    }
}
