//! The equipment register.

use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use super::list::{Column, filtered_table};
use crate::api::{get_equipment_filter_options, get_equipment_totals, list_equipment};
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::components::{ErrorView, PageHeader, filter_select, loading, ref_choices};
use crate::domain::EquipmentRow;
use crate::domain::{
    EquipmentCategory, EquipmentFilter, EquipmentFilterOptions, EquipmentState, GrantEquipmentTotal,
};
use crate::error::AppError;
use crate::i18n::{Msg, fmt_date, fmt_int, fmt_money};

const COLUMNS: &[Column] = &[
    Column(Msg::ColDescription, false),
    Column(Msg::ColCategory, false),
    Column(Msg::ColQuantity, true),
    Column(Msg::ColUnitCost, true),
    Column(Msg::ColTotalCost, true),
    Column(Msg::ColGrant, false),
    Column(Msg::ColPurchased, false),
];

#[component]
pub fn EquipmentPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        EquipmentFilter::from_query(|k| q.get(k))
    });
    let extras = Resource::new(
        move || filter.get(),
        |filter| async move {
            let options = get_equipment_filter_options().await?;
            let totals = get_equipment_totals(filter).await?;
            Ok::<_, AppError>((options, totals))
        },
    );
    // With a filter, an empty table means no match, not that nothing was ever recorded.
    let empty = if filter.get_untracked().to_query().is_empty() {
        Msg::EmptyEquipment
    } else {
        Msg::NoMatchEquipment
    };
    view! {
        <PageHeader title=Msg::EquipmentTitle intro=Msg::EquipmentIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match extras.await {
                    Ok((options, totals)) => view! {
                        {filter_form(options, filter.get_untracked())}
                        {totals_view(totals)}
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
        {filtered_table(
            "/equipment",
            filter,
            EquipmentFilter::to_query,
            list_equipment,
            COLUMNS,
            empty,
            equipment_row,
        )}
    }
}

/// A plain GET form: the filters become the page's address.
fn filter_form(options: EquipmentFilterOptions, current: EquipmentFilter) -> impl IntoView {
    let select = |name, label, choices, selected| {
        filter_select("filter", name, label, Msg::FilterAny, choices, selected)
    };
    let categories =
        EquipmentCategory::ALL.iter().map(|c| (c.code().to_owned(), tr_label(*c).into_any())).collect();
    let states = EquipmentState::ALL.iter().map(|s| (s.code().to_owned(), tr_label(*s).into_any())).collect();
    view! {
        <form method="get" action="/equipment" class="card filters" role="search" aria-label=tr(Msg::FiltersLabel)>
            <div class="fields">
                {(!options.donors.is_empty()).then(|| select("donor", Msg::FilterDonor, ref_choices(&options.donors), current.donor.clone()))}
                {(!options.grants.is_empty()).then(|| select("grant", Msg::FieldGrant, ref_choices(&options.grants), current.grant.clone()))}
                {select("category", Msg::ColCategory, categories, current.category.clone())}
                {select("institute", Msg::ColInstitute, ref_choices(&options.institutes), current.institute.clone())}
                {select("state", Msg::ColState, states, current.state.clone())}
            </div>
            <div class="form-actions">
                <button type="submit" class="button" data-testid="apply-filters">{tr(Msg::FilterApply)}</button>
                <a href="/equipment">{tr(Msg::FilterClear)}</a>
            </div>
        </form>
    }
}

/// The value of what the filters show, per grant, in the grant's currency and in euros.
fn totals_view(totals: Vec<GrantEquipmentTotal>) -> impl IntoView {
    (!totals.is_empty()).then(|| {
        let rows = totals
            .into_iter()
            .map(|t| {
                let (total, eur) = (t.total, t.eur);
                view! {
                    <tr>
                        <td class="mono">{t.reference}</td>
                        <td class="num">{tr_fmt(move |l| fmt_money(l, &total))}</td>
                        <td class="num">{tr_fmt(move |l| eur.as_ref().map(|e| fmt_money(l, e)).unwrap_or_else(|| "—".into()))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>{tr(Msg::ValuePerGrant)}</h2>
                <table class="data compact" data-testid="equipment-totals">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColGrant)}</th>
                            <th scope="col" class="num">{tr(Msg::ColValue)}</th>
                            <th scope="col" class="num">{tr(Msg::ColValueEur)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    })
}

fn equipment_row(item: EquipmentRow) -> AnyView {
    let EquipmentRow {
        description,
        category,
        quantity,
        unit_cost,
        total_cost,
        grant_reference,
        donor,
        supplier,
        purchase_date,
        ..
    } = item;
    view! {
        <tr>
            <td data-label=tr(Msg::ColDescription)>
                {tr_text(description)}
                <span class="sub">{supplier}</span>
            </td>
            <td data-label=tr(Msg::ColCategory)>{tr_label(category)}</td>
            <td class="num" data-label=tr(Msg::ColQuantity)>{tr_fmt(move |l| fmt_int(l, quantity.into()))}</td>
            <td class="num" data-label=tr(Msg::ColUnitCost)>{tr_fmt(move |l| fmt_money(l, &unit_cost))}</td>
            <td class="num" data-label=tr(Msg::ColTotalCost)>{tr_fmt(move |l| fmt_money(l, &total_cost))}</td>
            <td data-label=tr(Msg::ColGrant)>
                <span class="mono">{grant_reference}</span>
                <span class="sub">{tr_text(donor)}</span>
            </td>
            <td data-label=tr(Msg::ColPurchased)>{tr_fmt(move |l| fmt_date(l, purchase_date))}</td>
        </tr>
    }
    .into_any()
}
