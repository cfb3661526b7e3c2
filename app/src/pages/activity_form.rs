//! Recording and editing an activity. A plain form that posts without JavaScript; after a
//! problem the server sends the user back here with what they typed and the errors by field.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::form_fields::{Fields, error_line, has_error, input, select, textarea, value};
use crate::api::{get_activity_edit, get_activity_form_options, take_form_state};
use crate::components::i18n::{tr, tr_text};
use crate::components::islands::{CheckedForm, LiveCheck};
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::activity_form::{FUNDING_ROWS, INSTRUCTOR_ROWS, activity_form_values};
use crate::domain::form_values::FormValues;
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

fn labels<T: Label + Copy>(items: &[T], code: impl Fn(T) -> String) -> Vec<(String, Text)> {
    items.iter().map(|i| (code(*i), Text::new(i.label(Locale::En), i.label(Locale::Fr)))).collect()
}

fn form_view(mut form: FormData, id: Option<String>) -> impl IntoView {
    let amounts: Vec<String> = std::iter::once("cost".to_owned())
        .chain((0..FUNDING_ROWS).map(|i| format!("funding_{i}_amount")))
        .collect();
    let locale = crate::components::i18n::use_locale().get_untracked();
    form.values = crate::domain::form_values::in_notation(
        std::mem::take(&mut form.values),
        amounts.iter().map(String::as_str),
        locale,
    );
    let f = Fields { values: &form.values, errors: RwSignal::new(form.errors.clone()) };
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
    let chosen: Vec<String> = value(&f, "institutes").split(',').map(|s| s.trim().to_owned()).collect();
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
                        <input class="count" type="number" min="0" name=women.clone() id=women.clone() value=value(&f, &women)
                            aria-label=tr(Msg::FieldWomen)/>
                        {error_line(&f, &women)}
                    </td>
                    <td>
                        <input class="count" type="number" min="0" name=men.clone() id=men.clone() value=value(&f, &men)
                            aria-label=tr(Msg::FieldMen)/>
                        {error_line(&f, &men)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let funding = (0..FUNDING_ROWS)
        .map(|i| {
            view! {
                <div class="row-fields">
                    {select(&f, &format!("funding_{i}_grant"), Msg::FieldGrant.into(), grants.clone(), Some(Msg::ChooseOne))}
                    {input(&f, &format!("funding_{i}_amount"), Msg::FieldAmount.into(), "text")}
                </div>
            }
        })
        .collect_view();
    let instructors = (0..INSTRUCTOR_ROWS)
        .map(|i| {
            let supervisor = format!("instructor_{i}_supervisor");
            let checked = !value(&f, &supervisor).is_empty();
            view! {
                <div class="row-fields">
                    {input(&f, &format!("instructor_{i}_name"), Msg::FieldInstructorName.into(), "text")}
                    {input(&f, &format!("instructor_{i}_institution"), Msg::FieldInstitution.into(), "text")}
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
            <LiveCheck form=CheckedForm::Activity/>
            {id.as_ref().map(|_| view! { <input type="hidden" name="version" value=value(&f, "version")/> })}
            <input type="hidden" name="notation" value=value(&f, "notation")/>
            {view! { <fieldset class="card">
                <legend>{tr(Msg::SectionWhatWhen)}</legend>
                <div class="fields">
                    {input(&f, "code", Msg::FieldCode.into(), "text")}
                    {select(&f, "kind", Msg::FieldType.into(), labels(ActivityKind::ALL, |k| k.code().to_owned()), Some(Msg::ChooseOne))}
                    {input(&f, "title", Msg::FieldTitleEn.into(), "text")}
                    {input(&f, "title_fr", Msg::FieldTitleFr.into(), "text")}
                    {select(&f, "status", Msg::FieldStatus.into(), labels(ActivityStatus::ALL, |s| s.code().to_string()), Some(Msg::ChooseOne))}
                    {select(&f, "theme", Msg::FieldTheme.into(), labels(Theme::ALL, |t| t.code().to_owned()), None)}
                    {select(&f, "pillar", Msg::FieldPillar.into(), pillars, Some(Msg::NoPillar))}
                    {input(&f, "planned_start", Msg::FieldPlannedStart.into(), "date")}
                    {input(&f, "planned_end", Msg::FieldPlannedEnd.into(), "date")}
                    {input(&f, "actual_start", Msg::FieldActualStart.into(), "date")}
                    {input(&f, "actual_end", Msg::FieldActualEnd.into(), "date")}
                </div>
            </fieldset> }.into_any()}
            {view! { <fieldset class="card">
                <legend>{tr(Msg::SectionWhere)}</legend>
                <div class="fields">
                    {input(&f, "country", Msg::FieldCountry.into(), "text")}
                    {input(&f, "city", Msg::FieldCity.into(), "text")}
                    {input(&f, "venue", Msg::FieldVenue.into(), "text")}
                </div>
                <div class="field wide" class:has-error=has_error(&f, "institutes")>
                    <span class="label">{tr(Msg::FieldInstitutes)}</span>
                    <div class="checks">{institutes}</div>
                    {error_line(&f, "institutes")}
                </div>
            </fieldset> }.into_any()}
            <fieldset class="card">
                <legend>{tr(Msg::SectionMoney)}</legend>
                <div class="row-fields">
                    {input(&f, "cost", Msg::FieldCost.into(), "text")}
                    {input(&f, "cost_currency", Msg::FieldCostCurrency.into(), "text")}
                </div>
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
                    {input(&f, "participant_profile", Msg::FieldProfileEn.into(), "text")}
                    {input(&f, "participant_profile_fr", Msg::FieldProfileFr.into(), "text")}
                </div>
                <h3>{tr(Msg::SectionInstructors)}</h3>
                {instructors}
            </fieldset> }.into_any()}
            {view! { <fieldset class="card">
                <legend>{tr(Msg::SectionText)}</legend>
                {textarea(&f, "narrative", Msg::FieldNarrativeEn.into())}
                {textarea(&f, "narrative_fr", Msg::FieldNarrativeFr.into())}
                {id.as_ref().map(|_| input(&f, "reason", Msg::FieldReason.into(), "text"))}
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
