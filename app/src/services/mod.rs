//! Server-side use-cases. The server functions call these; they check who is asking, then read
//! through a [`Repo`].
//!
//! The repository is a trait so that the SurrealDB code stays in the `server` crate and never
//! reaches the WASM bundle.

mod repo;

use std::sync::Arc;

pub use repo::Repo;

use crate::domain::records::{RecordForm, RecordKind, RecordQuery, RecordRow};
use crate::domain::{
    ActivityDetail, ActivityEdit, ActivityFilter, ActivityFilterOptions, ActivityFormOptions, ActivityRow,
    CurrentUser, EquipmentRow, GrantRow, HistoryEntry, IndicatorRow, InstituteRow, Overview, Page,
    PageRequest, Permission, Scope, UserFormOptions, UserRow,
};
use crate::error::AppError;
use crate::i18n::Locale;

/// The repository as the server functions find it in the Leptos context.
pub type RepoHandle = Arc<dyn Repo>;

/// The repository of the current request.
pub fn repo() -> Result<RepoHandle, AppError> {
    leptos::prelude::use_context::<RepoHandle>().ok_or_else(|| {
        tracing::error!("no repository in the request context");
        AppError::Internal
    })
}

/// The signed-in user of the current request, as the server's middleware resolved it.
pub fn current_user() -> Option<CurrentUser> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
}

/// 401 when nobody is signed in; 403 when the role lacks the permission, or the user must first
/// replace a one-time password.
pub fn require(user: Option<&CurrentUser>, permission: Permission) -> Result<&CurrentUser, AppError> {
    match user {
        None => Err(AppError::Unauthorized),
        Some(user) if user.must_change_password => Err(AppError::Forbidden),
        Some(user) if user.can(permission) => Ok(user),
        Some(_) => Err(AppError::Forbidden),
    }
}

/// Record keys are short ASCII identifiers; anything else cannot name a record.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub async fn overview(repo: &dyn Repo, user: Option<&CurrentUser>) -> Result<Overview, AppError> {
    let user = require(user, Permission::ViewOverview)?;
    repo.overview(&user.scope()).await
}

pub async fn list_grants(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    page: PageRequest,
) -> Result<Page<GrantRow>, AppError> {
    let user = require(user, Permission::ViewGrants)?;
    repo.list_grants(&user.scope(), page.clamped()).await
}

pub async fn list_activities(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    filter: &ActivityFilter,
    page: PageRequest,
) -> Result<Page<ActivityRow>, AppError> {
    let user = require(user, Permission::ViewActivities)?;
    repo.list_activities(&user.scope(), filter, page.clamped()).await
}

