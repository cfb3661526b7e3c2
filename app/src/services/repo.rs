//! What the use-cases read and write through: a trait, so that the SurrealDB code stays in the
//! `server` crate and never reaches the WASM bundle.

use crate::domain::records::{RecordForm, RecordKind, RecordQuery, RecordRow};
use crate::domain::{
    ActivityDetail, ActivityEdit, ActivityFilter, ActivityFilterOptions, ActivityFormOptions, ActivityRow,
    CurrentUser, EquipmentRow, GrantRow, HistoryEntry, IndicatorRow, InstituteRow, Overview, Page,
    PageRequest, Scope, UserFormOptions, UserRow,
};
use crate::error::AppError;
use crate::i18n::Locale;

/// Read access to the programme's records, limited to a [`Scope`].
#[async_trait::async_trait]
pub trait Repo: Send + Sync + 'static {
    async fn overview(&self, scope: &Scope) -> Result<Overview, AppError>;
    async fn list_grants(&self, scope: &Scope, page: PageRequest) -> Result<Page<GrantRow>, AppError>;
    async fn list_activities(
        &self,
        scope: &Scope,
        filter: &ActivityFilter,
        page: PageRequest,
    ) -> Result<Page<ActivityRow>, AppError>;
    async fn activity_filter_options(&self, scope: &Scope) -> Result<ActivityFilterOptions, AppError>;
    /// The strategy's indicators, actuals computed within the scope where they can be.
    async fn indicators(&self, scope: &Scope) -> Result<Vec<IndicatorRow>, AppError>;
    /// `Ok(None)` when there is no such activity, `Err(Forbidden)` when it is outside the scope.
    async fn activity(&self, scope: &Scope, id: &str) -> Result<Option<ActivityDetail>, AppError>;
    async fn list_institutes(&self, scope: &Scope, page: PageRequest)
    -> Result<Page<InstituteRow>, AppError>;
    async fn list_equipment(
        &self,
        scope: &Scope,
        filter: &crate::domain::EquipmentFilter,
        page: PageRequest,
    ) -> Result<Page<EquipmentRow>, AppError>;
    /// The value of the filtered register per grant.
    async fn equipment_totals(
        &self,
        scope: &Scope,
        filter: &crate::domain::EquipmentFilter,
    ) -> Result<Vec<crate::domain::GrantEquipmentTotal>, AppError>;
    async fn equipment_filter_options(
        &self,
        scope: &Scope,
    ) -> Result<crate::domain::EquipmentFilterOptions, AppError>;
    async fn list_users(&self) -> Result<Vec<UserRow>, AppError>;
    async fn user_form_options(&self) -> Result<UserFormOptions, AppError>;
    async fn set_language(&self, user_id: &str, locale: Locale) -> Result<(), AppError>;
    /// An activity's values for its edit form (archived ones included: they stay readable).
    async fn activity_edit(&self, id: &str) -> Result<Option<ActivityEdit>, AppError>;
    async fn activity_form_options(&self) -> Result<ActivityFormOptions, AppError>;
    /// The audit events of one record (`table:key`), newest first.
    async fn history(&self, record: &str) -> Result<Vec<HistoryEntry>, AppError>;
    async fn list_handovers(
        &self,
        scope: &Scope,
        status: Option<crate::domain::HandoverStatus>,
        page: PageRequest,
    ) -> Result<Page<crate::domain::handovers::HandoverRow>, AppError>;
    /// `Ok(None)` when there is no such handover, `Err(Forbidden)` outside the scope.
    async fn handover(
        &self,
        scope: &Scope,
        id: &str,
    ) -> Result<Option<crate::domain::handovers::HandoverDetail>, AppError>;
    /// One page of the audit log, oldest first within the filter.
    async fn audit_log(
        &self,
        filter: &crate::domain::audit::AuditFilter,
        page: PageRequest,
    ) -> Result<Page<crate::domain::audit::AuditEventRow>, AppError>;
    /// The emails of the users who appear in the audit log.
    async fn audit_users(&self) -> Result<Vec<String>, AppError>;
    /// The whole hash chain checked.
    async fn verify_audit(&self) -> Result<crate::domain::audit::ChainReport, AppError>;
    /// An upload of `user` to import, checked row by row; `None` if there is no such upload of
    /// theirs.
    async fn import_preview(
        &self,
        user: &CurrentUser,
        id: &str,
    ) -> Result<Option<crate::domain::imports::ImportPreview>, AppError>;
    async fn dashboard(
        &self,
        filter: &crate::domain::dashboard::DashboardFilter,
    ) -> Result<crate::domain::dashboard::Dashboard, AppError>;
    async fn dashboard_options(
        &self,
        donor: Option<&str>,
        staff: bool,
    ) -> Result<crate::domain::dashboard::DashboardOptions, AppError>;
    /// The IATI settings (`AIDTRAIL_IATI_*`).
    fn iati_publisher(&self) -> crate::domain::iati::Publisher;
    /// The activities of the IATI file for `filter` within `scope` that break a rule of the
    /// standard's ruleset, with the rules each breaks (`domain::iati`).
    async fn iati_problems(
        &self,
        filter: &crate::domain::exports::ExportFilter,
        scope: &Scope,
    ) -> Result<Vec<crate::domain::iati::IatiProblem>, AppError>;
    async fn donor_name(&self, donor: &str) -> Result<Option<crate::domain::NamedRef>, AppError>;
    async fn handover_report(
        &self,
        scope: &Scope,
    ) -> Result<crate::domain::handovers::HandoverReport, AppError>;
    async fn handover_form_options(&self) -> Result<crate::domain::handovers::HandoverFormOptions, AppError>;
    /// A fresh random token for a form that must be recorded once.
    fn form_token(&self) -> String;
    /// The files attached to an activity, oldest first.
    async fn attachments(&self, activity: &str) -> Result<Vec<crate::domain::AttachmentRow>, AppError>;
    async fn list_records(
        &self,
        kind: RecordKind,
        query: &RecordQuery,
        page: PageRequest,
    ) -> Result<Page<RecordRow>, AppError>;
    /// A reference record's form (a new one when `key` is `None`); `Ok(None)` when missing.
    async fn record_form(
        &self,
        kind: RecordKind,
        key: Option<&str>,
        can_edit: bool,
    ) -> Result<Option<RecordForm>, AppError>;
}
