//! `/dashboard`: what a donor's money did, for its own grants only; staff pick a donor or the
//! whole programme. Filters live in the address, so a view can be bookmarked, shared, printed.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_dashboard, get_dashboard_options, list_indicators};
use crate::components::charts::{bar_chart, line_chart, stacked_chart};
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::components::{
    ErrorView, PageTitle, country_choices, filter_select, loading, ref_choices, year_choices,
};
use crate::domain::dashboard::{Dashboard, DashboardFilter, DashboardOptions};
use crate::domain::{IndicatorRow, Money, Text, Theme};
use crate::error::AppError;
use crate::i18n::{Label, Locale, Msg, country_name, fmt_int, fmt_money, fmt_percent};

fn label<T: Label>(item: &T) -> Text {
    Text::new(item.label(Locale::En), item.label(Locale::Fr))
}

fn euros(locale: Locale, minor: i64) -> String {
    Money::new(minor.max(0), crate::domain::Currency::eur())
        .map(|m| fmt_money(locale, &m))
        .unwrap_or_default()
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        DashboardFilter::from_query(|k| q.get(k))
    });
    let data = Resource::new(
        move || filter.get(),
        |filter| async move {
            let dashboard = get_dashboard(filter).await?;
            let options = get_dashboard_options().await?;
            let indicators = list_indicators().await?;
            Ok::<_, AppError>((dashboard, options, indicators))
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((dashboard, options, indicators)) => dashboard_view(dashboard, options, indicators).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn filter_form(options: &DashboardOptions, current: &DashboardFilter) -> impl IntoView + use<> {
    let select =
        |name, label, any, choices, selected| filter_select("dash", name, label, any, choices, selected);
    let years = || year_choices(&options.years);
    let countries = country_choices(&options.countries);
    let themes = Theme::ALL.iter().map(|t| (t.code().to_owned(), tr_label(*t).into_any())).collect();
    view! {
        <form method="get" action="/dashboard" class="card filters no-print" role="search" aria-label=tr(Msg::FiltersLabel)>
            <div class="fields">
                {(!options.donors.is_empty()).then(|| select("donor", Msg::FilterDonor, Msg::WholeProgramme, ref_choices(&options.donors), current.donor.clone()))}
                {select("from", Msg::FromYear, Msg::FilterAny, years(), current.from_year.map(|y| y.to_string()))}
                {select("to", Msg::ToYear, Msg::FilterAny, years(), current.to_year.map(|y| y.to_string()))}
                {select("country", Msg::FieldCountry, Msg::FilterAny, countries, current.country.clone())}
                {select("grant", Msg::FieldGrant, Msg::FilterAny, ref_choices(&options.grants), current.grant.clone())}
                {select("theme", Msg::FieldTheme, Msg::FilterAny, themes, current.theme.clone())}
                {select("pillar", Msg::FieldPillar, Msg::FilterAny, ref_choices(&options.pillars), current.pillar.clone())}
            </div>
            <div class="form-actions">
                <button type="submit" class="button" data-testid="apply-filters">{tr(Msg::FilterApply)}</button>
                <a href="/dashboard">{tr(Msg::FilterClear)}</a>
            </div>
        </form>
    }
}

fn stat(id: &'static str, label: Msg, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="stat" data-testid=id>
            <dt>{tr(label)}</dt>
            <dd>{value}</dd>
        </div>
    }
}

fn money_cell(value: &Money) -> impl IntoView + use<> {
    let value = value.clone();
    tr_fmt(move |l| fmt_money(l, &value))
}

fn dashboard_view(d: Dashboard, options: DashboardOptions, indicators: Vec<IndicatorRow>) -> impl IntoView {
    let heading: Text = match &d.donor {
        Some(donor) => donor.name.clone(),
        None => Msg::WholeProgramme.into(),
    };
    let page_title = heading.clone();
    let title = move |l| format!("{} · {} · aidtrail", Msg::DashboardTitle.text(l), page_title.get(l));
    let (people, women, instructors, institutes, activities) =
        (d.people_trained(), d.women_trained(), d.instructors, d.institutes_reached, d.activity_count());
    let grants = d
        .grants
        .iter()
        .map(|g| {
            // A list of decimals: separated by "; " in French, where the comma is the decimal mark.
            let rates = {
                let (rates, locale) = (g.rates.clone(), crate::components::i18n::use_locale());
                move || match (rates.is_empty(), locale.get()) {
                    (true, _) => "—".to_owned(),
                    (false, l) => {
                        let separator = if l == Locale::Fr { " ; " } else { ", " };
                        rates.iter().map(|r| r.typed(l)).collect::<Vec<_>>().join(separator)
                    }
                }
            };
            view! {
                <tr>
                    <td data-label=tr(Msg::ColReference)>
                        <span class="mono">{g.reference.clone()}</span>
                        <span class="sub">{tr_text(g.title.clone())}</span>
                    </td>
                    <td class="num" data-label=tr(Msg::ColAmount)>{money_cell(&g.amount)}</td>
                    <td class="num" data-label=tr(Msg::ColCommitted)>{money_cell(&g.committed)}</td>
                    <td class="num" data-label=tr(Msg::ColDisbursed)>{money_cell(&g.disbursed)}</td>
                    <td class="num" data-label=tr(Msg::ColSpent) data-testid="spent">{money_cell(&g.spent)}</td>
                    <td class="num" data-label=tr(Msg::ColRemaining) data-testid="remaining">{money_cell(&g.remaining)}</td>
                    <td class="num" data-label=tr(Msg::ColSpentEur)>
                        <span title=rates.clone()>{money_cell(&g.spent_eur)}</span>
                    </td>
                    <td class="mono" data-label=tr(Msg::ColRates)>{rates}</td>
                </tr>
            }
        })
        .collect_view();
    let burn: Vec<(String, i64)> = d.burn.iter().map(|b| (b.period.clone(), b.spent_eur)).collect();
    let by_country: Vec<(Text, i64)> = d
        .by_country
        .iter()
        .map(|(c, n)| (Text::new(country_name(Locale::En, c), country_name(Locale::Fr, c)), *n as i64))
        .collect();
    let by_year: Vec<(Text, i64)> =
        d.by_year.iter().map(|(y, n)| (Text::new(y.to_string(), y.to_string()), *n as i64)).collect();
    let by_kind: Vec<(Text, i64)> = d.by_kind.iter().map(|(k, n)| (label(k), *n as i64)).collect();
    let people_rows: Vec<(Text, u64, u64)> =
        d.people.iter().map(|s| (label(&s.service), s.women, s.men)).collect();
    let list = d
        .activities
        .iter()
        .cloned()
        .map(|a| {
            let (total, women) = (a.participants, a.women);
            let country = a.country.clone();
            view! {
                <tr>
                    <td data-label=tr(Msg::ColTitle)><a href=format!("/activities/{}", a.id)>{tr_text(a.title)}</a>
                        <span class="sub mono">{a.code}</span></td>
                    <td data-label=tr(Msg::ColType)>{tr_label(a.kind)}</td>
                    <td data-label=tr(Msg::ColCountry)>{tr_fmt(move |l| country_name(l, &country))}</td>
                    <td class="num" data-label=tr(Msg::ColYear)>{a.year}</td>
                    <td class="num" data-label=tr(Msg::ColParticipants)>{tr_fmt(move |l| fmt_int(l, total))}</td>
                    <td class="num" data-label=tr(Msg::ColWomen)>{tr_fmt(move |l| fmt_int(l, women))}</td>
                </tr>
            }
        })
        .collect_view();
    let equipment = d
        .equipment
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <td data-label=tr(Msg::ColInstitute)>{tr_text(e.institute.name.clone())}</td>
                    <td class="num" data-label=tr(Msg::ColHandedOverValue)>{e.handed_over}</td>
                    <td class="num" data-label=tr(Msg::ColConfirmedValue)>{e.confirmed}</td>
                    <td class="num" data-label=tr(Msg::ColOutstanding)>{e.outstanding}</td>
                    <td class="num" data-label=tr(Msg::Disputed)>{e.disputed}</td>
                    <td class="num" data-label=tr(Msg::ColValue)>{money_cell(&e.value_handed_over)}</td>
                    <td class="num" data-label=tr(Msg::ColConfirmedValue)>{money_cell(&e.value_confirmed)}</td>
                </tr>
            }
        })
        .collect_view();
    let indicator_rows = indicators
        .into_iter()
        .flat_map(|i| {
            let title = i.title.clone();
            i.cells.into_iter().map(move |c| (title.clone(), c))
        })
        .filter(|(_, c)| d.filter.country.as_deref().is_none_or(|k| c.country.code() == k))
        .filter(|(_, c)| d.filter.from_year.is_none_or(|y| c.year >= y) && d.filter.to_year.is_none_or(|y| c.year <= y))
        .map(|(title, c)| {
            let country = c.country.clone();
            let (target, actual) = (c.target, c.actual);
            view! {
                <tr>
                    <td>{tr_text(title)}</td>
                    <td class="num">{c.year}</td>
                    <td>{tr_fmt(move |l| country_name(l, &country))}</td>
                    <td class="num">{tr_fmt(move |l| target.map(|t| fmt_int(l, t)).unwrap_or_else(|| "—".into()))}</td>
                    <td class="num">{tr_fmt(move |l| actual.map(|a| fmt_int(l, a)).unwrap_or_else(|| "—".into()))}</td>
                </tr>
            }
        })
        .collect_view();
    let donors = (!d.by_donor.is_empty()).then(|| {
        let rows = d
            .by_donor
            .iter()
            .map(|t| {
                let (grants, activities) = (t.grants, t.activities);
                let href = format!("/dashboard?donor={}", t.donor.id);
                view! {
                    <tr>
                        <td data-label=tr(Msg::ColDonor)><a href=href>{tr_text(t.donor.name.clone())}</a></td>
                        <td class="num" data-label=tr(Msg::StatGrants)>{tr_fmt(move |l| fmt_int(l, grants))}</td>
                        <td class="num" data-label=tr(Msg::StatActivities)>{tr_fmt(move |l| fmt_int(l, activities))}</td>
                        <td class="num" data-label=tr(Msg::ColSpentEur)>{money_cell(&t.spent_eur)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>{tr(Msg::ByDonor)}</h2>
                <table class="data compact" data-testid="dash-donors">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColDonor)}</th>
                            <th scope="col" class="num">{tr(Msg::StatGrants)}</th>
                            <th scope="col" class="num">{tr(Msg::StatActivities)}</th>
                            <th scope="col" class="num">{tr(Msg::ColSpentEur)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    view! {
        <PageTitle text=title/>
        <div class="page-header">
            <h1>{tr(Msg::DashboardTitle)} " · " <span data-testid="dashboard-donor">{tr_text(heading)}</span></h1>
            <p class="lead">{tr(Msg::DashboardIntro)}</p>
        </div>
        {filter_form(&options, &d.filter)}
        <dl class="stats">
            {stat("dash-activities", Msg::StatActivities, tr_fmt(move |l| fmt_int(l, activities)))}
            {stat("dash-people", Msg::StatPeopleTrained, tr_fmt(move |l| fmt_int(l, people)))}
            {stat("dash-women", Msg::StatWomenTrained, tr_fmt(move |l| format!("{} ({})", fmt_int(l, women), fmt_percent(l, women, people))))}
            {stat("dash-instructors", Msg::StatInstructors, tr_fmt(move |l| fmt_int(l, instructors)))}
            {stat("dash-institutes", Msg::StatInstitutesReached, tr_fmt(move |l| fmt_int(l, institutes)))}
        </dl>
        {donors}
        <section class="card">
            <h2>{tr(Msg::SectionMoney)}</h2>
            <div class="table-wrap">
                <table class="data" data-testid="dash-grants">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColReference)}</th>
                            <th scope="col" class="num">{tr(Msg::ColAmount)}</th>
                            <th scope="col" class="num">{tr(Msg::ColCommitted)}</th>
                            <th scope="col" class="num">{tr(Msg::ColDisbursed)}</th>
                            <th scope="col" class="num">{tr(Msg::ColSpent)}</th>
                            <th scope="col" class="num">{tr(Msg::ColRemaining)}</th>
                            <th scope="col" class="num">{tr(Msg::ColSpentEur)}</th>
                            <th scope="col">{tr(Msg::ColRates)}</th>
                        </tr>
                    </thead>
                    <tbody>{grants}</tbody>
                </table>
            </div>
            <p class="hint">{tr(Msg::RatesFootnote)}</p>
            {line_chart("chart-burn", Msg::BurnChart, burn, euros)}
        </section>
        <section class="card">
            <h2>{tr(Msg::SectionActivitiesFunded)}</h2>
            <div class="two-col">
                {bar_chart("chart-country", Msg::ByCountry, by_country)}
                {bar_chart("chart-year", Msg::ByYear, by_year)}
                {bar_chart("chart-kind", Msg::ByType, by_kind)}
            </div>
            <div class="table-wrap">
                <table class="data" data-testid="dash-activity-list">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColTitle)}</th>
                            <th scope="col">{tr(Msg::ColType)}</th>
                            <th scope="col">{tr(Msg::ColCountry)}</th>
                            <th scope="col" class="num">{tr(Msg::ColYear)}</th>
                            <th scope="col" class="num">{tr(Msg::ColParticipants)}</th>
                            <th scope="col" class="num">{tr(Msg::ColWomen)}</th>
                        </tr>
                    </thead>
                    <tbody>{list}</tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <h2>{tr(Msg::SectionPeople)}</h2>
            {stacked_chart("chart-people", Msg::PeopleByService, people_rows)}
        </section>
        <section class="card">
            <h2>{tr(Msg::NavEquipment)}</h2>
            {if d.equipment.is_empty() {
                view! { <p class="muted" data-testid="dash-no-equipment">{tr(Msg::NoEquipmentFunded)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data" data-testid="dash-equipment">
                            <thead>
                                <tr>
                                    <th scope="col">{tr(Msg::ColInstitute)}</th>
                                    <th scope="col" class="num">{tr(Msg::ColHandedOverValue)}</th>
                                    <th scope="col" class="num">{tr(Msg::ColConfirmedValue)}</th>
                                    <th scope="col" class="num">{tr(Msg::ColOutstanding)}</th>
                                    <th scope="col" class="num">{tr(Msg::Disputed)}</th>
                                    <th scope="col" class="num">{tr(Msg::ColValue)}</th>
                                    <th scope="col" class="num">{tr(Msg::ColConfirmedValue)}</th>
                                </tr>
                            </thead>
                            <tbody>{equipment}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
        <section class="card">
            <h2>{tr(Msg::IndicatorsTitle)}</h2>
            <table class="data compact">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColTitle)}</th>
                        <th scope="col" class="num">{tr(Msg::ColYear)}</th>
                        <th scope="col">{tr(Msg::ColCountry)}</th>
                        <th scope="col" class="num">{tr(Msg::ColTarget)}</th>
                        <th scope="col" class="num">{tr(Msg::ColActual)}</th>
                    </tr>
                </thead>
                <tbody>{indicator_rows}</tbody>
            </table>
        </section>
    }
}
