//! Sign-in page: a plain form posted to `/login`, usable without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::PageHeader;
use crate::components::i18n::{tr, tr_fmt};
use crate::i18n::{Msg, fmt_try_again};

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let email = get("email");
    let next = {
        let next = get("next");
        if next.starts_with('/') && !next.starts_with("//") { next } else { "/".to_owned() }
    };
    let notice = match get("error").as_str() {
        "invalid" => {
            Some(view! { <p class="notice notice-error" role="alert">{tr(Msg::LoginInvalid)}</p> }.into_any())
        }
        "rate" => {
            let wait: u64 = get("wait").parse().unwrap_or(60);
            Some(view! { <p class="notice notice-error" role="alert">{tr_fmt(move |l| fmt_try_again(l, wait))}</p> }.into_any())
        }
        "internal" => {
            Some(view! { <p class="notice notice-error" role="alert">{tr(Msg::ErrorBody)}</p> }.into_any())
        }
        _ if !get("signed_out").is_empty() => {
            Some(view! { <p class="notice notice-ok" role="status">{tr(Msg::SignedOut)}</p> }.into_any())
        }
        _ => None,
    };
    view! {
        <div class="narrow">
            <PageHeader title=Msg::LoginTitle intro=Msg::LoginIntro/>
            {notice}
            <form method="post" action="/login" class="card form">
                <input type="hidden" name="next" value=next/>
                <label for="email">{tr(Msg::FieldEmail)}</label>
                <input id="email" name="email" type="email" autocomplete="username" required value=email/>
                <label for="password">{tr(Msg::FieldPassword)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="button">{tr(Msg::SignIn)}</button>
            </form>
        </div>
    }
}
