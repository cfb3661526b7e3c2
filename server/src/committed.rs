//! Whether the request being answered has saved a change, and which version of the data the
//! reader's last save produced.
//!
//! Once a change has committed, nothing after it may answer the request with an error page: the
//! user would be told it failed when it was saved, and might save it again. The one thing that
//! runs after the handler and can fail is the session's write (tower-sessions answers 500 when its
//! store refuses). [`layer`] wraps each request, outside the session layer; the audited write
//! marks it when its transaction commits; the session store reads the mark when its write fails
//! and then logs the failure instead of failing the answer (the session keeps its previous state:
//! at worst its idle deadline moves on a minute later).
//!
//! A request that saved also tells the browser the data's version after its save (the cookie
//! `aidtrail_seen`; the audited write waits for its event's number before answering): pages may
//! be given cached answers a moment old (`db::cache`), never older than that. The cookie decides
//! nothing but freshness: a forged one gets older answers (at most the cache's window) or newer.

use std::cell::Cell;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};

tokio::task_local! {
    static COMMITTED: Cell<bool>;
}

/// The cookie holding the data version of the reader's last save.
pub const SEEN_COOKIE: &str = "aidtrail_seen";

/// The data version of the reader's last save (0 if none), in every request's extensions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen(pub i64);

impl Seen {
    /// Read from the request's `Cookie` headers; 0 when absent or not a number.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let version = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SEEN_COOKIE)
            .and_then(|(_, value)| value.parse::<i64>().ok())
            .filter(|v| *v >= 0);
        Self(version.unwrap_or(0))
    }

    /// The `Set-Cookie` value that remembers it for the browser session.
    pub fn cookie(self, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!("{SEEN_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}", self.0)
    }
}

/// Runs `request` with a fresh mark; returns its output and whether it saved a change.
pub async fn scope<F: std::future::Future>(request: F) -> (F::Output, bool) {
    COMMITTED.scope(Cell::new(false), async { (request.await, marked()) }).await
}

/// Marks the current request as having saved a change (outside a request: nothing to mark).
pub fn mark() {
    let _ = COMMITTED.try_with(|c| c.set(true));
}

/// Whether the current request has saved a change.
pub fn marked() -> bool {
    COMMITTED.try_with(Cell::get).unwrap_or(false)
}

/// Reads the data's version (`None` if the database did not answer; it logs why). Given by
/// start-up, so that this module, which the database's writes mark, does not import them back.
pub type VersionReader = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<i64>> + Send>> + Send + Sync>;

/// What [`layer`] needs.
#[derive(Clone)]
pub struct Remember {
    pub version: VersionReader,
    /// Cookies only over HTTPS (`AIDTRAIL_SECURE_COOKIES`).
    pub secure: bool,
}

/// The middleware that gives every request its mark and its reader's [`Seen`] version, and
/// remembers the version after a save.
pub async fn layer(
    State(remember): State<Remember>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let seen = Seen::from_headers(request.headers());
    request.extensions_mut().insert(seen);
    let (mut response, saved) = scope(next.run(request)).await;
    if saved {
        // Read after the save's event was chained: its number or a later one. Should the read
        // fail (it is logged), the next pages are at most the cache's window old.
        if let Some(version) = (remember.version)().await
            && let Ok(value) = HeaderValue::from_str(&Seen(version).cookie(remember.secure))
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_mark_stays_within_its_request() {
        assert!(!marked(), "outside any request");
        mark();
        assert!(!marked(), "marking outside a request does nothing");
        let (inside, saved) = scope(async {
            assert!(!marked());
            mark();
            marked()
        })
        .await;
        assert!(inside && saved);
        assert_eq!(scope(async { marked() }).await, (false, false), "a new request starts unmarked");
    }

    #[test]
    fn the_seen_version_is_read_from_its_cookie_only() {
        let headers = |values: &[&str]| {
            let mut map = HeaderMap::new();
            for v in values {
                map.append(header::COOKIE, HeaderValue::from_str(v).unwrap());
            }
            map
        };
        assert_eq!(Seen::from_headers(&headers(&[])), Seen(0));
        assert_eq!(Seen::from_headers(&headers(&["aidtrail_lang=fr; aidtrail_seen=42"])), Seen(42));
        assert_eq!(
            Seen::from_headers(&headers(&["a=1", "aidtrail_seen=7"])),
            Seen(7),
            "a second Cookie header"
        );
        for odd in [
            "aidtrail_seen=",
            "aidtrail_seen=-3",
            "aidtrail_seen=1e9",
            "x_aidtrail_seen=5",
            "aidtrail_seenx=5",
        ] {
            assert_eq!(Seen::from_headers(&headers(&[odd])), Seen(0), "{odd}");
        }
        assert_eq!(Seen(9).cookie(true), "aidtrail_seen=9; Path=/; HttpOnly; SameSite=Lax; Secure");
    }
}
