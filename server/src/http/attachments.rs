//! Files attached to activities (photos, attendance sheets) and to handovers (photos of what
//! arrived).
//!
//! An upload is accepted only if its bytes are a JPEG, PNG or PDF (whatever its name or the
//! browser's content type say) and at most 10 MiB. The bytes are stored once under the files
//! directory, named by their SHA-256, and the record that ties them to their activity or
//! handover is written with its audit event in one transaction. A download is served only to
//! users who may see that activity or handover.

use std::path::{Path as FsPath, PathBuf};

use app::domain::{CurrentUser, Permission};
use app::services::{self, valid_key};
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue};

use crate::db::audit::{APPEND_EVENT, actor, execute, new_key};
use crate::http::account as handlers;
use crate::startup::AppState;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Room for the multipart envelope around the file (boundaries, headers).
pub const ENVELOPE_BYTES: usize = 64 * 1024;

/// The content type the bytes really have, if it is one we accept.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/jpeg") => Some("image/jpeg"),
        Some("image/png") => Some("image/png"),
        Some("application/pdf") => Some("application/pdf"),
        _ => None,
    }
}

/// Where the bytes with this hash live: `<files>/ab/abcdef…`.
fn path_of(files: &FsPath, sha256: &str) -> PathBuf {
    files.join(&sha256[..2]).join(sha256)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the bytes under their hash (once: the same file uploaded twice is stored once),
/// through a temporary file and a rename so that a half-written file is never served.
async fn store(files: &FsPath, bytes: &[u8]) -> std::io::Result<String> {
    let sha256 = hex(&Sha256::digest(bytes));
    let path = path_of(files, &sha256);
    if tokio::fs::try_exists(&path).await? {
        return Ok(sha256);
    }
    let dir = path.parent().expect("hash paths have a parent");
    tokio::fs::create_dir_all(dir).await?;
    let temp = dir.join(format!(".{sha256}.{}", new_key()));
    tokio::fs::write(&temp, bytes).await?;
    tokio::fs::rename(&temp, &path).await?;
    Ok(sha256)
}

/// A file name safe to keep and to send back in a header.
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

fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\')).take(200).collect();
    if cleaned.trim().is_empty() { "file".to_owned() } else { cleaned.trim().to_owned() }
}

/// What a file is attached to: an activity (photos, attendance sheets) or a handover (a photo of
/// what arrived).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner<'a> {
    Activity(&'a str),
    Handover(&'a str),
}

impl Owner<'_> {
    /// The attachment's field that names the owner, and the owner's table.
    fn field(self) -> &'static str {
        match self {
            Owner::Activity(_) => "activity",
            Owner::Handover(_) => "handover",
        }
    }

    fn id(self) -> RecordId {
        match self {
            Owner::Activity(key) => RecordId::new("activity", key),
            Owner::Handover(key) => RecordId::new("handover", key),
        }
    }

    /// Back to the owner's page, at its files, with an outcome for the notice.
    fn back(self, outcome: &str) -> Response {
        let location = match self {
            Owner::Activity(key) => format!("/activities/{key}?{outcome}#attachments"),
            Owner::Handover(key) => format!("/handovers/{key}?{outcome}#photos"),
        };
        Redirect::to(&location).into_response()
    }
}

/// Reads the `file` field of an upload, checks its size and what its bytes are, stores it, and
/// records it against `owner` with its audit event. The caller has checked who may upload.
async fn receive(
    state: &AppState,
    user: &CurrentUser,
    owner: Owner<'_>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let open: Option<bool> =
        match state.db.query("SELECT VALUE archived FROM ONLY $owner;").bind(("owner", owner.id())).await {
            Ok(mut response) => response.take(0).unwrap_or(None),
            Err(error) => {
                tracing::error!(%error, "reading the owner of an upload failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
    if open != Some(false) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(mut multipart) = multipart else { return owner.back("error=file_empty") };
    let file = match file_field(&mut multipart).await {
        Ok(file) => file.map(|(name, bytes)| (clean_name(&name), bytes)),
        Err(error) => return error.into_response(),
    };
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return owner.back("error=file_empty");
    };
    if bytes.len() > MAX_FILE_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let Some(content_type) = sniff(&bytes) else {
        tracing::warn!(user = %user.id, ?owner, %name, "upload refused: not a JPEG, PNG or PDF");
        return owner.back("error=file_type");
    };
    let sha256 = match store(&state.files, &bytes).await {
        Ok(sha256) => sha256,
        Err(error) => {
            tracing::error!(%error, "storing an upload failed");
            return owner.back("error=internal");
        }
    };
    let field = owner.field();
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT VALUE archived FROM ONLY $owner) != false {{ THROW 'aidtrail:not_found' }};
         LET $after = (CREATE ONLY $id CONTENT {{
             {field}: $owner, name: $name, content_type: $content_type, size: $size, sha256: $sha256,
             uploaded_by: $actor, uploaded_at: time::now()
         }});
         LET $action = 'create';
         LET $record = <string> $id;
         LET $before_text = NONE;
         LET $after_text = <string> $after;
         {APPEND_EVENT}
         COMMIT TRANSACTION;"
    );
    let bindings = vec![
        ("id", RecordId::new("attachment", new_key().as_str()).into_value()),
        ("owner", owner.id().into_value()),
        ("name", name.clone().into_value()),
        ("content_type", content_type.to_owned().into_value()),
        ("size", (bytes.len() as i64).into_value()),
        ("sha256", sha256.into_value()),
        ("actor", actor(user).into_value()),
        ("reason", None::<String>.into_value()),
    ];
    match execute(&state.db, &sql, bindings, |_| None).await {
        Ok(()) => {
            tracing::info!(user = %user.id, ?owner, %name, content_type, size = bytes.len(), "file attached");
            owner.back("saved=attached")
        }
        Err(crate::db::audit::SaveError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => owner.back("error=internal"),
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
    let user = match handlers::require(user.as_ref().map(|e| &e.0), Permission::EditProgramme) {
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

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Stored {
    name: String,
    content_type: String,
    sha256: String,
}

/// Sends a stored file of `owner`; the caller has checked that the user may see the owner.
async fn serve(state: &AppState, owner: Owner<'_>, file: &str) -> Response {
    if !valid_key(file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let sql = format!(
        "SELECT name, content_type, sha256 FROM ONLY $id WHERE {} = $owner AND archived = false;",
        owner.field()
    );
    let stored: Option<Stored> = match state
        .db
        .query(sql)
        .bind(("id", RecordId::new("attachment", file)))
        .bind(("owner", owner.id()))
        .await
    {
        Ok(mut response) => response.take(0).unwrap_or(None),
        Err(error) => {
            tracing::error!(%error, "reading an attachment failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(stored) = stored else { return StatusCode::NOT_FOUND.into_response() };
    let bytes = match tokio::fs::read(path_of(&state.files, &stored.sha256)).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, sha256 = %stored.sha256, "an attached file is missing from disk");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        stored.name.replace(|c: char| !c.is_ascii() || c == '"', "_"),
        app::components::encode_component(&stored.name)
    );
    (
        [
            (header::CONTENT_TYPE, stored.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
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
    fn only_real_jpeg_png_and_pdf_pass_whatever_their_name() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0"), None, "a Windows executable");
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None, "a Linux executable");
        assert_eq!(sniff(b"<html>"), None);
    }

    #[test]
    fn names_lose_paths_and_header_breaking_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\liste.pdf"), "liste.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\n.jpg"), "ab.jpg");
        assert_eq!(clean_name("   "), "file");
    }
}
