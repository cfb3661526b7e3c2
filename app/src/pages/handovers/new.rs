//! The programme manager's form for a new handover.

use leptos::prelude::*;

use crate::api::{get_handover_form_options, take_form_state};
use crate::components::i18n::tr;
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::handovers::NEW_LINES;
use crate::domain::{HandoverStatus, Text};
use crate::error::AppError;
use crate::i18n::{Label, Locale, Msg};
use crate::pages::form_fields::{Fields, input, select};

/// `/handovers/new`: a programme manager groups items into a handover.
#[component]
pub fn NewHandoverPage() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| async {
            let options = get_handover_form_options().await?;
            let state = take_form_state("handover:new".into()).await?;
            Ok::<_, AppError>((options, state))
        },
    );
    view! {
        <PageHeader title=Msg::NewHandover/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((options, state)) => {
                        let (values, errors) = state.map(|s| (s.values, s.errors)).unwrap_or_else(|| {
                            let mut v = crate::domain::form_values::FormValues::new();
                            v.insert("status".into(), "handed_over".into());
                            (v, Vec::new())
                        });
                        let f = Fields { values: &values, errors: RwSignal::new(errors) };
                        let refs = |list: &[crate::domain::NamedRef]| -> Vec<(String, Text)> {
                            list.iter().map(|r| (r.id.clone(), r.name.clone())).collect()
                        };
                        let statuses = [HandoverStatus::Planned, HandoverStatus::HandedOver]
                            .iter()
                            .map(|s| (s.code().to_owned(), Text::new(s.label(Locale::En), s.label(Locale::Fr))))
                            .collect();
                        let lines = (0..NEW_LINES)
                            .map(|i| view! {
                                <div class="row-fields">
                                    {select(&f, &format!("line_{i}_equipment"), Msg::ColDescription.into(), refs(&options.equipment), Some(Msg::ChooseOne))}
                                    {input(&f, &format!("line_{i}_quantity"), Msg::ColQuantity.into(), "number")}
                                    {input(&f, &format!("line_{i}_serials"), Msg::FieldSerials.into(), "text")}
                                </div>
                            })
                            .collect_view();
                        let has_errors = f.errors.with_untracked(|e| !e.is_empty());
                        view! {
                            {has_errors.then(|| view! { <p class="notice notice-error" role="alert" data-testid="form-errors">{tr(Msg::FormHasErrors)}</p> })}
                            <form method="post" action="/handovers/new" class="record-form" novalidate>
                                <fieldset class="card">
                                    <legend>{tr(Msg::SectionRecord)}</legend>
                                    <div class="fields">
                                        {input(&f, "code", Msg::ColReference.into(), "text")}
                                        {select(&f, "institute", Msg::ColInstitute.into(), refs(&options.institutes), Some(Msg::ChooseOne))}
                                        {select(&f, "activity", Msg::NavActivities.into(), refs(&options.activities), Some(Msg::NotAvailable))}
                                        {input(&f, "handed_over_on", Msg::HandedOverOn.into(), "date")}
                                        {input(&f, "handed_over_by", Msg::HandedOverBy.into(), "text")}
                                        {select(&f, "status", Msg::FieldStatus.into(), statuses, None)}
                                    </div>
                                </fieldset>
                                <fieldset class="card">
                                    <legend>{tr(Msg::HandoverItems)}</legend>
                                    {lines}
                                </fieldset>
                                <div class="form-actions">
                                    <button type="submit" class="button" data-testid="save">{tr(Msg::Save)}</button>
                                    <a href="/handovers">{tr(Msg::Cancel)}</a>
                                </div>
                            </form>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
