//! The frame around every page: header with navigation and language switch, footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::i18n::{switch_locale, tr, use_locale};
use crate::i18n::{Locale, Msg};

const NAV: [(&str, Msg); 5] = [
    ("/", Msg::NavHome),
    ("/grants", Msg::NavGrants),
    ("/activities", Msg::NavActivities),
    ("/institutes", Msg::NavInstitutes),
    ("/equipment", Msg::NavEquipment),
];

/// Whether `path` belongs to the navigation entry `href`.
fn is_current(href: &str, path: &str) -> bool {
    if href == "/" {
        path == "/"
    } else {
        path == href || path.starts_with(&format!("{href}/"))
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let nav = NAV
        .iter()
        .map(|(href, msg)| {
            let href = *href;
            let current = move || is_current(href, &location.pathname.get()).then_some("page");
            view! {
                <li>
                    <a href=href aria-current=current>{tr(*msg)}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <a class="skip-link" href="#content">{tr(Msg::SkipToContent)}</a>
        <header class="site-header">
            <div class="bar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    <span class="brand-name">"aidtrail"</span>
                </a>
                <LanguageSwitch/>
            </div>
            <nav class="main-nav" aria-label=tr(Msg::MainNavigation)>
                <ul>{nav}</ul>
            </nav>
        </header>
        <main id="content" class="content">{children()}</main>
        <footer class="site-footer">
            <p>{tr(Msg::AppTagline)}</p>
            <p class="muted">{tr(Msg::Footer)}</p>
        </footer>
    }
}

/// English / French buttons. Without JavaScript they post to `/lang`, which sets the cookie
/// and sends the user back; once hydrated they switch the page in place.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let next = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let button = move |target: Locale, name: &'static str| {
        view! {
            <button
                type="submit"
                name="lang"
                value=target.code()
                lang=target.code()
                class="lang-button"
                aria-pressed=move || (locale.get() == target).to_string()
                on:click=move |ev| {
                    ev.prevent_default();
                    switch_locale(locale, target);
                }
            >
                {name}
            </button>
        }
    };
    view! {
        <form class="lang-switch" method="post" action="/lang" aria-label=tr(Msg::LanguageLabel)>
            <input type="hidden" name="next" value=next/>
            {button(Locale::En, "English")}
            {button(Locale::Fr, "Français")}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn navigation_marks_the_current_section() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/grants"));
        assert!(is_current("/activities", "/activities/abc"));
        assert!(!is_current("/activities", "/activitiesx"));
    }
}
