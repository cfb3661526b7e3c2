//! Small view pieces shared by the pages.

use leptos::prelude::*;

use leptos_meta::Title;

use super::i18n::{tr, tr_fmt, use_locale};
use crate::error::AppError;
use crate::i18n::{Msg, fmt_page_of, fmt_showing};

/// The title and one-line introduction of a page.
#[component]
pub fn PageHeader(title: Msg, #[prop(optional)] intro: Option<Msg>) -> impl IntoView {
    let locale = use_locale();
    let page_title = move || format!("{} · aidtrail", title.text(locale.get()));
    view! {
        <Title text=page_title/>
        <div class="page-header">
            <h1>{tr(title)}</h1>
            {intro.map(|m| view! { <p class="lead">{tr(m)}</p> })}
        </div>
    }
}

/// Shown while a page's data is on its way (only ever seen after client-side navigation).
pub fn loading() -> impl IntoView {
    view! { <p class="loading" role="status">{tr(Msg::Loading)}</p> }
}

/// A clear message where a list has no rows.
#[component]
pub fn EmptyState(message: Msg) -> impl IntoView {
    view! { <p class="empty-state">{tr(message)}</p> }
}

/// An error in the user's language; on the server it also sets the response status.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    let (title, body) = match error {
        AppError::NotFound => (Msg::NotFoundTitle, Msg::NotFoundBody),
        _ => (Msg::ErrorTitle, Msg::ErrorBody),
    };
    view! {
        <section class="notice notice-error" role="alert">
            <h2>{tr(title)}</h2>
            <p>{tr(body)}</p>
            <p><a href="/">{tr(Msg::BackHome)}</a></p>
        </section>
    }
}

/// Previous / next links for a paginated list; the page lives in `?page=`.
#[component]
pub fn Pager(
    base: &'static str,
    page: u32,
    pages: u32,
    first: u64,
    last: u64,
    total: u64,
) -> impl IntoView {
    let link = move |p: u32| {
        if p <= 1 {
            base.to_owned()
        } else {
            format!("{base}?page={p}")
        }
    };
    view! {
        <nav class="pager" aria-label=tr(Msg::PagerLabel)>
            <span class="pager-count">{tr_fmt(move |l| fmt_showing(l, first, last, total))}</span>
            <span class="pager-links">
                {(page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>"← " {tr(Msg::PagerPrevious)}</a> })}
                <span class="pager-page">{tr_fmt(move |l| fmt_page_of(l, page, pages))}</span>
                {(page < pages).then(|| view! { <a rel="next" href=link(page + 1)>{tr(Msg::PagerNext)} " →"</a> })}
            </span>
        </nav>
    }
}
