//! Administration of users: create, deactivate, reactivate, reset a password.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_user_form_options, list_users, take_admin_flash};
use crate::components::i18n::{tr, tr_label, tr_text};
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::{AdminFlash, Role, UserFormOptions, UserRow};
use crate::error::AppError;
use crate::i18n::{Label, Locale, Msg};

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        let error = q.get("error").map(|code| match code.as_str() {
            "email" => Msg::UserErrEmail,
            "duplicate" => Msg::UserErrDuplicate,
            "binding_missing" => Msg::UserErrBindingMissing,
            "binding_unexpected" => Msg::UserErrBindingUnexpected,
            "institute" | "donor" | "user" => Msg::UserErrUnknown,
            "self" => Msg::UserErrSelf,
            "role" => Msg::UserErrRole,
            _ => Msg::ErrorBody,
        });
        let done = q.get("done").and_then(|code| match code.as_str() {
            "deactivated" => Some(Msg::DoneDeactivated),
            "activated" => Some(Msg::DoneActivated),
            _ => None,
        });
        match (error, done) {
            (Some(m), _) => {
                Some(view! { <p class="notice notice-error" role="alert">{tr(m)}</p> }.into_any())
            }
            (None, Some(m)) => {
                Some(view! { <p class="notice notice-ok" role="status">{tr(m)}</p> }.into_any())
            }
            (None, None) => None,
        }
    };
    let data = Resource::new(
        || (),
        |_| async {
            let users = list_users().await?;
            let options = get_user_form_options().await?;
            let flash = take_admin_flash().await?;
            Ok::<_, AppError>((users, options, flash))
        },
    );
    view! {
        <PageHeader title=Msg::UsersTitle intro=Msg::UsersIntro/>
        {notice}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((users, options, flash)) => view! {
                        {flash.map(flash_view)}
                        {users_table(users)}
                        {new_user_form(options)}
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn flash_view(flash: AdminFlash) -> impl IntoView {
    let lead = if flash.created { Msg::FlashCreated } else { Msg::FlashReset };
    view! {
        <section class="notice notice-ok" role="status" data-testid="admin-flash">
            <p>{tr(lead)} " " <strong>{flash.email}</strong> ":"</p>
            <p><code class="one-time" data-testid="one-time-password">{flash.password}</code></p>
            <p class="muted">{tr(Msg::FlashOnce)}</p>
        </section>
    }
}

fn users_table(users: Vec<UserRow>) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| {
            let action = |path: String, msg: Msg| {
                view! {
                    <form method="post" action=path class="inline">
                        <button type="submit" class="link-button">{tr(msg)}</button>
                    </form>
                }
            };
            let toggle = if u.active {
                action(format!("/admin/users/{}/deactivate", u.id), Msg::Deactivate)
            } else {
                action(format!("/admin/users/{}/activate", u.id), Msg::Activate)
            };
            let reset = action(format!("/admin/users/{}/reset-password", u.id), Msg::ResetPassword);
            view! {
                <tr class:zero=!u.active data-email=u.email.clone()>
                    <td data-label=tr(Msg::FieldName)>{u.name.clone()}<span class="sub">{u.email.clone()}</span></td>
                    <td data-label=tr(Msg::ColRole)>{tr_label(u.role)}</td>
                    <td data-label=tr(Msg::ColBinding)>
                        {match u.binding.clone() {
                            Some(text) => tr_text(text).into_any(),
                            None => tr(Msg::NoBinding).into_any(),
                        }}
                    </td>
                    <td data-label=tr(Msg::ColLanguage)>{u.language.label(Locale::En)}</td>
                    <td data-label=tr(Msg::ColStatus)>
                        {if u.active { tr(Msg::StateActive).into_any() } else { tr(Msg::StateInactive).into_any() }}
                        {u.must_change_password.then(|| view! { <span class="sub">{tr(Msg::StateMustChange)}</span> })}
                    </td>
                    <td data-label=tr(Msg::ColActions) class="actions">{toggle} {reset}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::FieldName)}</th>
                        <th scope="col">{tr(Msg::ColRole)}</th>
                        <th scope="col">{tr(Msg::ColBinding)}</th>
                        <th scope="col">{tr(Msg::ColLanguage)}</th>
                        <th scope="col">{tr(Msg::ColStatus)}</th>
                        <th scope="col">{tr(Msg::ColActions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn new_user_form(options: UserFormOptions) -> impl IntoView {
    let roles =
        Role::ALL.iter().map(|r| view! { <option value=r.code()>{tr_label(*r)}</option> }).collect_view();
    let institutes = options
        .institutes
        .into_iter()
        .map(|i| view! { <option value=i.id.clone()>{tr_text(i.name)}</option> })
        .collect_view();
    let donors = options
        .donors
        .into_iter()
        .map(|d| view! { <option value=d.id.clone()>{tr_text(d.name)}</option> })
        .collect_view();
    view! {
        <section class="card">
            <h2>{tr(Msg::NewUser)}</h2>
            <form method="post" action="/admin/users" class="form grid-form">
                <label for="new-email">{tr(Msg::FieldEmail)}</label>
                <input id="new-email" name="email" type="email" required/>
                <label for="new-name">{tr(Msg::FieldName)}</label>
                <input id="new-name" name="name" type="text"/>
                <label for="new-role">{tr(Msg::FieldRole)}</label>
                <select id="new-role" name="role">{roles}</select>
                <label for="new-institute">{tr(Msg::FieldInstitute)}</label>
                <select id="new-institute" name="institute"><option value="">"—"</option>{institutes}</select>
                <label for="new-donor">{tr(Msg::FieldDonor)}</label>
                <select id="new-donor" name="donor"><option value="">"—"</option>{donors}</select>
                <label for="new-language">{tr(Msg::FieldLanguage)}</label>
                <select id="new-language" name="language">
                    <option value="en">"English"</option>
                    <option value="fr">"Français"</option>
                </select>
                <button type="submit" class="button">{tr(Msg::CreateUser)}</button>
            </form>
        </section>
    }
}
