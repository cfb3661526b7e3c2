//! The strategy's indicators: targets beside actuals, per year and country.

use leptos::prelude::*;

use crate::api::list_indicators;
use crate::components::i18n::{tr, tr_fmt, tr_text};
use crate::components::{EmptyState, ErrorView, PageHeader, loading};
use crate::domain::IndicatorRow;
use crate::i18n::{Msg, country_name, fmt_int, fmt_percent};

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_indicators());
    view! {
        <PageHeader title=Msg::IndicatorsTitle intro=Msg::IndicatorsIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) if rows.is_empty() => view! { <EmptyState message=Msg::NoIndicators/> }.into_any(),
                    Ok(rows) => rows.into_iter().map(indicator_card).collect_view().into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn number(value: Option<u64>) -> impl Fn() -> String + Send + Sync + 'static {
    tr_fmt(move |l| match value {
        Some(v) => fmt_int(l, v),
        None => Msg::NotAvailable.text(l).to_owned(),
    })
}

fn indicator_card(row: IndicatorRow) -> impl IntoView {
    let baseline = row.baseline;
    let testid = format!("indicator-{}", row.code);
    let rows = row
        .cells
        .into_iter()
        .map(|cell| {
            let country = cell.country.clone();
            let progress = match (cell.target, cell.actual) {
                (Some(t), Some(a)) if t > 0 => Some((a, t)),
                _ => None,
            };
            view! {
                <tr>
                    <td>{cell.year}</td>
                    <td>{tr_fmt(move |l| country_name(l, &country))}</td>
                    <td class="num">{number(cell.target)}</td>
                    <td class="num">{number(cell.actual)}</td>
                    <td class="num">
                        {tr_fmt(move |l| match progress {
                            Some((a, t)) => fmt_percent(l, a, t),
                            None => Msg::NotAvailable.text(l).to_owned(),
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid=testid>
            <h2><span class="mono">{row.code}</span> " " {tr_text(row.title)}</h2>
            <p class="muted">
                {tr(if row.computed { Msg::ActualsComputed } else { Msg::ActualsEntered })} " "
                {tr(Msg::Baseline)} ": " {tr_fmt(move |l| fmt_int(l, baseline))}
            </p>
            <table class="data compact">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColYear)}</th>
                        <th scope="col">{tr(Msg::ColCountry)}</th>
                        <th scope="col" class="num">{tr(Msg::ColTarget)}</th>
                        <th scope="col" class="num">{tr(Msg::ColActual)}</th>
                        <th scope="col" class="num">{tr(Msg::ColProgress)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
