//! Recording and editing an activity. A plain form that posts without JavaScript; after a
//! problem the server sends the user back here with what they typed and the errors by field.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::api::{get_activity_edit, get_activity_form_options, take_form_state};
use crate::components::i18n::{tr, tr_text};
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::activity_form::{FUNDING_ROWS, FormValues, INSTRUCTOR_ROWS, activity_form_values};
use crate::domain::{ActivityFormOptions, ActivityKind, ActivityStatus, Service, Text, Theme};
use crate::error::{AppError, FieldError};
use crate::i18n::{Label, Locale, Msg};

/// Everything the form needs, loaded with the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FormData {
    options: ActivityFormOptions,
    values: FormValues,
    errors: Vec<FieldError>,
    conflict: bool,
}

#[component]
pub fn NewActivityPage() -> impl IntoView {
    form_page(None)
}

#[component]
pub fn EditActivityPage() -> impl IntoView {
    let params = use_params_map();
    form_page(Some(Memo::new(move |_| params.read().get("id").unwrap_or_default())))
}

fn form_page(id: Option<Memo<String>>) -> impl IntoView {
    let data = Resource::new(
        move || id.map(|m| m.get()),
        |id: Option<String>| async move {
            let options = get_activity_form_options().await?;
            let form = match &id {
                Some(id) => format!("activity:{id}"),
                None => "activity:new".to_owned(),
            };
            let (values, errors, conflict) = match take_form_state(form).await? {
                Some(state) => (state.values, state.errors, state.conflict),
                None => match id {
                    Some(id) => (activity_form_values(&get_activity_edit(id).await?), Vec::new(), false),
                    None => (FormValues::from([("theme".to_owned(), "both".to_owned())]), Vec::new(), false),
                },
            };
            Ok::<_, AppError>(FormData { options, values, errors, conflict })
        },
    );
    let title = if id.is_some() { Msg::EditActivity } else { Msg::NewActivity };
    view! {
        <PageHeader title=title/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(form) => form_view(form, id.map(|m| m.get_untracked())).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Reads one value of the form.
fn value(form: &FormData, name: &str) -> String {
    form.values.get(name).cloned().unwrap_or_default()
}

/// The error of one field, if any.
fn error_of(form: &FormData, name: &str) -> Option<Msg> {
    form.errors.iter().find(|e| e.field == name).map(|e| Msg::for_field_error(&e.message))
}

fn error_line(form: &FormData, name: &str) -> impl IntoView + use<> {
    let id = format!("{name}-error");
    error_of(form, name).map(|m| view! { <p class="field-error" id=id>{tr(m)}</p> })
}

fn input(form: &FormData, name: &str, label: Msg, kind: &'static str) -> impl IntoView + use<> {
    let has_error = error_of(form, name).is_some();
    let described = has_error.then(|| format!("{name}-error"));
    view! {
        <div class="field" class:has-error=has_error>
            <label for=name.to_owned()>{tr(label)}</label>
            <input
                id=name.to_owned()
                name=name.to_owned()
                type=kind
                value=value(form, name)
                aria-invalid=has_error.then_some("true")
                aria-describedby=described
            />
            {error_line(form, name)}
        </div>
    }
}

fn textarea(form: &FormData, name: &str, label: Msg) -> impl IntoView + use<> {
    view! {
        <div class="field wide" class:has-error=error_of(form, name).is_some()>
            <label for=name.to_owned()>{tr(label)}</label>
            <textarea id=name.to_owned() name=name.to_owned() rows="4">{value(form, name)}</textarea>
            {error_line(form, name)}
        </div>
    }
}

/// A select whose options are (value, bilingual label); an empty first option when `blank`.
fn select(
    form: &FormData,
    name: &str,
    label: Msg,
    options: Vec<(String, Text)>,
    blank: Option<Msg>,
) -> impl IntoView + use<> {
    let current = value(form, name);
    let options = options
        .into_iter()
        .map(|(v, text)| {
            let selected = v == current;
            view! { <option value=v selected=selected>{tr_text(text)}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:has-error=error_of(form, name).is_some()>
            <label for=name.to_owned()>{tr(label)}</label>
            <select id=name.to_owned() name=name.to_owned()>
                {blank.map(|m| view! { <option value="">{tr(m)}</option> })}
                {options}
            </select>
            {error_line(form, name)}
        </div>
    }
}

fn labels<T: Label + Copy>(items: &[T], code: impl Fn(T) -> String) -> Vec<(String, Text)> {
    items.iter().map(|i| (code(*i), Text::new(i.label(Locale::En), i.label(Locale::Fr)))).collect()
}

fn form_view(form: FormData, id: Option<String>) -> impl IntoView {
    let action = match &id {
        Some(id) => format!("/activities/{id}/edit"),
        None => "/activities/new".to_owned(),
    };
    let cancel = match &id {
        Some(id) => format!("/activities/{id}"),
        None => "/activities".to_owned(),
    };
    let grants: Vec<(String, Text)> =
        form.options.grants.iter().map(|g| (g.id.clone(), g.name.clone())).collect();
    let pillars: Vec<(String, Text)> =
        form.options.pillars.iter().map(|p| (p.id.clone(), p.name.clone())).collect();
    let chosen: Vec<String> = value(&form, "institutes").split(',').map(|s| s.trim().to_owned()).collect();
    let institutes = form
        .options
        .institutes
        .iter()
        .map(|i| {
            let checked = chosen.contains(&i.id);
            view! {
                <label class="check">
                    <input type="checkbox" name="institutes" value=i.id.clone() checked=checked/>
                    {tr_text(i.name.clone())}
                </label>
            }
        })
        .collect_view();
    let participants = Service::ALL
        .iter()
        .map(|s| {
            let women = format!("{}_women", service_code(*s));
            let men = format!("{}_men", service_code(*s));
            view! {
                <tr>
                    <th scope="row">{crate::components::i18n::tr_label(*s)}</th>
                    <td>
                        <input class="count" type="number" min="0" name=women.clone() id=women.clone() value=value(&form, &women)
                            aria-label=tr(Msg::FieldWomen)/>
                        {error_line(&form, &women)}
                    </td>
                    <td>
                        <input class="count" type="number" min="0" name=men.clone() id=men.clone() value=value(&form, &men)
                            aria-label=tr(Msg::FieldMen)/>
                        {error_line(&form, &men)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let funding = (0..FUNDING_ROWS)
        .map(|i| {
            view! {
                <div class="row-fields">
                    {select(&form, &format!("funding_{i}_grant"), Msg::FieldGrant, grants.clone(), Some(Msg::ChooseOne))}
                    {input(&form, &format!("funding_{i}_amount"), Msg::FieldAmount, "text")}
                </div>
            }
        })
        .collect_view();
    let instructors = (0..INSTRUCTOR_ROWS)
        .map(|i| {
            let supervisor = format!("instructor_{i}_supervisor");
            let checked = !value(&form, &supervisor).is_empty();
            view! {
                <div class="row-fields">
                    {input(&form, &format!("instructor_{i}_name"), Msg::FieldInstructorName, "text")}
                    {input(&form, &format!("instructor_{i}_institution"), Msg::FieldInstitution, "text")}
                    <label class="check">
                        <input type="checkbox" name=supervisor.clone() checked=checked/>
                        {tr(Msg::FieldSupervisor)}
                    </label>
                </div>
            }
        })
        .collect_view();
    let general_error = form.errors.iter().any(|e| e.field.is_empty());
    view! {
        {form.conflict.then(|| view! { <p class="notice notice-error" role="alert" data-testid="conflict">{tr(Msg::FormConflict)}</p> })}
        {(!form.errors.is_empty()).then(|| view! {
            <p class="notice notice-error" role="alert" data-testid="form-errors">
                {tr(if general_error { Msg::ErrorBody } else { Msg::FormHasErrors })}
            </p>
        })}
        <form method="post" action=action class="record-form" novalidate>
            {id.as_ref().map(|_| view! { <input type="hidden" name="version" value=value(&form, "version")/> })}
            {view! { <fieldset class="card">
                <legend>{tr(Msg::SectionWhatWhen)}</legend>
                <div class="fields">
                    {input(&form, "code", Msg::FieldCode, "text")}
                    {select(&form, "kind", Msg::FieldType, labels(ActivityKind::ALL, |k| k.code().to_owned()), Some(Msg::ChooseOne))}
                    {input(&form, "title", Msg::FieldTitleEn, "text")}
                    {input(&form, "title_fr", Msg::FieldTitleFr, "text")}
                    {select(&form, "status", Msg::FieldStatus, labels(ActivityStatus::ALL, |s| s.code().to_string()), Some(Msg::ChooseOne))}
                    {select(&form, "theme", Msg::FieldTheme, labels(Theme::ALL, |t| t.code().to_owned()), None)}
                    {select(&form, "pillar", Msg::FieldPillar, pillars, Some(Msg::NoPillar))}
                    {input(&form, "planned_start", Msg::FieldPlannedStart, "date")}
                    {input(&form, "planned_end", Msg::FieldPlannedEnd, "date")}
                    {input(&form, "actual_start", Msg::FieldActualStart, "date")}
                    {input(&form, "actual_end", Msg::FieldActualEnd, "date")}
                </div>
            </fieldset> }.into_any()}
            {view! { <fieldset class="card">
                <legend>{tr(Msg::SectionWhere)}</legend>
                <div class="fields">
                    {input(&form, "country", Msg::FieldCountry, "text")}
                    {input(&form, "city", Msg::FieldCity, "text")}
                    {input(&form, "venue", Msg::FieldVenue, "text")}
                </div>
                <div class="field wide" class:has-error=error_of(&form, "institutes").is_some()>
                    <span class="label">{tr(Msg::FieldInstitutes)}</span>
                    <div class="checks">{institutes}</div>
                    {error_line(&form, "institutes")}
                </div>
            </fieldset> }.into_any()}
            <fieldset class="card">
                <legend>{tr(Msg::SectionMoney)}</legend>
                {funding}
            </fieldset>
            {view! { <fieldset class="card">
                <legend>{tr(Msg::SectionPeople)}</legend>
                <table class="data compact participants-input">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Msg::ColService)}</th>
                            <th scope="col">{tr(Msg::FieldWomen)}</th>
                            <th scope="col">{tr(Msg::FieldMen)}</th>
                        </tr>
                    </thead>
                    <tbody>{participants}</tbody>
                </table>
                <div class="fields">
                    {input(&form, "participant_profile", Msg::FieldProfileEn, "text")}
                    {input(&form, "participant_profile_fr", Msg::FieldProfileFr, "text")}
                </div>
                <h3>{tr(Msg::SectionInstructors)}</h3>
                {instructors}
            </fieldset> }.into_any()}
            {view! { <fieldset class="card">
                <legend>{tr(Msg::SectionText)}</legend>
                {textarea(&form, "narrative", Msg::FieldNarrativeEn)}
                {textarea(&form, "narrative_fr", Msg::FieldNarrativeFr)}
                {id.as_ref().map(|_| input(&form, "reason", Msg::FieldReason, "text"))}
            </fieldset> }.into_any()}
            <div class="form-actions">
                <button type="submit" class="button" data-testid="save">{tr(Msg::Save)}</button>
                <a href=cancel>{tr(Msg::Cancel)}</a>
            </div>
        </form>
    }
}

fn service_code(service: Service) -> &'static str {
    match service {
        Service::Police => "police",
        Service::Gendarmerie => "gendarmerie",
        Service::Justice => "justice",
        Service::Other => "other",
    }
}
