//! The drop-downs of the filter forms (dashboard, activities, equipment, exports). The forms
//! are plain GET forms: a filter is a query parameter, so a filtered page is an address that
//! works without JavaScript and can be shared.

use leptos::prelude::*;

use super::i18n::{tr, tr_fmt, tr_text};
use crate::domain::{Country, NamedRef};
use crate::i18n::{Msg, country_name};

/// One choice: its value in the address, and what the list shows.
pub type Choice = (String, AnyView);

/// A filter's drop-down: its label, `any` (the empty value) first, then the choices with the
/// current one selected. The element's id is `{prefix}-{name}`.
pub fn filter_select(
    prefix: &'static str,
    name: &'static str,
    label: Msg,
    any: Msg,
    choices: Vec<Choice>,
    selected: Option<String>,
) -> impl IntoView + use<> {
    let id = format!("{prefix}-{name}");
    let options = choices
        .into_iter()
        .map(|(value, text)| {
            let is = selected.as_deref() == Some(value.as_str());
            view! { <option value=value selected=is>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <select id=id name=name>
                <option value="">{tr(any)}</option>
                {options}
            </select>
        </div>
    }
}

/// The choices of named records (donors, grants, pillars), each shown in the reader's language.
pub fn ref_choices(items: &[NamedRef]) -> Vec<Choice> {
    items.iter().map(|r| (r.id.clone(), tr_text(r.name.clone()).into_any())).collect()
}

/// The choices of countries, each named in the reader's language.
pub fn country_choices(countries: &[Country]) -> Vec<Choice> {
    countries
        .iter()
        .map(|c| {
            let country = c.clone();
            (c.code().to_owned(), tr_fmt(move |l| country_name(l, &country)).into_any())
        })
        .collect()
}

/// The choices of years.
pub fn year_choices(years: &[i32]) -> Vec<Choice> {
    years.iter().map(|y| (y.to_string(), y.to_string().into_any())).collect()
}
