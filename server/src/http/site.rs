//! Plain axum routes beside the Leptos pages: health check and the no-JavaScript language switch.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use app::domain::CurrentUser;
use app::i18n::{Locale, lang_chosen_cookie_value, lang_cookie_value};

use crate::state::AppState;

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    if crate::db::ping(&state.db).await {
        (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
        )
            .into_response()
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    next: String,
}

/// Where to send the browser back to after signing in or switching language: a path of this
/// site, or `/`. `next` is resolved the way a browser resolves a `Location` (WHATWG URL parsing,
/// by the `url` crate), so what is checked is what the browser will follow: browsers drop tabs
/// and newlines anywhere in a URL and read `\` as `/`, so `/\t/evil.example/` is
/// `//evil.example/`, another site. What comes back is the resolved path and query, written
/// out by the parser (percent-encoded, no fragment).
///
/// The answer is checked once more as the browser will read it: a path can resolve on this
/// site and still be written out as `//host` (`/.\\/evil.example` resolves to the path
/// `//evil.example`, which a browser reads as another site), so only an answer that resolves
/// to itself on this site is given.
pub(crate) fn safe_next(next: &str) -> String {
    let base = url::Url::parse("http://aidtrail.invalid/").expect("a valid base URL");
    let on_this_site = |target: &str| -> Option<url::Url> {
        let url = target.starts_with('/').then(|| base.join(target).ok()).flatten()?;
        (url.origin() == base.origin()).then_some(url)
    };
    let written = |url: &url::Url| match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let Some(url) = on_this_site(next) else { return "/".to_owned() };
    let answer = written(&url);
    match on_this_site(&answer) {
        Some(again) if written(&again) == answer => answer,
        _ => "/".to_owned(),
    }
}

/// `POST /lang`: remembers the language in a cookie and goes back to the page, for browsers
/// without JavaScript (with it, the switch happens in place).
pub async fn set_language(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(locale) = Locale::from_code(&form.lang) else {
        return (StatusCode::BAD_REQUEST, "Unknown language / Langue inconnue").into_response();
    };
    if let Some(axum::Extension(user)) = user
        && let Err(error) = crate::db::users::set_language(&state.db, &user.id, locale).await
    {
        tracing::warn!(%error, "could not save the language preference");
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(&safe_next(&form.next)) {
        headers.insert(header::LOCATION, location);
    }
    for cookie in [lang_cookie_value(locale), lang_chosen_cookie_value(true)] {
        if let Ok(cookie) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, cookie);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use proptest::prelude::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/activities?page=2"), "/activities?page=2");
        assert_eq!(safe_next("/grants/de_2017"), "/grants/de_2017");
        assert_eq!(safe_next("/a/../dashboard"), "/dashboard");
        assert_eq!(safe_next("/activités"), "/activit%C3%A9s");
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\\/evil.example",
            "/.\\/evil.example",
            "/./\\evil.example",
            "/x/..//evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// Whatever is posted, the browser is sent to a path of this site: resolved against any
        /// origin, the answer stays on that origin, and it reads the same when checked again.
        #[test]
        fn whatever_is_posted_the_answer_stays_on_this_site(next in r"\PC{0,40}|[/\\\t\n\r .:a-z@%?#]{0,16}") {
            let answer = safe_next(&next);
            prop_assert!(answer.starts_with('/'));
            let base = url::Url::parse("https://aidtrail.example.org/somewhere/").unwrap();
            let followed = base.join(&answer).unwrap();
            prop_assert_eq!(followed.origin(), base.origin(), "{:?} -> {:?}", next, answer);
            prop_assert_eq!(safe_next(&answer), answer);
        }
    }
}
