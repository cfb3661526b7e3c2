//! Handovers of equipment to institutes: the list (with confirming several at once), one
//! handover with its lines and the institute's confirmation form, the printable certificate, and
//! the programme manager's form for a new handover. All of it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::form_fields::{Fields, error_line, input, select, textarea, value};
use crate::api::{
    get_current_user, get_form_token, get_handover, get_handover_form_options, list_handovers,
    take_form_state,
};
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text, use_locale};
use crate::components::{ErrorView, PageHeader, Pager, loading};
use crate::domain::handovers::{HandoverDetail, HandoverLine, NEW_LINES};
use crate::domain::{HandoverStatus, PageRequest, Permission, Text};
use crate::error::AppError;
use crate::i18n::{Label, Locale, Msg, fmt_date, fmt_int, fmt_money};

fn status_badge(status: HandoverStatus) -> impl IntoView {
    view! { <span class=format!("status status-{}", status.code()) data-testid="status">{tr_label(status)}</span> }
}

fn date_text(iso: &str) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    let date = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok();
    let iso = iso.to_owned();
    tr_fmt(move |l| date.map(|d| fmt_date(l, d)).unwrap_or_else(|| iso.clone()))
}

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

/// `/handovers/:id`.
#[component]
pub fn HandoverPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            let handover = get_handover(id.clone()).await?;
            let state = take_form_state(format!("handover:{id}")).await?;
            Ok::<_, AppError>((handover, state))
        },
    );
    let notice = move || {
        let q = query.read();
        let (class, msg) = match (q.get("saved").as_deref(), q.get("error").as_deref()) {
            (_, Some("conflict")) => ("notice notice-error", Msg::HandoverConflict),
            (_, Some("state")) => ("notice notice-error", Msg::FormHasErrors),
            (Some("state"), _) => ("notice notice-ok", Msg::SavedState),
            (Some("handed_over"), _) => ("notice notice-ok", Msg::SavedUpdated),
            (Some("attached"), _) => ("notice notice-ok", Msg::SavedAttached),
            (_, Some("file_type")) => ("notice notice-error", Msg::FileTypeRefused),
            (_, Some("file_empty")) => ("notice notice-error", Msg::FileEmpty),
            (_, Some(_)) => ("notice notice-error", Msg::ErrorBody),
            (Some("confirmed"), _) => ("notice notice-ok", Msg::SavedConfirmed),
            (Some("already"), _) => ("notice notice-ok", Msg::AlreadyConfirmed),
            (Some("created"), _) => ("notice notice-ok", Msg::SavedCreated),
            _ => return None,
        };
        Some(view! { <p class=class role="status" data-testid="saved">{tr(msg)}</p> })
    };
    let correcting = Memo::new(move |_| query.read().get("correct").is_some());
    view! {
        <p class="breadcrumb"><a href="/handovers">"← " {tr(Msg::HandoversTitle)}</a></p>
        {notice}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((h, state)) => handover_view(h, state, correcting.get_untracked()).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn lines_table(lines: &[HandoverLine]) -> impl IntoView + use<> {
    let rows = lines
        .iter()
        .cloned()
        .map(|l| {
            let (quantity, received, outstanding) = (l.quantity, l.received, l.outstanding());
            let serials = l.serials.join(", ");
            view! {
                <tr>
                    <td data-label=tr(Msg::ColDescription)>{tr_text(l.description)} <span class="sub">{serials}</span></td>
                    <td data-label=tr(Msg::ColGrant)><span class="mono">{l.grant_reference}</span></td>
                    <td class="num" data-label=tr(Msg::ColQuantity)>{tr_fmt(move |loc| fmt_int(loc, quantity.into()))}</td>
                    <td class="num" data-label=tr(Msg::ColReceived)>{tr_fmt(move |loc| fmt_int(loc, received.into()))}</td>
                    <td class="num" data-label=tr(Msg::ColOutstanding) data-testid="line-outstanding">{tr_fmt(move |loc| fmt_int(loc, outstanding.into()))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data" data-testid="lines">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColDescription)}</th>
                        <th scope="col">{tr(Msg::ColGrant)}</th>
                        <th scope="col" class="num">{tr(Msg::ColQuantity)}</th>
                        <th scope="col" class="num">{tr(Msg::ColReceived)}</th>
                        <th scope="col" class="num">{tr(Msg::ColOutstanding)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn handover_view(
    h: HandoverDetail,
    state: Option<crate::domain::FormState>,
    correcting: bool,
) -> impl IntoView {
    let locale = use_locale();
    let code = h.code.clone();
    let title = move || format!("{code} · aidtrail");
    let certificate = format!("/handovers/{}/certificate", h.id);
    let outstanding = h.outstanding();
    let donors = h.donors.clone();
    let confirm = if h.can_confirm || (h.can_correct && correcting) {
        Some(confirm_form(&h, state, correcting && h.can_correct).into_any())
    } else {
        None
    };
    let correct_link = (h.can_correct && !correcting).then(|| {
        view! { <a href=format!("/handovers/{}?correct=1", h.id) data-testid="correct">{tr(Msg::FileCorrection)}</a> }
    });
    let history = h
        .confirmations
        .iter()
        .rev()
        .cloned()
        .map(|c| {
            let at = c.confirmed_at.replace('T', " ").trim_end_matches('Z').to_owned() + " UTC";
            let received: u32 = c.lines.iter().map(|l| l.received).sum();
            view! {
                <li>
                    <span class="mono">{at}</span> " · " {status_badge(c.outcome)} " · " <strong>{c.confirmed_by}</strong>
                    " · " {tr(Msg::ColReceived)} " " {received}
                    {c.corrects.map(|_| view! { " · " <em>{tr(Msg::Correction)}</em> })}
                    {c.reason.map(|r| view! { " · " {tr(Msg::DisputeReason)} ": " <em>{r}</em> })}
                    {(!c.remarks.is_empty()).then(|| view! { " · " {c.remarks.clone()} })}
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=title/>
        <div class="page-header">
            <h1><span class="mono">{h.code.clone()}</span> " " {status_badge(h.status)}</h1>
            <p class="lead">{tr_text(h.institute.name.clone())} " · " {h.institute_city.clone()}</p>
        </div>
        <div class="record-actions">
            <a class="button secondary" href=certificate data-testid="certificate-link">{tr(Msg::Certificate)}</a>
            {correct_link}
            {h.can_hand_over.then(|| view! {
                <form method="post" action=format!("/handovers/{}/hand-over", h.id) class="inline">
                    <input type="hidden" name="version" value=h.version.to_string()/>
                    <button type="submit" class="button" data-testid="hand-over">{tr(Msg::MarkHandedOver)}</button>
                </form>
            })}
        </div>
        <section class="card">
            <dl class="facts">
                <dt>{tr(Msg::HandedOverOn)}</dt><dd>{date_text(&h.handed_over_on)}</dd>
                <dt>{tr(Msg::HandedOverBy)}</dt><dd>{h.handed_over_by.clone()}</dd>
                <dt>{tr(Msg::ColDonor)}</dt>
                <dd>{move || donors.iter().map(|d| d.get(locale.get()).to_owned()).collect::<Vec<_>>().join(", ")}</dd>
                <dt>{tr(Msg::ColGrant)}</dt><dd class="mono">{h.grants.join(", ")}</dd>
                <dt>{tr(Msg::ColOutstanding)}</dt><dd data-testid="outstanding-total">{outstanding}</dd>
            </dl>
            {lines_table(&h.lines)}
        </section>
        {confirm}
        {photos_view(&h)}
        {states_view(&h)}
        <section class="card">
            <h2>{tr(Msg::Confirmations)}</h2>
            {if h.confirmations.is_empty() {
                view! { <p class="muted">{tr(Msg::NoConfirmations)}</p> }.into_any()
            } else {
                view! { <ol class="history" data-testid="confirmations">{history}</ol> }.into_any()
            }}
        </section>
    }
}

/// Photos of what arrived, and for the institute (or editors) a form to add one.
fn photos_view(h: &HandoverDetail) -> impl IntoView + use<> {
    let list = if h.photos.is_empty() {
        view! { <p class="muted">{tr(Msg::NoPhotos)}</p> }.into_any()
    } else {
        let items = h
            .photos
            .iter()
            .map(|p| {
                let href = format!("/handovers/{}/photos/{}", h.id, p.id);
                view! { <li><a href=href download>{p.name.clone()}</a> " · " <span class="muted">{p.uploaded_by.clone()}</span></li> }
            })
            .collect_view();
        view! { <ul class="attachments" data-testid="photos">{items}</ul> }.into_any()
    };
    let form = h.can_add_photo.then(|| {
        view! {
            <form method="post" action=format!("/handovers/{}/photos", h.id) enctype="multipart/form-data" class="upload-form">
                <label for="photo">{tr(Msg::AttachFile)}</label>
                <input id="photo" type="file" name="file" accept=".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf" required/>
                <button type="submit" class="button secondary">{tr(Msg::Upload)}</button>
                <p class="hint">{tr(Msg::AttachHint)}</p>
            </form>
        }
    });
    view! {
        <section class="card" id="photos">
            <h2>{tr(Msg::Photos)}</h2>
            {list}
            {form}
        </section>
    }
}

/// Each item's state since receipt, what was reported, and the form to report a new state.
fn states_view(h: &HandoverDetail) -> impl IntoView + use<> {
    let current = h
        .lines
        .iter()
        .map(|l| {
            let state = match l.state {
                Some(state) => tr_label(state).into_any(),
                None => tr(Msg::StateNotReported).into_any(),
            };
            view! { <li>{tr_text(l.description.clone())} ": " <strong>{state}</strong></li> }
        })
        .collect_view();
    let reports = h
        .state_reports
        .iter()
        .cloned()
        .map(|r| {
            let item = h.lines.iter().find(|l| l.equipment == r.equipment).map(|l| l.description.clone()).unwrap_or_default();
            view! {
                <li>
                    <span class="mono">{r.reported_on}</span> " · " {tr_text(item)} " · " <strong>{tr_label(r.state)}</strong>
                    " · " {r.reported_by} {(!r.remark.is_empty()).then(|| view! { " · " <em>{r.remark.clone()}</em> })}
                </li>
            }
        })
        .collect_view();
    let form = h.can_report.then(|| {
        let items = h
            .lines
            .iter()
            .map(|l| view! { <option value=l.equipment.clone()>{tr_text(l.description.clone())}</option> })
            .collect_view();
        let states = crate::domain::EquipmentState::ALL
            .iter()
            .map(|s| view! { <option value=s.code()>{tr_label(*s)}</option> })
            .collect_view();
        view! {
            <form method="post" action="/equipment/state" class="record-form state-form">
                <input type="hidden" name="handover" value=h.id.clone()/>
                <div class="fields">
                    <div class="field">
                        <label for="state-item">{tr(Msg::HandoverItems)}</label>
                        <select id="state-item" name="equipment">{items}</select>
                    </div>
                    <div class="field">
                        <label for="state">{tr(Msg::ColState)}</label>
                        <select id="state" name="state">{states}</select>
                    </div>
                    <div class="field">
                        <label for="reported_on">{tr(Msg::ReportedOn)}</label>
                        <input id="reported_on" name="reported_on" type="date" required/>
                    </div>
                    <div class="field">
                        <label for="state-remark">{tr(Msg::FieldRemark)}</label>
                        <input id="state-remark" name="remark" type="text"/>
                    </div>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button secondary" data-testid="report-state">{tr(Msg::ReportState)}</button>
                </div>
            </form>
        }
    });
    let empty = h.state_reports.is_empty();
    view! {
        <section class="card" id="states">
            <h2>{tr(Msg::ItemStates)}</h2>
            <ul class="plain">{current}</ul>
            {if empty {
                view! { <p class="muted">{tr(Msg::NoStateReports)}</p> }.into_any()
            } else {
                view! { <ol class="history" data-testid="state-reports">{reports}</ol> }.into_any()
            }}
            {form}
        </section>
    }
}

/// The institute's form: per line, how many arrived now, which serials were checked, their
/// condition and a remark; then a dispute with its reason, or a confirmation.
fn confirm_form(
    h: &HandoverDetail,
    state: Option<crate::domain::FormState>,
    correcting: bool,
) -> impl IntoView + use<> {
    let (values, errors) = match state {
        Some(state) => (state.values, state.errors),
        None => {
            let mut values = crate::domain::activity_form::FormValues::new();
            values.insert("token".into(), h.form_token.clone());
            for (i, line) in h.lines.iter().enumerate() {
                let shown = if correcting { line.received } else { line.outstanding() };
                values.insert(format!("line_{i}_received"), shown.to_string());
            }
            (values, Vec::new())
        }
    };
    let f = Fields { values: &values, errors: RwSignal::new(errors) };
    let lines = h
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let received = format!("line_{i}_received");
            let serials_field = format!("line_{i}_serials");
            let chosen: Vec<String> = value(&f, &serials_field).split(',').map(|s| s.trim().to_owned()).collect();
            let serials = line
                .serials
                .iter()
                .map(|s| {
                    let checked = chosen.contains(s) || line.serials_checked.contains(s);
                    view! {
                        <label class="check">
                            <input type="checkbox" name=serials_field.clone() value=s.clone() checked=checked/>
                            <span class="mono">{s.clone()}</span>
                        </label>
                    }
                })
                .collect_view();
            let condition = format!("line_{i}_condition");
            let damaged = value(&f, &condition) == "damaged";
            let max = if correcting { line.quantity } else { line.outstanding() };
            view! {
                <fieldset class="confirm-line">
                    <legend>{tr_text(line.description.clone())} " · " {tr(Msg::ColOutstanding)} " " {line.outstanding()}</legend>
                    <div class="row-fields">
                        <div class="field">
                            <label for=received.clone()>{tr(Msg::ReceivedNow)}</label>
                            <input id=received.clone() name=received.clone() type="number" min="0" max=max.to_string()
                                value=value(&f, &received) class="count"/>
                            {error_line(&f, &received)}
                        </div>
                        <div class="field">
                            <label for=condition.clone()>{tr(Msg::Condition)}</label>
                            <select id=condition.clone() name=condition.clone()>
                                <option value="good" selected=!damaged>{tr(Msg::ConditionGood)}</option>
                                <option value="damaged" selected=damaged>{tr(Msg::ConditionDamaged)}</option>
                            </select>
                        </div>
                        {input(&f, &format!("line_{i}_remark"), Msg::FieldRemark.into(), "text")}
                    </div>
                    {(!line.serials.is_empty()).then(|| view! {
                        <div class="field wide">
                            <span class="label">{tr(Msg::SerialsChecked)}</span>
                            <div class="checks">{serials}</div>
                            {error_line(&f, &serials_field)}
                        </div>
                    })}
                </fieldset>
            }
        })
        .collect_view();
    let dispute = !value(&f, "dispute").is_empty();
    let action = if correcting {
        format!("/handovers/{}/correct", h.id)
    } else {
        format!("/handovers/{}/confirm", h.id)
    };
    let has_errors = f.errors.with_untracked(|e| !e.is_empty());
    view! {
        <section class="card" id="confirm">
            <h2>{tr(if correcting { Msg::FileCorrection } else { Msg::ConfirmReceipt })}</h2>
            <p class="hint">{tr(Msg::ConfirmHint)}</p>
            {has_errors.then(|| view! { <p class="notice notice-error" role="alert" data-testid="form-errors">{tr(Msg::FormHasErrors)}</p> })}
            <form method="post" action=action class="record-form" novalidate>
                <input type="hidden" name="token" value=value(&f, "token")/>
                <input type="hidden" name="version" value=h.version.to_string()/>
                {lines}
                <div class="field wide">
                    <label class="check">
                        <input type="checkbox" name="dispute" checked=dispute data-testid="dispute"/>
                        {tr(Msg::DisputeLabel)}
                    </label>
                </div>
                {input(&f, "reason", Msg::DisputeReason.into(), "text")}
                {textarea(&f, "remarks", Msg::FieldRemarks.into())}
                <div class="form-actions">
                    <button type="submit" class="button" data-testid="confirm">{tr(Msg::ConfirmButton)}</button>
                </div>
            </form>
        </section>
    }
}

/// `/handovers/:id/certificate`: one page that prints well and saves as PDF from the browser.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let data = Resource::new(move || id.get(), get_handover);
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(h) => certificate_view(h).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn certificate_view(h: HandoverDetail) -> impl IntoView {
    let locale = use_locale();
    let code = h.code.clone();
    let title = move || format!("{} {code} · aidtrail", Msg::Certificate.text(locale.get()));
    let received_by: Vec<String> = h.effective().map(|c| c.confirmed_by.clone()).collect();
    let last = h.confirmations.last().map(|c| c.confirmed_at.get(..10).unwrap_or_default().to_owned());
    let rows = h
        .lines
        .iter()
        .cloned()
        .map(|l| {
            let (quantity, received, outstanding) = (l.quantity, l.received, l.outstanding());
            let unit = l.unit_cost.clone();
            let serials = l.serials.join(", ");
            view! {
                <tr>
                    <td>{tr_text(l.description)}<span class="sub mono">{serials}</span></td>
                    <td class="num">{quantity}</td>
                    <td class="num">{received}</td>
                    <td class="num">{outstanding}</td>
                    <td class="num">{tr_fmt(move |loc| fmt_money(loc, &unit))}</td>
                </tr>
            }
        })
        .collect_view();
    let donors = h.donors.clone();
    view! {
        <Title text=title/>
        <article class="certificate" data-testid="certificate">
            <header>
                <p class="muted">"aidtrail"</p>
                <h1>{tr(Msg::CertificateTitle)}</h1>
                <p>{tr(Msg::ColReference)} " " <strong class="mono">{h.code.clone()}</strong> " · " {status_badge(h.status)}</p>
            </header>
            <dl class="facts">
                <dt>{tr(Msg::ColDonor)}</dt>
                <dd>{move || donors.iter().map(|d| d.get(locale.get()).to_owned()).collect::<Vec<_>>().join(", ")}</dd>
                <dt>{tr(Msg::ColGrant)}</dt><dd class="mono">{h.grants.join(", ")}</dd>
                <dt>{tr(Msg::ColInstitute)}</dt><dd>{tr_text(h.institute.name.clone())} ", " {h.institute_city.clone()}</dd>
                <dt>{tr(Msg::HandedOverOn)}</dt><dd>{date_text(&h.handed_over_on)}</dd>
                <dt>{tr(Msg::HandedOverBy)}</dt><dd data-testid="handed-over-by">{h.handed_over_by.clone()}</dd>
                <dt>{tr(Msg::ReceivedBy)}</dt>
                <dd data-testid="received-by">{if received_by.is_empty() { "—".to_owned() } else { received_by.join(", ") }}</dd>
                <dt>{tr(Msg::ReceivedOn)}</dt><dd>{last.map(|d| date_text(&d).into_any()).unwrap_or_else(|| "—".into_any())}</dd>
            </dl>
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColDescription)}</th>
                        <th scope="col" class="num">{tr(Msg::ColQuantity)}</th>
                        <th scope="col" class="num">{tr(Msg::ColReceived)}</th>
                        <th scope="col" class="num">{tr(Msg::ColOutstanding)}</th>
                        <th scope="col" class="num">{tr(Msg::ColUnitCost)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="signatures">
                <div><p>{tr(Msg::HandedOverBy)}</p><p class="signature-line">{h.handed_over_by.clone()}</p></div>
                <div><p>{tr(Msg::ReceivedBy)}</p><p class="signature-line">{received_by.join(", ")}</p></div>
            </div>
            <p class="no-print"><button type="button" class="button" onclick="window.print()">{tr(Msg::Print)}</button></p>
        </article>
    }
}

/// `/handovers/new`: a programme manager groups items into a handover.
#[component]
pub fn NewHandoverPage() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| async {
            let options = get_handover_form_options().await?;
            let state = take_form_state("handover:new".into()).await?;
            Ok::<_, AppError>((options, state))
        },
    );
    view! {
        <PageHeader title=Msg::NewHandover/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((options, state)) => {
                        let (values, errors) = state.map(|s| (s.values, s.errors)).unwrap_or_else(|| {
                            let mut v = crate::domain::activity_form::FormValues::new();
                            v.insert("status".into(), "handed_over".into());
                            (v, Vec::new())
                        });
                        let f = Fields { values: &values, errors: RwSignal::new(errors) };
                        let refs = |list: &[crate::domain::NamedRef]| -> Vec<(String, Text)> {
                            list.iter().map(|r| (r.id.clone(), r.name.clone())).collect()
                        };
                        let statuses = [HandoverStatus::Planned, HandoverStatus::HandedOver]
                            .iter()
                            .map(|s| (s.code().to_owned(), Text::new(s.label(Locale::En), s.label(Locale::Fr))))
                            .collect();
                        let lines = (0..NEW_LINES)
                            .map(|i| view! {
                                <div class="row-fields">
                                    {select(&f, &format!("line_{i}_equipment"), Msg::ColDescription.into(), refs(&options.equipment), Some(Msg::ChooseOne))}
                                    {input(&f, &format!("line_{i}_quantity"), Msg::ColQuantity.into(), "number")}
                                    {input(&f, &format!("line_{i}_serials"), Msg::FieldSerials.into(), "text")}
                                </div>
                            })
                            .collect_view();
                        let has_errors = f.errors.with_untracked(|e| !e.is_empty());
                        view! {
                            {has_errors.then(|| view! { <p class="notice notice-error" role="alert" data-testid="form-errors">{tr(Msg::FormHasErrors)}</p> })}
                            <form method="post" action="/handovers/new" class="record-form" novalidate>
                                <fieldset class="card">
                                    <legend>{tr(Msg::SectionRecord)}</legend>
                                    <div class="fields">
                                        {input(&f, "code", Msg::ColReference.into(), "text")}
                                        {select(&f, "institute", Msg::ColInstitute.into(), refs(&options.institutes), Some(Msg::ChooseOne))}
                                        {select(&f, "activity", Msg::NavActivities.into(), refs(&options.activities), Some(Msg::NotAvailable))}
                                        {input(&f, "handed_over_on", Msg::HandedOverOn.into(), "date")}
                                        {input(&f, "handed_over_by", Msg::HandedOverBy.into(), "text")}
                                        {select(&f, "status", Msg::FieldStatus.into(), statuses, None)}
                                    </div>
                                </fieldset>
                                <fieldset class="card">
                                    <legend>{tr(Msg::HandoverItems)}</legend>
                                    {lines}
                                </fieldset>
                                <div class="form-actions">
                                    <button type="submit" class="button" data-testid="save">{tr(Msg::Save)}</button>
                                    <a href="/handovers">{tr(Msg::Cancel)}</a>
                                </div>
                            </form>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
