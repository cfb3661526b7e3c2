//! Form posts about handovers: a programme manager creates one; an institute confirms what
//! arrived (one handover, or several that arrived as listed), disputes it, or files a correction.
//! Without JavaScript like every form: on a problem the typing comes back with the errors.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::form_values::{FormValues, codes};
use app::domain::handovers::{HandoverDetail, HandoverLine, everything_received, parse_confirmation};
use app::domain::{CurrentUser, FormState, HandoverStatus, Permission, parse_date};
use app::error::FieldError;
use app::services::{self, valid_key};

use crate::db::audit::SaveError;
use crate::db::handovers::{self, Confirmed, NewHandover};
use crate::http::form::values;
use crate::http::respond::require;
use crate::state::AppState;

async fn back(
    session: &Session,
    form: &str,
    location: &str,
    values: FormValues,
    errors: Vec<FieldError>,
) -> Response {
    let state = FormState { values, errors, conflict: false };
    if let Err(error) = session.insert(&format!("form:{form}"), state).await {
        tracing::error!(%error, "could not keep the form state");
    }
    Redirect::to(location).into_response()
}

fn status_of(error: app::error::AppError) -> Response {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN).into_response()
}

/// The handover as the signed-in institute user may see it (403 for another institute's).
async fn readable(state: &AppState, user: &CurrentUser, key: &str) -> Result<HandoverDetail, Response> {
    services::handover(&*state.repo, Some(user), key).await.map_err(status_of)
}

