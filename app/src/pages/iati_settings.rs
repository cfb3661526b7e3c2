//! `/admin/iati`: the reporting organisation and sectors the IATI files are written with, as set
//! on the server (`AIDTRAIL_IATI_*`), and what to fix in them before publishing. Admins only.

use leptos::prelude::*;

use crate::api::get_iati_settings;
use crate::components::i18n::tr;
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::iati::{Publisher, SettingProblem};
use crate::i18n::Msg;

#[component]
pub fn IatiSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_iati_settings());
    view! {
        <PageHeader title=Msg::IatiSettingsTitle intro=Msg::IatiSettingsIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((publisher, problems)) => settings_view(publisher, problems).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn settings_view(p: Publisher, problems: Vec<SettingProblem>) -> impl IntoView {
    let problem = |problem: SettingProblem| {
        let (msg, theme) = match problem {
            SettingProblem::DemoRef => (Msg::IatiSetDemoRef, None),
            SettingProblem::RefShape => (Msg::IatiSetRefShape, None),
            SettingProblem::UnknownType => (Msg::IatiSetUnknownType, None),
            SettingProblem::NoName => (Msg::IatiSetNoName, None),
            SettingProblem::ThemeWithoutSector(theme) => (Msg::IatiSetNoSector, Some(theme)),
        };
        view! { <li data-testid="iati-setting-problem">{tr(msg)} {theme.map(|t| view! { " " <code>{t}</code> })}</li> }
    };
    let status = if problems.is_empty() {
        view! { <p class="notice notice-ok" role="status" data-testid="iati-settings-ok">{tr(Msg::IatiSetOk)}</p> }
            .into_any()
    } else {
        let items = problems.into_iter().map(problem).collect_view();
        view! {
            <div class="notice notice-error" role="alert">
                <p>{tr(Msg::IatiSetFix)}</p>
                <ul>{items}</ul>
            </div>
        }
        .into_any()
    };
    let sectors = p
        .sectors
        .iter()
        .map(|(theme, code)| view! { <tr><td><code>{theme.clone()}</code></td><td class="mono">{code.clone()}</td></tr> })
        .collect_view();
    view! {
        {status}
        <dl class="facts card" data-testid="iati-settings">
            <dt><code>"AIDTRAIL_IATI_ORG_REF"</code></dt><dd class="mono">{p.org_ref}</dd>
            <dt><code>"AIDTRAIL_IATI_ORG_TYPE"</code></dt><dd class="mono">{p.org_type}</dd>
            <dt><code>"AIDTRAIL_IATI_ORG_NAME"</code></dt><dd lang="en">{p.name_en}</dd>
            <dt><code>"AIDTRAIL_IATI_ORG_NAME_FR"</code></dt><dd lang="fr">{p.name_fr}</dd>
            <dt><code>"AIDTRAIL_PUBLIC_URL"</code></dt>
            {match p.site_url {
                Some(url) => view! { <dd class="mono">{url}</dd> }.into_any(),
                None => view! { <dd class="muted">{tr(Msg::IatiSetNoSiteUrl)}</dd> }.into_any(),
            }}
        </dl>
        <div class="table-wrap">
            <table class="data">
                <caption><code>"AIDTRAIL_IATI_SECTORS"</code></caption>
                <thead><tr><th scope="col">{tr(Msg::IatiSetTheme)}</th><th scope="col">{tr(Msg::IatiSetSector)}</th></tr></thead>
                <tbody>{sectors}</tbody>
            </table>
        </div>
        <p class="muted">{tr(Msg::IatiSetHow)}</p>
    }
}
