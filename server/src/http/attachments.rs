//! Files attached to activities (photos, attendance sheets) and to handovers (photos of what
//! arrived).
//!
//! An upload is accepted only if its bytes are a JPEG, PNG or PDF (whatever its name or the
//! browser's content type say) and at most 10 MiB. The bytes are stored once under the files
//! directory, named by their SHA-256, and the record that ties them to their activity or
//! handover is written with its audit event in one transaction. A download is served only to
//! users who may see that activity or handover, except an activity's file a programme manager
//! marked public: the IATI file links to it, and anyone may download it (`/public/files/{key}`).

use app::domain::{CurrentUser, Permission};
use app::services::{self, valid_key};
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::attachments::{self, Owner, Stored};
use crate::db::audit::SaveError;
use crate::files;
use crate::http::respond::require;
use crate::state::AppState;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Room for the multipart envelope around the file (boundaries, headers).
pub const ENVELOPE_BYTES: usize = 64 * 1024;

/// The form's `file` field of an upload: the name the browser gave and the bytes, if there is
/// one (the last, if several).
pub(crate) async fn file_field(
    multipart: &mut Multipart,
) -> Result<Option<(String, axum::body::Bytes)>, axum::extract::multipart::MultipartError> {
    let mut file = None;
    while let Some(field) = multipart.next_field().await? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("file").to_owned();
            file = Some((name, field.bytes().await?));
        }
    }
    Ok(file)
}

/// A file name safe to keep and to send back in a header.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\')).take(200).collect();
    if cleaned.trim().is_empty() { "file".to_owned() } else { cleaned.trim().to_owned() }
}

/// Back to the owner's page, at its files, with an outcome for the notice.
fn back(owner: Owner<'_>, outcome: &str) -> Response {
    let location = match owner {
        Owner::Activity(key) => format!("/activities/{key}?{outcome}#attachments"),
        Owner::Handover(key) => format!("/handovers/{key}?{outcome}#photos"),
    };
    Redirect::to(&location).into_response()
}

/// Reads the `file` field of an upload, checks its size and what its bytes are, stores it, and
/// records it against `owner` with its audit event. The caller has checked who may upload.
async fn receive(
    state: &AppState,
    user: &CurrentUser,
    owner: Owner<'_>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let open = match attachments::archived(&state.db, owner).await {
        Ok(archived) => archived,
        Err(error) => {
            tracing::error!(%error, "reading the owner of an upload failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if open != Some(false) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(mut multipart) = multipart else { return back(owner, "error=file_empty") };
    let file = match file_field(&mut multipart).await {
        Ok(file) => file.map(|(name, bytes)| (clean_name(&name), bytes)),
        Err(error) => return error.into_response(),
    };
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return back(owner, "error=file_empty");
    };
    if bytes.len() > MAX_FILE_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let Some(content_type) = files::sniff(&bytes) else {
        tracing::warn!(user = %user.id, ?owner, %name, "upload refused: not a JPEG, PNG or PDF");
        return back(owner, "error=file_type");
    };
    let sha256 = match files::store(&state.files, &bytes).await {
        Ok(sha256) => sha256,
        Err(error) => {
            tracing::error!(%error, "storing an upload failed");
            return back(owner, "error=internal");
        }
    };
    let stored = Stored { name: name.clone(), content_type: content_type.to_owned(), sha256 };
    match attachments::attach(&state.db, user, owner, &stored, bytes.len()).await {
        Ok(()) => {
            tracing::info!(user = %user.id, ?owner, %name, content_type, size = bytes.len(), "file attached");
            back(owner, "saved=attached")
        }
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => back(owner, "error=internal"),
    }
}

/// `POST /activities/{id}/attachments` (multipart, field `file`): editors only.
pub async fn upload(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(activity): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    // Who may upload is checked before the body is looked at.
    let user = match require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    if !valid_key(&activity) {
        return StatusCode::NOT_FOUND.into_response();
    }
    receive(&state, user, Owner::Activity(&activity), multipart).await
}

/// `POST /handovers/{id}/photos` (multipart, field `file`): the receiving institute, or editors.
pub async fn upload_photo(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(handover): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(user) = user.map(|e| e.0) else { return StatusCode::UNAUTHORIZED.into_response() };
    let detail = match services::handover(&*state.repo, Some(&user), &handover).await {
        Ok(detail) => detail,
        Err(error) => {
            return StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN).into_response();
        }
    };
    if !detail.can_add_photo {
        return StatusCode::FORBIDDEN.into_response();
    }
    receive(&state, &user, Owner::Handover(&handover), multipart).await
}

