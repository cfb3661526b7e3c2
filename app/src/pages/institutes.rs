//! The institutes list.

use leptos::prelude::*;

use super::list::{Column, paged_table};
use crate::api::list_institutes;
use crate::components::PageHeader;
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text};
use crate::domain::InstituteRow;
use crate::i18n::{Msg, country_name};

const COLUMNS: &[Column] = &[
    Column(Msg::ColName, false),
    Column(Msg::ColType, false),
    Column(Msg::ColCity, false),
    Column(Msg::ColCountry, false),
];

#[component]
pub fn InstitutesPage() -> impl IntoView {
    view! {
        <PageHeader title=Msg::InstitutesTitle intro=Msg::InstitutesIntro/>
        {paged_table("/institutes", list_institutes, COLUMNS, Msg::EmptyInstitutes, institute_row)}
    }
}

fn institute_row(institute: InstituteRow) -> AnyView {
    let InstituteRow { name, kind, country, city, .. } = institute;
    view! {
        <tr>
            <td data-label=tr(Msg::ColName)>{tr_text(name)}</td>
            <td data-label=tr(Msg::ColType)>{tr_label(kind)}</td>
            <td data-label=tr(Msg::ColCity)>{city}</td>
            <td data-label=tr(Msg::ColCountry)>{tr_fmt(move |l| country_name(l, &country))}</td>
        </tr>
    }
    .into_any()
}
