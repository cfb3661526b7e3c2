//! The grants list.

use leptos::prelude::*;

use super::list::{Column, paged_table};
use crate::api::list_grants;
use crate::components::PageHeader;
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::domain::GrantRow;
use crate::i18n::{Msg, fmt_date_range, fmt_money};

const COLUMNS: &[Column] = &[
    Column(Msg::ColReference, false),
    Column(Msg::ColTitle, false),
    Column(Msg::ColDonor, false),
    Column(Msg::ColAmount, true),
    Column(Msg::ColPeriod, false),
    Column(Msg::ColStatus, false),
];

#[component]
pub fn GrantsPage() -> impl IntoView {
    view! {
        <PageHeader title=Msg::GrantsTitle intro=Msg::GrantsIntro/>
        {paged_table("/grants", list_grants, COLUMNS, Msg::EmptyGrants, grant_row)}
    }
}

fn grant_row(grant: GrantRow) -> AnyView {
    let GrantRow { reference, title, donor, amount, period, status, demo_figures, .. } = grant;
    view! {
        <tr>
            <td data-label=tr(Msg::ColReference)>
                <span class="mono">{reference}</span>
                {demo_figures.then(|| view! { <span class="badge">{tr(Msg::DemoFigures)}</span> })}
            </td>
            <td data-label=tr(Msg::ColTitle)>{tr_text(title)}</td>
            <td data-label=tr(Msg::ColDonor)>{tr_text(donor)}</td>
            <td class="num" data-label=tr(Msg::ColAmount)>{tr_fmt(move |l| fmt_money(l, &amount))}</td>
            <td class="nowrap" data-label=tr(Msg::ColPeriod)>{tr_fmt(move |l| fmt_date_range(l, &period))}</td>
            <td data-label=tr(Msg::ColStatus)>
                <span class=format!("status status-{}", status.code())>{tr_label(status)}</span>
            </td>
        </tr>
    }
    .into_any()
}
