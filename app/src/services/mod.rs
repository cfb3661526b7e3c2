//! Server-side use-cases. The pages' server functions call these; they call a [`Repo`].
//!
//! The repository is a trait so that the SurrealDB code stays in the `server` crate and never
//! reaches the WASM bundle.

use std::sync::Arc;

use crate::domain::{
    ActivityDetail, ActivityRow, EquipmentRow, GrantRow, InstituteRow, Overview, Page, PageRequest,
};
use crate::error::AppError;

/// Read access to the programme's records.
#[async_trait::async_trait]
pub trait Repo: Send + Sync + 'static {
    async fn overview(&self) -> Result<Overview, AppError>;
    async fn list_grants(&self, page: PageRequest) -> Result<Page<GrantRow>, AppError>;
    async fn list_activities(&self, page: PageRequest) -> Result<Page<ActivityRow>, AppError>;
    async fn activity(&self, id: &str) -> Result<Option<ActivityDetail>, AppError>;
    async fn list_institutes(&self, page: PageRequest) -> Result<Page<InstituteRow>, AppError>;
    async fn list_equipment(&self, page: PageRequest) -> Result<Page<EquipmentRow>, AppError>;
}

/// The repository as the server functions find it in the Leptos context.
pub type RepoHandle = Arc<dyn Repo>;

/// The repository of the current request.
pub fn repo() -> Result<RepoHandle, AppError> {
    leptos::prelude::use_context::<RepoHandle>().ok_or_else(|| {
        tracing::error!("no repository in the request context");
        AppError::Internal
    })
}

/// Record keys are short ASCII identifiers; anything else cannot name a record.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub async fn overview(repo: &dyn Repo) -> Result<Overview, AppError> {
    repo.overview().await
}

pub async fn list_grants(repo: &dyn Repo, page: PageRequest) -> Result<Page<GrantRow>, AppError> {
    repo.list_grants(page.clamped()).await
}

pub async fn list_activities(
    repo: &dyn Repo,
    page: PageRequest,
) -> Result<Page<ActivityRow>, AppError> {
    repo.list_activities(page.clamped()).await
}

pub async fn activity(repo: &dyn Repo, id: &str) -> Result<ActivityDetail, AppError> {
    if !valid_key(id) {
        return Err(AppError::NotFound);
    }
    repo.activity(id).await?.ok_or(AppError::NotFound)
}

pub async fn list_institutes(
    repo: &dyn Repo,
    page: PageRequest,
) -> Result<Page<InstituteRow>, AppError> {
    repo.list_institutes(page.clamped()).await
}

pub async fn list_equipment(
    repo: &dyn Repo,
    page: PageRequest,
) -> Result<Page<EquipmentRow>, AppError> {
    repo.list_equipment(page.clamped()).await
}
