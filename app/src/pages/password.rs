//! Changing one's own password; required after a one-time password.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::get_current_user;
use crate::components::i18n::tr;
use crate::components::{ErrorView, PageHeader, loading};
use crate::error::AppError;
use crate::i18n::Msg;

#[component]
pub fn PasswordPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || match query.read().get("error").as_deref() {
        Some("current") => Some(Msg::PasswordErrCurrent),
        Some("too_short") => Some(Msg::PasswordErrTooShort),
        Some("mismatch") => Some(Msg::PasswordErrMismatch),
        Some("same") => Some(Msg::PasswordErrSame),
        Some(_) => Some(Msg::ErrorBody),
        None => None,
    };
    let user = Resource::new(|| (), |_| async { get_current_user().await.ok().flatten() });
    view! {
        <div class="narrow">
            <PageHeader title=Msg::PasswordTitle/>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let signed_in = user.await;
                    match signed_in {
                        None => view! { <ErrorView error=AppError::Unauthorized/> }.into_any(),
                        Some(user) => view! {
                            {user.must_change_password.then(|| view! {
                                <p class="notice" role="status">{tr(Msg::PasswordMustChange)}</p>
                            })}
                            {error().map(|m| view! { <p class="notice notice-error" role="alert">{tr(m)}</p> })}
                            <form method="post" action="/account/password" class="card form">
                                <input type="hidden" name="username" autocomplete="username" value=user.email.clone()/>
                                <label for="current">{tr(Msg::FieldCurrentPassword)}</label>
                                <input id="current" name="current" type="password" autocomplete="current-password" required/>
                                <label for="new">{tr(Msg::FieldNewPassword)}</label>
                                <input id="new" name="new" type="password" autocomplete="new-password" minlength="12" required/>
                                <p class="hint">{tr(Msg::PasswordHint)}</p>
                                <label for="confirm">{tr(Msg::FieldConfirmPassword)}</label>
                                <input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="12" required/>
                                <button type="submit" class="button">{tr(Msg::ChangePassword)}</button>
                            </form>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
