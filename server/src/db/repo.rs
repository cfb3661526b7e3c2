//! The SurrealDB implementation of the application's [`Repo`].

use app::domain::{
    ActivityDetail, ActivityRow, EquipmentRow, GrantRow, InstituteRow, Overview, Page, PageRequest,
};
use app::error::AppError;
use app::services::Repo;
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::rows::{
    ActivityLinks, ActivityListRecord, ActivityRecord, CountRow, EquipmentRecord, GrantRecord,
    GrantRefRecord, InstituteRecord, NameRecord, TitleRecord, TrainedRecord, activity_detail,
    first_count,
};

/// Reads the programme's records from SurrealDB.
#[derive(Clone)]
pub struct SurrealRepo {
    db: Db,
}

impl SurrealRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Runs one `SELECT … LIMIT $limit START $start` and one count, and converts the rows.
    async fn page<R, T>(
        &self,
        select: &str,
        count: &str,
        page: PageRequest,
    ) -> Result<Page<T>, AppError>
    where
        R: SurrealValue,
        T: TryFrom<R, Error = app::domain::DomainError>,
    {
        let mut response = self
            .db
            .query(select)
            .query(count)
            .bind(("limit", i64::from(page.per_page)))
            .bind(("start", page.offset() as i64))
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?;
        let rows: Vec<R> = response.take(0).map_err(internal)?;
        let total = first_count(response.take(1).map_err(internal)?);
        let items = rows
            .into_iter()
            .map(T::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(invalid_row)?;
        Ok(Page {
            items,
            page: page.page,
            per_page: page.per_page,
            total,
        })
    }
}

/// Logs a database failure and hides it from the browser.
fn internal(error: surrealdb::Error) -> AppError {
    tracing::error!(%error, "database query failed");
    AppError::Internal
}

/// A stored row that breaks a domain rule: the schema should make this impossible.
fn invalid_row(error: app::domain::DomainError) -> AppError {
    tracing::error!(%error, "stored record fails domain validation");
    AppError::Internal
}

/// Activities that took place (implementation, finalisation, closed) count as training given.
const HELD: &str = "status IN [2, 3, 4]";

#[async_trait::async_trait]
impl Repo for SurrealRepo {
    async fn overview(&self) -> Result<Overview, AppError> {
        let trained = format!(
            "SELECT math::sum(participants.police.total) AS police, math::sum(participants.police.women) AS police_women,
                    math::sum(participants.gendarmerie.total) AS gendarmerie, math::sum(participants.gendarmerie.women) AS gendarmerie_women,
                    math::sum(participants.justice.total) AS justice, math::sum(participants.justice.women) AS justice_women,
                    math::sum(participants.other.total) AS other, math::sum(participants.other.women) AS other_women
             FROM activity WHERE archived = false AND {HELD} GROUP ALL;"
        );
        let mut response = self
            .db
            .query("SELECT count() AS n FROM donor WHERE archived = false GROUP ALL;")
            .query("SELECT count() AS n FROM donor_grant WHERE archived = false GROUP ALL;")
            .query("SELECT count() AS n FROM activity WHERE archived = false GROUP ALL;")
            .query("SELECT count() AS n FROM institute WHERE archived = false GROUP ALL;")
            .query(
                "SELECT math::sum(quantity) AS n FROM equipment WHERE archived = false GROUP ALL;",
            )
            .query(trained)
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?;
        let mut counts = [0_u64; 5];
        for (i, slot) in counts.iter_mut().enumerate() {
            *slot = first_count(response.take::<Vec<CountRow>>(i).map_err(internal)?);
        }
        let trained: Vec<TrainedRecord> = response.take(5).map_err(internal)?;
        let (people, women) = trained.first().map(TrainedRecord::totals).unwrap_or((0, 0));
        Ok(Overview {
            donors: counts[0],
            grants: counts[1],
            activities: counts[2],
            institutes: counts[3],
            equipment_items: counts[4],
            people_trained: people,
            women_trained: women,
        })
    }

    async fn list_grants(&self, page: PageRequest) -> Result<Page<GrantRow>, AppError> {
        self.page::<GrantRecord, _>(
            "SELECT id, reference, title, title_fr, donor.name AS donor_name, donor.name_fr AS donor_name_fr, amount_minor, currency,
                    start_on, end_on, status, demo
             FROM donor_grant WHERE archived = false
             ORDER BY start_on DESC, reference LIMIT $limit START $start;",
            "SELECT count() AS n FROM donor_grant WHERE archived = false GROUP ALL;",
            page,
        )
        .await
    }

    async fn list_activities(&self, page: PageRequest) -> Result<Page<ActivityRow>, AppError> {
        self.page::<ActivityListRecord, _>(
            "SELECT id, code, title, title_fr, kind, status, planned_start, planned_end, actual_start, actual_end,
                    country, city, participants
             FROM activity WHERE archived = false
             ORDER BY planned_start DESC, code LIMIT $limit START $start;",
            "SELECT count() AS n FROM activity WHERE archived = false GROUP ALL;",
            page,
        )
        .await
    }

    async fn activity(&self, id: &str) -> Result<Option<ActivityDetail>, AppError> {
        let mut response = self
            .db
            .query("SELECT * FROM $id WHERE archived = false;")
            .bind(("id", RecordId::new("activity", id)))
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?;
        let found: Vec<ActivityRecord> = response.take(0).map_err(internal)?;
        let Some(record) = found.into_iter().next() else {
            return Ok(None);
        };
        let grant_ids: Vec<RecordId> = record
            .funding
            .iter()
            .map(|f| f.donor_grant.clone())
            .collect();
        let pillar: Vec<RecordId> = record.pillar.iter().cloned().collect();
        let mut links = self
            .db
            .query("SELECT id, name, name_fr FROM $institutes;")
            .query("SELECT title, title_fr FROM $pillar;")
            .query("SELECT id, reference, donor.name AS donor_name, donor.name_fr AS donor_name_fr FROM $grants;")
            .bind(("institutes", record.institutes.clone()))
            .bind(("pillar", pillar))
            .bind(("grants", grant_ids))
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?;
        let links = ActivityLinks {
            institutes: links.take::<Vec<NameRecord>>(0).map_err(internal)?,
            pillar: links
                .take::<Vec<TitleRecord>>(1)
                .map_err(internal)?
                .into_iter()
                .next(),
            grants: links.take::<Vec<GrantRefRecord>>(2).map_err(internal)?,
        };
        activity_detail(record, links)
            .map(Some)
            .map_err(invalid_row)
    }

    async fn list_institutes(&self, page: PageRequest) -> Result<Page<InstituteRow>, AppError> {
        self.page::<InstituteRecord, _>(
            "SELECT id, name, name_fr, kind, country, city FROM institute WHERE archived = false
             ORDER BY country, name LIMIT $limit START $start;",
            "SELECT count() AS n FROM institute WHERE archived = false GROUP ALL;",
            page,
        )
        .await
    }

    async fn list_equipment(&self, page: PageRequest) -> Result<Page<EquipmentRow>, AppError> {
        self.page::<EquipmentRecord, _>(
            "SELECT id, description, description_fr, category, quantity, unit_cost_minor, currency,
                    donor_grant.reference AS grant_reference, donor_grant.donor.name AS donor_name, donor_grant.donor.name_fr AS donor_name_fr,
                    supplier, purchase_date
             FROM equipment WHERE archived = false
             ORDER BY purchase_date DESC, description LIMIT $limit START $start;",
            "SELECT count() AS n FROM equipment WHERE archived = false GROUP ALL;",
            page,
        )
        .await
    }
}
