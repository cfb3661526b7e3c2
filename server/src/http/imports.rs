//! CSV import of activities and of the equipment register (`app::domain::imports`):
//! `POST /imports/{kind}` stores the uploaded file and shows its check at `/imports/{id}`; `POST /imports/{id}/confirm`
//! saves every new row in one transaction, or none; `GET /imports/{kind}/template.csv` gives the
//! columns. Only editors import, and each sees only their own uploads (`db::imports`).

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::domain::{CurrentUser, Permission};

use crate::db::imports::{self, Confirmation, importable};
use crate::http::respond::require;
use crate::state::AppState;

/// The largest file accepted.
const MAX_BYTES: usize = 2 * 1024 * 1024;

/// `GET /imports/{kind}/template.csv`: the header row of the file to fill in.
pub async fn template(user: Option<axum::Extension<CurrentUser>>, Path(file): Path<String>) -> Response {
    if let Err(denied) = require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
        return denied.into_response();
    }
    let Some(kind) = file.strip_suffix(".csv").and_then(importable) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"aidtrail-{}-template.csv\"", kind.slug()),
            ),
        ],
        format!("{}\r\n", header.join(",")),
    )
        .into_response()
}

/// `POST /imports/equipment` (multipart, field `file`): keeps the file and shows its check.
pub async fn upload(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(kind): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let user = match require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    let Some(kind) = importable(&kind) else { return StatusCode::NOT_FOUND.into_response() };
    let Ok(mut multipart) = multipart else { return Redirect::to("/imports?error=empty").into_response() };
    let file = match crate::http::attachments::file_field(&mut multipart).await {
        Ok(file) => file.map(|(name, bytes)| (name.chars().take(120).collect::<String>(), bytes)),
        Err(error) => return error.into_response(),
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Redirect::to("/imports?error=empty").into_response();
    };
    if bytes.len() > MAX_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let Ok(content) =
        String::from_utf8(bytes.strip_prefix(crate::http::exports::BOM).unwrap_or(&bytes).to_vec())
    else {
        return Redirect::to("/imports?error=not_csv").into_response();
    };
    match imports::store(&state.db, user, kind, name, content).await {
        Ok(key) => Redirect::to(&format!("/imports/{key}")).into_response(),
        Err(error) => {
            tracing::error!(%error, "storing an import failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    reason: String,
}

/// `POST /imports/{id}/confirm`: saves every new row of a checked upload in one transaction.
pub async fn confirm(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> Response {
    let user = match require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    match imports::confirm(&state.db, user, &id, &form.reason).await {
        Ok(Confirmation::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Ok(Confirmation::AlreadySaved | Confirmation::Saved) => {
            Redirect::to(&format!("/imports/{id}")).into_response()
        }
        Ok(Confirmation::Refused) => Redirect::to(&format!("/imports/{id}?error=refused")).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
