//! The choices of the dashboard's filters, and the donor's name for its heading.

use app::domain::dashboard::DashboardOptions;
use app::domain::{Country, NamedRef, Text};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue};

use super::rows::{ACTIVITIES, live};
use crate::db::Db;
use crate::db::query::internal;
use crate::db::rows::key_of;

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub(super) struct Named {
    pub(super) id: RecordId,
    pub(super) en: String,
    pub(super) fr: Option<String>,
}

/// The choices of the filters: donors (for staff), the donor's grants, pillars, countries and
/// years that have activities.
pub async fn options(db: &Db, donor: Option<&str>, staff: bool) -> Result<DashboardOptions, AppError> {
    let activities = live(ACTIVITIES, None);
    let mut response = db
        .query(format!(
            "SELECT id, name AS en, name_fr AS fr FROM donor WHERE archived = false ORDER BY en;
             SELECT id, reference AS en, reference AS fr FROM donor_grant
                WHERE archived = false AND ($donor = NONE OR donor = $donor) ORDER BY en;
             SELECT id, string::concat(code, ' – ', title) AS en, string::concat(code, ' – ', title_fr ?: title) AS fr
                FROM pillar WHERE archived = false ORDER BY en;
             SELECT VALUE country FROM {activities} WHERE id != NONE GROUP BY country;
             SELECT VALUE year FROM {activities} WHERE id != NONE GROUP BY year;",
        ))
        .bind(("donor", donor.map(|k| RecordId::new("donor", k))))
        .await
        .map_err(internal)?;
    let named = |rows: Vec<Named>| -> Vec<NamedRef> {
        rows.into_iter()
            .map(|r| {
                let fr = r.fr.filter(|f| !f.is_empty()).unwrap_or_else(|| r.en.clone());
                NamedRef { id: key_of(&r.id), name: Text::new(r.en, fr) }
            })
            .collect()
    };
    let donors = named(response.take(0).map_err(internal)?);
    let grants = named(response.take(1).map_err(internal)?);
    let pillars = named(response.take(2).map_err(internal)?);
    let countries: Vec<String> = response.take(3).map_err(internal)?;
    let years: Vec<i64> = response.take(4).map_err(internal)?;
    let mut countries: Vec<Country> = countries.iter().filter_map(|c| Country::parse(c).ok()).collect();
    countries.sort_by(|a, b| a.code().cmp(b.code()));
    let mut years: Vec<i32> = years.into_iter().filter_map(|y| i32::try_from(y).ok()).collect();
    years.sort();
    Ok(DashboardOptions {
        donors: if staff { donors } else { Vec::new() },
        grants,
        pillars,
        countries,
        years,
    })
}

/// The name of a donor, for the dashboard's heading.
pub async fn donor_name(db: &Db, donor: &str) -> Result<Option<NamedRef>, AppError> {
    let row: Option<Named> = db
        .query("SELECT id, name AS en, name_fr AS fr FROM ONLY $id WHERE archived = false;")
        .bind(("id", RecordId::new("donor", donor)))
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    Ok(row.map(|r| {
        let fr = r.fr.filter(|f| !f.is_empty()).unwrap_or_else(|| r.en.clone());
        NamedRef { id: key_of(&r.id), name: Text::new(r.en, fr) }
    }))
}
