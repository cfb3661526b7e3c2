//! The dashboard's figures, added up from the summary rows read by `dashboard()`.

use std::collections::BTreeMap;

use app::domain::dashboard::{BurnPoint, DonorTotal, GrantMoney, InstituteEquipment, ServiceCount};
use app::domain::records::EXPENDITURE;
use app::domain::{ActivityKind, Country, Currency, Money, NamedRef, Service, Text};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue};

use super::options::Named;
use super::rows::{ActivitySum, Clauses, GrantRow, HandoverRow, MoneyRow, count};
use crate::db::Db;
use crate::db::query::{internal, invalid_row};
use crate::db::rows::key_of;

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct GrantDonor {
    id: RecordId,
    donor: RecordId,
}

/// Money per grant, in its currency and in EUR at each transaction's stored rate.
pub(super) fn grant_money(grants: Vec<GrantRow>, rows: &[MoneyRow]) -> Result<Vec<GrantMoney>, AppError> {
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
            let mut rates: Vec<rust_decimal::Decimal> =
                mine.iter().filter(|r| r.kind == EXPENDITURE).map(|r| r.rate.normalize()).collect();
            rates.sort();
            rates.dedup();
            let rates = rates
                .iter()
                .map(|r| app::domain::Rate::parse(&r.to_string()).map_err(invalid_row))
                .collect::<Result<Vec<_>, _>>()?;
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
pub(super) fn burn(rows: &[MoneyRow]) -> Vec<BurnPoint> {
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
pub(super) struct ActivityTotals {
    pub(super) by_country: Vec<(Country, u64)>,
    pub(super) by_year: Vec<(i32, u64)>,
    pub(super) by_kind: Vec<(ActivityKind, u64)>,
    pub(super) people: Vec<ServiceCount>,
    pub(super) instructors: u64,
}

impl ActivityTotals {
    pub(super) fn add_up(rows: &[ActivitySum]) -> Result<Self, AppError> {
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
pub(super) async fn by_donor(
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
pub(super) fn equipment(
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
            // Disputed units arrived but are not confirmed (a dispute's units, whatever the status).
            let disputed_units = line.disputed.unwrap_or(0).clamp(0, received);
            let confirmed = received - disputed_units;
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
            entry.confirmed += u64::try_from(confirmed).unwrap_or(0);
            entry.disputed += u64::try_from(disputed_units).unwrap_or(0);
            if disputed {
                entry.disputed += missing;
            } else {
                entry.outstanding += missing;
            }
            entry.value_handed_over =
                Money::new(entry.value_handed_over.minor() + line.quantity * cost, currency.clone())
                    .map_err(invalid_row)?;
            entry.value_confirmed = Money::new(entry.value_confirmed.minor() + confirmed * cost, currency)
                .map_err(invalid_row)?;
        }
    }
    Ok(per.into_values().collect())
}
