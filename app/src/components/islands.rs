//! The only parts of the site that run in the browser (Leptos islands): everything else is
//! server-rendered HTML that works without JavaScript, and is never sent as code.
//!
//! An island's props travel in the page as JSON, so they are small and plain: a label already
//! in the reader's language, or which form to check. Islands read no context from the page
//! around them; the language comes from `<html lang>`, which the server wrote.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::form_values::FormValues;
use crate::domain::records::RecordKind;
use crate::error::FieldError;

/// A button that opens the browser's print dialog. A handler of the WASM, not an inline
/// `onclick`: the content security policy refuses inline script. Before the bundle has loaded
/// (or without JavaScript) the browser's own print command does the same.
#[island]
pub fn PrintButton(label: String) -> impl IntoView {
    view! {
        <button type="button" class="button" on:click=|_| print_page()>{label}</button>
    }
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window()
        && let Err(error) = window.print()
    {
        leptos::logging::error!("could not open the print dialog: {error:?}");
    }
}

/// Which parser a form is checked with in the browser: the one the server runs on submit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckedForm {
    Activity,
    Record(RecordKind),
}

impl CheckedForm {
    /// The errors the server would answer for these values.
    pub fn check(self, values: &FormValues) -> Vec<FieldError> {
        match self {
            Self::Activity => {
                crate::domain::activity_form::parse_activity_form(values).err().unwrap_or_default()
            }
            Self::Record(kind) => {
                crate::domain::records::parse_record(kind, values).err().unwrap_or_default()
            }
        }
    }
}

