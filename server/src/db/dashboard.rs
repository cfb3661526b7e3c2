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

/// The `WHERE` clauses of one filter, for each table it touches. Every value is bound, never
/// written into the statement.
struct Clauses {
    grants: String,
    transactions: String,
    activities: String,
    handovers: String,
}

fn clauses(filter: &DashboardFilter) -> Clauses {
    let mut g = vec!["archived = false"];
    let mut t = vec!["archived = false"];
    let mut a = vec!["archived = false"];
    let mut h = vec!["archived = false", "status != 'planned'"];
    if filter.donor.is_some() {
        // `$grants` holds the donor's grants, read first through the index on `donor`, so that
        // rows are matched on their own fields instead of following links row by row.
        g.push("donor = $donor");
        t.push("donor_grant IN $grants");
        a.push("funding.donor_grant ANYINSIDE $grants");
        h.push("$donor IN lines.equipment.donor_grant.donor");
    }
    if filter.donor.is_some() && filter.grant.is_some() {
        // A grant of another donor selects nothing.
        for c in [&mut g, &mut t, &mut a, &mut h] {
            c.push("$grant.donor = $donor");
        }
    }
    if filter.grant.is_some() {
        g.push("id = $grant");
        t.push("donor_grant = $grant");
        a.push("$grant IN funding.donor_grant");
        h.push("$grant IN lines.equipment.donor_grant");
    }
    if filter.from_year.is_some() {
        t.push("time::year(value_date) >= $from");
        a.push("time::year(planned_start) >= $from");
        h.push("time::year(handed_over_on) >= $from");
    }
    if filter.to_year.is_some() {
        t.push("time::year(value_date) <= $to");
        a.push("time::year(planned_start) <= $to");
        h.push("time::year(handed_over_on) <= $to");
    }
    // Country, theme and pillar belong to activities: money follows the activities it paid for.
    if filter.country.is_some() {
        t.push("activity.country = $country");
        a.push("country = $country");
        h.push("institute.country = $country");
    }
    if filter.theme.is_some() {
        t.push("activity.theme = $theme");
        a.push("theme = $theme");
    }
    if filter.pillar.is_some() {
        t.push("activity.pillar = $pillar");
        a.push("pillar = $pillar");
    }
    let join = |c: Vec<&str>| c.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ");
    Clauses { grants: join(g), transactions: join(t), activities: join(a), handovers: join(h) }
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

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct SumRow {
    grant: RecordId,
    kind: i64,
    total: Option<i64>,
    eur: Option<i64>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct RateRow {
    grant: RecordId,
    rate: Decimal,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct QuarterRow {
    y: i64,
    q: i64,
    eur: Option<i64>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct CountryRow {
    country: String,
    n: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct YearRow {
    year: i64,
    n: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct KindRow {
    kind: String,
    n: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct PeopleRow {
    police: Option<i64>,
    police_women: Option<i64>,
    gendarmerie: Option<i64>,
    gendarmerie_women: Option<i64>,
    justice: Option<i64>,
    justice_women: Option<i64>,
    other: Option<i64>,
    other_women: Option<i64>,
    instructors: Option<i64>,
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
    donor: Option<RecordId>,
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

fn count(n: Option<i64>) -> u64 {
    u64::try_from(n.unwrap_or(0)).unwrap_or(0)
}

/// The dashboard for `filter` (the caller has put a donor user's own donor in it).
pub async fn dashboard(db: &Db, filter: &DashboardFilter) -> Result<Dashboard, AppError> {
    let c = clauses(filter);
    let (g, t, a, h) = (&c.grants, &c.transactions, &c.activities, &c.handovers);
    let sql = format!(
        "SELECT id, reference, title, title_fr, amount_minor, currency FROM donor_grant WHERE {g} ORDER BY reference;
         SELECT donor_grant AS grant, kind, math::sum(amount_grant_minor) AS total, math::sum(amount_eur_minor) AS eur
            FROM transaction WHERE {t} GROUP BY grant, kind;
         SELECT donor_grant AS grant, rate_to_eur AS rate FROM transaction WHERE {t} GROUP BY grant, rate;
         SELECT time::year(value_date) AS y, math::floor((time::month(value_date) - 1) / 3) + 1 AS q,
                math::sum(amount_eur_minor) AS eur
            FROM transaction WHERE {t} AND kind = {EXPENDITURE} GROUP BY y, q;
         SELECT country, count() AS n FROM activity WHERE {a} GROUP BY country;
         SELECT time::year(planned_start) AS year, count() AS n FROM activity WHERE {a} GROUP BY year;
         SELECT kind, count() AS n FROM activity WHERE {a} GROUP BY kind;
         SELECT math::sum(participants.police.total) AS police, math::sum(participants.police.women) AS police_women,
                math::sum(participants.gendarmerie.total) AS gendarmerie,
                math::sum(participants.gendarmerie.women) AS gendarmerie_women,
                math::sum(participants.justice.total) AS justice, math::sum(participants.justice.women) AS justice_women,
                math::sum(participants.other.total) AS other, math::sum(participants.other.women) AS other_women,
                math::sum(array::len(instructors[WHERE supervisor = false])) AS instructors
            FROM activity WHERE {a} GROUP ALL;
         RETURN array::len(array::distinct(array::flatten((SELECT VALUE institutes FROM activity WHERE {a}))));
         SELECT id, code, title, title_fr, kind, country, planned_start,
                participants.police.total + participants.gendarmerie.total + participants.justice.total
                    + participants.other.total AS total,
                participants.police.women + participants.gendarmerie.women + participants.justice.women
                    + participants.other.women AS women
            FROM activity WHERE {a} ORDER BY planned_start DESC, code LIMIT 100;
         SELECT institute, institute.name AS name, institute.name_fr AS name_fr, status,
                lines.map(|$l| {{
                    quantity: $l.quantity, received: $l.received,
                    unit_cost_minor: $l.equipment.unit_cost_minor, currency: $l.equipment.currency,
                    grant: $l.equipment.donor_grant, donor: $l.equipment.donor_grant.donor
                }}) AS lines
            FROM handover WHERE {h};"
    );
    let donor = filter.donor.as_deref().map(|k| RecordId::new("donor", k));
    let grants: Vec<RecordId> = match &donor {
        Some(donor) => db
            .query("SELECT VALUE id FROM donor_grant WHERE donor = $donor;")
            .bind(("donor", donor.clone()))
            .await
            .map_err(internal)?
            .take(0)
            .map_err(internal)?,
        None => Vec::new(),
    };
    let mut response = db
        .query(sql)
        .bind(("grants", grants))
        .bind(("donor", donor))
        .bind(("grant", filter.grant.as_deref().map(|k| RecordId::new("donor_grant", k))))
        .bind(("from", filter.from_year.map(i64::from)))
        .bind(("to", filter.to_year.map(i64::from)))
        .bind(("country", filter.country.clone()))
        .bind(("theme", filter.theme.clone()))
        .bind(("pillar", filter.pillar.as_deref().map(|k| RecordId::new("pillar", k))))
        .await
        .map_err(internal)?;
    let grants: Vec<GrantRow> = response.take(0).map_err(internal)?;
    let sums: Vec<SumRow> = response.take(1).map_err(internal)?;
    let rates: Vec<RateRow> = response.take(2).map_err(internal)?;
    let mut quarters: Vec<QuarterRow> = response.take(3).map_err(internal)?;
    let countries: Vec<CountryRow> = response.take(4).map_err(internal)?;
    let years: Vec<YearRow> = response.take(5).map_err(internal)?;
    let kinds: Vec<KindRow> = response.take(6).map_err(internal)?;
    let people: Option<PeopleRow> = response.take(7).map_err(internal)?;
    let institutes: Option<i64> = response.take(8).map_err(internal)?;
    let activities: Vec<ActivityRow> = response.take(9).map_err(internal)?;
    let handovers: Vec<HandoverRow> = response.take(10).map_err(internal)?;

    let eur = Currency::eur();
    let money =
        |minor: i64, currency: &Currency| Money::new(minor.max(0), currency.clone()).map_err(invalid_row);
    let mut grant_money = Vec::new();
    for grant in grants {
        let currency = Currency::parse(&grant.currency).map_err(invalid_row)?;
        let sum = |kind: i64| -> (i64, i64) {
            sums.iter()
                .filter(|s| s.grant == grant.id && s.kind == kind)
                .fold((0, 0), |(t, e), s| (t + s.total.unwrap_or(0), e + s.eur.unwrap_or(0)))
        };
        let ((committed, committed_eur), (disbursed, disbursed_eur), (spent, spent_eur)) =
            (sum(2), sum(3), sum(EXPENDITURE));
        let mut grant_rates: Vec<String> =
            rates.iter().filter(|r| r.grant == grant.id).map(|r| r.rate.normalize().to_string()).collect();
        grant_rates.sort();
        grant_rates.dedup();
        grant_money.push(GrantMoney {
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
            rates: grant_rates,
        });
    }

    quarters.sort_by_key(|q| (q.y, q.q));
    let mut running = 0;
    let burn = quarters
        .into_iter()
        .map(|q| {
            running += q.eur.unwrap_or(0);
            BurnPoint { period: format!("{}-Q{}", q.y, q.q), spent_eur: running }
        })
        .collect();

    let mut by_country = countries
        .into_iter()
        .map(|r| Ok((Country::parse(&r.country).map_err(invalid_row)?, count(Some(r.n)))))
        .collect::<Result<Vec<_>, AppError>>()?;
    by_country.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.code().cmp(b.0.code())));
    let mut by_year: Vec<(i32, u64)> =
        years.into_iter().map(|r| (i32::try_from(r.year).unwrap_or(0), count(Some(r.n)))).collect();
    by_year.sort();
    let mut by_kind = kinds
        .into_iter()
        .map(|r| Ok((ActivityKind::from_code(&r.kind).map_err(invalid_row)?, count(Some(r.n)))))
        .collect::<Result<Vec<_>, AppError>>()?;
    by_kind.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.code().cmp(b.0.code())));

    let p = people.unwrap_or(PeopleRow {
        police: None,
        police_women: None,
        gendarmerie: None,
        gendarmerie_women: None,
        justice: None,
        justice_women: None,
        other: None,
        other_women: None,
        instructors: None,
    });
    let service = |service, total: Option<i64>, women: Option<i64>| {
        let (total, women) = (count(total), count(women));
        ServiceCount { service, women, men: total.saturating_sub(women) }
    };
    let people = vec![
        service(Service::Police, p.police, p.police_women),
        service(Service::Gendarmerie, p.gendarmerie, p.gendarmerie_women),
        service(Service::Justice, p.justice, p.justice_women),
        service(Service::Other, p.other, p.other_women),
    ];

    let activities = activities
        .into_iter()
        .map(|r| {
            Ok(FundedActivity {
                id: key_of(&r.id),
                code: r.code,
                title: Text::new(r.title, r.title_fr),
                kind: ActivityKind::from_code(&r.kind).map_err(invalid_row)?,
                country: Country::parse(&r.country).map_err(invalid_row)?,
                year: chrono::Datelike::year(&r.planned_start),
                participants: count(r.total),
                women: count(r.women),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    let equipment = equipment(handovers, filter)?;
    let by_donor = if filter.donor.is_none() { by_donor(db, &c).await? } else { Vec::new() };
    Ok(Dashboard {
        filter: filter.clone(),
        donor: None,
        grants: grant_money,
        burn,
        by_country,
        by_year,
        by_kind,
        activities,
        people,
        instructors: count(p.instructors),
        institutes_reached: count(institutes),
        equipment,
        by_donor,
    })
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct DonorGrants {
    donor: RecordId,
    n: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct DonorSpent {
    donor: Option<RecordId>,
    eur: Option<i64>,
}

/// The whole programme per donor: grants, spending in euros, activities funded.
async fn by_donor(db: &Db, c: &Clauses) -> Result<Vec<DonorTotal>, AppError> {
    let (g, t, a) = (&c.grants, &c.transactions, &c.activities);
    let mut response = db
        .query(format!(
            "SELECT id, name AS en, name_fr AS fr FROM donor WHERE archived = false ORDER BY en;
             SELECT donor, count() AS n FROM donor_grant WHERE {g} GROUP BY donor;
             SELECT donor_grant.donor AS donor, math::sum(amount_eur_minor) AS eur
                FROM transaction WHERE {t} AND kind = {EXPENDITURE} GROUP BY donor;
             SELECT VALUE array::distinct(funding.donor_grant.donor) FROM activity WHERE {a};"
        ))
        .await
        .map_err(internal)?;
    let donors: Vec<Named> = response.take(0).map_err(internal)?;
    let grants: Vec<DonorGrants> = response.take(1).map_err(internal)?;
    let spent: Vec<DonorSpent> = response.take(2).map_err(internal)?;
    let funders: Vec<Vec<RecordId>> = response.take(3).map_err(internal)?;
    donors
        .into_iter()
        .map(|d| {
            let grants = grants.iter().filter(|g| g.donor == d.id).map(|g| count(Some(g.n))).sum();
            let eur =
                spent.iter().filter(|s| s.donor.as_ref() == Some(&d.id)).map(|s| s.eur.unwrap_or(0)).sum();
            let activities = funders.iter().filter(|f| f.contains(&d.id)).count() as u64;
            let fr = d.fr.filter(|f| !f.is_empty()).unwrap_or_else(|| d.en.clone());
            Ok(DonorTotal {
                donor: NamedRef { id: key_of(&d.id), name: Text::new(d.en, fr) },
                grants,
                spent_eur: Money::new(eur, Currency::eur()).map_err(invalid_row)?,
                activities,
            })
        })
        .collect()
}

/// Items and value per institute, counting only the lines the donor (or grant) paid for.
fn equipment(
    handovers: Vec<HandoverRow>,
    filter: &DashboardFilter,
) -> Result<Vec<InstituteEquipment>, AppError> {
    let donor = filter.donor.as_deref().map(|k| RecordId::new("donor", k));
    let grant = filter.grant.as_deref().map(|k| RecordId::new("donor_grant", k));
    let mut per: BTreeMap<(String, String), InstituteEquipment> = BTreeMap::new();
    for h in handovers {
        let disputed = h.status == "disputed";
        for line in h.lines {
            if donor.is_some() && line.donor != donor || grant.is_some() && line.grant != grant {
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
    let mut response = db
        .query(
            "SELECT id, name AS en, name_fr AS fr FROM donor WHERE archived = false ORDER BY en;
             SELECT id, reference AS en, reference AS fr FROM donor_grant
                WHERE archived = false AND ($donor = NONE OR donor = $donor) ORDER BY en;
             SELECT id, string::concat(code, ' – ', title) AS en, string::concat(code, ' – ', title_fr ?: title) AS fr
                FROM pillar WHERE archived = false ORDER BY en;
             SELECT VALUE country FROM activity WHERE archived = false GROUP BY country;
             SELECT VALUE year FROM (SELECT time::year(planned_start) AS year FROM activity WHERE archived = false)
                GROUP BY year;",
        )
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
