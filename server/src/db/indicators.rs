//! Indicator actuals, counted in the database from activities and handovers.

use std::collections::BTreeMap;

use app::domain::{Country, IndicatorCell, IndicatorRow, Scope, Text};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::rows::key_of;

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct YearCountryValue {
    year: i64,
    country: String,
    value: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct TrainedCell {
    year: i64,
    country: String,
    people: Option<i64>,
    women: Option<i64>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct InstitutesCell {
    year: i64,
    country: String,
    n: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct IndicatorRecord {
    id: RecordId,
    code: String,
    title: String,
    title_fr: String,
    unit: String,
    computed: bool,
    baseline: i64,
    targets: Vec<YearCountryValue>,
    actuals: Vec<YearCountryValue>,
}

type Cells = BTreeMap<(i64, String), i64>;

fn internal(error: surrealdb::Error) -> AppError {
    tracing::error!(%error, "indicator query failed");
    AppError::Internal
}

/// Indicators with targets and actuals; computed actuals count only what the scope may see.
pub async fn indicators(
    db: &Db,
    scope: &Scope,
    activity_condition: &str,
    scope_value: Option<RecordId>,
) -> Result<Vec<IndicatorRow>, AppError> {
    let handovers = match scope {
        Scope::All => "true",
        Scope::Donor(_) => "$scope IN lines.equipment.donor_grant.donor",
        Scope::Institute(_) => "institute = $scope",
    };
    let mut response = db
        .query("SELECT id, code, title, title_fr, unit, computed, baseline, targets, actuals FROM indicator WHERE archived = false ORDER BY code;")
        .query(format!(
            "SELECT year, country,
                    math::sum(police + gendarmerie + justice + other) AS people,
                    math::sum(police_women + gendarmerie_women + justice_women + other_women) AS women
             FROM (SELECT time::year(actual_start ?? planned_start) AS year, country,
                          participants.police.total AS police, participants.gendarmerie.total AS gendarmerie,
                          participants.justice.total AS justice, participants.other.total AS other,
                          participants.police.women AS police_women, participants.gendarmerie.women AS gendarmerie_women,
                          participants.justice.women AS justice_women, participants.other.women AS other_women
                   FROM activity WHERE archived = false AND status IN [2, 3, 4] AND ({activity_condition}))
             GROUP BY year, country;"
        ))
        .query(format!(
            "SELECT year, country, count() AS n FROM (
                SELECT year, country, institute FROM (
                    SELECT time::year(handed_over_on) AS year, institute.country AS country, institute
                    FROM handover WHERE archived = false AND status IN ['handed_over', 'received', 'partially_received']
                        AND ({handovers})
                ) GROUP BY year, country, institute
             ) GROUP BY year, country;"
        ))
        .bind(("scope", scope_value))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let records: Vec<IndicatorRecord> = response.take(0).map_err(internal)?;
    let trained: Vec<TrainedCell> = response.take(1).map_err(internal)?;
    let equipped: Vec<InstitutesCell> = response.take(2).map_err(internal)?;

    let mut people = Cells::new();
    let mut women = Cells::new();
    for cell in &trained {
        people.insert((cell.year, cell.country.clone()), cell.people.unwrap_or(0));
        women.insert((cell.year, cell.country.clone()), cell.women.unwrap_or(0));
    }
    let institutes: Cells = equipped.iter().map(|c| ((c.year, c.country.clone()), c.n)).collect();

    Ok(records
        .into_iter()
        .map(|r| {
            let actuals: Cells = match (r.computed, r.unit.as_str()) {
                (true, "people") => people.clone(),
                (true, "women") => women.clone(),
                (true, "institutes") => institutes.clone(),
                _ => r.actuals.iter().map(|a| ((a.year, a.country.clone()), a.value)).collect(),
            };
            let targets: Cells = r.targets.iter().map(|t| ((t.year, t.country.clone()), t.value)).collect();
            let mut keys: Vec<(i64, String)> = targets.keys().chain(actuals.keys()).cloned().collect();
            keys.sort();
            keys.dedup();
            let cells = keys
                .into_iter()
                .filter_map(|(year, country)| {
                    let target = targets.get(&(year, country.clone())).map(|v| (*v).max(0) as u64);
                    let actual = actuals.get(&(year, country.clone())).map(|v| (*v).max(0) as u64);
                    let of_whom_women = (r.computed && r.unit == "people")
                        .then(|| women.get(&(year, country.clone())).map_or(0, |v| (*v).max(0) as u64))
                        .filter(|_| actual.is_some());
                    Some(IndicatorCell {
                        year: i32::try_from(year).ok()?,
                        country: Country::parse(&country).ok()?,
                        target,
                        actual,
                        women: of_whom_women,
                    })
                })
                .collect();
            IndicatorRow {
                id: key_of(&r.id),
                code: r.code,
                title: Text::new(r.title, r.title_fr),
                unit: r.unit,
                computed: r.computed,
                baseline: r.baseline.max(0) as u64,
                cells,
            }
        })
        .collect())
}

/// A strategy as the IATI file publishes it: the programme, with its pillars and the
/// indicators measuring each.
#[derive(Debug, Clone)]
pub struct Framework {
    pub code: String,
    pub title: Text,
    /// `YYYY-MM-DD`.
    pub start: String,
    pub end: String,
    pub countries: Vec<String>,
    pub pillars: Vec<PillarIndicators>,
}

/// A pillar of a strategy and the keys of its indicators, by code.
#[derive(Debug, Clone)]
pub struct PillarIndicators {
    pub code: String,
    pub title: Text,
    pub indicators: Vec<String>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct StrategyRecord {
    id: RecordId,
    code: String,
    title: String,
    title_fr: String,
    start: String,
    end: String,
    countries: Vec<String>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct PillarRecord {
    id: RecordId,
    strategy: RecordId,
    code: String,
    title: String,
    title_fr: String,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct IndicatorOf {
    id: RecordId,
    pillar: RecordId,
}

/// The strategies in force (not archived), by code, with their pillars and indicators.
pub async fn frameworks(db: &Db) -> Result<Vec<Framework>, AppError> {
    let mut response = db
        .query(
            "SELECT id, code, title, title_fr, countries,
                    time::format(period_start, '%Y-%m-%d') AS start, time::format(period_end, '%Y-%m-%d') AS end
             FROM strategy WHERE archived = false ORDER BY code;",
        )
        .query("SELECT id, strategy, code, title, title_fr FROM pillar WHERE archived = false ORDER BY code;")
        .query("SELECT id, pillar FROM indicator WHERE archived = false ORDER BY code;")
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let strategies: Vec<StrategyRecord> = response.take(0).map_err(internal)?;
    let pillars: Vec<PillarRecord> = response.take(1).map_err(internal)?;
    let indicators: Vec<IndicatorOf> = response.take(2).map_err(internal)?;
    Ok(strategies
        .into_iter()
        .map(|s| Framework {
            pillars: pillars
                .iter()
                .filter(|p| p.strategy == s.id)
                .map(|p| PillarIndicators {
                    code: p.code.clone(),
                    title: Text::new(p.title.clone(), p.title_fr.clone()),
                    indicators: indicators
                        .iter()
                        .filter(|i| i.pillar == p.id)
                        .map(|i| key_of(&i.id))
                        .collect(),
                })
                .collect(),
            code: s.code,
            title: Text::new(s.title, s.title_fr),
            start: s.start,
            end: s.end,
            countries: s.countries,
        })
        .collect())
}
