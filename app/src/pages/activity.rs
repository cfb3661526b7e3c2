//! One activity: when, where, who took part, who taught, who paid.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{get_activity, get_activity_history, get_current_user, list_attachments};
use crate::components::i18n::{tr, tr_fmt, tr_label, tr_text, use_locale};
use crate::components::{ErrorView, PageTitle, loading, upload_form};
use crate::domain::{ActivityDetail, Instructor, Service};
use crate::domain::{AttachmentRow, HistoryEntry, Permission};
use crate::error::AppError;
use crate::i18n::{
    Msg, country_name, fmt_date_range, fmt_file_size, fmt_instructors, fmt_int, fmt_money, fmt_percent,
};

#[component]
pub fn ActivityPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            let activity = get_activity(id.clone()).await?;
            let history = get_activity_history(id.clone()).await?;
            let attachments = list_attachments(id).await?;
            let user = get_current_user().await?;
            Ok::<_, AppError>((activity, history, attachments, user))
        },
    );
    let notice = move || {
        let q = query.read();
        match (q.get("saved").as_deref(), q.get("error").as_deref()) {
            (_, Some("conflict")) => Some(view! { <p class="notice notice-error" role="alert">{tr(Msg::ArchiveConflict)}</p> }.into_any()),
            (_, Some("file_type")) => Some(view! { <p class="notice notice-error" role="alert" data-testid="file-error">{tr(Msg::FileTypeRefused)}</p> }.into_any()),
            (_, Some("file_empty")) => Some(view! { <p class="notice notice-error" role="alert" data-testid="file-error">{tr(Msg::FileEmpty)}</p> }.into_any()),
            (Some("attached"), _) => Some(view! { <p class="notice notice-ok" role="status" data-testid="saved">{tr(Msg::SavedAttached)}</p> }.into_any()),
            (Some("published"), _) => Some(view! { <p class="notice notice-ok" role="status" data-testid="saved">{tr(Msg::SavedPublished)}</p> }.into_any()),
            (Some("unpublished"), _) => Some(view! { <p class="notice notice-ok" role="status" data-testid="saved">{tr(Msg::SavedUnpublished)}</p> }.into_any()),
            (_, Some(_)) => Some(view! { <p class="notice notice-error" role="alert">{tr(Msg::ErrorBody)}</p> }.into_any()),
            (Some("created"), _) => Some(view! { <p class="notice notice-ok" role="status" data-testid="saved">{tr(Msg::SavedCreated)}</p> }.into_any()),
            (Some("updated"), _) => Some(view! { <p class="notice notice-ok" role="status" data-testid="saved">{tr(Msg::SavedUpdated)}</p> }.into_any()),
            _ => None,
        }
    };
    view! {
        <p class="breadcrumb"><a href="/activities">"← " {tr(Msg::BackToActivities)}</a></p>
        {notice}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((activity, history, attachments, user)) => {
                        let editor = user.is_some_and(|u| u.can(Permission::EditProgramme) && !u.must_change_password);
                        let upload = (editor && !activity.archived).then(|| activity.id.clone());
                        let files = attachments_view(&activity.id, attachments, upload);
                        view! {
                            {editor.then(|| editor_actions(&activity))}
                            {activity_view(activity)}
                            {files}
                            {history_view(history)}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Edit and archive, for those who may change the programme's records.
fn editor_actions(a: &ActivityDetail) -> AnyView {
    if a.archived {
        return view! { <p class="notice" role="status">{tr(Msg::ArchivedNotice)}</p> }.into_any();
    }
    let edit = format!("/activities/{}/edit", a.id);
    let archive = format!("/activities/{}/archive", a.id);
    view! {
        <div class="record-actions">
            <a class="button" href=edit data-testid="edit">{tr(Msg::Edit)}</a>
            <form method="post" action=archive class="inline archive-form">
                <input type="hidden" name="version" value=a.version.to_string()/>
                <input type="text" name="reason" aria-label=tr(Msg::ArchiveReason) placeholder=tr(Msg::ArchiveReason)/>
                <button type="submit" class="link-button">{tr(Msg::Archive)}</button>
            </form>
        </div>
    }
    .into_any()
}

/// Photos and attendance sheets, and for editors a form to add one and a button to make each
/// public or private again (all work without JavaScript).
fn attachments_view(
    activity: &str,
    files: Vec<AttachmentRow>,
    upload: Option<String>,
) -> impl IntoView + use<> {
    let editor = upload.is_some();
    let list = if files.is_empty() {
        view! { <p class="muted">{tr(Msg::NoAttachments)}</p> }.into_any()
    } else {
        let items = files
            .into_iter()
            .map(|f| {
                let href = format!("/activities/{activity}/attachments/{}", f.id);
                let kind = match f.content_type.as_str() {
                    "application/pdf" => "PDF",
                    "image/png" => "PNG",
                    _ => "JPEG",
                };
                let size = f.size;
                let date = f.uploaded_at.get(..10).unwrap_or_default().to_owned();
                let public = f.public;
                let badge = public.then(|| {
                    view! { " " <span class="badge badge-ok" data-testid="public">{tr(Msg::FilePublic)}</span> }
                });
                let toggle = editor.then(|| {
                    let action = format!("/activities/{activity}/attachments/{}/public", f.id);
                    let label = if public { Msg::Unpublish } else { Msg::Publish };
                    view! {
                        " · "
                        <form method="post" action=action class="inline">
                            <input type="hidden" name="public" value=if public { "false" } else { "true" }/>
                            <button type="submit" class="link-button" data-testid="publish">{tr(label)}</button>
                        </form>
                    }
                });
                view! {
                    <li>
                        <a href=href download>{f.name}</a>
                        " · " {kind} " · " {tr_fmt(move |l| fmt_file_size(l, size))}
                        " · " <span class="muted">{date} " · " {f.uploaded_by}</span>
                        {badge}
                        {toggle}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="attachments" data-testid="attachments">{items}</ul> }.into_any()
    };
    let form = upload.map(|id| upload_form(format!("/activities/{id}/attachments"), "file", "button"));
    let hint = editor.then(|| view! { <p class="hint">{tr(Msg::PublishHint)}</p> });
    view! {
        <section class="card" id="attachments">
            <h2>{tr(Msg::SectionAttachments)}</h2>
            {list}
            {hint}
            {form}
        </section>
    }
}

/// Who changed the activity, when and why.
pub(crate) fn history_view(history: Vec<HistoryEntry>) -> impl IntoView {
    let items = if history.is_empty() {
        view! { <p class="muted">{tr(Msg::NoHistory)}</p> }.into_any()
    } else {
        let rows = history
            .into_iter()
            .map(|h| {
                let action = match h.action.as_str() {
                    "create" => Msg::HistoryCreate,
                    "archive" => Msg::HistoryArchive,
                    _ => Msg::HistoryUpdate,
                };
                let at = h.at.replace('T', " ").trim_end_matches('Z').to_owned() + " UTC";
                view! {
                    <li>
                        <span class="mono">{at}</span> " · " <strong>{tr(action)}</strong> " · " {h.actor}
                        {h.reason.map(|r| view! { " · " <em>{r}</em> })}
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="history" data-testid="history">{rows}</ol> }.into_any()
    };
    view! {
        <section class="card">
            <h2>{tr(Msg::SectionHistory)}</h2>
            {items}
        </section>
    }
}

fn activity_view(a: ActivityDetail) -> impl IntoView {
    let title = a.title.clone();
    let page_title = move |l| format!("{} · aidtrail", title.get(l));
    let (planned, actual) = (a.planned, a.actual);
    let (country, city, venue) = (a.country.clone(), a.city.clone(), a.venue.clone());
    view! {
        <PageTitle text=page_title/>
        <article class="activity">
            <header class="page-header">
                <p class="eyebrow">{tr_label(a.kind)} " · " {tr_label(a.status)}</p>
                <h1>{tr_text(a.title.clone())}</h1>
                <p class="lead">
                    {tr_fmt(move |l| fmt_date_range(l, &actual.unwrap_or(planned)))} " · "
                    {tr_fmt(move |l| format!("{venue}, {city}, {}", country_name(l, &country)))}
                </p>
            </header>
            {figures(&a)}
            <div class="columns">
                <section class="card">
                    <h2>{tr(Msg::SectionOverview)}</h2>
                    <dl class="facts">
                        <dt>{tr(Msg::FieldType)}</dt><dd>{tr_label(a.kind)}</dd>
                        <dt>{tr(Msg::FieldStatus)}</dt><dd>{tr_label(a.status)}</dd>
                        <dt>{tr(Msg::FieldTheme)}</dt><dd>{tr_label(a.theme)}</dd>
                        {a.pillar.clone().map(|p| view! { <dt>{tr(Msg::FieldPillar)}</dt><dd>{tr_text(p)}</dd> })}
                        <dt>{tr(Msg::FieldPlannedDates)}</dt><dd>{tr_fmt(move |l| fmt_date_range(l, &planned))}</dd>
                        {actual.map(|r| view! {
                            <dt>{tr(Msg::FieldActualDates)}</dt><dd>{tr_fmt(move |l| fmt_date_range(l, &r))}</dd>
                        })}
                        <dt>{tr(Msg::FieldVenue)}</dt><dd>{a.venue.clone()}</dd>
                        <dt>{tr(Msg::FieldProfile)}</dt><dd>{tr_text(a.participant_profile.clone())}</dd>
                    </dl>
                </section>
                <section class="card">
                    <h2>{tr(Msg::SectionParticipants)}</h2>
                    {participants_table(&a)}
                </section>
            </div>
            <div class="columns">
                <section class="card">
                    <h2>{tr(Msg::SectionInstructors)}</h2>
                    {instructors_list(&a.instructors)}
                </section>
                <section class="card">
                    <h2>{tr(Msg::SectionFunding)}</h2>
                    {a.cost.clone().map(|cost| view! {
                        <p data-testid="cost">{tr(Msg::ActivityCost)} ": " <strong>{tr_fmt(move |l| fmt_money(l, &cost))}</strong></p>
                    })}
                    {funding_list(&a)}
                </section>
            </div>
            <section class="card">
                <h2>{tr(Msg::SectionInstitutes)}</h2>
                {if a.institutes.is_empty() {
                    view! { <p class="muted">{tr(Msg::NoInstitutes)}</p> }.into_any()
                } else {
                    let items = a.institutes.iter().map(|i| view! { <li>{tr_text(i.name.clone())}</li> }).collect_view();
                    view! { <ul class="plain">{items}</ul> }.into_any()
                }}
            </section>
            <section class="card narrative">
                <h2>{tr(Msg::SectionNarrative)}</h2>
                <p>{tr_text(a.narrative.clone())}</p>
            </section>
        </article>
    }
}

/// The headline numbers: participants, women, instructors.
fn figures(a: &ActivityDetail) -> AnyView {
    let total = u64::from(a.participants.total());
    let women = u64::from(a.participants.women());
    let instructors = a.instructors.iter().filter(|i| !i.supervisor).count();
    view! {
        <dl class="figures">
            <div class="figure">
                <dt>{tr(Msg::ColParticipants)}</dt>
                <dd data-testid="participants-total">{tr_fmt(move |l| fmt_int(l, total))}</dd>
            </div>
            <div class="figure">
                <dt>{tr(Msg::ColWomen)}</dt>
                <dd data-testid="participants-women">{tr_fmt(move |l| fmt_int(l, women))}</dd>
                <span class="sub">{tr_fmt(move |l| fmt_percent(l, women, total))}</span>
            </div>
            <div class="figure">
                <dt>{tr(Msg::SectionInstructors)}</dt>
                <dd data-testid="instructors-total">{tr_fmt(move |l| fmt_int(l, instructors as u64))}</dd>
            </div>
        </dl>
    }
    .into_any()
}

fn participants_table(a: &ActivityDetail) -> AnyView {
    let p = a.participants;
    let rows = Service::ALL
        .iter()
        .map(|service| {
            let count = p.get(*service);
            let (total, women, men) = (count.total(), count.women(), count.men());
            view! {
                <tr class:zero=total == 0>
                    <th scope="row">{tr_label(*service)}</th>
                    <td class="num">{tr_fmt(move |l| fmt_int(l, total.into()))}</td>
                    <td class="num">{tr_fmt(move |l| fmt_int(l, women.into()))}</td>
                    <td class="num">{tr_fmt(move |l| fmt_int(l, men.into()))}</td>
                </tr>
            }
        })
        .collect_view();
    let (total, women, men) = (p.total(), p.women(), p.men());
    view! {
        <table class="data compact">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::ColService)}</th>
                    <th scope="col" class="num">{tr(Msg::ColTotal)}</th>
                    <th scope="col" class="num">{tr(Msg::ColWomen)}</th>
                    <th scope="col" class="num">{tr(Msg::ColMen)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr>
                    <th scope="row">{tr(Msg::RowAllServices)}</th>
                    <td class="num">{tr_fmt(move |l| fmt_int(l, total.into()))}</td>
                    <td class="num">{tr_fmt(move |l| fmt_int(l, women.into()))}</td>
                    <td class="num">{tr_fmt(move |l| fmt_int(l, men.into()))}</td>
                </tr>
            </tfoot>
        </table>
    }
    .into_any()
}

/// Instructors grouped by institution, supervising experts apart.
fn instructors_list(instructors: &[Instructor]) -> AnyView {
    if instructors.is_empty() {
        return view! { <p class="muted">{tr(Msg::NoInstructors)}</p> }.into_any();
    }
    let mut groups: Vec<(String, bool, Vec<Option<String>>)> = Vec::new();
    for i in instructors {
        match groups.iter_mut().find(|(inst, sup, _)| *inst == i.institution && *sup == i.supervisor) {
            Some(group) => group.2.push(i.name.clone()),
            None => groups.push((i.institution.clone(), i.supervisor, vec![i.name.clone()])),
        }
    }
    let locale = use_locale();
    let items = groups
        .into_iter()
        .map(|(institution, supervisor, names)| {
            let count = names.len();
            let named: Vec<String> = names.into_iter().flatten().collect();
            let who = move || {
                let l = locale.get();
                let role = if supervisor {
                    Msg::SupervisingExpert.text(l).to_owned()
                } else {
                    fmt_instructors(l, count)
                };
                if named.is_empty() { role } else { format!("{role}: {}", named.join(", ")) }
            };
            view! { <li><strong>{who}</strong> " · " {institution}</li> }
        })
        .collect_view();
    view! { <ul class="plain">{items}</ul> }.into_any()
}

fn funding_list(a: &ActivityDetail) -> AnyView {
    if a.funding.is_empty() {
        return view! { <p class="muted">{tr(Msg::NoFunding)}</p> }.into_any();
    }
    let rows = a
        .funding
        .iter()
        .map(|f| {
            let amount = f.amount.clone();
            view! {
                <tr>
                    <td>{match f.grant_reference.clone() {
                        Some(reference) => view! {
                            <span class="mono">{reference}</span><span class="sub">{tr_text(f.donor.clone())}</span>
                        }.into_any(),
                        None => view! {
                            <span>{tr_text(f.donor.clone())}</span><span class="sub">{tr(Msg::CoFunder)}</span>
                        }.into_any(),
                    }}</td>
                    <td class="num">{tr_fmt(move |l| fmt_money(l, &amount))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data compact">
            <thead><tr><th scope="col">{tr(Msg::ColGrant)}</th><th scope="col" class="num">{tr(Msg::ColAmount)}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
