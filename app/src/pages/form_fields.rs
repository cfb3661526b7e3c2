//! The pieces every record form is made of: labelled inputs, selects and text areas that show
//! what was typed and the error of their field, linked for screen readers.

use leptos::prelude::*;

use crate::components::i18n::{tr, tr_fmt, tr_text};
use crate::domain::Text;
use crate::domain::activity_form::FormValues;
use crate::error::FieldError;
use crate::i18n::Msg;

/// What a form shows: the values and the errors by field.
pub(crate) struct Fields<'a> {
    pub values: &'a FormValues,
    pub errors: &'a [FieldError],
}

/// Reads one value of the form.
pub(crate) fn value(f: &Fields<'_>, name: &str) -> String {
    f.values.get(name).cloned().unwrap_or_default()
}

/// The error of one field (its message code), if any.
pub(crate) fn error_of(f: &Fields<'_>, name: &str) -> Option<String> {
    f.errors.iter().find(|e| e.field == name).map(|e| e.message.clone())
}

pub(crate) fn error_line(f: &Fields<'_>, name: &str) -> impl IntoView + use<> {
    let id = format!("{name}-error");
    error_of(f, name)
        .map(|m| view! { <p class="field-error" id=id>{tr_fmt(move |l| Msg::field_error_text(l, &m))}</p> })
}

pub(crate) fn input(f: &Fields<'_>, name: &str, label: Text, kind: &'static str) -> impl IntoView + use<> {
    let has_error = error_of(f, name).is_some();
    let described = has_error.then(|| format!("{name}-error"));
    view! {
        <div class="field" class:has-error=has_error>
            <label for=name.to_owned()>{tr_text(label)}</label>
            <input
                id=name.to_owned()
                name=name.to_owned()
                type=kind
                value=value(f, name)
                aria-invalid=has_error.then_some("true")
                aria-describedby=described
            />
            {error_line(f, name)}
        </div>
    }
}

pub(crate) fn textarea(f: &Fields<'_>, name: &str, label: Text) -> impl IntoView + use<> {
    view! {
        <div class="field wide" class:has-error=error_of(f, name).is_some()>
            <label for=name.to_owned()>{tr_text(label)}</label>
            <textarea id=name.to_owned() name=name.to_owned() rows="4">{value(f, name)}</textarea>
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
        <div class="field" class:has-error=error_of(f, name).is_some()>
            <label for=name.to_owned()>{tr_text(label)}</label>
            <select id=name.to_owned() name=name.to_owned()>
                {blank.map(|m| view! { <option value="">{tr(m)}</option> })}
                {options}
            </select>
            {error_line(f, name)}
        </div>
    }
}
