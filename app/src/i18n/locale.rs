//! The languages aidtrail speaks, and how a request says which one it wants.

use serde::{Deserialize, Serialize};

/// The languages aidtrail speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    En,
    Fr,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    /// The one of an (English, French) pair written in this language.
    pub fn pick<T>(self, (en, fr): (T, T)) -> T {
        match self {
            Locale::En => en,
            Locale::Fr => fr,
        }
    }

    /// The BCP 47 tag used in `<html lang>`, the cookie and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut choices: Vec<(f32, usize, Locale)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let primary = tag.split('-').next()?;
                let locale = Locale::from_code(primary)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, i, locale))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        choices.first().map(|c| c.2)
    }

    /// Reads the language cookie out of a `Cookie` header.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == LANG_COOKIE).then(|| Locale::from_code(value)).flatten()
        })
    }
}

/// Name of the cookie that remembers the page's language.
pub const LANG_COOKIE: &str = "aidtrail_lang";

/// Name of the cookie set, for the browser session, when someone picks a language with the
/// switch. `LANG_COOKIE` alone may have been left by the last sign-in on a shared computer; with
/// this one beside it, the language was chosen by whoever is at the keyboard, and a sign-in
/// keeps it as the account's preference.
pub const LANG_CHOSEN_COOKIE: &str = "aidtrail_lang_chosen";

/// The `Set-Cookie` value that remembers `locale` as the page's language for a year.
pub fn lang_cookie_value(locale: Locale) -> String {
    format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.code())
}

/// The `Set-Cookie` value that marks the language as chosen with the switch (`chosen`) or clears
/// that mark.
pub fn lang_chosen_cookie_value(chosen: bool) -> String {
    let age = if chosen { "" } else { "; Max-Age=0" };
    format!("{LANG_CHOSEN_COOKIE}=1; Path=/; SameSite=Lax{age}")
}

/// Whether a `Cookie` header carries the mark of a language chosen with the switch.
pub fn language_was_chosen(header: &str) -> bool {
    header
        .split(';')
        .any(|pair| pair.trim().split_once('=').is_some_and(|(name, _)| name == LANG_CHOSEN_COOKIE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_quality() {
        assert_eq!(Locale::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Some(Locale::Fr));
        assert_eq!(Locale::from_accept_language("de-DE, en;q=0.5, fr;q=0.7"), Some(Locale::Fr));
        assert_eq!(Locale::from_accept_language("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("de, es"), None);
        assert_eq!(Locale::from_accept_language("fr;q=0, en;q=0.1"), Some(Locale::En));
    }

    #[test]
    fn the_chosen_mark_is_read_by_name_only() {
        assert!(language_was_chosen("aidtrail_lang=fr; aidtrail_lang_chosen=1"));
        assert!(!language_was_chosen("aidtrail_lang=fr"));
        assert!(!language_was_chosen("x_aidtrail_lang_chosen=1; aidtrail_lang_chosenx=1"));
        assert!(lang_chosen_cookie_value(false).ends_with("Max-Age=0"));
    }

    #[test]
    fn cookie_is_found_among_others() {
        assert_eq!(Locale::from_cookie_header("a=b; aidtrail_lang=fr; c=d"), Some(Locale::Fr));
        assert_eq!(Locale::from_cookie_header("aidtrail_lang=xx"), None);
        assert_eq!(Locale::from_cookie_header(""), None);
    }
}
