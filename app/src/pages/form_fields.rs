//! The pieces every record form is made of: labelled inputs, selects and text areas that show
//! what was typed and the error of their field, linked for screen readers.
//!
//! Errors live in a signal. The server fills it (a form that came back with problems); once the
//! bundle has loaded, [`live_check`] runs the same parser as the server each time the user
//! leaves a field they changed, and shows that field's error at once, without a round trip.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::components::i18n::{tr, tr_fmt, tr_text};
use crate::domain::Text;
use crate::domain::form_values::FormValues;
use crate::error::FieldError;
use crate::i18n::Msg;

/// What a form shows: the values and the errors by field.
pub(crate) struct Fields<'a> {
    pub values: &'a FormValues,
    pub errors: RwSignal<Vec<FieldError>>,
}

/// Reads one value of the form.
pub(crate) fn value(f: &Fields<'_>, name: &str) -> String {
    f.values.get(name).cloned().unwrap_or_default()
}

/// Whether a field has an error, following the errors as they change.
pub(crate) fn has_error(
    f: &Fields<'_>,
    name: &str,
) -> impl Fn() -> bool + Send + Sync + Clone + 'static + use<> {
    let (errors, name) = (f.errors, name.to_owned());
    move || errors.with(|e| e.iter().any(|e| e.field == name))
}

pub(crate) fn error_line(f: &Fields<'_>, name: &str) -> impl IntoView + use<> {
    let (errors, name) = (f.errors, name.to_owned());
    let id = format!("{name}-error");
    move || {
        errors.with(|e| e.iter().find(|e| e.field == name).map(|e| e.message.clone())).map(|m| {
            view! { <p class="field-error" id=id.clone()>{tr_fmt(move |l| Msg::field_error_text(l, &m))}</p> }
        })
    }
}

pub(crate) fn input(f: &Fields<'_>, name: &str, label: Text, kind: &'static str) -> impl IntoView + use<> {
    let invalid = has_error(f, name);
    let described = {
        let (invalid, id) = (invalid.clone(), format!("{name}-error"));
        move || invalid().then(|| id.clone())
    };
    let marked = invalid.clone();
    view! {
        <div class="field" class:has-error=marked>
            <label for=name.to_owned()>{tr_text(label)}</label>
            <input
                id=name.to_owned()
                name=name.to_owned()
                type=kind
                value=value(f, name)
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=described
            />
            {error_line(f, name)}
        </div>
    }
}

/// A text area. `tachys` writes a `<textarea>`'s text raw during server rendering, so it is
/// escaped here on the server (the browser turns the entities back into the typed text); in the
/// browser the text goes into the DOM as text and needs no escaping.
pub(crate) fn textarea(f: &Fields<'_>, name: &str, label: Text) -> impl IntoView + use<> {
    #[cfg(feature = "ssr")]
    let text = crate::components::escape_raw_text(&value(f, name));
    #[cfg(not(feature = "ssr"))]
    let text = value(f, name);
    view! {
        <div class="field wide" class:has-error=has_error(f, name)>
            <label for=name.to_owned()>{tr_text(label)}</label>
            <textarea id=name.to_owned() name=name.to_owned() rows="4">{text}</textarea>
            {error_line(f, name)}
        </div>
    }
}

/// A select whose options are (value, bilingual label); an empty first option when `blank`.
pub(crate) fn select(
    f: &Fields<'_>,
    name: &str,
    label: Text,
    options: Vec<(String, Text)>,
    blank: Option<Msg>,
) -> impl IntoView + use<> {
    let current = value(f, name);
    let options = options
        .into_iter()
        .map(|(v, text)| {
            let selected = v == current;
            view! { <option value=v selected=selected>{tr_text(text)}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:has-error=has_error(f, name)>
            <label for=name.to_owned()>{tr_text(label)}</label>
            <select id=name.to_owned() name=name.to_owned()>
                {blank.map(|m| view! { <option value="">{tr(m)}</option> })}
                {options}
            </select>
            {error_line(f, name)}
        </div>
    }
}

/// The `change` handler of a form: re-checks the whole form with `check` (the parser the server
/// runs) and shows the errors of the fields the user has changed; the server's errors stay on
/// the fields not touched yet. Does nothing on the server.
pub(crate) fn live_check<C>(
    errors: RwSignal<Vec<FieldError>>,
    check: C,
) -> impl Fn(leptos::ev::Event) + Clone + 'static
where
    C: Fn(&FormValues) -> Vec<FieldError> + Clone + 'static,
{
    let server = errors.get_untracked();
    let touched = StoredValue::new(BTreeSet::<String>::new());
    move |event: leptos::ev::Event| {
        let Some((values, changed)) = form_values(&event) else { return };
        if let Some(name) = changed {
            touched.update_value(|t| {
                t.insert(name);
            });
        }
        let fresh = check(&values);
        touched.with_value(|touched| {
            let shown = |e: &FieldError| {
                // Row fields (`funding_0_amount`) count as touched with their row.
                touched
                    .iter()
                    .any(|t| t == &e.field || row_of(t).is_some_and(|r| row_of(&e.field) == Some(r)))
            };
            let mut next: Vec<FieldError> = fresh.into_iter().filter(|e| shown(e)).collect();
            next.extend(server.iter().filter(|e| !shown(e)).cloned());
            errors.set(next);
        });
    }
}

/// The row part of a row field's name: `funding_0` for `funding_0_amount`.
fn row_of(name: &str) -> Option<&str> {
    let mut parts = name.splitn(3, '_');
    let (first, index) = (parts.next()?, parts.next()?);
    index.parse::<usize>().ok()?;
    parts.next()?;
    Some(&name[..first.len() + 1 + index.len()])
}

/// The values of the form an event happened in, joined like the server joins them (repeated
/// names with commas), and the name of the field that changed.
#[cfg(feature = "hydrate")]
fn form_values(event: &leptos::ev::Event) -> Option<(FormValues, Option<String>)> {
    use wasm_bindgen::JsCast;
    let form = event.current_target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    let changed = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.get_attribute("name"));
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let mut values = FormValues::new();
    for entry in js_sys::try_iter(&data.entries()).ok()?? {
        let pair: js_sys::Array = entry.ok()?.dyn_into().ok()?;
        let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else { continue };
        values
            .entry(name)
            .and_modify(|v: &mut String| {
                v.push(',');
                v.push_str(&value);
            })
            .or_insert(value);
    }
    Some((values, changed))
}

#[cfg(not(feature = "hydrate"))]
fn form_values(_: &leptos::ev::Event) -> Option<(FormValues, Option<String>)> {
    None
}

#[cfg(test)]
mod tests {
    use super::row_of;

    #[test]
    fn row_fields_know_their_row() {
        assert_eq!(row_of("funding_0_amount"), Some("funding_0"));
        assert_eq!(row_of("target_11_year"), Some("target_11"));
        assert_eq!(row_of("title_fr"), None);
        assert_eq!(row_of("police_women"), None);
    }
}
