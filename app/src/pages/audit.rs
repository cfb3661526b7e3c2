//! The audit log for admins and auditors: every change with its state before and after,
//! filtered from the URL, and the check of the whole hash chain on request (`?verify=1`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::list::{Column, filtered_table};
use crate::api::{get_audit_users, list_audit_events, verify_audit_chain};
use crate::components::i18n::{tr, tr_fmt};
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::audit::{ACTIONS, AuditEventRow, AuditFilter, ChainReport, Tamper};
use crate::error::AppError;
use crate::i18n::{Locale, Msg, fmt_int};

const COLUMNS: &[Column] = &[
    Column(Msg::ColSeq, true),
    Column(Msg::ColWhen, false),
    Column(Msg::ColUser, false),
    Column(Msg::ColAction, false),
    Column(Msg::ColRecord, false),
    Column(Msg::ColChange, false),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        AuditFilter::from_query(|k| q.get(k))
    });
    let verify = Memo::new(move |_| query.read().get("verify").is_some_and(|v| v == "1"));
    let extras = Resource::new(
        move || verify.get(),
        |verify| async move {
            let users = get_audit_users().await?;
            let report = if verify { Some(verify_audit_chain().await?) } else { None };
            Ok::<_, AppError>((users, report))
        },
    );
    view! {
        <PageHeader title=Msg::AuditTitle intro=Msg::AuditIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match extras.await {
                    Ok((users, report)) => view! {
                        {report.map(report_view)}
                        {filter_form(users, filter.get_untracked())}
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
        {filtered_table(
            "/admin/audit",
            filter,
            AuditFilter::to_query,
            list_audit_events,
            COLUMNS,
            Msg::EmptyAudit,
            event_row,
        )}
    }
}

/// The verdict of the chain check.
fn report_view(report: ChainReport) -> impl IntoView {
    let events = report.events;
    let checked = view! {
        <p>{tr(Msg::AuditEventsChecked)} ": " <strong>{tr_fmt(move |l| fmt_int(l, events))}</strong></p>
    };
    match (report.broken, report.head) {
        (Some(broken), _) => {
            let what = match broken.tamper {
                Tamper::Edited => Msg::TamperEdited,
                Tamper::Deleted => Msg::TamperDeleted,
                Tamper::Inserted => Msg::TamperInserted,
                Tamper::Reordered => Msg::TamperReordered,
            };
            view! {
                <section class="notice notice-error" role="alert" data-testid="audit-broken">
                    <p><strong>{tr(Msg::AuditBroken)} " #" {broken.seq}</strong> ": " {tr(what)}</p>
                    <p>{tr(Msg::AuditEventsBefore)} ": " {tr_fmt(move |l| fmt_int(l, events))}</p>
                </section>
            }
            .into_any()
        }
        (None, head) => view! {
            <section class="notice notice-ok" role="status" data-testid="audit-intact">
                <p><strong>{tr(Msg::AuditIntact)}</strong></p>
                {checked}
                {head.map(|h| view! {
                    <p>{tr(Msg::AuditHead)} ": #" {h.seq} " " <code class="hash">{h.hash}</code></p>
                })}
            </section>
        }
        .into_any(),
    }
}

/// A plain GET form: the filters become the page's address.
fn filter_form(users: Vec<String>, current: AuditFilter) -> impl IntoView {
    let user_options = users
        .into_iter()
        .map(|email| {
            let is = current.user.as_deref() == Some(email.as_str());
            view! { <option value=email.clone() selected=is>{email.clone()}</option> }
        })
        .collect_view();
    let action_options = ACTIONS
        .iter()
        .map(|action| {
            let is = current.action.as_deref() == Some(*action);
            let label = crate::domain::audit::action_label(action);
            view! { <option value=*action selected=is>{tr_fmt(move |l| if l == Locale::Fr { label.1 } else { label.0 }.to_owned())}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action="/admin/audit" class="card filters" role="search" aria-label=tr(Msg::FiltersLabel)>
            <div class="fields">
                <div class="field">
                    <label for="filter-record">{tr(Msg::FilterRecord)}</label>
                    <input id="filter-record" name="record" type="search" value=current.record.clone()/>
                </div>
                <div class="field">
                    <label for="filter-user">{tr(Msg::FilterUser)}</label>
                    <select id="filter-user" name="user">
                        <option value="">{tr(Msg::FilterAny)}</option>
                        {user_options}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-from">{tr(Msg::FilterFrom)}</label>
                    <input id="filter-from" name="from" type="date" value=current.from.clone()/>
                </div>
                <div class="field">
                    <label for="filter-to">{tr(Msg::FilterTo)}</label>
                    <input id="filter-to" name="to" type="date" value=current.to.clone()/>
                </div>
                <div class="field">
                    <label for="filter-action">{tr(Msg::FilterAction)}</label>
                    <select id="filter-action" name="action">
                        <option value="">{tr(Msg::FilterAny)}</option>
                        {action_options}
                    </select>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button" data-testid="apply-filters">{tr(Msg::FilterApply)}</button>
                <a href="/admin/audit">{tr(Msg::FilterClear)}</a>
                <a class="button secondary" href="/admin/audit?verify=1" data-testid="verify-chain">{tr(Msg::AuditVerify)}</a>
            </div>
        </form>
    }
}

fn event_row(event: AuditEventRow) -> AnyView {
    let AuditEventRow { seq, at, actor, action, record, before, after, reason, hash } = event;
    let state = |label: Msg, text: Option<String>| {
        text.map(|text| {
            view! {
                <details>
                    <summary>{tr(label)}</summary>
                    <pre class="audit-state">{text}</pre>
                </details>
            }
        })
    };
    view! {
        <tr data-seq=seq>
            <td class="num mono" data-label=tr(Msg::ColSeq)>{seq}</td>
            <td class="mono" data-label=tr(Msg::ColWhen)>{at}</td>
            <td data-label=tr(Msg::ColUser)>
                {match actor {
                    Some(email) => email.into_any(),
                    None => tr(Msg::AuditSystem).into_any(),
                }}
            </td>
            <td data-label=tr(Msg::ColAction)>
                {
                    let label = crate::domain::audit::action_label(&action);
                    tr_fmt(move |l| if l == Locale::Fr { label.1 } else { label.0 }.to_owned())
                }
                <span class="sub mono">{action.clone()}</span>
            </td>
            <td class="mono" data-label=tr(Msg::ColRecord)>{record}</td>
            <td data-label=tr(Msg::ColChange)>
                {reason.map(|r| view! { <p class="sub">{r}</p> })}
                {state(Msg::AuditBefore, before)}
                {state(Msg::AuditAfter, after)}
                <span class="sub mono" title=hash.clone()>{hash.chars().take(12).collect::<String>()} "…"</span>
            </td>
        </tr>
    }
    .into_any()
}
