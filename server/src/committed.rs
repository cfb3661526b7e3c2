//! Whether the request being answered has saved a change.
//!
//! Once a change has committed, nothing after it may answer the request with an error page: the
//! user would be told it failed when it was saved, and might save it again. The one thing that
//! runs after the handler and can fail is the session's write (tower-sessions answers 500 when its
//! store refuses). [`scope`] wraps each request, outside the session layer; the audited write
//! marks it when its transaction commits; the session store reads the mark when its write fails
//! and then logs the failure instead of failing the answer (the session keeps its previous state:
//! at worst its idle deadline moves on a minute later).

use std::cell::Cell;

tokio::task_local! {
    static COMMITTED: Cell<bool>;
}

/// Runs `request` with a fresh mark.
pub async fn scope<F: std::future::Future>(request: F) -> F::Output {
    COMMITTED.scope(Cell::new(false), request).await
}

/// Marks the current request as having saved a change (outside a request: nothing to mark).
pub fn mark() {
    let _ = COMMITTED.try_with(|c| c.set(true));
}

/// Whether the current request has saved a change.
pub fn marked() -> bool {
    COMMITTED.try_with(Cell::get).unwrap_or(false)
}

/// The middleware that gives every request its mark.
pub async fn layer(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    scope(next.run(request)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_mark_stays_within_its_request() {
        assert!(!marked(), "outside any request");
        mark();
        assert!(!marked(), "marking outside a request does nothing");
        let inside = scope(async {
            assert!(!marked());
            mark();
            marked()
        })
        .await;
        assert!(inside);
        assert!(!scope(async { marked() }).await, "a new request starts unmarked");
    }
}
