//! The printable handover certificate.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::parts::{date_text, status_badge};
use crate::api::get_handover;
use crate::components::i18n::{tr, tr_fmt, tr_text, use_locale};
use crate::components::islands::PrintButton;
use crate::components::{ErrorView, PageTitle, loading};
use crate::domain::handovers::HandoverDetail;
use crate::i18n::{Msg, fmt_money};

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
    let title = move |l| format!("{} {code} · aidtrail", Msg::Certificate.text(l));
    let received_by: Vec<String> = h.effective().map(|c| c.confirmed_by.clone()).collect();
    let last = h.confirmations.last().map(|c| c.confirmed_at.get(..10).unwrap_or_default().to_owned());
    let rows = h
        .lines
        .iter()
        .cloned()
        .map(|l| {
            let (quantity, received, disputed, outstanding) =
                (l.quantity, l.confirmed(), l.disputed, l.outstanding());
            let unit = l.unit_cost.clone();
            let serials = l.serials.join(", ");
            view! {
                <tr>
                    <td>{tr_text(l.description)}<span class="sub mono">{serials}</span></td>
                    <td class="num">{quantity}</td>
                    <td class="num">{received}</td>
                    <td class="num" data-testid="certificate-disputed">{disputed}</td>
                    <td class="num">{outstanding}</td>
                    <td class="num">{tr_fmt(move |loc| fmt_money(loc, &unit))}</td>
                </tr>
            }
        })
        .collect_view();
    let donors = h.donors.clone();
    view! {
        <PageTitle text=title/>
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
                        <th scope="col" class="num">{tr(Msg::Disputed)}</th>
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
            <p class="no-print"><PrintButton label=Msg::Print.text(locale.get_untracked()).to_owned()/></p>
        </article>
    }
}
