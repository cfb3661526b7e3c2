//! aidtrail's application crate: domain types, translations, pages and server functions.
//!
//! Built twice: with `ssr` into the server, with `hydrate` into the WASM bundle. Server-only
//! code (services, the repository trait) sits behind `ssr`.

// Server-rendered pages are deeply nested types; a clean build needs more than the default.
#![recursion_limit = "512"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod services;

pub use app::{App, shell};

/// Entry point of the WASM bundle: take over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Tells tests (and curious readers of the DOM) that the WASM has taken over.
    if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = html.set_attribute("data-hydrated", "true");
    }
}
