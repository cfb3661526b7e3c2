//! The frame around every page: header with the navigation the user's role can use, the
//! language switch and the user menu; footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::i18n::{tr, tr_label, use_locale};
use crate::api::get_current_user;
use crate::domain::{CurrentUser, Permission};
use crate::i18n::{Locale, Msg};

const NAV: [(&str, Msg, Permission); 13] = [
    ("/", Msg::NavHome, Permission::ViewOverview),
    ("/dashboard", Msg::NavDashboard, Permission::ViewGrants),
    ("/grants", Msg::NavGrants, Permission::ViewGrants),
    ("/activities", Msg::NavActivities, Permission::ViewActivities),
    ("/institutes", Msg::NavInstitutes, Permission::ViewInstitutes),
    ("/equipment", Msg::NavEquipment, Permission::ViewEquipment),
    ("/handovers", Msg::NavHandovers, Permission::ViewEquipment),
    ("/indicators", Msg::NavIndicators, Permission::ViewActivities),
    ("/records", Msg::NavRecords, Permission::ViewRecords),
    ("/admin/users", Msg::NavUsers, Permission::ManageUsers),
    ("/admin/audit", Msg::NavAudit, Permission::ViewAudit),
    // Every role has files of its own to download.
    ("/exports", Msg::NavExports, Permission::ViewOverview),
    ("/imports", Msg::NavImports, Permission::EditProgramme),
];

/// Whether `path` belongs to the navigation entry `href`.
fn is_current(href: &str, path: &str) -> bool {
    if href == "/" { path == "/" } else { path == href || path.starts_with(&format!("{href}/")) }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // The user is awaited in one place only: the header is drawn once it is known.
    let user = Resource::new(|| (), |_| async { get_current_user().await.ok().flatten() });
    view! {
        <a class="skip-link" href="#content">{tr(Msg::SkipToContent)}</a>
        <header class="site-header">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = user.await;
                    view! {
                        <div class="bar">
                            <a class="brand" href="/">
                                <span class="brand-mark" aria-hidden="true">"◆"</span>
                                <span class="brand-name">"aidtrail"</span>
                            </a>
                            <div class="bar-end">
                                <LanguageSwitch/>
                                {user_menu(user.clone())}
                            </div>
                        </div>
                        {navigation(user)}
                    }
                })}
            </Suspense>
        </header>
        <main id="content" class="content">{language_kept_notice()}{children()}</main>
        <footer class="site-footer">
            <p>{tr(Msg::AppTagline)}</p>
            <p class="muted">{tr(Msg::Footer)}</p>
        </footer>
    }
}

/// After a sign-in that switched the page to the account's language (`?language_kept=1`): says so,
/// and that the switch above changes it.
fn language_kept_notice() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query.read().get("language_kept").is_some().then(|| {
            view! { <p class="notice" role="status" data-testid="language-kept">{tr(Msg::LanguageKept)}</p> }
        })
    }
}

/// The sections this user may open; nothing for visitors who are not signed in.
fn navigation(user: Option<CurrentUser>) -> AnyView {
    let Some(user) = user.filter(|u| !u.must_change_password) else {
        return ().into_any();
    };
    let location = use_location();
    let items = NAV
        .iter()
        .filter(|(_, _, permission)| user.can(*permission))
        .map(|(href, msg, _)| {
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
        <nav class="main-nav" aria-label=tr(Msg::MainNavigation)>
            <ul>{items}</ul>
        </nav>
    }
    .into_any()
}

/// Who is signed in, with the password and sign-out actions; or a sign-in link.
fn user_menu(user: Option<CurrentUser>) -> AnyView {
    match user {
        None => view! { <a class="bar-link" href="/login">{tr(Msg::SignIn)}</a> }.into_any(),
        Some(user) => view! {
            <div class="user-menu">
                <span class="user-name" title=tr(Msg::SignedInAs)>
                    {user.name.clone()}
                    <span class="user-role">{tr_label(user.role)}</span>
                </span>
                <a class="bar-link" href="/account/password">{tr(Msg::ChangePassword)}</a>
                <form method="post" action="/logout" class="inline">
                    <button type="submit" class="bar-button" data-testid="sign-out">{tr(Msg::SignOut)}</button>
                </form>
            </div>
        }
        .into_any(),
    }
}

/// English / French buttons. They post to `/lang`, which sets the cookie (and the signed-in
/// user's preference) and sends the user back to the same page, rendered in that language. No
/// JavaScript: the page is server HTML, so the switch costs one small page, not the code of
/// every page in both languages.
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
