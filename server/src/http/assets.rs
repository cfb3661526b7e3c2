//! `/pkg/…`: the site's bundle (WASM, its JavaScript glue, the stylesheet).
//!
//! A release build (`scripts/run.sh`, `scripts/test.sh`) names each file after a hash of its
//! content (`aidtrail.<hash>.wasm`, listed in `hash.txt` at the site's root) and writes a brotli
//! and a gzip copy beside it. So a file's name changes whenever its content does, and:
//! - a hashed file is `immutable` for a year: a returning reader asks for nothing, not even a
//!   revalidation (one round trip per file on a 300 ms link);
//! - the compressed copy the browser accepts is sent as it was written at build time, at the
//!   strongest setting, without compressing on every request;
//! - a file without a hash in its name (a debug build run by hand) is revalidated each time.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::services::ServeDir;

use crate::state::AppState;

/// How long a hashed file may be kept: a year, the longest HTTP caches honour.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The file listing the hashed names, written by cargo-leptos at the site's root when
/// `LEPTOS_HASH_FILE_NAME` points there (`scripts/setup.sh`), or `None` for a site built without
/// hashes.
pub fn hash_file(site_root: &Path) -> Option<PathBuf> {
    let file = site_root.join("hash.txt");
    file.is_file().then_some(file)
}

/// The routes serving `site_root/pkg`.
pub fn routes(site_root: &Path) -> Router<AppState> {
    let files = ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip();
    Router::new().nest_service("/pkg", files).layer(axum::middleware::from_fn(cache_policy))
}

/// Sets how long a bundle file may be cached, from its name; every answer varies with the
/// encodings the browser accepts.
async fn cache_policy(request: Request, next: Next) -> Response {
    let immutable = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let ok = response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let policy = if ok && immutable { IMMUTABLE } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Whether the last segment of `path` is `name.<hash>.ext`, the hash being cargo-leptos' (the
/// MD5 of the content in unpadded URL-safe base64: 22 characters).
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    matches!(parts.as_slice(), [stem, hash, ext]
        if !stem.is_empty()
            && !ext.is_empty()
            && hash.len() == 22
            && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_content_hashed_names_are_immutable() {
        assert!(is_hashed("/pkg/aidtrail.qw3Ld1SlMxA0Kc9L-zc_Yw.wasm"));
        assert!(is_hashed("aidtrail.AAAAAAAAAAAAAAAAAAAAAA.css"));
        assert!(!is_hashed("/pkg/aidtrail.wasm"));
        assert!(!is_hashed("/pkg/aidtrail_bg.wasm"));
        assert!(!is_hashed("/pkg/aidtrail.short.js"));
        assert!(!is_hashed("/pkg/aidtrail.qw3Ld1SlMxA0Kc9L+zc/Yw.js"));
        assert!(!is_hashed("/pkg/.qw3Ld1SlMxA0Kc9L-zc_Yw.js"));
        assert!(!is_hashed("/pkg/a.b.qw3Ld1SlMxA0Kc9L-zc_Yw.js"));
    }
}
