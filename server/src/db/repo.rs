//! The SurrealDB implementation of the application's [`Repo`]. Every query carries the user's
//! scope as a condition, so a donor or an institute never receives rows outside it.

use app::domain::{
    ActivityDetail, ActivityEdit, ActivityFilter, ActivityFilterOptions, ActivityFormOptions, ActivityRow,
    EquipmentRow, GrantRow, HistoryEntry, InstituteRow, Overview, Page, PageRequest, Scope, UserFormOptions,
    UserRow,
};
use app::error::AppError;
use app::i18n::Locale;
use app::services::Repo;
use std::sync::Arc;
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::cache::{Freshness, ReadCache};
use super::query::{Records, condition, internal, invalid_row, scope_value};
use super::rows::{GrantRecord, InstituteRecord, first_count};

/// Reads the programme's records from SurrealDB.
#[derive(Clone)]
pub struct SurrealRepo {
    db: Db,
    /// The answers of the costly reads (dashboards, filter choices, the activity list), kept
    /// until the data changes.
    cache: Arc<ReadCache>,
    /// How fresh the cached answers must be: current, or fresh enough for a page.
    freshness: Freshness,
    /// The IATI settings, for the checks before publishing and the settings page.
    iati: Arc<app::domain::iati::Publisher>,
}

impl SurrealRepo {
    /// A repository keeping at most `cached` answers of costly reads (0: none), whose answers
    /// are read at the data's current version; pages use [`Self::for_pages`].
    pub fn new(db: Db, cached: usize, window: std::time::Duration) -> Self {
        Self {
            db,
            cache: Arc::new(ReadCache::new(cached, window)),
            freshness: Freshness::Current,
            iati: Arc::new(app::domain::iati::Publisher::default()),
        }
    }

    /// The same repository, checking IATI sectors against these settings.
    pub fn with_iati(self, settings: &crate::config::IatiSettings) -> Self {
        Self { iati: Arc::new(settings.clone()), ..self }
    }

    /// The same repository and cache for a page of a reader whose last save produced version
    /// `seen` (0 if none): answers may be up to the cache's window old, never older than that.
    pub fn for_pages(&self, seen: i64) -> Self {
        Self { freshness: Freshness::Pages { seen }, ..self.clone() }
    }

