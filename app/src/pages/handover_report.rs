//! `/handovers/report`: outstanding and disputed items across institutes, items by state, value
//! confirmed against value handed over per grant, and verifications that are overdue; each
//! within the reader's scope.

use leptos::prelude::*;

use crate::api::get_handover_report;
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::handovers::HandoverReport;
use crate::i18n::{Msg, fmt_date, fmt_int, fmt_money, fmt_percent};

#[component]
pub fn HandoverReportPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_handover_report());
    view! {
        <p class="breadcrumb"><a href="/handovers">"← " {tr(Msg::HandoversTitle)}</a></p>
        <PageHeader title=Msg::HandoverReport intro=Msg::HandoverReportIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(report) => report_view(report).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn report_view(r: HandoverReport) -> impl IntoView {
    let open = if r.open.is_empty() {
        view! { <p class="muted">{tr(Msg::NothingOutstanding)}</p> }.into_any()
    } else {
        let rows = r
            .open
            .into_iter()
            .map(|o| {
                let href = format!("/handovers/{}", o.id);
                let outstanding = o.outstanding;
                let value = o.outstanding_value;
                view! {
                    <tr>
                        <td data-label=tr(Msg::ColReference)><a href=href class="mono">{o.code}</a></td>
                        <td data-label=tr(Msg::ColInstitute)>{tr_text(o.institute)}</td>
                        <td data-label=tr(Msg::ColStatus)>
                            <span class=format!("status status-{}", o.status.code())>{tr_label(o.status)}</span>
                        </td>
                        <td class="num" data-label=tr(Msg::ColOutstanding)>{tr_fmt(move |l| fmt_int(l, outstanding.into()))}</td>
                        <td class="num" data-label=tr(Msg::ColValue)>
                            {tr_fmt(move |l| value.as_ref().map(|v| fmt_money(l, v)).unwrap_or_default())}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="data" data-testid="open-handovers">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColReference)}</th>
                            <th scope="col">{tr(Msg::ColInstitute)}</th>
                            <th scope="col">{tr(Msg::ColStatus)}</th>
                            <th scope="col" class="num">{tr(Msg::ColOutstanding)}</th>
                            <th scope="col" class="num">{tr(Msg::ColValue)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let states = r
        .states
        .into_iter()
        .map(|s| {
            let items = s.items;
            view! {
                <tr>
                    <td>{match s.state {
                        Some(state) => tr_label(state).into_any(),
                        None => tr(Msg::StateNotReported).into_any(),
                    }}</td>
                    <td class="num">{tr_fmt(move |l| fmt_int(l, items))}</td>
                </tr>
            }
        })
        .collect_view();
    let grants = r
        .grants
        .into_iter()
        .map(|g| {
            let (handed, confirmed) = (g.handed_over.clone(), g.confirmed.clone());
            let (part, whole) = (confirmed.minor().max(0) as u64, handed.minor().max(0) as u64);
            view! {
                <tr>
                    <td class="mono">{g.reference}</td>
                    <td class="num">{tr_fmt(move |l| fmt_money(l, &handed))}</td>
                    <td class="num" data-testid="value-confirmed">{tr_fmt(move |l| fmt_money(l, &confirmed))}</td>
                    <td class="num">{tr_fmt(move |l| fmt_percent(l, part, whole))}</td>
                </tr>
            }
        })
        .collect_view();
    let overdue = if r.overdue.is_empty() {
        view! { <p class="muted">{tr(Msg::NoOverdue)}</p> }.into_any()
    } else {
        let items = r
            .overdue
            .into_iter()
            .map(|o| {
                let due = chrono::NaiveDate::parse_from_str(&o.due, "%Y-%m-%d").ok();
                let href = format!("/records/equipment/{}", o.id);
                view! {
                    <li>
                        <a href=href>{tr_text(o.description)}</a> " · " {tr(Msg::DueOn)} " "
                        {tr_fmt(move |l| due.map(|d| fmt_date(l, d)).unwrap_or_default())}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="plain" data-testid="overdue">{items}</ul> }.into_any()
    };
    view! {
        <section class="card">
            <h2>{tr(Msg::OutstandingAndDisputed)}</h2>
            {open}
        </section>
        <div class="two-col">
            <section class="card">
                <h2>{tr(Msg::ItemsByState)}</h2>
                <table class="data compact" data-testid="items-by-state">
                    <thead><tr><th scope="col">{tr(Msg::ColState)}</th><th scope="col" class="num">{tr(Msg::ColQuantity)}</th></tr></thead>
                    <tbody>{states}</tbody>
                </table>
            </section>
            <section class="card">
                <h2>{tr(Msg::OverdueVerifications)}</h2>
                {overdue}
            </section>
        </div>
        <section class="card">
            <h2>{tr(Msg::ValueConfirmed)}</h2>
            <table class="data compact" data-testid="grant-values">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColGrant)}</th>
                        <th scope="col" class="num">{tr(Msg::ColHandedOverValue)}</th>
                        <th scope="col" class="num">{tr(Msg::ColConfirmedValue)}</th>
                        <th scope="col" class="num">{tr(Msg::ColProgress)}</th>
                    </tr>
                </thead>
                <tbody>{grants}</tbody>
            </table>
        </section>
    }
}