/// `POST /handovers/{id}/confirm` and `POST /handovers/{id}/correct`.
async fn record(
    state: AppState,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    key: String,
    pairs: Vec<(String, String)>,
    correcting: bool,
) -> Response {
    let user = match require(user.as_ref().map(|e| &e.0), Permission::ConfirmReceipt) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    if !valid_key(&key) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let handover = match readable(&state, user, &key).await {
        Ok(handover) => handover,
        Err(response) => return response,
    };
    let values = match values(pairs) {
        Ok(values) => values,
        Err(refused) => return refused.into_response(),
    };
    let page = format!("/handovers/{key}");
    let form = format!("handover:{key}");
    // The same form sent again (a second click, a retry after a network error) is answered as
    // the first time, before anything is checked against what has changed since.
    if let Some(token) = values.get("token")
        && token.len() >= 16
        && handovers::token_recorded(&state.db, token).await
    {
        return Redirect::to(&format!("{page}?saved=already")).into_response();
    }
    // What the institute may still confirm: a correction replaces the last confirmation.
    let last = handover.effective().last().cloned();
    let correcting = if correcting {
        match (&last, handover.can_correct) {
            (Some(last), true) => Some(last.clone()),
            _ => return Redirect::to(&format!("{page}?error=conflict")).into_response(),
        }
    } else {
        if !handover.can_confirm {
            return Redirect::to(&format!("{page}?error=conflict")).into_response();
        }
        None
    };
    let open: Vec<HandoverLine> = handover
        .lines
        .iter()
        .map(|l| {
            let replaced = correcting
                .as_ref()
                .and_then(|c| c.lines.iter().find(|cl| cl.equipment == l.equipment))
                .map_or(0, |cl| cl.received);
            HandoverLine { received: l.received.saturating_sub(replaced), ..l.clone() }
        })
        .collect();
    let draft = match parse_confirmation(&values, &open) {
        Ok(draft) => draft,
        Err(errors) => {
            let location = if correcting.is_some() {
                format!("{page}?correct=1#confirm")
            } else {
                format!("{page}#confirm")
            };
            return back(&session, &form, &location, values, errors).await;
        }
    };
    match handovers::confirm(&state.db, user, &handover, &draft, correcting.as_ref()).await {
        Ok(Confirmed::Recorded(status)) => {
            tracing::info!(user = %user.id, handover = %key, status = status.code(), "receipt confirmed");
            Redirect::to(&format!("{page}?saved=confirmed")).into_response()
        }
        Ok(Confirmed::AlreadyRecorded) => Redirect::to(&format!("{page}?saved=already")).into_response(),
        Err(SaveError::Conflict) => Redirect::to(&format!("{page}?error=conflict")).into_response(),
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(SaveError::Invalid(errors)) => {
            back(&session, &form, &format!("{page}#confirm"), values, errors).await
        }
        Err(SaveError::Internal) => Redirect::to(&format!("{page}?error=internal")).into_response(),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    record(state, session, user, key, pairs, false).await
}

pub async fn correct(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    record(state, session, user, key, pairs, true).await
}

/// `POST /handovers/confirm`: the ticked handovers arrived exactly as listed.
pub async fn confirm_many(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let user = match require(user.as_ref().map(|e| &e.0), Permission::ConfirmReceipt) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    let values = match values(pairs) {
        Ok(values) => values,
        Err(refused) => return refused.into_response(),
    };
    let token = values.get("token").map(|v| v.trim().to_owned()).unwrap_or_default();
    let keys: Vec<String> = values
        .get("handover")
        .map(|joined| joined.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    if token.len() < 16 || keys.iter().any(|k| !valid_key(k)) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    // Check every handover first, so that one refused leaves all of them unconfirmed.
    let mut ready = Vec::new();
    for key in &keys {
        match readable(&state, user, key).await {
            Ok(h) if h.can_confirm && h.status == HandoverStatus::HandedOver => ready.push(h),
            // Sent before (a second click, a retry): already recorded with this token.
            Ok(_) if handovers::token_recorded(&state.db, &format!("{token}:{key}")).await => {}
            Ok(_) => return Redirect::to("/handovers?error=conflict").into_response(),
            Err(response) => return response,
        }
    }
    let mut done = 0;
    for handover in &ready {
        let draft = everything_received(format!("{token}:{}", handover.id), &handover.lines);
        match handovers::confirm(&state.db, user, handover, &draft, None).await {
            Ok(Confirmed::Recorded(_)) => done += 1,
            Ok(Confirmed::AlreadyRecorded) => {}
            Err(error) => {
                tracing::error!(?error, handover = %handover.id, "confirming in a batch failed");
                return Redirect::to(&format!("/handovers?confirmed={done}&error=internal")).into_response();
            }
        }
    }
    tracing::info!(user = %user.id, count = done, "handovers confirmed as listed");
    Redirect::to(&format!("/handovers?confirmed={done}")).into_response()
}

fn push(errors: &mut Vec<FieldError>, field: &str, code: &str) {
    errors.push(FieldError { field: field.into(), message: code.into() });
}

/// Reads the programme manager's new-handover form.
fn parse_new(values: &FormValues) -> Result<NewHandover, Vec<FieldError>> {
    let raw = |name: &str| values.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut errors = Vec::new();
    for (field, multiline) in [("code", false), ("handed_over_by", false), ("remarks", true)] {
        if let Some(problem) = app::domain::form_values::text_problem(&raw(field), multiline) {
            push(&mut errors, field, problem);
        }
    }
    let code = raw("code");
    if app::domain::form_values::is_blank(&code) {
        push(&mut errors, "code", codes::REQUIRED);
    }
    let institute = raw("institute");
    if !valid_key(&institute) {
        push(&mut errors, "institute", codes::REQUIRED);
    }
    let activity = Some(raw("activity")).filter(|a| !a.is_empty());
    let date = match parse_date(&raw("handed_over_on")) {
        Ok(date) => Some(date),
        Err(e) => {
            push(&mut errors, "handed_over_on", app::domain::form_values::date_code(&e));
            None
        }
    };
    let by = raw("handed_over_by");
    if by.is_empty() {
        push(&mut errors, "handed_over_by", codes::REQUIRED);
    }
    let status = match raw("status").as_str() {
        "planned" => HandoverStatus::Planned,
        _ => HandoverStatus::HandedOver,
    };
    let mut lines: Vec<(String, u32, Vec<String>)> = Vec::new();
    for i in 0..app::domain::handovers::NEW_LINES {
        let (equipment, quantity) = (raw(&format!("line_{i}_equipment")), raw(&format!("line_{i}_quantity")));
        if equipment.is_empty() && quantity.is_empty() {
            continue;
        }
        let serials: Vec<String> = raw(&format!("line_{i}_serials"))
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        match (valid_key(&equipment), quantity.parse::<u32>()) {
            (false, _) => push(&mut errors, &format!("line_{i}_equipment"), codes::REQUIRED),
            (true, Ok(n)) if (1..=100_000).contains(&n) => {
                if serials.len() > n as usize {
                    push(
                        &mut errors,
                        &format!("line_{i}_serials"),
                        app::domain::handovers::confirm_codes::TOO_MANY,
                    );
                }
                if lines.iter().any(|(e, _, _)| *e == equipment) {
                    push(&mut errors, &format!("line_{i}_equipment"), codes::DUPLICATE_GRANT);
                }
                lines.push((equipment, n, serials));
            }
            (true, _) => push(&mut errors, &format!("line_{i}_quantity"), codes::COUNT),
        }
    }
    if lines.is_empty() && errors.is_empty() {
        push(&mut errors, "line_0_equipment", codes::REQUIRED);
    }
    match (errors.is_empty(), date) {
        (true, Some(handed_over_on)) => {
            Ok(NewHandover { code, institute, activity, handed_over_on, handed_over_by: by, status, lines })
        }
        _ => Err(errors),
    }
}

/// `POST /handovers/new`.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    user: Option<axum::Extension<CurrentUser>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let user = match require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    let values = match values(pairs) {
        Ok(values) => values,
        Err(refused) => return refused.into_response(),
    };
    let new = match parse_new(&values) {
        Ok(new) => new,
        Err(errors) => return back(&session, "handover:new", "/handovers/new", values, errors).await,
    };
    match handovers::create(&state.db, user, &new).await {
        Ok(key) => {
            tracing::info!(user = %user.id, handover = %key, "handover created");
            Redirect::to(&format!("/handovers/{key}?saved=created")).into_response()
        }
        Err(SaveError::Invalid(errors)) => {
            back(&session, "handover:new", "/handovers/new", values, errors).await
        }
        Err(_) => {
            let errors = vec![FieldError { field: String::new(), message: "internal".into() }];
            back(&session, "handover:new", "/handovers/new", values, errors).await
        }
    }
}