/// Placed inside a record form: once the bundle has loaded, each time the user leaves a field
/// they changed, the whole form is checked with the server's parser and the errors of the
/// fields the user has changed are shown (or cleared) at once, without a round trip. The
/// server's errors stay on the fields not touched yet. Until then, and without JavaScript, the
/// form is checked on submit only, by the server.
///
/// It renders an empty hidden `<span>`; the fields, their error lines and the form around
/// them are the server's HTML, which this only updates.
#[island]
pub fn LiveCheck(form: CheckedForm) -> impl IntoView {
    let marker = NodeRef::<leptos::html::Span>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(span) = marker.get() {
            live::attach(&span, form);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
    view! { <span node_ref=marker hidden></span> }
}

/// The row part of a row field's name: `funding_0` for `funding_0_amount`.
#[cfg(any(feature = "hydrate", test))]
fn row_of(name: &str) -> Option<&str> {
    let mut parts = name.splitn(3, '_');
    let (first, index) = (parts.next()?, parts.next()?);
    index.parse::<usize>().ok()?;
    parts.next()?;
    Some(&name[..first.len() + 1 + index.len()])
}

/// Whether the error of `field` should follow the user's edits: they changed it, or another
/// field of its row (`funding_0_amount` counts as touched with `funding_0_grant`).
#[cfg(any(feature = "hydrate", test))]
fn is_touched(touched: &std::collections::BTreeSet<String>, field: &str) -> bool {
    touched.contains(field) || row_of(field).is_some_and(|row| touched.iter().any(|t| row_of(t) == Some(row)))
}

#[cfg(feature = "hydrate")]
mod live {
    use std::cell::RefCell;
    use std::collections::BTreeSet;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Document, Element, HtmlFormElement};

    use super::{CheckedForm, is_touched};
    use crate::components::i18n::initial_locale;
    use crate::domain::form_values::FormValues;

    /// Listens to `change` on the form around `marker`.
    pub(super) fn attach(marker: &Element, checked: CheckedForm) {
        let Some(form) =
            marker.closest("form").ok().flatten().and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        else {
            leptos::logging::warn!("a live check outside a form does nothing");
            return;
        };
        let touched = Rc::new(RefCell::new(BTreeSet::<String>::new()));
        let listener = {
            let form = form.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                on_change(&form, &event, checked, &mut touched.borrow_mut());
            })
        };
        if form.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref()).is_ok() {
            // Lives as long as the page: the form is never removed.
            listener.forget();
        }
    }

    fn on_change(
        form: &HtmlFormElement,
        event: &web_sys::Event,
        checked: CheckedForm,
        touched: &mut BTreeSet<String>,
    ) {
        let Some(document) = form.owner_document() else { return };
        if let Some(name) =
            event.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|e| e.get_attribute("name"))
        {
            touched.insert(name);
        }
        let Some(values) = values_of(form) else { return };
        let fresh = checked.check(&values);
        // Every field whose line may change: those with a fresh error, and those showing one.
        let mut fields: BTreeSet<String> = fresh.iter().map(|e| e.field.clone()).collect();
        if let Ok(lines) = form.query_selector_all(".field-error[id$='-error']") {
            for i in 0..lines.length() {
                if let Some(id) = lines.item(i).and_then(|n| n.dyn_into::<Element>().ok()).map(|e| e.id()) {
                    fields.insert(id.trim_end_matches("-error").to_owned());
                }
            }
        }
        let locale = initial_locale();
        for field in fields.iter().filter(|f| !f.is_empty() && is_touched(touched, f)) {
            let message = fresh
                .iter()
                .find(|e| &e.field == field)
                .map(|e| crate::i18n::field_error_text(locale, &e.message));
            show(&document, field, message.as_deref());
        }
    }

    /// Shows `message` under the field named `field`, or clears its error when `None`, the way
    /// the server writes them (`form_fields::error_line`).
    fn show(document: &Document, field: &str, message: Option<&str>) {
        let line_id = format!("{field}-error");
        let line = document.get_element_by_id(&line_id);
        let control = document.get_element_by_id(field);
        let wrapper = control.as_ref().and_then(|c| c.closest(".field").ok().flatten());
        match message {
            Some(text) => {
                let line = match line {
                    Some(line) => line,
                    None => {
                        let Some(parent) = control.as_ref().and_then(|c| c.parent_element()) else { return };
                        let Ok(line) = document.create_element("p") else { return };
                        line.set_class_name("field-error");
                        line.set_id(&line_id);
                        let _ = parent.append_child(&line);
                        line
                    }
                };
                line.set_text_content(Some(text));
                if let Some(control) = &control {
                    let _ = control.set_attribute("aria-invalid", "true");
                    let _ = control.set_attribute("aria-describedby", &line_id);
                }
                if let Some(wrapper) = wrapper {
                    let _ = wrapper.class_list().add_1("has-error");
                }
            }
            None => {
                if let Some(line) = line {
                    line.remove();
                }
                if let Some(control) = &control {
                    let _ = control.remove_attribute("aria-invalid");
                    let _ = control.remove_attribute("aria-describedby");
                }
                if let Some(wrapper) = wrapper {
                    let _ = wrapper.class_list().remove_1("has-error");
                }
            }
        }
    }

    /// The values of the form, joined like the server joins them (repeated names with commas).
    fn values_of(form: &HtmlFormElement) -> Option<FormValues> {
        let data = web_sys::FormData::new_with_form(form).ok()?;
        let mut values = FormValues::new();
        for entry in js_sys::try_iter(&data.entries()).ok()?? {
            let pair: js_sys::Array = entry.ok()?.dyn_into().ok()?;
            let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
                continue;
            };
            values
                .entry(name)
                .and_modify(|v: &mut String| {
                    v.push(',');
                    v.push_str(&value);
                })
                .or_insert(value);
        }
        Some(values)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{is_touched, row_of};

    #[test]
    fn row_fields_know_their_row() {
        assert_eq!(row_of("funding_0_amount"), Some("funding_0"));
        assert_eq!(row_of("target_11_year"), Some("target_11"));
        assert_eq!(row_of("title_fr"), None);
        assert_eq!(row_of("police_women"), None);
    }

    #[test]
    fn a_row_is_touched_with_any_of_its_fields() {
        let touched: BTreeSet<String> = ["funding_0_grant".to_owned(), "code".to_owned()].into();
        assert!(is_touched(&touched, "code"));
        assert!(is_touched(&touched, "funding_0_amount"));
        assert!(!is_touched(&touched, "funding_1_amount"));
        assert!(!is_touched(&touched, "title"));
    }
}
