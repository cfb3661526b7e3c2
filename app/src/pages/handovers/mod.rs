//! Handovers of equipment to institutes: the list (with confirming several at once), one
//! handover with its lines and the institute's confirmation form, the printable certificate, and
//! the programme manager's form for a new handover. All of it works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_current_user, get_form_token, list_handovers};
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::components::{ErrorView, PageHeader, Pager, loading};
use crate::domain::{HandoverStatus, PageRequest, Permission};
use crate::error::AppError;
use crate::i18n::{Msg, fmt_int};

mod certificate;
mod detail;
mod new;
mod parts;

pub use certificate::CertificatePage;
pub use detail::HandoverPage;
pub use new::NewHandoverPage;
use parts::{date_text, status_badge};

/// `/handovers`.
#[component]
pub fn HandoversPage() -> impl IntoView {
    let query = use_query_map();
    let status =
        Memo::new(move |_| query.read().get("status").and_then(|s| HandoverStatus::from_code(&s).ok()));
    let request = Memo::new(move |_| PageRequest::from_query(query.read().get("page").as_deref()));
    let data = Resource::new(
        move || (status.get(), request.get()),
        |(status, page)| async move {
            let rows = list_handovers(status, page).await?;
            let user = get_current_user().await?;
            // The batch form's token: each handover is confirmed once per token, so a second
            // click or a retry confirms nothing twice.
            let token = get_form_token().await?;
            Ok::<_, AppError>((rows, user, token))
        },
    );
    let notice = move || {
        query.read().get("confirmed").map(|n| {
            let n: u64 = n.parse().unwrap_or(0);
            view! { <p class="notice notice-ok" role="status" data-testid="saved">{tr(Msg::SavedConfirmed)} " (" {n} ")"</p> }
        })
    };
    view! {
        <PageHeader title=Msg::HandoversTitle intro=Msg::HandoversIntro/>
        {notice}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((page, user, token)) => {
                        let institute = user.as_ref().is_some_and(|u| u.can(Permission::ConfirmReceipt));
                        let editor = user.as_ref().is_some_and(|u| u.can(Permission::EditProgramme));
                        let current = status.get_untracked();
                        let options = HandoverStatus::ALL
                            .iter()
                            .map(|s| {
                                let selected = current == Some(*s);
                                view! { <option value=s.code() selected=selected>{tr_label(*s)}</option> }
                            })
                            .collect_view();
                        let (first, last) = page.shown_range();
                        let (number, pages, total) = (page.page, page.page_count(), page.total);
                        let query = current.map(|s| format!("status={}", s.code())).unwrap_or_default();
                        let pending = page.items.iter().any(|r| matches!(r.status, HandoverStatus::HandedOver));
                        let rows = page
                            .items
                            .into_iter()
                            .map(|r| {
                                let href = format!("/handovers/{}", r.id);
                                let pick = (institute && r.status == HandoverStatus::HandedOver).then(|| {
                                    view! { <input type="checkbox" name="handover" value=r.id.clone() aria-label=r.code.clone()/> }
                                });
                                let (items, outstanding) = (r.items, r.outstanding);
                                view! {
                                    <tr>
                                        {institute.then(|| view! { <td>{pick}</td> })}
                                        <td data-label=tr(Msg::ColReference)><a href=href class="mono">{r.code}</a></td>
                                        <td data-label=tr(Msg::ColInstitute)>{tr_text(r.institute)}</td>
                                        <td class="nowrap" data-label=tr(Msg::ColDates)>{date_text(&r.handed_over_on)}</td>
                                        <td data-label=tr(Msg::ColStatus)>{status_badge(r.status)}</td>
                                        <td class="num" data-label=tr(Msg::ColQuantity)>{tr_fmt(move |l| fmt_int(l, items.into()))}</td>
                                        <td class="num" data-label=tr(Msg::ColOutstanding) data-testid="outstanding">{tr_fmt(move |l| fmt_int(l, outstanding.into()))}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        let table = view! {
                            <div class="table-wrap">
                                <table class="data" data-testid="handovers">
                                    <thead>
                                        <tr>
                                            {institute.then(|| view! { <th scope="col"><span class="visually-hidden">{tr(Msg::Select)}</span></th> })}
                                            <th scope="col">{tr(Msg::ColReference)}</th>
                                            <th scope="col">{tr(Msg::ColInstitute)}</th>
                                            <th scope="col">{tr(Msg::ColDates)}</th>
                                            <th scope="col">{tr(Msg::ColStatus)}</th>
                                            <th scope="col" class="num">{tr(Msg::ColQuantity)}</th>
                                            <th scope="col" class="num">{tr(Msg::ColOutstanding)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                        };
                        let body = if total == 0 {
                            view! { <p class="empty-state">{tr(Msg::EmptyHandovers)}</p> }.into_any()
                        } else if institute && pending {
                            view! {
                                <form method="post" action="/handovers/confirm" class="batch-form">
                                    <input type="hidden" name="token" value=token.clone()/>
                                    {table}
                                    <div class="form-actions">
                                        <button type="submit" class="button" data-testid="confirm-selected">{tr(Msg::ConfirmSelected)}</button>
                                        <span class="hint">{tr(Msg::ConfirmSelectedHint)}</span>
                                    </div>
                                </form>
                            }
                            .into_any()
                        } else {
                            table.into_any()
                        };
                        view! {
                            <form method="get" action="/handovers" class="filters card" role="search">
                                <div class="fields">
                                    <div class="field">
                                        <label for="status">{tr(Msg::FieldStatus)}</label>
                                        <select id="status" name="status">
                                            <option value="">{tr(Msg::FilterAny)}</option>
                                            {options}
                                        </select>
                                    </div>
                                </div>
                                <div class="form-actions">
                                    <button type="submit" class="button">{tr(Msg::FilterApply)}</button>
                                    {editor.then(|| view! { <a class="button secondary" href="/handovers/new" data-testid="new-handover">{tr(Msg::NewHandover)}</a> })}
                                    <a href="/handovers/report" data-testid="report-link">{tr(Msg::HandoverReport)}</a>
                                </div>
                            </form>
                            {body}
                            {(total > 0).then(|| view! { <Pager base="/handovers" query=query.clone() page=number pages first last total/> })}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
