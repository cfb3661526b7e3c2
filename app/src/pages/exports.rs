//! The CSV exports and the IATI files this user may download, with the filters applied to every
//! link, and the checks before publishing to IATI.
//! The form is a plain GET form and the links plain links, so the page works without WASM and
//! the browser's own download shows the progress.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_current_user, get_dashboard_options, get_iati_checks};
use crate::components::i18n::tr;
use crate::components::{ErrorView, PageHeader, country_choices, filter_select, loading, ref_choices};
use crate::domain::dashboard::DashboardOptions;
use crate::domain::exports::{ExportFilter, ExportKind};
use crate::domain::iati::{IatiProblem, IatiRule};
use crate::domain::{CurrentUser, Permission, Role};
use crate::error::AppError;
use crate::i18n::Msg;

fn title(kind: ExportKind) -> Msg {
    match kind {
        ExportKind::Donors => Msg::ExportDonors,
        ExportKind::Grants => Msg::ExportGrants,
        ExportKind::Transactions => Msg::ExportTransactions,
        ExportKind::Activities => Msg::ExportActivities,
        ExportKind::Participants => Msg::ExportParticipants,
        ExportKind::Institutes => Msg::ExportInstitutes,
        ExportKind::Indicators => Msg::ExportIndicators,
        ExportKind::Equipment => Msg::ExportEquipment,
        ExportKind::Handovers => Msg::ExportHandovers,
        ExportKind::Confirmations => Msg::ExportConfirmations,
        ExportKind::StateReports => Msg::ExportStateReports,
        ExportKind::AuditLog => Msg::ExportAuditLog,
    }
}

