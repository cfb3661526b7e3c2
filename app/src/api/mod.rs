//! Server functions: thin shims that find the user and the repository and call the services.

use leptos::prelude::*;

use crate::domain::{
    ActivityDetail, ActivityRow, AdminFlash, CurrentUser, EquipmentRow, GrantRow, InstituteRow, Overview,
    Page, PageRequest, UserFormOptions, UserRow,
};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{self, current_user as signed_in, repo, with_status};

/// The signed-in user, if any. Never fails: anonymous is `None`.
#[server]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(signed_in())
}

/// Headline counts for the overview page, within the user's scope.
#[server]
pub async fn get_overview() -> Result<Overview, AppError> {
    with_status(services::overview(&*repo()?, signed_in().as_ref()).await)
}

/// One page of grants.
#[server]
pub async fn list_grants(page: PageRequest) -> Result<Page<GrantRow>, AppError> {
    with_status(services::list_grants(&*repo()?, signed_in().as_ref(), page).await)
}

/// One page of activities matching the filter.
#[server]
pub async fn list_activities(
    #[server(default)] filter: crate::domain::ActivityFilter,
    page: PageRequest,
) -> Result<Page<ActivityRow>, AppError> {
    with_status(services::list_activities(&*repo()?, signed_in().as_ref(), &filter, page).await)
}

/// The choices of the activities list's filters.
#[server]
pub async fn get_activity_filter_options() -> Result<crate::domain::ActivityFilterOptions, AppError> {
    with_status(services::activity_filter_options(&*repo()?, signed_in().as_ref()).await)
}

/// One activity with everything its page shows.
#[server]
pub async fn get_activity(id: String) -> Result<ActivityDetail, AppError> {
    with_status(services::activity(&*repo()?, signed_in().as_ref(), &id).await)
}

/// One page of institutes.
#[server]
pub async fn list_institutes(page: PageRequest) -> Result<Page<InstituteRow>, AppError> {
    with_status(services::list_institutes(&*repo()?, signed_in().as_ref(), page).await)
}

/// One page of the equipment register.
#[server]
pub async fn list_equipment(
    #[server(default)] filter: crate::domain::EquipmentFilter,
    page: PageRequest,
) -> Result<Page<EquipmentRow>, AppError> {
    with_status(services::list_equipment(&*repo()?, signed_in().as_ref(), &filter, page).await)
}

/// The value of the filtered equipment register per grant.
#[server]
pub async fn get_equipment_totals(
    #[server(default)] filter: crate::domain::EquipmentFilter,
) -> Result<Vec<crate::domain::GrantEquipmentTotal>, AppError> {
    with_status(services::equipment_totals(&*repo()?, signed_in().as_ref(), &filter).await)
}

/// The choices of the equipment register's filters.
#[server]
pub async fn get_equipment_filter_options() -> Result<crate::domain::EquipmentFilterOptions, AppError> {
    with_status(services::equipment_filter_options(&*repo()?, signed_in().as_ref()).await)
}

/// Every user, for admins.
#[server]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    with_status(services::list_users(&*repo()?, signed_in().as_ref()).await)
}

/// Institutes and donors a new user can be bound to, for admins.
#[server]
pub async fn get_user_form_options() -> Result<UserFormOptions, AppError> {
    with_status(services::user_form_options(&*repo()?, signed_in().as_ref()).await)
}

/// The one-time password just created by this admin, shown once then forgotten.
#[server]
pub async fn take_admin_flash() -> Result<Option<AdminFlash>, AppError> {
    use crate::domain::Permission;
    with_status(services::require(signed_in().as_ref(), Permission::ManageUsers).map(|_| ()))?;
    let session: tower_sessions::Session = leptos_axum::extract().await.map_err(|error| {
        tracing::error!(%error, "no session on an admin request");
        AppError::Internal
    })?;
    session.remove::<AdminFlash>("admin_flash").await.map_err(|error| {
        tracing::error!(%error, "could not read the admin message");
        AppError::Internal
    })
}

/// Remembers the signed-in user's language (the page itself switches in the browser).
/// Does nothing for visitors who are not signed in.
#[server]
pub async fn set_language_preference(locale: crate::i18n::Locale) -> Result<(), AppError> {
    let Some(user) = signed_in() else {
        return Ok(());
    };
    with_status(services::set_language(&*repo()?, &user, locale).await)
}

/// An activity's values for its edit form.
#[server]
pub async fn get_activity_edit(id: String) -> Result<crate::domain::ActivityEdit, AppError> {
    with_status(services::activity_edit(&*repo()?, signed_in().as_ref(), &id).await)
}

/// What the activity form offers in its lists.
#[server]
pub async fn get_activity_form_options() -> Result<crate::domain::ActivityFormOptions, AppError> {
    with_status(services::activity_form_options(&*repo()?, signed_in().as_ref()).await)
}

/// Who changed an activity, when, and why.
#[server]
pub async fn get_activity_history(id: String) -> Result<Vec<crate::domain::HistoryEntry>, AppError> {
    with_status(services::activity_history(&*repo()?, signed_in().as_ref(), &id).await)
}

/// The values and errors of a form this session submitted and that came back, once.
#[server]
pub async fn take_form_state(form: String) -> Result<Option<crate::domain::FormState>, AppError> {
    if signed_in().is_none() {
        return with_status(Err(AppError::Unauthorized));
    }
    let session: tower_sessions::Session = leptos_axum::extract().await.map_err(|error| {
        tracing::error!(%error, "no session on a form request");
        AppError::Internal
    })?;
    session.remove::<crate::domain::FormState>(&format!("form:{form}")).await.map_err(|error| {
        tracing::error!(%error, "could not read the form state");
        AppError::Internal
    })
}