/// `POST /activities/{id}/attachments/{file}/public` (form field `public`: `true` or `false`):
/// editors mark a file public, to be linked from the IATI file and downloaded by anyone, or
/// private again.
pub async fn set_public(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path((activity, file)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let user = match require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
        Ok(user) => user,
        Err(denied) => return denied.into_response(),
    };
    if !valid_key(&activity) || !valid_key(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let public = match pairs.iter().rev().find(|(k, _)| k == "public").map(|(_, v)| v.as_str()) {
        Some("true") => true,
        Some("false") => false,
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    match attachments::set_public(&state.db, user, &activity, &file, public).await {
        Ok(()) => {
            tracing::info!(user = %user.id, %activity, %file, public, "attachment publication changed");
            let outcome = if public { "saved=published" } else { "saved=unpublished" };
            back(Owner::Activity(&activity), outcome)
        }
        Err(SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => back(Owner::Activity(&activity), "error=internal"),
    }
}

/// `GET /public/files/{file}`: a file marked public, to anyone.
pub async fn download_public(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    if !valid_key(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let found = attachments::find_public(&state.db, &file).await;
    send(&state, found, "public, no-cache").await
}

/// Sends a stored file of `owner`; the caller has checked that the user may see the owner.
async fn serve(state: &AppState, owner: Owner<'_>, file: &str) -> Response {
    if !valid_key(file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let found = attachments::find(&state.db, owner, file).await;
    send(state, found, "private, no-store").await
}

/// Sends the file `found` names, with `cache` as its `Cache-Control`.
async fn send(
    state: &AppState,
    found: Result<Option<Stored>, surrealdb::Error>,
    cache: &'static str,
) -> Response {
    let stored = match found {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(%error, "reading an attachment failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(stored) = stored else { return StatusCode::NOT_FOUND.into_response() };
    let bytes = match tokio::fs::read(files::path_of(&state.files, &stored.sha256)).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, sha256 = %stored.sha256, "an attached file is missing from disk");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        stored.name.replace(|c: char| !c.is_ascii() || c == '"', "_"),
        app::domain::query_string::encode_component(&stored.name)
    );
    (
        [
            (header::CONTENT_TYPE, stored.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, cache.to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response()
}

fn refused(error: app::error::AppError) -> Response {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN).into_response()
}

/// `GET /activities/{id}/attachments/{file}`: the file, to those who may see the activity.
pub async fn download(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path((activity, file)): Path<(String, String)>,
) -> Response {
    // The same check as the activity's page: signed in, allowed, and within the user's scope.
    match services::activity(&*state.repo, user.as_ref().map(|e| &e.0), &activity).await {
        Ok(_) => serve(&state, Owner::Activity(&activity), &file).await,
        Err(error) => refused(error),
    }
}

/// `GET /handovers/{id}/photos/{file}`: the photo, to those who may see the handover.
pub async fn download_photo(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path((handover, file)): Path<(String, String)>,
) -> Response {
    match services::handover(&*state.repo, user.as_ref().map(|e| &e.0), &handover).await {
        Ok(_) => serve(&state, Owner::Handover(&handover), &file).await,
        Err(error) => refused(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_header_breaking_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\liste.pdf"), "liste.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\n.jpg"), "ab.jpg");
        assert_eq!(clean_name("   "), "file");
    }
}
