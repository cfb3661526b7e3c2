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

/// Entry point of the WASM bundle. The pages are server HTML; only the islands
/// (`components::islands`) run here, each hydrated by Leptos' island script right after this.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The island script hydrates the islands in promise callbacks once this returns; a timer
    // runs after all of them. It tells tests, the field bench (and curious readers of the DOM)
    // that the WASM has taken over, and when.
    leptos::prelude::set_timeout(
        || {
            let window = web_sys::window();
            let now = window.as_ref().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_default();
            if let Some(html) = window.and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = html.set_attribute("data-hydrated-at", &format!("{now:.0}"));
                let _ = html.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