/// `POST /equipment/state`: an institute (on items it received) or a programme manager reports
/// an item's state; back to the handover it was reported from.
pub async fn report_state(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(user) = user.map(|e| e.0) else { return StatusCode::UNAUTHORIZED.into_response() };
    if user.must_change_password
        || !(user.can(Permission::ConfirmReceipt) || user.can(Permission::EditProgramme))
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    let values = match values(pairs) {
        Ok(values) => values,
        Err(refused) => return refused.into_response(),
    };
    let raw = |name: &str| values.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let (handover, equipment) = (raw("handover"), raw("equipment"));
    if !valid_key(&handover) || !valid_key(&equipment) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    // The handover must be readable by this user, and hold the item.
    let detail = match readable(&state, &user, &handover).await {
        Ok(detail) => detail,
        Err(response) => return response,
    };
    let page = format!("/handovers/{handover}");
    let parsed = (
        app::domain::EquipmentState::from_code(&raw("state")),
        parse_date(&raw("reported_on")),
        raw("remark"),
    );
    let (Ok(item_state), Ok(on), remark) = parsed else {
        return Redirect::to(&format!("{page}?error=state#states")).into_response();
    };
    if !detail.can_report
        || !detail.lines.iter().any(|l| l.equipment == equipment)
        || remark.chars().count() > 500
        || app::domain::form_values::text_problem(&remark, true).is_some()
    {
        return Redirect::to(&format!("{page}?error=state#states")).into_response();
    }
    match crate::db::handover_report::report_state(
        &state.db, &user, &handover, &equipment, item_state, on, remark,
    )
    .await
    {
        Ok(()) => {
            tracing::info!(user = %user.id, %equipment, state = item_state.code(), "equipment state reported");
            Redirect::to(&format!("{page}?saved=state#states")).into_response()
        }
        Err(SaveError::NotFound) => StatusCode::FORBIDDEN.into_response(),
        Err(_) => Redirect::to(&format!("{page}?error=internal")).into_response(),
    }
}

/// `POST /handovers/{id}/hand-over`: a planned handover took place.
pub async fn hand_over(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let user = match require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    if !valid_key(&key) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let values = match values(pairs) {
        Ok(values) => values,
        Err(refused) => return refused.into_response(),
    };
    let Some(version) = crate::http::form::version_of(&values) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let page = format!("/handovers/{key}");
    match handovers::mark_handed_over(&state.db, user, &key, version).await {
        Ok(()) => Redirect::to(&format!("{page}?saved=handed_over")).into_response(),
        Err(SaveError::Conflict) => Redirect::to(&format!("{page}?error=conflict")).into_response(),
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => Redirect::to(&format!("{page}?error=internal")).into_response(),
    }
}