/// The choices of the activities list's filters, within the user's scope.
pub async fn activity_filter_options(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<ActivityFilterOptions, AppError> {
    let user = require(user, Permission::ViewActivities)?;
    repo.activity_filter_options(&user.scope()).await
}

pub async fn activity(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<ActivityDetail, AppError> {
    let user = require(user, Permission::ViewActivities)?;
    if !valid_key(id) {
        return Err(AppError::NotFound);
    }
    repo.activity(&user.scope(), id).await?.ok_or(AppError::NotFound)
}

pub async fn list_institutes(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    page: PageRequest,
) -> Result<Page<InstituteRow>, AppError> {
    let user = require(user, Permission::ViewInstitutes)?;
    repo.list_institutes(&user.scope(), page.clamped()).await
}

pub async fn list_equipment(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    filter: &crate::domain::EquipmentFilter,
    page: PageRequest,
) -> Result<Page<EquipmentRow>, AppError> {
    let user = require(user, Permission::ViewEquipment)?;
    repo.list_equipment(&user.scope(), filter, page.clamped()).await
}

/// The value of the filtered register per grant, within the user's scope.
pub async fn equipment_totals(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    filter: &crate::domain::EquipmentFilter,
) -> Result<Vec<crate::domain::GrantEquipmentTotal>, AppError> {
    let user = require(user, Permission::ViewEquipment)?;
    repo.equipment_totals(&user.scope(), filter).await
}

/// The choices of the register's filters, within the user's scope.
pub async fn equipment_filter_options(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<crate::domain::EquipmentFilterOptions, AppError> {
    let user = require(user, Permission::ViewEquipment)?;
    repo.equipment_filter_options(&user.scope()).await
}

pub async fn list_users(repo: &dyn Repo, user: Option<&CurrentUser>) -> Result<Vec<UserRow>, AppError> {
    require(user, Permission::ManageUsers)?;
    repo.list_users().await
}

pub async fn user_form_options(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<UserFormOptions, AppError> {
    require(user, Permission::ManageUsers)?;
    repo.user_form_options().await
}

/// An activity's values for editing.
pub async fn activity_edit(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<ActivityEdit, AppError> {
    require(user, Permission::EditProgramme)?;
    if !valid_key(id) {
        return Err(AppError::NotFound);
    }
    repo.activity_edit(id).await?.ok_or(AppError::NotFound)
}

/// Grants, institutes and pillars for the activity form.
pub async fn activity_form_options(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<ActivityFormOptions, AppError> {
    require(user, Permission::EditProgramme)?;
    repo.activity_form_options().await
}

/// The history of an activity the user may see.
pub async fn activity_history(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<Vec<HistoryEntry>, AppError> {
    activity(repo, user, id).await?;
    repo.history(&format!("activity:{id}")).await
}

/// Indicators with targets and actuals.
pub async fn indicators(repo: &dyn Repo, user: Option<&CurrentUser>) -> Result<Vec<IndicatorRow>, AppError> {
    let user = require(user, Permission::ViewActivities)?;
    repo.indicators(&user.scope()).await
}

/// Saves the user's language preference.
pub async fn set_language(repo: &dyn Repo, user: &CurrentUser, locale: Locale) -> Result<(), AppError> {
    repo.set_language(&user.id, locale).await
}

/// Sets the response status of the current request to match an error, for server functions and
/// server-rendered pages alike.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(
            http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    result
}

/// The programme's staff (admin, programme managers, auditors) read the reference records;
/// donors and institutes see them through their own, scoped pages.
fn require_staff(user: Option<&CurrentUser>) -> Result<&CurrentUser, AppError> {
    require(user, Permission::ViewRecords)
}

/// One page of reference records.
pub async fn list_records(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    kind: RecordKind,
    query: &RecordQuery,
    page: PageRequest,
) -> Result<Page<RecordRow>, AppError> {
    require_staff(user)?;
    repo.list_records(kind, query, page.clamped()).await
}

/// A reference record's form: staff read it, editors may change it; a new one is for editors.
pub async fn record_form(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    kind: RecordKind,
    id: Option<&str>,
) -> Result<RecordForm, AppError> {
    let user = match id {
        None => require(user, Permission::EditProgramme)?,
        Some(_) => require_staff(user)?,
    };
    if id.is_some_and(|id| !valid_key(id)) {
        return Err(AppError::NotFound);
    }
    repo.record_form(kind, id, user.can(Permission::EditProgramme)).await?.ok_or(AppError::NotFound)
}

/// Who changed a reference record, when and why.
pub async fn record_history(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    kind: RecordKind,
    id: &str,
) -> Result<Vec<HistoryEntry>, AppError> {
    require_staff(user)?;
    if !valid_key(id) {
        return Err(AppError::NotFound);
    }
    repo.history(&format!("{}:{id}", kind.table())).await
}

/// The files attached to an activity, for those who may see the activity.
pub async fn attachments(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<Vec<crate::domain::AttachmentRow>, AppError> {
    activity(repo, user, id).await?;
    repo.attachments(id).await
}

/// One page of handovers within the user's scope.
pub async fn list_handovers(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    status: Option<crate::domain::HandoverStatus>,
    page: PageRequest,
) -> Result<Page<crate::domain::handovers::HandoverRow>, AppError> {
    let user = require(user, Permission::ViewEquipment)?;
    repo.list_handovers(&user.scope(), status, page.clamped()).await
}

/// One handover within the user's scope, with what this user may do with it.
pub async fn handover(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<crate::domain::handovers::HandoverDetail, AppError> {
    use crate::domain::HandoverStatus::*;
    let user = require(user, Permission::ViewEquipment)?;
    if !valid_key(id) {
        return Err(AppError::NotFound);
    }
    let mut handover = repo.handover(&user.scope(), id).await?.ok_or(AppError::NotFound)?;
    let own = user.can(Permission::ConfirmReceipt)
        && user.institute.as_deref() == Some(handover.institute.id.as_str());
    handover.can_confirm = own && matches!(handover.status, HandedOver | PartiallyReceived);
    handover.can_correct = own
        && matches!(handover.status, Received | PartiallyReceived | Disputed)
        && !handover.confirmations.is_empty();
    handover.can_report = (own && matches!(handover.status, Received | PartiallyReceived | Disputed))
        || user.can(Permission::EditProgramme);
    handover.can_add_photo = (own && handover.status != Planned) || user.can(Permission::EditProgramme);
    handover.can_hand_over = handover.status == Planned && user.can(Permission::EditProgramme);
    Ok(handover)
}

/// Institutes, activities and equipment for the new-handover form.
pub async fn handover_form_options(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<crate::domain::handovers::HandoverFormOptions, AppError> {
    require(user, Permission::EditProgramme)?;
    repo.handover_form_options().await
}

/// A token for a form that must be recorded once, for any signed-in user.
pub fn form_token(repo: &dyn Repo, user: Option<&CurrentUser>) -> Result<String, AppError> {
    user.ok_or(AppError::Unauthorized)?;
    Ok(repo.form_token())
}

/// Outstanding and disputed items, items by state, values per grant, overdue verifications.
pub async fn handover_report(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<crate::domain::handovers::HandoverReport, AppError> {
    let user = require(user, Permission::ViewEquipment)?;
    repo.handover_report(&user.scope()).await
}

/// A donor's dashboard. A donor user always sees its own, whatever the address asks for; staff
/// see any donor's, or the whole programme's; institutes see none.
pub async fn dashboard(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    mut filter: crate::domain::dashboard::DashboardFilter,
) -> Result<crate::domain::dashboard::Dashboard, AppError> {
    let user = require(user, Permission::ViewGrants)?;
    // Arguments over the wire obey the rules of the address bar (a year of 2147483647 made the
    // list's date range overflow).
    filter = filter.normalised();
    match user.scope() {
        Scope::Donor(own) => filter.donor = Some(own),
        Scope::Institute(_) => return Err(AppError::Forbidden),
        Scope::All => {}
    }
    let donor = match &filter.donor {
        Some(key) => Some(repo.donor_name(key).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let mut dashboard = repo.dashboard(&filter).await?;
    dashboard.donor = donor;
    Ok(dashboard)
}

/// The choices of the dashboard's filters.
pub async fn dashboard_options(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<crate::domain::dashboard::DashboardOptions, AppError> {
    let user = require(user, Permission::ViewGrants)?;
    match user.scope() {
        Scope::Donor(own) => repo.dashboard_options(Some(&own), false).await,
        Scope::Institute(_) => Err(AppError::Forbidden),
        Scope::All => repo.dashboard_options(None, true).await,
    }
}

/// The checks before publishing to IATI, for the file the user would download with `filter`:
/// those who may download activities and transactions, a donor within its own grants, an
/// institute not at all.
pub async fn iati_checks(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    mut filter: crate::domain::exports::ExportFilter,
) -> Result<Vec<crate::domain::iati::IatiProblem>, AppError> {
    use crate::domain::exports::ExportKind;
    let user = user.ok_or(AppError::Unauthorized)?;
    let allowed =
        ExportKind::Activities.allowed_for(user.role) && ExportKind::Transactions.allowed_for(user.role);
    if !allowed || user.must_change_password {
        return Err(AppError::Forbidden);
    }
    match user.scope() {
        Scope::Institute(_) => Err(AppError::Forbidden),
        Scope::Donor(own) => {
            filter.donor = Some(own.clone());
            repo.iati_problems(&filter, &Scope::Donor(own)).await
        }
        Scope::All => repo.iati_problems(&filter, &Scope::All).await,
    }
}

/// The IATI settings and what to fix in them: admins only.
pub async fn iati_settings(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<(crate::domain::iati::Publisher, Vec<crate::domain::iati::SettingProblem>), AppError> {
    require(user, Permission::ManageUsers)?;
    let publisher = repo.iati_publisher();
    let problems = publisher.problems();
    Ok((publisher, problems))
}

/// One page of the audit log: admins and auditors.
pub async fn audit_log(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    filter: &crate::domain::audit::AuditFilter,
    page: PageRequest,
) -> Result<Page<crate::domain::audit::AuditEventRow>, AppError> {
    require(user, Permission::ViewAudit)?;
    repo.audit_log(filter, page).await
}

/// The users the audit log's filter offers.
pub async fn audit_users(repo: &dyn Repo, user: Option<&CurrentUser>) -> Result<Vec<String>, AppError> {
    require(user, Permission::ViewAudit)?;
    repo.audit_users().await
}

/// The files one may import: the programme's editors only.
pub fn import_kinds(user: Option<&CurrentUser>) -> Result<Vec<crate::domain::exports::ExportKind>, AppError> {
    require(user, Permission::EditProgramme)?;
    Ok(crate::domain::imports::IMPORTABLE.to_vec())
}

/// An upload to import, checked: only its editor sees it.
pub async fn import_preview(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<crate::domain::imports::ImportPreview, AppError> {
    let user = require(user, Permission::EditProgramme)?;
    repo.import_preview(user, id).await?.ok_or(AppError::NotFound)
}

/// The audit log's hash chain checked from the first event to the last.
pub async fn verify_audit(
    repo: &dyn Repo,
    user: Option<&CurrentUser>,
) -> Result<crate::domain::audit::ChainReport, AppError> {
    require(user, Permission::ViewAudit)?;
    repo.verify_audit().await
}
