//! The one aggregation behind the dashboards (and, next, the CSV exports): money per grant,
//! activities, people trained, institutes reached and equipment, for one donor or all, added
//! up in the database with the filters applied there.

use std::collections::BTreeMap;

use app::domain::dashboard::{
    BurnPoint, Dashboard, DashboardFilter, DashboardOptions, DonorTotal, FundedActivity, GrantMoney,
    InstituteEquipment, ServiceCount,
};
use app::domain::records::EXPENDITURE;
use app::domain::{ActivityKind, Country, Currency, Money, NamedRef, Service, Text};
use app::error::AppError;
use chrono::NaiveDate;
use surrealdb::types::{Decimal, RecordId, SurrealValue};

use super::Db;
use super::repo::{internal, invalid_row};
use super::rows::key_of;

/// The `WHERE` clauses of one filter, for the summary tables (see migration 0008), the
/// activity list and the handovers. Every value is bound, never written into the statement.
struct Clauses {
    grants: String,
    transactions: String,
    activities: String,
    reach: String,
    list: String,
    handovers: String,
}

fn clauses(filter: &DashboardFilter, scoped: bool) -> Clauses {
    let mut g = vec!["archived = false"];
    let mut t = vec!["true"];
    let mut a = vec!["true"];
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

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct GrantRow {
    id: RecordId,
    reference: String,
    title: String,
    title_fr: String,
    amount_minor: i64,
    currency: String,
}

/// A row of `transaction_summary`.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct MoneyRow {
    grant: RecordId,
    kind: i64,
    year: i64,
    quarter: i64,
    rate: Decimal,
    total: i64,
    eur: i64,
}

