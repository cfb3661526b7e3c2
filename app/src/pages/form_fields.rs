//! The pieces every record form is made of: labelled inputs, selects and text areas that show
//! what was typed and the error of their field, linked for screen readers.
//!
//! The server writes the errors of a form that came back with problems; once the bundle has
//! loaded, the form's [`LiveCheck`](crate::components::islands::LiveCheck) island runs the same
//! parser as the server each time the user leaves a field they changed, and updates these lines.

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
            view! { <p class="field-error" id=id.clone()>{tr_fmt(move |l| crate::i18n::field_error_text(l, &m))}</p> }
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