    /// Runs one `SELECT … WHERE {scope} … LIMIT $limit START $start` and its count, and converts
    /// the rows. `select` and `count` hold `{scope}` where the scope condition goes.
    async fn page<R, T>(
        &self,
        select: &str,
        count: &str,
        scope: &Scope,
        records: Records,
        page: PageRequest,
    ) -> Result<Page<T>, AppError>
    where
        R: SurrealValue,
        T: TryFrom<R, Error = app::domain::DomainError>,
    {
        let cond = condition(scope, records);
        let mut response = self
            .db
            .query(select.replace("{scope}", cond))
            .query(count.replace("{scope}", cond))
            .bind(("limit", i64::from(page.per_page)))
            .bind(("start", page.offset() as i64))
            .bind(("scope", scope_value(scope)))
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?;
        let rows: Vec<R> = response.take(0).map_err(internal)?;
        let total = first_count(response.take(1).map_err(internal)?);
        let items = rows.into_iter().map(T::try_from).collect::<Result<Vec<_>, _>>().map_err(invalid_row)?;
        Ok(Page { items, page: page.page, per_page: page.per_page, total })
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct HistoryRecord {
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    action: String,
    reason: Option<String>,
    actor_name: Option<String>,
}

#[async_trait::async_trait]
impl Repo for SurrealRepo {
    async fn overview(&self, scope: &Scope) -> Result<Overview, AppError> {
        let read = super::overview::overview(&self.db, scope);
        self.cache.get_or_read(&self.db, self.freshness, "overview", scope, read).await
    }

    async fn list_grants(&self, scope: &Scope, page: PageRequest) -> Result<Page<GrantRow>, AppError> {
        self.page::<GrantRecord, _>(
            "SELECT id, reference, title, title_fr, donor.name AS donor_name, donor.name_fr AS donor_name_fr,
                    amount_minor, currency, start_on, end_on, status, demo
             FROM donor_grant WHERE archived = false AND ({scope})
             ORDER BY start_on DESC, reference LIMIT $limit START $start;",
            "SELECT count() AS n FROM donor_grant WHERE archived = false AND ({scope}) GROUP ALL;",
            scope,
            Records::Grants,
            page,
        )
        .await
    }

    async fn list_activities(
        &self,
        scope: &Scope,
        filter: &ActivityFilter,
        page: PageRequest,
    ) -> Result<Page<ActivityRow>, AppError> {
        let read = super::activity_reads::list(&self.db, scope, filter, page);
        self.cache.get_or_read(&self.db, self.freshness, "activities", &(scope, filter, page), read).await
    }

    async fn indicators(&self, scope: &Scope) -> Result<Vec<app::domain::IndicatorRow>, AppError> {
        let read = super::indicators::indicators(
            &self.db,
            scope,
            condition(scope, Records::Activities),
            scope_value(scope),
        );
        self.cache.get_or_read(&self.db, self.freshness, "indicators", scope, read).await
    }

    async fn activity_filter_options(&self, scope: &Scope) -> Result<ActivityFilterOptions, AppError> {
        let read = super::activity_reads::filter_options(&self.db, scope);
        self.cache.get_or_read(&self.db, self.freshness, "activity_filter_options", scope, read).await
    }

    async fn activity(&self, scope: &Scope, id: &str) -> Result<Option<ActivityDetail>, AppError> {
        super::activity_reads::detail(&self.db, scope, id).await
    }

    async fn list_institutes(
        &self,
        scope: &Scope,
        page: PageRequest,
    ) -> Result<Page<InstituteRow>, AppError> {
        self.page::<InstituteRecord, _>(
            "SELECT id, name, name_fr, kind, country, city FROM institute WHERE archived = false AND ({scope})
             ORDER BY country, name LIMIT $limit START $start;",
            "SELECT count() AS n FROM institute WHERE archived = false AND ({scope}) GROUP ALL;",
            scope,
            Records::Institutes,
            page,
        )
        .await
    }

    async fn list_equipment(
        &self,
        scope: &Scope,
        filter: &app::domain::EquipmentFilter,
        page: PageRequest,
    ) -> Result<Page<EquipmentRow>, AppError> {
        super::equipment::list(&self.db, scope, filter, page).await
    }

    async fn equipment_totals(
        &self,
        scope: &Scope,
        filter: &app::domain::EquipmentFilter,
    ) -> Result<Vec<app::domain::GrantEquipmentTotal>, AppError> {
        super::equipment::totals(&self.db, scope, filter).await
    }

    async fn equipment_filter_options(
        &self,
        scope: &Scope,
    ) -> Result<app::domain::EquipmentFilterOptions, AppError> {
        super::equipment::filter_options(&self.db, scope).await
    }

    async fn list_users(&self) -> Result<Vec<UserRow>, AppError> {
        super::user_admin::list_users(&self.db).await
    }

    async fn set_language(&self, user_id: &str, locale: Locale) -> Result<(), AppError> {
        self.db
            .query("UPDATE $id SET language = $language;")
            .bind(("id", RecordId::new("user", user_id)))
            .bind(("language", locale.code()))
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?;
        Ok(())
    }

    async fn activity_edit(&self, id: &str) -> Result<Option<ActivityEdit>, AppError> {
        super::activity_reads::edit(&self.db, id).await
    }

    async fn activity_form_options(&self) -> Result<ActivityFormOptions, AppError> {
        super::activity_reads::form_options(&self.db).await
    }

    async fn history(&self, record: &str) -> Result<Vec<HistoryEntry>, AppError> {
        let rows: Vec<HistoryRecord> = self
            .db
            .query(
                "SELECT seq, at, action, reason, actor.name AS actor_name FROM audit_event
                 WHERE record = $record ORDER BY seq DESC LIMIT 200;",
            )
            .bind(("record", record.to_owned()))
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?
            .take(0)
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|r| HistoryEntry {
                seq: r.seq,
                at: r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                actor: r.actor_name.unwrap_or_default(),
                action: r.action,
                reason: r.reason,
            })
            .collect())
    }

    async fn user_form_options(&self) -> Result<UserFormOptions, AppError> {
        super::user_admin::user_form_options(&self.db).await
    }

    async fn list_records(
        &self,
        kind: app::domain::records::RecordKind,
        query: &app::domain::records::RecordQuery,
        page: PageRequest,
    ) -> Result<Page<app::domain::records::RecordRow>, AppError> {
        super::records::list(&self.db, kind, query, page).await
    }

    async fn record_form(
        &self,
        kind: app::domain::records::RecordKind,
        key: Option<&str>,
        can_edit: bool,
    ) -> Result<Option<app::domain::records::RecordForm>, AppError> {
        super::records::form(&self.db, kind, key, can_edit).await
    }

    async fn attachments(&self, activity: &str) -> Result<Vec<app::domain::AttachmentRow>, AppError> {
        files_of(&self.db, "activity", RecordId::new("activity", activity)).await
    }

    async fn list_handovers(
        &self,
        scope: &Scope,
        status: Option<app::domain::HandoverStatus>,
        page: PageRequest,
    ) -> Result<Page<app::domain::handovers::HandoverRow>, AppError> {
        super::handovers::list(&self.db, scope, status, page).await
    }

