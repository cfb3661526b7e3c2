//! `POST /ops/backup`: a backup of the running server (see `crate::backup`), for `aidtrail
//! backup`. Only with the token of the control file in the attached files' folder, whoever is
//! signed in: a session grants nothing here.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::backup;
use crate::state::AppState;

pub async fn backup(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !state.control.as_ref().is_some_and(|c| !given.is_empty() && c.accepts(given)) {
        return (StatusCode::UNAUTHORIZED, "A backup needs the token of the server's control file.")
            .into_response();
    }
    let out = state.files.join(format!(".backup-{}.zip", crate::db::audit::new_key()));
    let started = std::time::Instant::now();
    let manifest = match backup::create(&state.db, &state.files, &out).await {
        Ok(manifest) => manifest,
        Err(error) => {
            tracing::error!(%error, "backup failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, format!("backup failed: {error}")).into_response();
        }
    };
    // Opened, then unlinked: the file is streamed from its handle and gone when the answer is.
    let file = tokio::fs::File::open(&out).await;
    let _ = tokio::fs::remove_file(&out).await;
    let file = match file {
        Ok(file) => file,
        Err(error) => {
            tracing::error!(%error, "backup written but not readable");
            return (StatusCode::INTERNAL_SERVER_ERROR, format!("backup failed: {error}")).into_response();
        }
    };
    let bytes = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    tracing::info!(
        bytes,
        files = manifest.files.len(),
        database_bytes = manifest.database.bytes,
        ms = started.elapsed().as_millis() as u64,
        "backup taken"
    );
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_LENGTH, bytes.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response()
}
