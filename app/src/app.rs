//! The root component, its routes, and the HTML shell the server wraps it in.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::Layout;
use crate::components::i18n::{I18n, initial_locale};
use crate::pages::{
    ActivitiesPage, ActivityPage, AuditPage, CertificatePage, DashboardPage, EditActivityPage, EquipmentPage,
    ExportsPage, GrantsPage, HandoverPage, HandoverReportPage, HandoversPage, HomePage, IatiSettingsPage,
    ImportPreviewPage, ImportsPage, IndicatorsPage, InstitutesPage, LoginPage, NewActivityPage,
    NewHandoverPage, NewRecordPage, NotFoundPage, PasswordPage, RecordListPage, RecordPage, RecordsPage,
    UsersPage,
};

/// The `Content-Security-Policy` of every response. Scripts come only from the site, plus the
/// inline scripts `leptos` writes during server rendering (the one that starts hydration and those
/// that carry resolved data), each of which carries the request's `nonce`; WASM may be compiled;
/// no inline style, no plugin, no other site's frame around a page, forms post only to the site.
/// Without a nonce (responses not rendered by `leptos`) no inline script runs at all.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'none'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'; object-src 'none'"
    )
}

/// The stylesheet's address: its hashed name when the build listed one in the hash file
/// (`hash_files`), as `HydrationScripts` does for the script and the WASM.
fn stylesheet_href(options: &LeptosOptions) -> String {
    let hash = options
        .hash_files
        .then(|| std::fs::read_to_string(options.hash_file.as_ref()).ok())
        .flatten()
        .and_then(|list| list.lines().find_map(|l| l.strip_prefix("css:").map(|h| h.trim().to_owned())));
    match hash {
        Some(hash) => format!("/{}/{}.{hash}.css", options.site_pkg_dir, options.output_name),
        None => format!("/{}/{}.css", options.site_pkg_dir, options.output_name),
    }
}

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = initial_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let nonce = leptos::nonce::use_nonce();
        let policy = content_security_policy(nonce.as_deref());
        match http::HeaderValue::from_str(&policy) {
            Ok(value) => response.insert_header(http::header::CONTENT_SECURITY_POLICY, value),
            Err(e) => {
                leptos::logging::error!("content security policy {policy:?} is not a header value: {e}")
            }
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=stylesheet_href(&options)/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application. Every route renders completely on the server before it is sent
/// (`SsrMode::Async`), so pages are whole without JavaScript; WASM then takes over.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(I18n(RwSignal::new(initial_locale())));
    view! {
        <Title text="aidtrail"/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/grants") view=GrantsPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/activities") view=ActivitiesPage ssr=SsrMode::Async/>
                    <Route path=path!("/activities/new") view=NewActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/activities/:id") view=ActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/activities/:id/edit") view=EditActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/institutes") view=InstitutesPage ssr=SsrMode::Async/>
                    <Route path=path!("/indicators") view=IndicatorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/equipment") view=EquipmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/password") view=PasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/iati") view=IatiSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/exports") view=ExportsPage ssr=SsrMode::Async/>
                    <Route path=path!("/imports") view=ImportsPage ssr=SsrMode::Async/>
                    <Route path=path!("/imports/:id") view=ImportPreviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/records") view=RecordsPage ssr=SsrMode::Async/>
                    <Route path=path!("/handovers") view=HandoversPage ssr=SsrMode::Async/>
                    <Route path=path!("/handovers/new") view=NewHandoverPage ssr=SsrMode::Async/>
                    <Route path=path!("/handovers/report") view=HandoverReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/handovers/:id") view=HandoverPage ssr=SsrMode::Async/>
                    <Route path=path!("/handovers/:id/certificate") view=CertificatePage ssr=SsrMode::Async/>
                    <Route path=path!("/records/:kind") view=RecordListPage ssr=SsrMode::Async/>
                    <Route path=path!("/records/:kind/new") view=NewRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/records/:kind/:id") view=RecordPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
