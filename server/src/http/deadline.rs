//! No request waits forever: at most `AIDTRAIL_MAX_IN_FLIGHT` are handled at once, one that
//! finds no room within a moment is turned away, and one not answered within
//! `AIDTRAIL_REQUEST_TIMEOUT_MS` is cut short; both get a short 503 page in the reader's
//! language, so that one stuck render holds neither a client nor a worker. `/healthz`, the
//! bundle and `/ops/backup` pass straight through.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::components::i18n::locale_from_headers;
use app::i18n::Locale;

use crate::state::AppState;

/// How long a request waits for room before it is turned away.
pub const QUEUE_WAIT: Duration = Duration::from_secs(2);

/// Runs the request within its bounds.
pub async fn bounded(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // A backup takes as long as the data needs.
    if path == "/healthz" || path == "/ops/backup" || path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let locale = locale_from_headers(request.headers());
    let path = path.to_owned();
    let timeout = state.auth.request_timeout;
    let room = tokio::time::timeout(QUEUE_WAIT.min(timeout), state.in_flight.clone().acquire_owned());
    let Ok(Ok(permit)) = room.await else {
        tracing::warn!(%path, "too many requests at once: turned away");
        return unavailable(locale, Why::Busy);
    };
    // The handler runs in a task of its own: it is polled from the scheduler rather than at the
    // bottom of the connection's stack of layers (a page's render is a deep future; nested under
    // the timeout it overflowed a worker's 2 MiB stack in the debug build), a client who hangs
    // up does not cancel a save half-way, and a handler that overruns is aborted, not leaked.
    // The permit goes with the task, so a request counts until its handler is done, even if
    // its client has gone.
    let mut handler = tokio::spawn(async move {
        let response = next.run(request).await;
        drop(permit);
        response
    });
    match tokio::time::timeout(timeout, &mut handler).await {
        Ok(Ok(response)) => response,
        Ok(Err(failure)) => {
            tracing::error!(%path, error = %failure, "request handler failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(_) => {
            #[cfg(all(tokio_unstable, feature = "taskdump"))]
            log_task_dump().await;
            handler.abort();
            tracing::error!(%path, timeout_ms = timeout.as_millis() as u64, "request timed out");
            unavailable(locale, Why::TooSlow)
        }
    }
}

/// Logs where each of the runtime's tasks waits (a diagnostic build only; see `taskdump` in
/// `server/Cargo.toml`).
#[cfg(all(tokio_unstable, feature = "taskdump"))]
async fn log_task_dump() {
    let handle = tokio::runtime::Handle::current();
    match tokio::time::timeout(Duration::from_secs(10), handle.dump()).await {
        Ok(dump) => {
            for (i, task) in dump.tasks().iter().enumerate() {
                tracing::error!(task = i, "task at the deadline:\n{}", task.trace());
            }
        }
        Err(_) => tracing::error!("no task dump within 10 s"),
    }
}

enum Why {
    Busy,
    TooSlow,
}

/// A small page that needs nothing else to show (no stylesheet, no script).
fn unavailable(locale: Locale, why: Why) -> Response {
    let (title, text) = match (locale, why) {
        (Locale::En, Why::Busy) => ("Too many requests", "The server is busy. Please try again in a moment."),
        (Locale::Fr, Why::Busy) => ("Trop de demandes", "Le serveur est occupé. Réessayez dans un instant."),
        (Locale::En, Why::TooSlow) => {
            ("The page took too long", "This page took too long to prepare. Please try again in a moment.")
        }
        (Locale::Fr, Why::TooSlow) => (
            "La page a mis trop de temps",
            "Cette page a mis trop de temps à se préparer. Réessayez dans un instant.",
        ),
    };
    let body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · aidtrail</title></head>\
         <body><main><h1>{title}</h1><p>{text}</p><p><a href=\"/\">aidtrail</a></p></main></body></html>",
        locale.code()
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::RETRY_AFTER, HeaderValue::from_static("5")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}