#[component]
pub fn ExportsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        ExportFilter::from_query(|k| q.get(k))
    });
    let data = Resource::new(
        || (),
        move |_| async move {
            let user = get_current_user().await?.ok_or(AppError::Unauthorized)?;
            // Institutes pick dates only: the other choices are about grants.
            let options =
                if user.can(Permission::ViewGrants) { Some(get_dashboard_options().await?) } else { None };
            let checks =
                if publishes(&user) { Some(get_iati_checks(filter.get_untracked()).await?) } else { None };
            Ok::<_, AppError>((user, options, checks))
        },
    );
    view! {
        <PageHeader title=Msg::ExportsTitle intro=Msg::ExportsIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, options, checks)) => {
                        exports_view(&user, options, checks, filter.get_untracked()).into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Whether `user` may download the IATI files: those who may read the activities and the
/// transactions, institutes aside (as the server checks).
fn publishes(user: &CurrentUser) -> bool {
    ExportKind::Activities.allowed_for(user.role)
        && ExportKind::Transactions.allowed_for(user.role)
        && user.role != Role::Institute
}

/// The checks before publishing: each activity that breaks a rule, linked to its edit form.
fn checks_view(problems: Vec<IatiProblem>) -> impl IntoView {
    let rule = |r: IatiRule| match r {
        IatiRule::NoStartDate => Msg::IatiRuleNoStart,
        IatiRule::NoSector => Msg::IatiRuleNoSector,
        IatiRule::FutureActualDate => Msg::IatiRuleFutureActual,
        IatiRule::UnusableCode => Msg::IatiRuleCode,
        IatiRule::FutureTransaction => Msg::IatiRuleFutureTransaction,
    };
    let intro = if problems.is_empty() { Msg::IatiChecksNone } else { Msg::IatiChecksSome };
    let items = problems
        .into_iter()
        .map(|p| {
            let rules = p.rules.into_iter().map(|r| view! { <li>{tr(rule(r))}</li> }).collect_view();
            view! {
                <li data-testid="iati-problem">
                    <strong class="mono">{p.code}</strong> " "
                    <a href=p.subject.edit_href()>{tr(Msg::IatiFix)}</a>
                    <ul>{rules}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>{tr(Msg::IatiChecksTitle)}</h3>
        <p data-testid="iati-checks">{tr(intro)}</p>
        <ul class="iati-problems">{items}</ul>
    }
}

fn exports_view(
    user: &CurrentUser,
    options: Option<DashboardOptions>,
    checks: Option<Vec<IatiProblem>>,
    filter: ExportFilter,
) -> impl IntoView + use<> {
    let scope_note = match user.role {
        Role::Donor => Some(Msg::ExportsScopeDonor),
        Role::Institute => Some(Msg::ExportsScopeInstitute),
        _ => None,
    };
    let query = filter.to_query();
    let files = ExportKind::ALL
        .into_iter()
        .filter(|k| k.allowed_for(user.role))
        .map(|kind| {
            let href = if query.is_empty() {
                format!("/exports/{}.csv", kind.slug())
            } else {
                format!("/exports/{}.csv?{query}", kind.slug())
            };
            view! {
                <tr>
                    <td>{tr(title(kind))}</td>
                    <td><code>{format!("{}.csv", kind.slug())}</code></td>
                    <td>
                        <a class="button secondary" href=href download data-testid=format!("export-{}", kind.slug())>
                            {tr(Msg::ExportsDownload)}
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    // The audit package: staff only, as the server checks.
    let package = matches!(user.role, Role::Admin | Role::ProgrammeManager | Role::Auditor).then(|| {
        let href = if query.is_empty() { "/exports/package.zip".to_owned() } else { format!("/exports/package.zip?{query}") };
        view! {
            <p class="page-actions">
                <a class="button" href=href download data-testid="export-package">{tr(Msg::ExportsPackage)}</a>
            </p>
            <p class="muted">{tr(Msg::ExportsPackageHint)}</p>
        }
    });
    // The IATI files: for those who may read the activities and transactions, institutes aside.
    let iati = publishes(user).then(|| {
            let link = |file: &str| {
                if query.is_empty() { format!("/exports/iati/{file}") } else { format!("/exports/iati/{file}?{query}") }
            };
            view! {
                <section class="card" data-testid="iati">
                    <h2>{tr(Msg::IatiTitle)}</h2>
                    <p class="muted">{tr(Msg::IatiHint)}</p>
                    <p class="page-actions">
                        <a class="button secondary" href=link("activities.xml") download data-testid="export-iati-activities">
                            {tr(Msg::IatiActivities)}
                        </a>
                        " "
                        <a class="button secondary" href=link("organisation.xml") download data-testid="export-iati-organisation">
                            {tr(Msg::IatiOrganisation)}
                        </a>
                    </p>
                    {checks.map(checks_view)}
                    {(user.role == Role::Admin).then(|| view! {
                        <p><a href="/admin/iati" data-testid="iati-settings-link">{tr(Msg::IatiSettingsLink)}</a></p>
                    })}
                </section>
            }
        });
    view! {
        {scope_note.map(|msg| view! { <p class="notice">{tr(msg)}</p> })}
        {filter_form(options, &filter)}
        {package}
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ExportsFile)}</th>
                        <th scope="col">"CSV"</th>
                        <th scope="col"><span class="visually-hidden">{tr(Msg::ExportsDownload)}</span></th>
                    </tr>
                </thead>
                <tbody>{files}</tbody>
            </table>
        </div>
        {iati}
    }
}

fn filter_form(options: Option<DashboardOptions>, current: &ExportFilter) -> impl IntoView + use<> {
    let select = |name, label, choices, selected| {
        filter_select("export", name, label, Msg::FilterAny, choices, selected)
    };
    let choices = options.map(|options| {
        let countries = country_choices(&options.countries);
        view! {
            {(!options.donors.is_empty())
                .then(|| select("donor", Msg::FilterDonor, ref_choices(&options.donors), current.donor.clone()))}
            {select("grant", Msg::FieldGrant, ref_choices(&options.grants), current.grant.clone())}
            {select("country", Msg::FieldCountry, countries, current.country.clone())}
        }
    });
    view! {
        <form method="get" action="/exports" class="card filters" role="search" aria-label=tr(Msg::FiltersLabel)>
            <div class="fields">
                <div class="field">
                    <label for="export-from">{tr(Msg::FilterFrom)}</label>
                    <input id="export-from" name="from" type="date" value=current.from.map(|d| d.to_string())/>
                </div>
                <div class="field">
                    <label for="export-to">{tr(Msg::FilterTo)}</label>
                    <input id="export-to" name="to" type="date" value=current.to.map(|d| d.to_string())/>
                </div>
                {choices}
                <div class="field">
                    <label class="check">
                        <input name="bom" type="checkbox" value="1" checked=current.bom/>
                        {tr(Msg::ExportsBom)}
                    </label>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button" data-testid="apply-filters">{tr(Msg::ExportsApply)}</button>
                <a href="/exports">{tr(Msg::FilterClear)}</a>
            </div>
        </form>
    }
}
