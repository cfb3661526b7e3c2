//! The one aggregation behind the dashboards (and, next, the CSV exports): money per grant,
//! activities, people trained, institutes reached and equipment, for one donor or all, added
//! up in the database with the filters applied there. This module reads; `figures` adds up
//! what was read, `recent` lists the newest activities, `options` gives the filters' choices.

mod figures;
mod options;
mod recent;
mod rows;

use app::domain::dashboard::{Dashboard, DashboardFilter};
use app::error::AppError;
use surrealdb::types::RecordId;

use self::figures::{ActivityTotals, burn, by_donor, equipment, grant_money};
pub use self::options::{donor_name, options};
use self::recent::{RECENT, recent_activities, recent_bounds, recent_keys};
use self::rows::{
    ACTIVITIES, ActivitySum, Clauses, GrantRow, HandoverRow, MONEY, MoneyRow, REACH, count, live,
};
use super::Db;
use super::query::internal;

fn clauses(filter: &DashboardFilter, scoped: bool) -> Clauses {
    let mut g = vec!["archived = false"];
    // A summary row whose count fell to zero is gone, and its key (see `rows::live`) then reads
    // as a row of NONE: the whole programme's dashboard answered 500 after an activity or a
    // transaction that was alone in its row had been archived.
    let mut t = vec!["id != NONE"];
    let mut a = vec!["id != NONE"];
    let mut r = vec!["n > 0"];
    // The list reads `activity_recent` by key range (grant and dates, see `recent`).
    let mut l = vec!["true"];
    let mut h = vec!["archived = false", "status != 'planned'"];
    if scoped {
        // `$grants` holds the grants in scope: the donor's, or the one picked (if it is the
        // donor's own), read first, so that rows are matched on their own fields.
        g.push("id IN $grants");
        t.push("grant IN $grants");
        a.push("grants ANYINSIDE $grants");
        r.push("grant IN $grants");
        h.push("lines.equipment.donor_grant ANYINSIDE $grants");
    }
    if filter.from_year.is_some() {
        for c in [&mut t, &mut a, &mut r] {
            c.push("year >= $from");
        }
        h.push("time::year(handed_over_on) >= $from");
    }
    if filter.to_year.is_some() {
        for c in [&mut t, &mut a, &mut r] {
            c.push("year <= $to");
        }
        h.push("time::year(handed_over_on) <= $to");
    }
    // Country, theme and pillar belong to activities: money follows the activities it paid for.
    if filter.country.is_some() {
        for c in [&mut t, &mut a, &mut r, &mut l] {
            c.push("country = $country");
        }
        h.push("institute.country = $country");
    }
    if filter.theme.is_some() {
        for c in [&mut t, &mut a, &mut r, &mut l] {
            c.push("theme = $theme");
        }
    }
    if filter.pillar.is_some() {
        for c in [&mut t, &mut a, &mut r, &mut l] {
            c.push("pillar = $pillar");
        }
    }
    let join = |c: Vec<&str>| c.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ");
    Clauses {
        grants: join(g),
        transactions: join(t),
        activities: join(a),
        reach: join(r),
        list: join(l),
        handovers: join(h),
    }
}

/// The summary columns, read as whole numbers (the database keeps its running sums as floats,
/// exact far beyond any programme's amounts).
const MONEY_COLUMNS: &str = "grant, kind, year, quarter, rate, <int> total AS total, <int> eur AS eur";
const ACTIVITY_COLUMNS: &str = "grants, country, year, kind, <int> activities AS activities,
    <int> police AS police, <int> police_women AS police_women, <int> gendarmerie AS gendarmerie,
    <int> gendarmerie_women AS gendarmerie_women, <int> justice AS justice,
    <int> justice_women AS justice_women, <int> other AS other, <int> other_women AS other_women,
    <int> instructors AS instructors";

/// The grants a filter reaches, or `None` for all of them: a donor's grants (only the one
/// picked, if it is the donor's), or the one grant picked.
async fn grants_in_scope(db: &Db, filter: &DashboardFilter) -> Result<Option<Vec<RecordId>>, AppError> {
    let grant = filter.grant.as_deref().map(|k| RecordId::new("donor_grant", k));
    let Some(donor) = filter.donor.as_deref() else { return Ok(grant.map(|g| vec![g])) };
    let mut grants: Vec<RecordId> = db
        .query("SELECT VALUE id FROM donor_grant WHERE donor = $donor;")
        .bind(("donor", RecordId::new("donor", donor)))
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    if let Some(grant) = grant {
        // A grant of another donor selects nothing.
        grants.retain(|g| *g == grant);
    }
    Ok(Some(grants))
}

