//! Form posts that change the programme's records. They work without JavaScript: on a problem
//! they keep what was typed (in the session) and send the user back to the form, which shows it
//! with the errors next to the fields.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::activity_form::parse_activity_form;
use app::domain::form_values::FormValues;
use app::domain::records::{RecordKind, parse_record};
use app::domain::{CurrentUser, FormState, Permission};
use app::error::FieldError;
use app::services::valid_key;

use crate::db::activities::{self, SaveError};
use crate::db::records;
use crate::http::account as handlers;
use crate::startup::AppState;

/// 401 when nobody is signed in, 403 unless the user may edit the programme's records.
fn require(user: &Option<axum::Extension<CurrentUser>>) -> Result<&CurrentUser, handlers::Denied> {
    handlers::require(user.as_ref().map(|e| &e.0), Permission::EditProgramme)
}

/// Collects the posted pairs; repeated names (the institutes list, checkboxes) are joined with
/// commas.
pub(crate) fn values(pairs: Vec<(String, String)>) -> FormValues {
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
fn version_of(values: &FormValues) -> Option<i64> {
    values.get("version").and_then(|v| v.trim().parse::<i64>().ok())
}

fn reason(values: &FormValues) -> Option<String> {
    values.get("reason").map(|r| r.trim().to_owned()).filter(|r| !r.is_empty())
}

/// A post against a stored record: the editor, what was typed, and the version the form was
/// opened with.
struct Edit<'u> {
    user: &'u CurrentUser,
    values: FormValues,
    version: i64,
}

/// Why a post is answered before it is read further.
enum Refused {
    /// 401 or 403.
    User(handlers::Denied),
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
fn edit<'u>(
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
async fn back(session: &Session, form: &str, location: &str, state: FormState) -> Response {
    if let Err(error) = session.insert(&format!("form:{form}"), state).await {
        tracing::error!(%error, "could not keep the form state");
    }
    Redirect::to(location).into_response()
}

fn problem(values: FormValues, errors: Vec<FieldError>) -> FormState {
    FormState { values, errors, conflict: false }
}

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
    let values = values(pairs);
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

fn internal_problem(values: FormValues) -> FormState {
    problem(values, vec![FieldError { field: String::new(), message: "internal".into() }])
}

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
    let values = values(pairs);
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