    async fn handover(
        &self,
        scope: &Scope,
        id: &str,
    ) -> Result<Option<app::domain::handovers::HandoverDetail>, AppError> {
        let mut found = super::handovers::detail(&self.db, scope, id).await?;
        if let Some(handover) = found.as_mut() {
            handover.form_token = self.form_token();
            let items = handover.lines.iter().map(|l| l.equipment.clone()).collect();
            let staff = matches!(scope, Scope::All);
            handover.state_reports =
                super::handover_report::state_history(&self.db, id, items, staff).await?;
            handover.photos = files_of(&self.db, "handover", RecordId::new("handover", id)).await?;
        }
        Ok(found)
    }

    async fn audit_log(
        &self,
        filter: &app::domain::audit::AuditFilter,
        page: PageRequest,
    ) -> Result<Page<app::domain::audit::AuditEventRow>, AppError> {
        super::audit_chain::list(&self.db, filter, page).await
    }

    async fn audit_users(&self) -> Result<Vec<String>, AppError> {
        super::audit_chain::users(&self.db).await
    }

    async fn verify_audit(&self) -> Result<app::domain::audit::ChainReport, AppError> {
        super::audit_chain::verify(&self.db).await
    }

    async fn import_preview(
        &self,
        user: &app::domain::CurrentUser,
        id: &str,
    ) -> Result<Option<app::domain::imports::ImportPreview>, AppError> {
        super::imports::preview(&self.db, user, id).await
    }

    async fn dashboard(
        &self,
        filter: &app::domain::dashboard::DashboardFilter,
    ) -> Result<app::domain::dashboard::Dashboard, AppError> {
        let read = super::dashboard::dashboard(&self.db, filter);
        self.cache.get_or_read(&self.db, self.freshness, "dashboard", filter, read).await
    }

    async fn iati_problems(
        &self,
        filter: &app::domain::exports::ExportFilter,
        scope: &Scope,
    ) -> Result<Vec<app::domain::iati::IatiProblem>, AppError> {
        let themes: Vec<String> = self.iati.sectors.iter().map(|(theme, _)| theme.clone()).collect();
        super::exports::checks::iati_problems(&self.db, &themes, filter, scope).await
    }

    fn iati_publisher(&self) -> app::domain::iati::Publisher {
        (*self.iati).clone()
    }

    async fn dashboard_options(
        &self,
        donor: Option<&str>,
        staff: bool,
    ) -> Result<app::domain::dashboard::DashboardOptions, AppError> {
        let read = super::dashboard::options(&self.db, donor, staff);
        self.cache.get_or_read(&self.db, self.freshness, "dashboard_options", &(donor, staff), read).await
    }

    async fn donor_name(&self, donor: &str) -> Result<Option<app::domain::NamedRef>, AppError> {
        let read = super::dashboard::donor_name(&self.db, donor);
        self.cache.get_or_read(&self.db, self.freshness, "donor_name", &donor, read).await
    }

    async fn handover_report(
        &self,
        scope: &Scope,
    ) -> Result<app::domain::handovers::HandoverReport, AppError> {
        super::handover_report::report(&self.db, scope, chrono::Utc::now().date_naive()).await
    }

    async fn handover_form_options(&self) -> Result<app::domain::handovers::HandoverFormOptions, AppError> {
        use app::domain::records::Source;
        Ok(app::domain::handovers::HandoverFormOptions {
            institutes: super::records::choices(&self.db, Source::Institutes).await?,
            activities: super::records::choices(&self.db, Source::Activities).await?,
            equipment: super::records::choices(&self.db, Source::Equipment).await?,
        })
    }

    fn form_token(&self) -> String {
        format!("{}{}", super::audit::new_key(), super::audit::new_key())
    }
}

/// The files attached to one activity or handover (`field` names which), oldest first.
async fn files_of(
    db: &Db,
    field: &str,
    owner: RecordId,
) -> Result<Vec<app::domain::AttachmentRow>, AppError> {
    #[derive(Debug, SurrealValue)]
    #[surreal(crate = "surrealdb::types")]
    struct Row {
        id: RecordId,
        name: String,
        content_type: String,
        size: i64,
        uploaded_at: chrono::DateTime<chrono::Utc>,
        by: Option<String>,
        public: bool,
    }
    let rows: Vec<Row> = db
        .query(format!(
            "SELECT id, name, content_type, size, uploaded_at, uploaded_by.name AS by, (public ?? false) AS public
             FROM attachment
             WHERE {field} = $owner AND archived = false ORDER BY uploaded_at;"
        ))
        .bind(("owner", owner))
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| app::domain::AttachmentRow {
            id: super::rows::key_of(&r.id),
            name: r.name,
            content_type: r.content_type,
            size: u64::try_from(r.size).unwrap_or_default(),
            uploaded_at: r.uploaded_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            uploaded_by: r.by.unwrap_or_default(),
            public: r.public,
        })
        .collect())
}