/// The dashboard for `filter` (the caller has put a donor user's own donor in it).
pub async fn dashboard(db: &Db, filter: &DashboardFilter) -> Result<Dashboard, AppError> {
    let scope = grants_in_scope(db, filter).await?;
    let c = clauses(filter, scope.is_some());
    let (g, t, a, r, l, h) = (&c.grants, &c.transactions, &c.activities, &c.reach, &c.list, &c.handovers);
    let scoped = scope.is_some();
    let (money, activities, reach) = (
        live(MONEY, scoped.then_some("record::id(id)[0] IN $grants")),
        live(ACTIVITIES, scoped.then_some("record::id(id)[0] ANYINSIDE $grants")),
        live(REACH, scoped.then_some("record::id(id)[1] IN $grants")),
    );
    let sql = format!(
        "SELECT id, reference, title, title_fr, amount_minor, currency FROM donor_grant WHERE {g} ORDER BY reference;
         SELECT {MONEY_COLUMNS} FROM {money} WHERE {t};
         SELECT {ACTIVITY_COLUMNS} FROM {activities} WHERE {a};
         RETURN array::len(array::distinct((SELECT VALUE institute FROM {reach} WHERE {r})));
         SELECT institute, institute.name AS name, institute.name_fr AS name_fr, status,
                lines.map(|$l| {{
                    quantity: $l.quantity, received: $l.received, disputed: $l.disputed,
                    unit_cost_minor: $l.equipment.unit_cost_minor, currency: $l.equipment.currency,
                    grant: $l.equipment.donor_grant
                }}) AS lines
            FROM handover WHERE {h};"
    );
    let keys = recent_keys(scope.as_deref());
    let sql = keys.iter().enumerate().fold(sql, |sql, (i, _)| {
        format!(
            "{sql}\n SELECT VALUE [record::id(id)[1], activity]
                FROM type::record('activity_recent', [$k{i}, $lo]..[$k{i}, $hi]) WHERE {l} LIMIT {RECENT};"
        )
    });
    let (lo, hi) = recent_bounds(filter);
    let mut query = db.query(sql);
    for (i, key) in keys.into_iter().enumerate() {
        query = query.bind((format!("k{i}"), key));
    }
    let mut response =
        bind_filter(query.bind(("lo", lo)).bind(("hi", hi)), filter, &scope).await.map_err(internal)?;
    // Counted before any `take`, which removes what it takes.
    let statements = response.num_statements();
    let grants: Vec<GrantRow> = response.take(0).map_err(internal)?;
    let money_rows: Vec<MoneyRow> = response.take(1).map_err(internal)?;
    let activity_rows: Vec<ActivitySum> = response.take(2).map_err(internal)?;
    let institutes: Option<i64> = response.take(3).map_err(internal)?;
    let handovers: Vec<HandoverRow> = response.take(4).map_err(internal)?;
    let mut recent: Vec<(i64, RecordId)> = Vec::new();
    for i in 5..statements {
        recent.extend(response.take::<Vec<(i64, RecordId)>>(i).map_err(internal)?);
    }
    let activities = recent_activities(db, recent).await?;

    let grant_money = grant_money(grants, &money_rows)?;
    let burn = burn(&money_rows);
    let totals = ActivityTotals::add_up(&activity_rows)?;
    let equipment = equipment(handovers, scope.as_deref())?;
    let by_donor = if filter.donor.is_none() {
        by_donor(db, &c, &money_rows, &activity_rows).await?
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        filter: filter.clone(),
        donor: None,
        grants: grant_money,
        burn,
        by_country: totals.by_country,
        by_year: totals.by_year,
        by_kind: totals.by_kind,
        activities,
        people: totals.people,
        instructors: totals.instructors,
        institutes_reached: count(institutes.unwrap_or(0)),
        equipment,
        by_donor,
    })
}

/// Binds the values of `filter`'s clauses (see [`clauses`]) and the grants in scope.
fn bind_filter<'r>(
    query: surrealdb::method::Query<'r, surrealdb::engine::any::Any>,
    filter: &DashboardFilter,
    scope: &Option<Vec<RecordId>>,
) -> surrealdb::method::Query<'r, surrealdb::engine::any::Any> {
    query
        .bind(("grants", scope.clone().unwrap_or_default()))
        .bind(("from", filter.from_year.map(i64::from)))
        .bind(("to", filter.to_year.map(i64::from)))
        .bind(("country", filter.country.clone()))
        .bind(("theme", filter.theme.clone()))
        .bind(("pillar", filter.pillar.as_deref().map(|k| RecordId::new("pillar", k))))
}

/// People trained per country, year and type of activity, for `participants.csv`: the same
/// summary rows, read with the same filter, as the dashboard's figures.
pub struct PeopleRow {
    pub country: String,
    pub year: i64,
    pub kind: String,
    pub activities: i64,
    /// (all, women) for the police, the gendarmerie, justice and other services.
    pub people: [(i64, i64); 4],
    pub instructors: i64,
}

pub async fn people_by_country_year_kind(
    db: &Db,
    filter: &DashboardFilter,
) -> Result<Vec<PeopleRow>, AppError> {
    let scope = grants_in_scope(db, filter).await?;
    let c = clauses(filter, scope.is_some());
    let activities = live(ACTIVITIES, scope.is_some().then_some("record::id(id)[0] ANYINSIDE $grants"));
    let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM {activities} WHERE {};", c.activities);
    let rows: Vec<ActivitySum> =
        bind_filter(db.query(sql), filter, &scope).await.map_err(internal)?.take(0).map_err(internal)?;
    let mut grouped: std::collections::BTreeMap<(String, i64, String), PeopleRow> = Default::default();
    for r in rows {
        let row = grouped.entry((r.country.clone(), r.year, r.kind.clone())).or_insert_with(|| PeopleRow {
            country: r.country.clone(),
            year: r.year,
            kind: r.kind.clone(),
            activities: 0,
            people: [(0, 0); 4],
            instructors: 0,
        });
        row.activities += r.activities;
        for (slot, add) in row.people.iter_mut().zip([
            (r.police, r.police_women),
            (r.gendarmerie, r.gendarmerie_women),
            (r.justice, r.justice_women),
            (r.other, r.other_women),
        ]) {
            slot.0 += add.0;
            slot.1 += add.1;
        }
        row.instructors += r.instructors;
    }
    Ok(grouped.into_values().collect())
}