/// A row of `activity_summary`.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ActivitySum {
    grants: Vec<RecordId>,
    country: String,
    year: i64,
    kind: String,
    activities: i64,
    police: i64,
    police_women: i64,
    gendarmerie: i64,
    gendarmerie_women: i64,
    justice: i64,
    justice_women: i64,
    other: i64,
    other_women: i64,
    instructors: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ActivityRow {
    id: RecordId,
    code: String,
    title: String,
    title_fr: String,
    kind: String,
    country: String,
    planned_start: NaiveDate,
    total: Option<i64>,
    women: Option<i64>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct LineRow {
    quantity: i64,
    received: Option<i64>,
    unit_cost_minor: Option<i64>,
    currency: Option<String>,
    grant: Option<RecordId>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct HandoverRow {
    institute: RecordId,
    name: String,
    name_fr: String,
    status: String,
    lines: Vec<LineRow>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct GrantDonor {
    id: RecordId,
    donor: RecordId,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The summary columns, read as whole numbers (the database keeps its running sums as floats,
/// exact far beyond any programme's amounts).
const MONEY_COLUMNS: &str = "grant, kind, year, quarter, rate, <int> total AS total, <int> eur AS eur";
const ACTIVITY_COLUMNS: &str = "grants, country, year, kind, <int> activities AS activities,
    <int> police AS police, <int> police_women AS police_women, <int> gendarmerie AS gendarmerie,
    <int> gendarmerie_women AS gendarmerie_women, <int> justice AS justice,
    <int> justice_women AS justice_women, <int> other AS other, <int> other_women AS other_women,
    <int> instructors AS instructors";

/// The summaries (migrations 0008 and 0010) and the tables of their keys (0011).
const MONEY: (&str, &str) = ("transaction_summary", "money_key");
const ACTIVITIES: (&str, &str) = ("activity_summary", "activity_key");
const REACH: (&str, &str) = ("activity_reach", "reach_key");

/// The live rows of a summary, fetched one by one through the table of its keys (migration
/// 0011), optionally only those whose key matches `keys`: a scan of the summary table itself
/// would step over every superseded version of its rows.
fn live((summary, key_table): (&str, &str), keys: Option<&str>) -> String {
    let keys = keys.unwrap_or("true");
    format!("(SELECT VALUE type::record('{summary}', record::id(id)) FROM {key_table} WHERE {keys})")
}

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
                    quantity: $l.quantity, received: $l.received,
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
    let mut response = query
        .bind(("lo", lo))
        .bind(("hi", hi))
        .bind(("grants", scope.clone().unwrap_or_default()))
        .bind(("from", filter.from_year.map(i64::from)))
        .bind(("to", filter.to_year.map(i64::from)))
        .bind(("country", filter.country.clone()))
        .bind(("theme", filter.theme.clone()))
        .bind(("pillar", filter.pillar.as_deref().map(|k| RecordId::new("pillar", k))))
        .await
        .map_err(internal)?;
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

/// How many recent activities the dashboard lists.
const RECENT: usize = 100;

/// The keys of `activity_recent` to read: each grant in scope, or "all".
fn recent_keys(scope: Option<&[RecordId]>) -> Vec<surrealdb::types::Value> {
    match scope {
        Some(grants) => grants.iter().map(|g| g.clone().into_value()).collect(),
        None => vec!["all".into_value()],
    }
}

/// The key range of the year filter: keys hold minus the start in seconds since 1970, so the
/// newest activities come first.
fn recent_bounds(filter: &DashboardFilter) -> (i64, i64) {
    let new_year = |year: i32| {
        NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp())
    };
    let lo = filter.to_year.and_then(|y| new_year(y + 1)).map_or(i64::MIN / 2, |t| 1 - t);
    let hi = filter.from_year.and_then(new_year).map_or(i64::MAX / 2, |t| 1 - t);
    (lo, hi)
}

/// The newest of the activities read per grant (a co-funded one once), with what the list shows.
async fn recent_activities(
    db: &Db,
    mut recent: Vec<(i64, RecordId)>,
) -> Result<Vec<FundedActivity>, AppError> {
    recent.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| key_of(&a.1).cmp(&key_of(&b.1))));
    let mut ids: Vec<RecordId> = Vec::with_capacity(RECENT);
    for (_, id) in recent {
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() == RECENT {
            break;
        }
    }
    let rows: Vec<ActivityRow> = db
        .query(
            "SELECT id, code, title, title_fr, kind, country, planned_start,
                    participants.police.total + participants.gendarmerie.total + participants.justice.total
                        + participants.other.total AS total,
                    participants.police.women + participants.gendarmerie.women + participants.justice.women
                        + participants.other.women AS women
             FROM $ids;",
        )
        .bind(("ids", ids.clone()))
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    let mut list = rows
        .into_iter()
        .map(|r| {
            Ok(FundedActivity {
                id: key_of(&r.id),
                code: r.code,
                title: Text::new(r.title, r.title_fr),
                kind: ActivityKind::from_code(&r.kind).map_err(invalid_row)?,
                country: Country::parse(&r.country).map_err(invalid_row)?,
                year: chrono::Datelike::year(&r.planned_start),
                participants: count(r.total.unwrap_or(0)),
                women: count(r.women.unwrap_or(0)),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // In the order read: newest first.
    list.sort_by_key(|a| ids.iter().position(|id| key_of(id) == a.id));
    Ok(list)
}

/// Money per grant, in its currency and in EUR at each transaction's stored rate.
fn grant_money(grants: Vec<GrantRow>, rows: &[MoneyRow]) -> Result<Vec<GrantMoney>, AppError> {
    let eur = Currency::eur();
    let money =
        |minor: i64, currency: &Currency| Money::new(minor.max(0), currency.clone()).map_err(invalid_row);
    grants
        .into_iter()
        .map(|grant| {
            let currency = Currency::parse(&grant.currency).map_err(invalid_row)?;
            let mine: Vec<&MoneyRow> = rows.iter().filter(|r| r.grant == grant.id).collect();
            let sum = |kind: i64| -> (i64, i64) {
                mine.iter().filter(|r| r.kind == kind).fold((0, 0), |(t, e), r| (t + r.total, e + r.eur))
            };
            let ((committed, committed_eur), (disbursed, disbursed_eur), (spent, spent_eur)) =
                (sum(2), sum(3), sum(EXPENDITURE));
            let mut rates: Vec<String> = mine.iter().map(|r| r.rate.normalize().to_string()).collect();
            rates.sort();
            rates.dedup();
            Ok(GrantMoney {
                id: key_of(&grant.id),
                reference: grant.reference,
                title: Text::new(grant.title, grant.title_fr),
                amount: money(grant.amount_minor, &currency)?,
                committed: money(committed, &currency)?,
                disbursed: money(disbursed, &currency)?,
                spent: money(spent, &currency)?,
                remaining: money(grant.amount_minor - spent, &currency)?,
                spent_eur: money(spent_eur, &eur)?,
                committed_eur: money(committed_eur, &eur)?,
                disbursed_eur: money(disbursed_eur, &eur)?,
                rates,
            })
        })
        .collect()
}

/// Cumulative spending in EUR by quarter.
fn burn(rows: &[MoneyRow]) -> Vec<BurnPoint> {
    let mut quarters: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.kind == EXPENDITURE) {
        *quarters.entry((r.year, r.quarter)).or_default() += r.eur;
    }
    let mut running = 0;
    quarters
        .into_iter()
        .map(|((year, quarter), eur)| {
            running += eur;
            BurnPoint { period: format!("{year}-Q{quarter}"), spent_eur: running }
        })
        .collect()
}

/// Activities and people added up from the summary rows.
struct ActivityTotals {
    by_country: Vec<(Country, u64)>,
    by_year: Vec<(i32, u64)>,
    by_kind: Vec<(ActivityKind, u64)>,
    people: Vec<ServiceCount>,
    instructors: u64,
}

impl ActivityTotals {
    fn add_up(rows: &[ActivitySum]) -> Result<Self, AppError> {
        let mut countries: BTreeMap<&str, u64> = BTreeMap::new();
        let mut years: BTreeMap<i32, u64> = BTreeMap::new();
        let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
        let mut people = [(0, 0); 4];
        let mut instructors = 0;
        for r in rows {
            let n = count(r.activities);
            *countries.entry(&r.country).or_default() += n;
            *years.entry(i32::try_from(r.year).unwrap_or(0)).or_default() += n;
            *kinds.entry(&r.kind).or_default() += n;
            for (slot, (total, women)) in people.iter_mut().zip([
                (r.police, r.police_women),
                (r.gendarmerie, r.gendarmerie_women),
                (r.justice, r.justice_women),
                (r.other, r.other_women),
            ]) {
                slot.0 += count(total);
                slot.1 += count(women);
            }
            instructors += count(r.instructors);
        }
        let mut by_country = countries
            .into_iter()
            .map(|(c, n)| Ok((Country::parse(c).map_err(invalid_row)?, n)))
            .collect::<Result<Vec<_>, AppError>>()?;
        by_country.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.code().cmp(b.0.code())));
        let mut by_kind = kinds
            .into_iter()
            .map(|(k, n)| Ok((ActivityKind::from_code(k).map_err(invalid_row)?, n)))
            .collect::<Result<Vec<_>, AppError>>()?;
        by_kind.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.code().cmp(b.0.code())));
        let people = [Service::Police, Service::Gendarmerie, Service::Justice, Service::Other]
            .into_iter()
            .zip(people)
            .map(|(service, (total, women))| ServiceCount {
                service,
                women,
                men: total.saturating_sub(women),
            })
            .collect();
        Ok(Self { by_country, by_year: years.into_iter().collect(), by_kind, people, instructors })
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct DonorGrants {
    donor: RecordId,
    n: i64,
}

/// The whole programme per donor: grants, spending in euros, activities funded (a co-funded
/// activity counts once for each of its donors).
async fn by_donor(
    db: &Db,
    c: &Clauses,
    money: &[MoneyRow],
    activities: &[ActivitySum],
) -> Result<Vec<DonorTotal>, AppError> {
    let g = &c.grants;
    let mut response = db
        .query(format!(
            "SELECT id, name AS en, name_fr AS fr FROM donor WHERE archived = false ORDER BY en;
             SELECT donor, count() AS n FROM donor_grant WHERE {g} GROUP BY donor;
             SELECT id, donor FROM donor_grant;"
        ))
        .await
        .map_err(internal)?;
    let donors: Vec<Named> = response.take(0).map_err(internal)?;
    let grants: Vec<DonorGrants> = response.take(1).map_err(internal)?;
    let owners: Vec<GrantDonor> = response.take(2).map_err(internal)?;
    // A programme has tens of grants: a search per row is cheaper than a map.
    let owner = |grant: &RecordId| owners.iter().find(|o| o.id == *grant).map(|o| &o.donor);
    donors
        .into_iter()
        .map(|d| {
            let grants = grants.iter().filter(|g| g.donor == d.id).map(|g| count(g.n)).sum();
            let eur = money
                .iter()
                .filter(|r| r.kind == EXPENDITURE && owner(&r.grant) == Some(&d.id))
                .map(|r| r.eur)
                .sum();
            let funded = activities
                .iter()
                .filter(|r| r.grants.iter().any(|g| owner(g) == Some(&d.id)))
                .map(|r| count(r.activities))
                .sum();
            let fr = d.fr.filter(|f| !f.is_empty()).unwrap_or_else(|| d.en.clone());
            Ok(DonorTotal {
                donor: NamedRef { id: key_of(&d.id), name: Text::new(d.en, fr) },
                grants,
                spent_eur: Money::new(eur, Currency::eur()).map_err(invalid_row)?,
                activities: funded,
            })
        })
        .collect()
}

/// Items and value per institute, counting only the lines the donor (or grant) paid for.
fn equipment(
    handovers: Vec<HandoverRow>,
    scope: Option<&[RecordId]>,
) -> Result<Vec<InstituteEquipment>, AppError> {
    let mut per: BTreeMap<(String, String), InstituteEquipment> = BTreeMap::new();
    for h in handovers {
        let disputed = h.status == "disputed";
        for line in h.lines {
            if let Some(scope) = scope
                && !line.grant.as_ref().is_some_and(|g| scope.contains(g))
            {
                continue;
            }
            let (Some(cost), Some(currency)) = (line.unit_cost_minor, line.currency) else { continue };
            let currency = Currency::parse(&currency).map_err(invalid_row)?;
            let received = line.received.unwrap_or(0).min(line.quantity);
            let key = (key_of(&h.institute), currency.as_str().to_owned());
            let zero = Money::new(0, currency.clone()).map_err(invalid_row)?;
            let entry = per.entry(key).or_insert_with(|| InstituteEquipment {
                institute: NamedRef {
                    id: key_of(&h.institute),
                    name: Text::new(h.name.clone(), h.name_fr.clone()),
                },
                handed_over: 0,
                confirmed: 0,
                outstanding: 0,
                disputed: 0,
                value_handed_over: zero.clone(),
                value_confirmed: zero,
            });
            let missing = u64::try_from(line.quantity - received).unwrap_or(0);
            entry.handed_over += u64::try_from(line.quantity).unwrap_or(0);
            entry.confirmed += u64::try_from(received).unwrap_or(0);
            if disputed {
                entry.disputed += missing;
            } else {
                entry.outstanding += missing;
            }
            entry.value_handed_over =
                Money::new(entry.value_handed_over.minor() + line.quantity * cost, currency.clone())
                    .map_err(invalid_row)?;
            entry.value_confirmed =
                Money::new(entry.value_confirmed.minor() + received * cost, currency).map_err(invalid_row)?;
        }
    }
    Ok(per.into_values().collect())
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Named {
    id: RecordId,
    en: String,
    fr: Option<String>,
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
             SELECT VALUE country FROM {activities} GROUP BY country;
             SELECT VALUE year FROM {activities} GROUP BY year;",
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