/// The strategy's indicators: targets beside actuals.
#[server]
pub async fn list_indicators() -> Result<Vec<crate::domain::IndicatorRow>, AppError> {
    with_status(services::indicators(&*repo()?, signed_in().as_ref()).await)
}

/// One page of reference records (donors, grants, transactions, ...).
#[server]
pub async fn list_records(
    kind: crate::domain::records::RecordKind,
    #[server(default)] query: crate::domain::records::RecordQuery,
    page: PageRequest,
) -> Result<Page<crate::domain::records::RecordRow>, AppError> {
    with_status(services::list_records(&*repo()?, signed_in().as_ref(), kind, &query, page).await)
}

/// A reference record's form; `id` empty for a new record.
#[server]
pub async fn get_record_form(
    kind: crate::domain::records::RecordKind,
    #[server(default)] id: String,
) -> Result<crate::domain::records::RecordForm, AppError> {
    let id = Some(id).filter(|id| !id.is_empty());
    with_status(services::record_form(&*repo()?, signed_in().as_ref(), kind, id.as_deref()).await)
}

/// Who changed a reference record, when and why.
#[server]
pub async fn get_record_history(
    kind: crate::domain::records::RecordKind,
    id: String,
) -> Result<Vec<crate::domain::HistoryEntry>, AppError> {
    with_status(services::record_history(&*repo()?, signed_in().as_ref(), kind, &id).await)
}

/// The files attached to an activity.
#[server]
pub async fn list_attachments(id: String) -> Result<Vec<crate::domain::AttachmentRow>, AppError> {
    with_status(services::attachments(&*repo()?, signed_in().as_ref(), &id).await)
}

/// One page of handovers, optionally of one status.
#[server]
pub async fn list_handovers(
    #[server(default)] status: Option<crate::domain::HandoverStatus>,
    page: PageRequest,
) -> Result<Page<crate::domain::handovers::HandoverRow>, AppError> {
    with_status(services::list_handovers(&*repo()?, signed_in().as_ref(), status, page).await)
}

/// One handover with its lines and confirmations.
#[server]
pub async fn get_handover(id: String) -> Result<crate::domain::handovers::HandoverDetail, AppError> {
    with_status(services::handover(&*repo()?, signed_in().as_ref(), &id).await)
}

/// The choices of the new-handover form.
#[server]
pub async fn get_handover_form_options() -> Result<crate::domain::handovers::HandoverFormOptions, AppError> {
    with_status(services::handover_form_options(&*repo()?, signed_in().as_ref()).await)
}

/// A fresh token for a form that must be recorded once.
#[server]
pub async fn get_form_token() -> Result<String, AppError> {
    with_status(services::form_token(&*repo()?, signed_in().as_ref()))
}

/// The report across handovers, within the user's scope.
#[server]
pub async fn get_handover_report() -> Result<crate::domain::handovers::HandoverReport, AppError> {
    with_status(services::handover_report(&*repo()?, signed_in().as_ref()).await)
}

/// A donor's dashboard (a donor user's own, whatever the filter says).
#[server]
pub async fn get_dashboard(
    #[server(default)] filter: crate::domain::dashboard::DashboardFilter,
) -> Result<crate::domain::dashboard::Dashboard, AppError> {
    with_status(services::dashboard(&*repo()?, signed_in().as_ref(), filter).await)
}

/// The activities of the IATI file for `filter` that break a rule of the standard.
#[server]
pub async fn get_iati_checks(
    #[server(default)] filter: crate::domain::exports::ExportFilter,
) -> Result<Vec<crate::domain::iati::IatiProblem>, AppError> {
    with_status(services::iati_checks(&*repo()?, signed_in().as_ref(), filter).await)
}

/// The IATI settings and what to fix in them (admins).
#[server]
pub async fn get_iati_settings()
-> Result<(crate::domain::iati::Publisher, Vec<crate::domain::iati::SettingProblem>), AppError> {
    with_status(services::iati_settings(&*repo()?, signed_in().as_ref()).await)
}

/// The choices of the dashboard's filters.
#[server]
pub async fn get_dashboard_options() -> Result<crate::domain::dashboard::DashboardOptions, AppError> {
    with_status(services::dashboard_options(&*repo()?, signed_in().as_ref()).await)
}

/// One page of the audit log matching the filter.
#[server]
pub async fn list_audit_events(
    #[server(default)] filter: crate::domain::audit::AuditFilter,
    page: PageRequest,
) -> Result<Page<crate::domain::audit::AuditEventRow>, AppError> {
    with_status(services::audit_log(&*repo()?, signed_in().as_ref(), &filter, page).await)
}

/// The users the audit log's filter offers.
#[server]
pub async fn get_audit_users() -> Result<Vec<String>, AppError> {
    with_status(services::audit_users(&*repo()?, signed_in().as_ref()).await)
}

/// The files one may import (editors only).
#[server]
pub async fn get_import_kinds() -> Result<Vec<crate::domain::exports::ExportKind>, AppError> {
    with_status(services::import_kinds(signed_in().as_ref()))
}

/// An upload to import, checked row by row.
#[server]
pub async fn get_import_preview(id: String) -> Result<crate::domain::imports::ImportPreview, AppError> {
    with_status(services::import_preview(&*repo()?, signed_in().as_ref(), &id).await)
}

/// The audit log's hash chain checked.
#[server]
pub async fn verify_audit_chain() -> Result<crate::domain::audit::ChainReport, AppError> {
    with_status(services::verify_audit(&*repo()?, signed_in().as_ref()).await)
}
