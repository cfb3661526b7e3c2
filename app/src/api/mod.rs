//! Server functions: thin shims that find the repository and call the services.

use leptos::prelude::*;

use crate::domain::{
    ActivityDetail, ActivityRow, EquipmentRow, GrantRow, InstituteRow, Overview, Page, PageRequest,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::services::{self, repo};

/// Headline counts for the overview page.
#[server]
pub async fn get_overview() -> Result<Overview, AppError> {
    services::overview(&*repo()?).await
}

/// One page of grants.
#[server]
pub async fn list_grants(page: PageRequest) -> Result<Page<GrantRow>, AppError> {
    services::list_grants(&*repo()?, page).await
}

/// One page of activities, newest first.
#[server]
pub async fn list_activities(page: PageRequest) -> Result<Page<ActivityRow>, AppError> {
    services::list_activities(&*repo()?, page).await
}

/// One activity with everything its page shows.
#[server]
pub async fn get_activity(id: String) -> Result<ActivityDetail, AppError> {
    services::activity(&*repo()?, &id).await
}

/// One page of institutes.
#[server]
pub async fn list_institutes(page: PageRequest) -> Result<Page<InstituteRow>, AppError> {
    services::list_institutes(&*repo()?, page).await
}

/// One page of the equipment register.
#[server]
pub async fn list_equipment(page: PageRequest) -> Result<Page<EquipmentRow>, AppError> {
    services::list_equipment(&*repo()?, page).await
}
