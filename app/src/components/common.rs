//! Small view pieces shared by the pages.

use leptos::prelude::*;

use leptos_meta::Title;

use super::i18n::{tr, tr_fmt, use_locale};
use crate::error::AppError;
use crate::i18n::{Locale, Msg, fmt_page_of, fmt_showing};

/// The document's `<title>`, written by `text` in the page's language.
///
/// On the server it is a plain string, worked out now while the page's reactive owner lives:
/// `leptos_meta` 0.8.7 reads a title's text only after the page has rendered (in
/// `TitleContext::as_string`, when it writes the `<head>`), and a closure reading the language
/// signal then panics, its owner disposed and no arena active, once requests render side by
/// side. That text is also written raw into `<title>` there, so it is escaped here. In the
/// browser the title follows the language.
#[component]
pub fn PageTitle<F>(text: F) -> impl IntoView
where
    F: Fn(Locale) -> String + Send + Sync + 'static,
{
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    let text: leptos::text_prop::TextProp = escape_raw_text(&text(locale.get_untracked())).into();
    #[cfg(not(feature = "ssr"))]
    let text: leptos::text_prop::TextProp = (move || text(locale.get())).into();
    view! { <Title text=text/> }
}

/// Text made safe inside an element that `tachys` 0.2 renders without escaping on the server
/// although the browser reads entities in it (`<title>`, `<textarea>`: both end only at their
/// closing tag, so a record's text holding `</textarea>` would otherwise end it and start markup).
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub(crate) fn escape_raw_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The title and one-line introduction of a page.
#[component]
pub fn PageHeader(title: Msg, #[prop(optional)] intro: Option<Msg>) -> impl IntoView {
    view! {
        <PageTitle text=move |l| format!("{} · aidtrail", title.text(l))/>
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
            http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    let (title, body) = match error {
        AppError::NotFound => (Msg::NotFoundTitle, Msg::NotFoundBody),
        AppError::Unauthorized => (Msg::UnauthorizedTitle, Msg::UnauthorizedBody),
        AppError::Forbidden => (Msg::ForbiddenTitle, Msg::ForbiddenBody),
        _ => (Msg::ErrorTitle, Msg::ErrorBody),
    };
    let location = leptos_router::hooks::use_location();
    let sign_in = move || {
        let search = location.search.get();
        let here = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        };
        format!("/login?next={}", crate::domain::query_string::encode_component(&here))
    };
    let action = if error == AppError::Unauthorized {
        view! { <a class="button" href=sign_in>{tr(Msg::SignIn)}</a> }.into_any()
    } else {
        view! { <a href="/">{tr(Msg::BackHome)}</a> }.into_any()
    };
    view! {
        <section class="notice notice-error" role="alert">
            <h2>{tr(title)}</h2>
            <p>{tr(body)}</p>
            <p>{action}</p>
        </section>
    }
}

/// Previous / next links for a paginated list; the page lives in `?page=`.
#[component]
pub fn Pager(
    #[prop(into)] base: String,
    /// The filter's query string, kept on every link.
    #[prop(optional)]
    query: String,
    page: u32,
    pages: u32,
    first: u64,
    last: u64,
    total: u64,
) -> impl IntoView {
    let link = move |p: u32| match (p <= 1, query.is_empty()) {
        (true, true) => base.to_owned(),
        (true, false) => format!("{base}?{query}"),
        (false, true) => format!("{base}?page={p}"),
        (false, false) => format!("{base}?{query}&page={p}"),
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

/// The form that uploads one file (an attendance sheet, a photo of a handover) to `action`:
/// the same accepted types and hint everywhere, checked again by the server.
pub fn upload_form(action: String, id: &'static str, button: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="upload-form">
            <label for=id>{tr(Msg::AttachFile)}</label>
            <input id=id type="file" name="file" accept=".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf" required/>
            <button type="submit" class=button>{tr(Msg::Upload)}</button>
            <p class="hint">{tr(Msg::AttachHint)}</p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_cannot_close_its_element() {
        assert_eq!(
            escape_raw_text("X</title><img src=x onerror=alert(1)> & co"),
            "X&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co"
        );
        assert_eq!(escape_raw_text("Atelier · Bamako"), "Atelier · Bamako");
    }
}
