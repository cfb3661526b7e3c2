//! The 404 page, in the user's language and with a 404 status.

use leptos::prelude::*;

use crate::components::ErrorView;
use crate::error::AppError;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorView error=AppError::NotFound/> }
}
