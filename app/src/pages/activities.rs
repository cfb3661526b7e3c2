//! The activities list, with filters kept in the URL.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::list::{Column, filtered_table};
use crate::api::{get_activity_filter_options, get_current_user, list_activities};
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::components::{PageHeader, country_choices, filter_select, ref_choices, year_choices};
use crate::domain::{
    ActivityFilter, ActivityFilterOptions, ActivityKind, ActivityRow, ActivitySort, ActivityStatus,
    Permission,
};
use crate::i18n::{Msg, country_name, fmt_date_range, fmt_int};

const COLUMNS: &[Column] = &[
    Column(Msg::ColTitle, false),
    Column(Msg::ColType, false),
    Column(Msg::ColDates, false),
    Column(Msg::ColPlace, false),
    Column(Msg::ColParticipants, true),
    Column(Msg::ColWomen, true),
    Column(Msg::ColStatus, false),
];

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        ActivityFilter::from_query(|name| q.get(name))
    });
    let archived = move || {
        (query.read().get("saved").as_deref() == Some("archived"))
            .then(|| view! { <p class="notice notice-ok" role="status">{tr(Msg::SavedArchived)}</p> })
    };
    let options = Resource::new(
        || (),
        |_| async { (get_activity_filter_options().await, get_current_user().await.ok().flatten()) },
    );
    let empty = if filter.get_untracked().is_empty() { Msg::EmptyActivities } else { Msg::NoMatch };
    view! {
        <PageHeader title=Msg::ActivitiesTitle intro=Msg::ActivitiesIntro/>
        {archived}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (options, user) = options.await;
                let editor = user.is_some_and(|u| u.can(Permission::EditProgramme) && !u.must_change_password);
                let form = options.ok().map(|o| filter_form(o, filter.get_untracked()));
                view! {
                    {editor.then(|| view! {
                        <p class="page-actions">
                            <a class="button" href="/activities/new" data-testid="new-activity">{tr(Msg::NewActivity)}</a>
                        </p>
                    })}
                    {form}
                }
            })}
        </Suspense>
        {filtered_table(
            "/activities",
            filter,
            ActivityFilter::to_query,
            list_activities,
            COLUMNS,
            empty,
            activity_row,
        )}
    }
}

/// A plain GET form: the filters become the page's address.
fn filter_form(options: ActivityFilterOptions, current: ActivityFilter) -> impl IntoView {
    let select = |name, label, choices, selected| {
        filter_select("filter", name, label, Msg::FilterAny, choices, selected)
    };
    let countries = country_choices(&options.countries);
    let years = year_choices(&options.years);
    let kinds = ActivityKind::ALL.iter().map(|k| (k.code().to_owned(), tr_label(*k).into_any())).collect();
    let statuses =
        ActivityStatus::ALL.iter().map(|s| (s.code().to_string(), tr_label(*s).into_any())).collect();
    let sorts = ActivitySort::ALL
        .iter()
        .map(|s| {
            let msg = match s {
                ActivitySort::Newest => Msg::SortNewest,
                ActivitySort::Oldest => Msg::SortOldest,
                ActivitySort::Title => Msg::SortTitle,
            };
            let selected = *s == current.sort;
            view! { <option value=s.code() selected=selected>{tr(msg)}</option> }
        })
        .collect_view();
    let show_money = !options.grants.is_empty() || !options.donors.is_empty();
    view! {
        <form method="get" action="/activities" class="card filters" role="search" aria-label=tr(Msg::FiltersLabel)>
            <div class="fields">
                <div class="field">
                    <label for="filter-q">{tr(Msg::FieldSearch)}</label>
                    <input id="filter-q" name="q" type="search" value=current.q.clone().unwrap_or_default()/>
                </div>
                {select("country", Msg::FieldCountry, countries, current.country.clone())}
                {select("year", Msg::FieldYear, years, current.year.map(|y| y.to_string()))}
                {select("type", Msg::FieldType, kinds, current.kind.clone())}
                {select("status", Msg::FieldStatus, statuses, current.status.map(|s| s.to_string()))}
                {select("pillar", Msg::FieldPillar, ref_choices(&options.pillars), current.pillar.clone())}
                {show_money.then(|| select("grant", Msg::FieldGrant, ref_choices(&options.grants), current.grant.clone()))}
                {show_money.then(|| select("donor", Msg::FilterDonor, ref_choices(&options.donors), current.donor.clone()))}
                <div class="field">
                    <label for="filter-sort">{tr(Msg::FieldSort)}</label>
                    <select id="filter-sort" name="sort">{sorts}</select>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button" data-testid="apply-filters">{tr(Msg::FilterApply)}</button>
                <a href="/activities">{tr(Msg::FilterClear)}</a>
            </div>
        </form>
    }
}

fn activity_row(activity: ActivityRow) -> AnyView {
    let ActivityRow { id, title, kind, status, dates, country, city, participants, women } = activity;
    let href = format!("/activities/{id}");
    view! {
        <tr>
            <td data-label=tr(Msg::ColTitle)><a href=href>{tr_text(title)}</a></td>
            <td data-label=tr(Msg::ColType)>{tr_label(kind)}</td>
            <td class="nowrap" data-label=tr(Msg::ColDates)>{tr_fmt(move |l| fmt_date_range(l, &dates))}</td>
            <td data-label=tr(Msg::ColPlace)>{tr_fmt(move |l| format!("{city}, {}", country_name(l, &country)))}</td>
            <td class="num" data-label=tr(Msg::ColParticipants)>{tr_fmt(move |l| fmt_int(l, participants.into()))}</td>
            <td class="num" data-label=tr(Msg::ColWomen)>{tr_fmt(move |l| fmt_int(l, women.into()))}</td>
            <td data-label=tr(Msg::ColStatus)>
                <span class=format!("status status-{}", status.code())>{tr_label(status)}</span>
            </td>
        </tr>
    }
    .into_any()
}
