//! The programme's reference records: a hub, a list per record type (search, parent filter,
//! sort, archived, all in the URL) and one form per record that creates, edits and archives it.
//! Every page works without JavaScript: forms post, and after a problem the server sends the
//! user back here with what they typed and the errors by field.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::activity::history_view;
use super::form_fields::{Fields, error_line, has_error, input, select, textarea, value};
use crate::api::{get_current_user, get_record_form, get_record_history, list_records, take_form_state};
use crate::components::i18n::{tr, tr_text};
use crate::components::islands::{CheckedForm, LiveCheck};
use crate::components::{ErrorView, PageHeader, PageTitle, Pager, loading};
use crate::domain::records::{
    Field, Input, RecordForm, RecordKind, RecordQuery, RecordRow, Source, TARGET_ROWS,
};
use crate::domain::{Page, PageRequest, Permission, Text};
use crate::error::AppError;
use crate::i18n::Msg;

fn kind_param() -> Memo<Option<RecordKind>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("kind").and_then(|k| RecordKind::from_slug(&k)))
}

/// The record type of a reference field's source, for its list of choices.
fn kind_of_source(source: Source) -> Option<RecordKind> {
    match source {
        Source::Donors => Some(RecordKind::Donor),
        Source::Strategies => Some(RecordKind::Strategy),
        Source::Pillars => Some(RecordKind::Pillar),
        Source::Grants => Some(RecordKind::Grant),
        Source::Institutes => Some(RecordKind::Institute),
        Source::Activities | Source::Equipment | Source::Transactions => None,
    }
}

