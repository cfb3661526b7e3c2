//! The current language as reactive state, and helpers that make text follow it.

use leptos::prelude::*;

use crate::domain::Text;
use crate::i18n::{Label, Locale, Msg};

/// The language of the page, shared through context.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

/// The current language signal. Islands, which see no context of the page around them, start
/// from the page's language.
pub fn use_locale() -> RwSignal<Locale> {
    use_context::<I18n>().map(|i| i.0).unwrap_or_else(|| RwSignal::new(initial_locale()))
}

/// A fixed message that re-renders when the language changes.
pub fn tr(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move || msg.text(locale.get())
}

/// The name of a coded value, following the language.
pub fn tr_label<T: Label + Copy + Send + Sync + 'static>(
    value: T,
) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let locale = use_locale();
    move || value.label(locale.get())
}

/// Bilingual record text, following the language.
pub fn tr_text(text: Text) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let locale = use_locale();
    move || text.get(locale.get()).to_owned()
}

/// Any locale-dependent formatting (dates, numbers, money), following the language.
pub fn tr_fmt<F>(format: F) -> impl Fn() -> String + Send + Sync + 'static
where
    F: Fn(Locale) -> String + Send + Sync + 'static,
{
    let locale = use_locale();
    move || format(locale.get())
}

/// The language the page starts in: on the server from the request (cookie, then
/// `Accept-Language`), in the browser from `<html lang>`, which the server wrote.
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| locale_from_headers(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Locale::from_code(&l))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}

/// The language a request asks for: our cookie first, then `Accept-Language`, else English.
#[cfg(feature = "ssr")]
pub fn locale_from_headers(headers: &http::HeaderMap) -> Locale {
    let cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Locale::from_cookie_header);
    cookie
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default()
}
