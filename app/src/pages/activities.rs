//! The activities list.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::layout::use_user;
use crate::domain::Permission;

use super::list::{Column, paged_table};
use crate::api::list_activities;
use crate::components::PageHeader;
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::domain::ActivityRow;
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
    let user = use_user();
    let query = use_query_map();
    let archived = move || {
        (query.read().get("saved").as_deref() == Some("archived")).then(
            || view! { <p class="notice notice-ok" role="status">{tr(Msg::SavedArchived)}</p> },
        )
    };
    view! {
        <PageHeader title=Msg::ActivitiesTitle intro=Msg::ActivitiesIntro/>
        {archived}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let editor = match user {
                    Some(u) => u.0.await.is_some_and(|u| u.can(Permission::EditProgramme) && !u.must_change_password),
                    None => false,
                };
                editor.then(|| view! {
                    <p class="page-actions">
                        <a class="button" href="/activities/new" data-testid="new-activity">{tr(Msg::NewActivity)}</a>
                    </p>
                })
            })}
        </Suspense>
        {paged_table("/activities", list_activities, COLUMNS, Msg::EmptyActivities, activity_row)}
    }
}

fn activity_row(activity: ActivityRow) -> AnyView {
    let ActivityRow {
        id,
        title,
        kind,
        status,
        dates,
        country,
        city,
        participants,
        women,
    } = activity;
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
