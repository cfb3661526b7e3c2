//! One handover: its lines, photos and state reports, and the institute's confirmation form.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::parts::{date_text, status_badge};
use crate::api::{get_handover, take_form_state};
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text, use_locale};
use crate::components::{ErrorView, PageTitle, loading, upload_form};
use crate::domain::handovers::{HandoverDetail, HandoverLine};
use crate::error::AppError;
use crate::i18n::{Msg, fmt_int};
use crate::pages::form_fields::{Fields, error_line, input, textarea, value};

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
            (Some("created"), _) => ("notice notice-ok", Msg::HandoverCreated),
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
            let (quantity, received, outstanding) = (l.quantity, l.confirmed(), l.outstanding());
            let disputed = l.disputed;
            let serials = l.serials.join(", ");
            view! {
                <tr>
                    <td data-label=tr(Msg::ColDescription)>{tr_text(l.description)} <span class="sub">{serials}</span></td>
                    <td data-label=tr(Msg::ColGrant)><span class="mono">{l.grant_reference}</span></td>
                    <td class="num" data-label=tr(Msg::ColQuantity)>{tr_fmt(move |loc| fmt_int(loc, quantity.into()))}</td>
                    <td class="num" data-label=tr(Msg::ColReceived)>{tr_fmt(move |loc| fmt_int(loc, received.into()))}</td>
                    <td class="num" data-label=tr(Msg::Disputed) data-testid="line-disputed">{tr_fmt(move |loc| fmt_int(loc, disputed.into()))}</td>
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
                        <th scope="col" class="num">{tr(Msg::Disputed)}</th>
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
    let title = move |_| format!("{code} · aidtrail");
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
            // What the institute wrote about each line, for the lines this reader may see.
            let line_remarks = c
                .lines
                .iter()
                .filter(|l| !l.remark.is_empty())
                .filter_map(|l| {
                    let line = h.lines.iter().find(|v| v.equipment == l.equipment)?;
                    let description = line.description.clone();
                    let remark = l.remark.clone();
                    Some(view! { <li>{tr_text(description)} ": " <em>{remark}</em></li> })
                })
                .collect::<Vec<_>>();
            let line_remarks =
                (!line_remarks.is_empty()).then(|| view! { <ul class="line-remarks">{line_remarks}</ul> });
            view! {
                <li>
                    <span class="mono">{at}</span> " · " {status_badge(c.outcome)} " · " <strong>{c.confirmed_by}</strong>
                    " · " {tr(Msg::ColReceived)} " " {received}
                    {c.corrects.map(|_| view! { " · " <em>{tr(Msg::Correction)}</em> })}
                    {c.reason.map(|r| view! { " · " {tr(Msg::DisputeReason)} ": " <em>{r}</em> })}
                    {(!c.remarks.is_empty()).then(|| view! { " · " {c.remarks.clone()} })}
                    {line_remarks}
                </li>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=title/>
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
    let form = h
        .can_add_photo
        .then(|| upload_form(format!("/handovers/{}/photos", h.id), "photo", "button secondary"));
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
            let mut values = crate::domain::form_values::FormValues::new();
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