/// `/records`: one card per record type.
#[component]
pub fn RecordsPage() -> impl IntoView {
    // The page itself lists no records, so it checks the reader's rights here.
    let editor = Resource::new(
        || (),
        |_| async {
            match get_current_user().await? {
                None => Err(AppError::Unauthorized),
                Some(u) if u.must_change_password || !u.can(Permission::ViewRecords) => {
                    Err(AppError::Forbidden)
                }
                Some(u) => Ok(u.can(Permission::EditProgramme)),
            }
        },
    );
    let cards = move |editor: bool| {
        RecordKind::ALL
            .iter()
            .map(|kind| {
                let (plural, _) = kind.names();
                let list = format!("/records/{}", kind.slug());
                let new = format!("/records/{}/new", kind.slug());
                view! {
                    <li class="card record-card">
                        <a href=list data-testid=format!("records-{}", kind.slug())>{tr_text(plural.into())}</a>
                        {editor.then(|| view! { <a class="button small" href=new>{tr(Msg::NewRecord)}</a> })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <PageHeader title=Msg::RecordsTitle intro=Msg::RecordsIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match editor.await {
                    Ok(editor) => view! { <ul class="record-cards">{cards(editor)}</ul> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/records/:kind`: a paginated, filtered and sorted list.
#[component]
pub fn RecordListPage() -> impl IntoView {
    let kind = kind_param();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let pairs = ["q", "parent", "sort", "archived"].map(|n| (n, q.get(n).unwrap_or_default()));
        RecordQuery::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())))
    });
    let request = Memo::new(move |_| PageRequest::from_query(query.read().get("page").as_deref()));
    let data = Resource::new(
        move || (kind.get(), filter.get(), request.get()),
        |(kind, filter, page)| async move {
            let Some(kind) = kind else { return Err(AppError::NotFound) };
            let rows = list_records(kind, filter.clone(), page).await?;
            let parents = match kind.parent().and_then(|(_, source)| kind_of_source(source)) {
                Some(parent) => {
                    let all = PageRequest { page: 1, per_page: PageRequest::MAX_PER_PAGE };
                    list_records(parent, RecordQuery::default(), all).await?.items
                }
                None => Vec::new(),
            };
            let editor = matches!(get_current_user().await?, Some(u) if u.can(Permission::EditProgramme));
            Ok::<_, AppError>((kind, rows, parents, editor))
        },
    );
    let saved = move || {
        (query.read().get("saved").as_deref() == Some("archived")).then(|| {
            view! { <p class="notice notice-ok" role="status" data-testid="saved">{tr(Msg::RecordArchived)}</p> }
        })
    };
    view! {
        <p class="breadcrumb"><a href="/records">"← " {tr(Msg::RecordsTitle)}</a></p>
        {saved}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((kind, rows, parents, editor)) => list_view(kind, filter.get_untracked(), rows, parents, editor).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn list_view(
    kind: RecordKind,
    filter: RecordQuery,
    page: Page<RecordRow>,
    parents: Vec<RecordRow>,
    editor: bool,
) -> impl IntoView {
    let (plural, _) = kind.names();
    let base = format!("/records/{}", kind.slug());
    let title =
        move |l| format!("{} · aidtrail", if l == crate::i18n::Locale::Fr { plural.1 } else { plural.0 });
    let listed: Vec<&'static Field> = kind.fields().iter().filter(|f| f.listed).collect();
    let numeric = |f: &Field| matches!(f.input, Input::Amount { .. } | Input::Integer);
    let head = listed
        .iter()
        .map(|f| {
            let current = filter.sort_field(kind);
            let descending = current == Some((f.name, false));
            let mut sorted = filter.clone();
            sorted.sort = Some(if descending { format!("-{}", f.name) } else { f.name.to_owned() });
            let href = format!("{base}?{}", sorted.to_query());
            let mark = match current {
                Some((name, false)) if name == f.name => " ▲",
                Some((name, true)) if name == f.name => " ▼",
                _ => "",
            };
            view! { <th scope="col" class:num=numeric(f)><a href=href>{tr_text(f.label.into())} {mark}</a></th> }
        })
        .collect_view();
    let labels: Vec<Text> = listed.iter().map(|f| f.label.into()).collect();
    let numeric_cols: Vec<bool> = listed.iter().map(|f| numeric(f)).collect();
    let rows = page
        .items
        .iter()
        .map(|row| {
            let href = format!("{base}/{}", row.id);
            let cells = row
                .cells
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    let label = tr_text(labels[i].clone());
                    let text = tr_text(cell.clone());
                    let content = if i == 0 {
                        view! { <a href=href.clone()>{text}</a> }.into_any()
                    } else {
                        text.into_any()
                    };
                    view! { <td class:num=numeric_cols[i] data-label=label>{content}</td> }
                })
                .collect_view();
            let archived =
                row.archived.then(|| view! { <td><span class="badge">{tr(Msg::ArchivedBadge)}</span></td> });
            view! { <tr>{cells}{archived}</tr> }
        })
        .collect_view();
    let parent_filter = kind.parent().map(|(_, _)| {
        let current = filter.parent.clone().unwrap_or_default();
        let options = parents
            .iter()
            .map(|p| {
                let selected = p.id == current;
                let name = p.cells.first().cloned().unwrap_or_default();
                view! { <option value=p.id.clone() selected=selected>{tr_text(name)}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="parent">{tr(Msg::FilterParent)}</label>
                <select id="parent" name="parent">
                    <option value="">{tr(Msg::FilterAny)}</option>
                    {options}
                </select>
            </div>
        }
    });
    let (first, last) = page.shown_range();
    let (number, pages, total) = (page.page, page.page_count(), page.total);
    let new = format!("{base}/new");
    let table = if page.items.is_empty() {
        let msg = if filter == RecordQuery::default() { Msg::EmptyRecords } else { Msg::NoMatchRecords };
        view! { <p class="empty-state">{tr(msg)}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="data" data-testid="records">
                    <thead><tr>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Pager base=base.clone() query=filter.to_query() page=number pages first last total/>
        }
        .into_any()
    };
    view! {
        <PageTitle text=title/>
        <div class="page-header">
            <h1>{tr_text(plural.into())}</h1>
            {editor.then(|| view! { <a class="button" href=new data-testid="new-record">{tr(Msg::NewRecord)}</a> })}
        </div>
        <form method="get" action=base.clone() class="filters card" role="search">
            <div class="fields">
                <div class="field">
                    <label for="q">{tr(Msg::FieldSearch)}</label>
                    <input id="q" name="q" type="search" value=filter.q.clone()/>
                </div>
                {parent_filter}
                <label class="check">
                    <input type="checkbox" name="archived" value="1" checked=filter.archived/>
                    {tr(Msg::ShowArchived)}
                </label>
            </div>
            {filter.sort.clone().map(|s| view! { <input type="hidden" name="sort" value=s/> })}
            <div class="form-actions">
                <button type="submit" class="button">{tr(Msg::FilterApply)}</button>
                <a href=base.clone()>{tr(Msg::FilterClear)}</a>
            </div>
        </form>
        {table}
    }
}

/// `/records/:kind/new`.
#[component]
pub fn NewRecordPage() -> impl IntoView {
    record_page(None)
}

/// `/records/:kind/:id`: the record's form (read-only for auditors), archive and history.
#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    record_page(Some(Memo::new(move |_| params.read().get("id").unwrap_or_default())))
}

fn record_page(id: Option<Memo<String>>) -> impl IntoView {
    let kind = kind_param();
    let query = use_query_map();
    let data = Resource::new(
        move || (kind.get(), id.map(|m| m.get())),
        |(kind, id): (Option<RecordKind>, Option<String>)| async move {
            let Some(kind) = kind else { return Err(AppError::NotFound) };
            let mut form = get_record_form(kind, id.clone().unwrap_or_default()).await?;
            let key = format!("record:{}:{}", kind.slug(), id.as_deref().unwrap_or("new"));
            if let Some(state) = take_form_state(key).await? {
                form.values = state.values;
                form.errors = state.errors;
                form.conflict = state.conflict;
            }
            let history = match &id {
                Some(id) => get_record_history(kind, id.clone()).await?,
                None => Vec::new(),
            };
            Ok::<_, AppError>((form, id, history))
        },
    );
    let notice = move || {
        let q = query.read();
        let (class, msg) = match (q.get("saved").as_deref(), q.get("error").as_deref()) {
            (_, Some("conflict")) => ("notice notice-error", Msg::RecordArchiveConflict),
            (_, Some(_)) => ("notice notice-error", Msg::ErrorBody),
            (Some("created"), _) => ("notice notice-ok", Msg::RecordCreated),
            (Some("updated"), _) => ("notice notice-ok", Msg::SavedUpdated),
            _ => return None,
        };
        Some(view! { <p class=class role="status" data-testid="saved">{tr(msg)}</p> })
    };
    view! {
        {move || kind.get().map(|k| {
            let href = format!("/records/{}", k.slug());
            view! { <p class="breadcrumb"><a href=href>"← " {tr(Msg::BackToList)}</a></p> }
        })}
        {notice}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((form, id, history)) => view! {
                        {form_view(form, id.clone())}
                        {id.is_some().then(|| history_view(history))}
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The choices of a closed list, as (code, label).
fn choice_options(field: &Field, form: &RecordForm) -> Vec<(String, Text)> {
    match field.input {
        Input::Choice(choices) => {
            choices.options().into_iter().map(|(code, en, fr)| (code, Text::new(en, fr))).collect()
        }
        _ => form
            .options
            .get(field.name)
            .map(|refs| refs.iter().map(|r| (r.id.clone(), r.name.clone())).collect())
            .unwrap_or_default(),
    }
}

fn field_view(f: &Fields<'_>, form: &RecordForm, field: &Field) -> AnyView {
    let label: Text = field.label.into();
    match field.input {
        Input::Date => input(f, field.name, label, "date").into_any(),
        Input::LongText => textarea(f, field.name, label).into_any(),
        Input::Choice(_) | Input::Reference(_) => {
            let blank = if field.required { Msg::ChooseOne } else { Msg::NotAvailable };
            select(f, field.name, label, choice_options(field, form), Some(blank)).into_any()
        }
        Input::References(_) => {
            let chosen: Vec<String> = value(f, field.name).split(',').map(|s| s.trim().to_owned()).collect();
            let checks = choice_options(field, form)
                .into_iter()
                .map(|(id, name)| {
                    let checked = chosen.contains(&id);
                    view! {
                        <label class="check">
                            <input type="checkbox" name=field.name value=id checked=checked/>
                            {tr_text(name)}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div class="field wide" class:has-error=has_error(f, field.name)>
                    <span class="label">{tr_text(label)}</span>
                    <div class="checks">{checks}</div>
                    {error_line(f, field.name)}
                </div>
            }
            .into_any()
        }
        Input::Targets => targets_view(f, label).into_any(),
        _ => input(f, field.name, label, "text").into_any(),
    }
}

fn targets_view(f: &Fields<'_>, label: Text) -> impl IntoView + use<> {
    let rows = (0..TARGET_ROWS)
        .map(|i| {
            let names = [format!("target_{i}_year"), format!("target_{i}_country"), format!("target_{i}_value")];
            let cells = names
                .iter()
                .zip([Msg::ColYear, Msg::ColCountry, Msg::ColTarget])
                .map(|(name, msg)| {
                    view! {
                        <td>
                            <input class="count" type="text" name=name.clone() id=name.clone() value=value(f, name) aria-label=tr(msg)/>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr>{cells}<td>{error_line(f, &names[0])}</td></tr> }
        })
        .collect_view();
    view! {
        <div class="field wide">
            <span class="label">{tr_text(label)}</span>
            <table class="data compact">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ColYear)}</th>
                        <th scope="col">{tr(Msg::ColCountry)}</th>
                        <th scope="col">{tr(Msg::ColTarget)}</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn form_view(mut form: RecordForm, id: Option<String>) -> impl IntoView {
    let kind = form.kind;
    let amounts = kind
        .fields()
        .iter()
        .filter(|f| matches!(f.input, Input::Amount { .. } | Input::Rate))
        .map(|f| f.name);
    let locale = crate::components::i18n::use_locale().get_untracked();
    form.values = crate::domain::form_values::in_notation(std::mem::take(&mut form.values), amounts, locale);
    let (_, singular) = kind.names();
    let slug = kind.slug();
    let action = match &id {
        Some(id) => format!("/records/{slug}/{id}/edit"),
        None => format!("/records/{slug}/new"),
    };
    let heading = match id {
        Some(_) => {
            let name = form.values.get(kind.title_field()).filter(|t| !t.is_empty()).cloned();
            let name =
                name.or_else(|| kind.unique().and_then(|u| form.values.get(u).cloned())).unwrap_or_default();
            Text::new(
                format!("{} – {name}", capitalise(singular.0)),
                format!("{} – {name}", capitalise(singular.1)),
            )
        }
        None => Text::new(format!("New {}", singular.0), format!("Nouveau : {}", singular.1)),
    };
    let page_title = heading.clone();
    let title = move |l| format!("{} · aidtrail", page_title.get(l));
    let editable = form.can_edit && !form.archived;
    let f = Fields { values: &form.values, errors: RwSignal::new(form.errors.clone()) };
    let fields = kind.fields().iter().map(|field| field_view(&f, &form, field)).collect_view();
    let general_error = form.errors.iter().any(|e| e.field.is_empty());
    let archive = match (&id, form.version) {
        (Some(id), Some(version)) if editable => Some(view! {
            <form method="post" action=format!("/records/{slug}/{id}/archive") class="inline archive-form">
                <input type="hidden" name="version" value=version.to_string()/>
                <input type="text" name="reason" aria-label=tr(Msg::ArchiveReason) placeholder=tr(Msg::ArchiveReason)/>
                <button type="submit" class="link-button" data-testid="archive">{tr(Msg::Archive)}</button>
            </form>
        }),
        _ => None,
    };
    view! {
        <PageTitle text=title/>
        <div class="page-header">
            <h1>{tr_text(heading)}</h1>
        </div>
        {form.archived.then(|| view! { <p class="notice" role="status">{tr(Msg::ArchivedNotice)}</p> })}
        {(!form.can_edit).then(|| view! { <p class="notice" role="status">{tr(Msg::ReadOnlyRecord)}</p> })}
        {form.conflict.then(|| view! { <p class="notice notice-error" role="alert" data-testid="conflict">{tr(Msg::RecordConflict)}</p> })}
        {(!form.errors.is_empty()).then(|| view! {
            <p class="notice notice-error" role="alert" data-testid="form-errors">
                {tr(if general_error { Msg::ErrorBody } else { Msg::FormHasErrors })}
            </p>
        })}
        <form method="post" action=action class="record-form" novalidate>
            <LiveCheck form=CheckedForm::Record(kind)/>
            <fieldset class="card" disabled=!editable>
                <legend>{tr(Msg::SectionRecord)}</legend>
                {form.version.map(|_| view! { <input type="hidden" name="version" value=value(&f, "version")/> })}
                <input type="hidden" name="notation" value=value(&f, "notation")/>
                <div class="fields">{fields}</div>
                {id.as_ref().map(|_| input(&f, "reason", Msg::FieldReason.into(), "text"))}
            </fieldset>
            {editable.then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="button" data-testid="save">{tr(Msg::Save)}</button>
                    <a href=format!("/records/{slug}")>{tr(Msg::Cancel)}</a>
                </div>
            })}
        </form>
        {archive}
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
