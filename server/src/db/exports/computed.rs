//! The two exports that are not read row by row from a table: `participants.csv` from the
//! dashboard's summaries and `indicators.csv` from the indicators page, each as its own screen
//! computes it, so that the files reconcile with the screens.

use app::domain::exports::ExportFilter;
use app::domain::{Scope, Text};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue, Value};

use super::super::Db;

/// `participants.csv`: the dashboard's people trained per country, year and type of activity,
/// from the same summary rows and the same filter.
pub(super) async fn participants(db: &Db, filter: &ExportFilter) -> Result<Vec<Vec<Value>>, AppError> {
    use chrono::Datelike;
    let dashboard_filter = app::domain::dashboard::DashboardFilter {
        donor: filter.donor.clone(),
        grant: filter.grant.clone(),
        country: filter.country.clone(),
        from_year: filter.from.map(|d| d.year()),
        to_year: filter.to.map(|d| d.year()),
        ..Default::default()
    };
    let rows = super::super::dashboard::people_by_country_year_kind(db, &dashboard_filter).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut cells = vec![
                r.country.into_value(),
                r.year.into_value(),
                r.kind.into_value(),
                r.activities.into_value(),
            ];
            for (total, women) in r.people {
                cells.push(women.into_value());
                cells.push((total - women).into_value());
            }
            let total: i64 = r.people.iter().map(|p| p.0).sum();
            let women: i64 = r.people.iter().map(|p| p.1).sum();
            cells.extend([total.into_value(), women.into_value(), r.instructors.into_value()]);
            cells
        })
        .collect())
}

/// The indicators page's indicators, each with its cells within `filter` (the years of its
/// dates, its country; donor and grant do not apply): `indicators.csv` and the IATI file's
/// results.
pub async fn indicators_within(
    db: &Db,
    filter: &ExportFilter,
    scope: &Scope,
) -> Result<Vec<app::domain::IndicatorRow>, AppError> {
    use chrono::Datelike;
    let condition = super::super::query::condition(scope, super::super::query::Records::Activities);
    let mut rows =
        super::super::indicators::indicators(db, scope, condition, super::super::query::scope_value(scope))
            .await?;
    let (from, to) = (filter.from.map(|d| d.year()), filter.to.map(|d| d.year()));
    for r in &mut rows {
        r.cells.retain(|cell| {
            !(from.is_some_and(|y| cell.year < y)
                || to.is_some_and(|y| cell.year > y)
                || filter.country.as_deref().is_some_and(|c| c != cell.country.code()))
        });
    }
    Ok(rows)
}

/// `indicators.csv`: the indicators page's targets and actuals, a row per year and country.
pub(super) async fn indicators(
    db: &Db,
    filter: &ExportFilter,
    scope: &Scope,
) -> Result<Vec<Vec<Value>>, AppError> {
    let mut out = Vec::new();
    for r in indicators_within(db, filter, scope).await? {
        let Text { en, fr } = r.title;
        for cell in r.cells {
            let count =
                |n: Option<u64>| n.map_or(Value::None, |n| i64::try_from(n).unwrap_or(i64::MAX).into_value());
            out.push(vec![
                RecordId::new("indicator", r.id.as_str()).into_value(),
                r.code.clone().into_value(),
                en.clone().into_value(),
                fr.clone().into_value(),
                r.unit.clone().into_value(),
                r.computed.into_value(),
                i64::try_from(r.baseline).unwrap_or(i64::MAX).into_value(),
                (i64::from(cell.year)).into_value(),
                cell.country.code().to_owned().into_value(),
                count(cell.target),
                count(cell.actual),
            ]);
        }
    }
    Ok(out)
}
