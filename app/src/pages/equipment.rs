//! The equipment register.

use leptos::prelude::*;

use super::list::{Column, paged_table};
use crate::api::list_equipment;
use crate::components::PageHeader;
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::domain::EquipmentRow;
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
    view! {
        <PageHeader title=Msg::EquipmentTitle intro=Msg::EquipmentIntro/>
        {paged_table("/equipment", list_equipment, COLUMNS, Msg::EmptyEquipment, equipment_row)}
    }
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
