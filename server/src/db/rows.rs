//! Database rows as SurrealDB returns them, and their conversion into domain read models.
//!
//! The SurrealDB SDK stays in this module and its neighbours: pages only ever see
//! `app::domain` types with string ids.

use app::domain::{
    ActivityDetail, ActivityKind, ActivityRow, ActivityStatus, Country, Currency, DateRange, DomainError,
    EquipmentCategory, EquipmentRow, FundingLine, GrantRow, GrantStatus, Headcount, InstituteKind,
    InstituteRow, Instructor, Money, NamedRef, Participants, Text, Theme,
};
use chrono::NaiveDate;
use surrealdb::types::{RecordId, RecordIdKey, SurrealValue};

/// The key of a record id as the string used in URLs.
pub fn key_of(id: &RecordId) -> String {
    match &id.key {
        RecordIdKey::String(s) => s.clone(),
        RecordIdKey::Number(n) => n.to_string(),
        RecordIdKey::Uuid(u) => u.to_string(),
        other => format!("{other:?}"),
    }
}

fn money(minor: i64, currency: &str) -> Result<Money, DomainError> {
    Money::new(minor, Currency::parse(currency)?)
}

fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct CountRow {
    pub n: Option<i64>,
}

/// The first count of a `GROUP ALL` result; an empty table gives no row at all.
pub fn first_count(rows: Vec<CountRow>) -> u64 {
    rows.first().and_then(|r| r.n).unwrap_or(0).max(0) as u64
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct GrantRecord {
    pub id: RecordId,
    pub reference: String,
    pub title: String,
    pub title_fr: String,
    pub donor_name: Option<String>,
    pub donor_name_fr: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub status: String,
    pub demo: bool,
}

impl TryFrom<GrantRecord> for GrantRow {
    type Error = DomainError;
    fn try_from(r: GrantRecord) -> Result<Self, Self::Error> {
        Ok(GrantRow {
            id: key_of(&r.id),
            reference: r.reference,
            title: Text::new(r.title, r.title_fr),
            donor: Text::new(r.donor_name.unwrap_or_default(), r.donor_name_fr.unwrap_or_default()),
            amount: money(r.amount_minor, &r.currency)?,
            period: DateRange::new(r.start_on, r.end_on)?,
            status: GrantStatus::from_code(&r.status)?,
            demo_figures: r.demo,
        })
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct HeadcountRecord {
    pub total: i64,
    pub women: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct ParticipantsRecord {
    pub police: HeadcountRecord,
    pub gendarmerie: HeadcountRecord,
    pub justice: HeadcountRecord,
    pub other: HeadcountRecord,
}

impl TryFrom<&ParticipantsRecord> for Participants {
    type Error = DomainError;
    fn try_from(r: &ParticipantsRecord) -> Result<Self, Self::Error> {
        let h = |c: &HeadcountRecord| Headcount::new(count(c.total), count(c.women));
        Ok(Participants {
            police: h(&r.police)?,
            gendarmerie: h(&r.gendarmerie)?,
            justice: h(&r.justice)?,
            other: h(&r.other)?,
        })
    }
}

/// Actual dates when the activity took place, planned ones otherwise.
fn dates(
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    actual_start: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
) -> Result<(DateRange, Option<DateRange>), DomainError> {
    let planned = DateRange::new(planned_start, planned_end)?;
    let actual = match (actual_start, actual_end) {
        (Some(s), Some(e)) => Some(DateRange::new(s, e)?),
        _ => None,
    };
    Ok((planned, actual))
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct ActivityListRecord {
    pub id: RecordId,
    pub code: String,
    pub title: String,
    pub title_fr: String,
    pub kind: String,
    pub status: i64,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub country: String,
    pub city: String,
    pub participants: ParticipantsRecord,
}

impl TryFrom<ActivityListRecord> for ActivityRow {
    type Error = DomainError;
    fn try_from(r: ActivityListRecord) -> Result<Self, Self::Error> {
        let participants = Participants::try_from(&r.participants)?;
        let (planned, actual) = dates(r.planned_start, r.planned_end, r.actual_start, r.actual_end)?;
        Ok(ActivityRow {
            id: key_of(&r.id),
            title: Text::new(r.title, r.title_fr),
            kind: ActivityKind::from_code(&r.kind)?,
            status: ActivityStatus::from_code(r.status)?,
            dates: actual.unwrap_or(planned),
            country: Country::parse(&r.country)?,
            city: r.city,
            participants: participants.total(),
            women: participants.women(),
        })
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct FundingRecord {
    pub donor_grant: RecordId,
    pub amount_minor: i64,
    pub currency: String,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct InstructorRecord {
    pub name: Option<String>,
    pub institution: String,
    pub supervisor: bool,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct ActivityRecord {
    pub id: RecordId,
    pub code: String,
    pub version: i64,
    pub archived: bool,
    pub title: String,
    pub title_fr: String,
    pub kind: String,
    pub status: i64,
    pub theme: String,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub country: String,
    pub city: String,
    pub venue: String,
    pub institutes: Vec<RecordId>,
    pub pillar: Option<RecordId>,
    pub funding: Vec<FundingRecord>,
    pub participants: ParticipantsRecord,
    pub participant_profile: String,
    pub participant_profile_fr: String,
    pub instructors: Vec<InstructorRecord>,
    pub narrative: String,
    pub narrative_fr: String,
    pub cost_minor: Option<i64>,
    pub cost_currency: Option<String>,
}

impl ActivityRecord {
    fn cost(&self) -> Result<Option<Money>, DomainError> {
        match (self.cost_minor, &self.cost_currency) {
            (Some(minor), Some(currency)) => money(minor, currency).map(Some),
            _ => Ok(None),
        }
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct NameRecord {
    pub id: RecordId,
    pub name: String,
    pub name_fr: String,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct TitleRecord {
    pub title: String,
    pub title_fr: String,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct GrantRefRecord {
    pub id: RecordId,
    pub reference: String,
    pub donor: Option<RecordId>,
    pub donor_name: Option<String>,
    pub donor_name_fr: Option<String>,
}

/// What the detail page needs besides the activity itself.
pub struct ActivityLinks {
    pub institutes: Vec<NameRecord>,
    pub pillar: Option<TitleRecord>,
    pub grants: Vec<GrantRefRecord>,
}

pub fn activity_detail(r: ActivityRecord, links: ActivityLinks) -> Result<ActivityDetail, DomainError> {
    let (planned, actual) = dates(r.planned_start, r.planned_end, r.actual_start, r.actual_end)?;
    let funding = r
        .funding
        .iter()
        .map(|f| {
            let grant = links.grants.iter().find(|g| g.id == f.donor_grant);
            Ok(FundingLine {
                grant_reference: Some(
                    grant.map(|g| g.reference.clone()).unwrap_or_else(|| key_of(&f.donor_grant)),
                ),
                donor: grant
                    .map(|g| {
                        Text::new(
                            g.donor_name.clone().unwrap_or_default(),
                            g.donor_name_fr.clone().unwrap_or_default(),
                        )
                    })
                    .unwrap_or_default(),
                amount: money(f.amount_minor, &f.currency)?,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    // Keep the order in which the activity lists its institutes.
    let institutes = r
        .institutes
        .iter()
        .filter_map(|id| links.institutes.iter().find(|i| &i.id == id))
        .map(|i| NamedRef { id: key_of(&i.id), name: Text::new(i.name.clone(), i.name_fr.clone()) })
        .collect();
    Ok(ActivityDetail {
        cost: r.cost()?,
        id: key_of(&r.id),
        title: Text::new(r.title, r.title_fr),
        kind: ActivityKind::from_code(&r.kind)?,
        status: ActivityStatus::from_code(r.status)?,
        theme: Theme::from_code(&r.theme)?,
        planned,
        actual,
        country: Country::parse(&r.country)?,
        city: r.city,
        venue: r.venue,
        pillar: links.pillar.map(|p| Text::new(p.title, p.title_fr)),
        institutes,
        funding,
        participants: Participants::try_from(&r.participants)?,
        participant_profile: Text::new(r.participant_profile, r.participant_profile_fr),
        instructors: r
            .instructors
            .into_iter()
            .map(|i| Instructor { name: i.name, institution: i.institution, supervisor: i.supervisor })
            .collect(),
        narrative: Text::new(r.narrative, r.narrative_fr),
        version: r.version,
        archived: r.archived,
    })
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct InstituteRecord {
    pub id: RecordId,
    pub name: String,
    pub name_fr: String,
    pub kind: String,
    pub country: String,
    pub city: String,
}

impl TryFrom<InstituteRecord> for InstituteRow {
    type Error = DomainError;
    fn try_from(r: InstituteRecord) -> Result<Self, Self::Error> {
        Ok(InstituteRow {
            id: key_of(&r.id),
            name: Text::new(r.name, r.name_fr),
            kind: InstituteKind::from_code(&r.kind)?,
            country: Country::parse(&r.country)?,
            city: r.city,
        })
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct EquipmentRecord {
    pub id: RecordId,
    pub description: String,
    pub description_fr: String,
    pub category: String,
    pub quantity: i64,
    pub unit_cost_minor: i64,
    pub currency: String,
    pub grant_reference: Option<String>,
    pub donor_name: Option<String>,
    pub donor_name_fr: Option<String>,
    pub supplier: String,
    pub purchase_date: NaiveDate,
}

impl TryFrom<EquipmentRecord> for EquipmentRow {
    type Error = DomainError;
    fn try_from(r: EquipmentRecord) -> Result<Self, Self::Error> {
        let quantity = count(r.quantity);
        let unit_cost = money(r.unit_cost_minor, &r.currency)?;
        Ok(EquipmentRow {
            id: key_of(&r.id),
            description: Text::new(r.description, r.description_fr),
            category: EquipmentCategory::from_code(&r.category)?,
            quantity,
            total_cost: unit_cost.times(quantity)?,
            unit_cost,
            grant_reference: r.grant_reference.unwrap_or_default(),
            donor: Text::new(r.donor_name.unwrap_or_default(), r.donor_name_fr.unwrap_or_default()),
            supplier: r.supplier,
            purchase_date: r.purchase_date,
        })
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct TrainedRecord {
    pub police: Option<i64>,
    pub police_women: Option<i64>,
    pub gendarmerie: Option<i64>,
    pub gendarmerie_women: Option<i64>,
    pub justice: Option<i64>,
    pub justice_women: Option<i64>,
    pub other: Option<i64>,
    pub other_women: Option<i64>,
}

impl TrainedRecord {
    /// (people, women) over all services.
    pub fn totals(&self) -> (u64, u64) {
        let sum = |values: [Option<i64>; 4]| values.iter().map(|v| v.unwrap_or(0).max(0) as u64).sum();
        (
            sum([self.police, self.gendarmerie, self.justice, self.other]),
            sum([self.police_women, self.gendarmerie_women, self.justice_women, self.other_women]),
        )
    }
}

/// An amount as a plain number for a form field: `38500.00`.
fn plain_amount(minor: i64, currency: &str) -> String {
    money(minor, currency).map(|m| m.plain()).unwrap_or_else(|_| minor.to_string())
}

/// An activity's values for its edit form.
pub fn activity_edit(r: ActivityRecord) -> Result<app::domain::ActivityEdit, DomainError> {
    use app::domain::activity_form::{FundingDraft, InstructorDraft};
    let (planned, actual) = dates(r.planned_start, r.planned_end, r.actual_start, r.actual_end)?;
    Ok(app::domain::ActivityEdit {
        cost: r.cost()?,
        id: key_of(&r.id),
        code: r.code,
        title: Text::new(r.title, r.title_fr),
        kind: ActivityKind::from_code(&r.kind)?,
        status: ActivityStatus::from_code(r.status)?,
        planned,
        actual,
        country: Country::parse(&r.country)?,
        city: r.city,
        venue: r.venue,
        institutes: r.institutes.iter().map(key_of).collect(),
        theme: Theme::from_code(&r.theme)?,
        pillar: r.pillar.as_ref().map(key_of),
        funding: r
            .funding
            .iter()
            .map(|f| FundingDraft {
                grant: key_of(&f.donor_grant),
                amount: plain_amount(f.amount_minor, &f.currency),
            })
            .collect(),
        participants: Participants::try_from(&r.participants)?,
        participant_profile: Text::new(r.participant_profile, r.participant_profile_fr),
        instructors: r
            .instructors
            .into_iter()
            .map(|i| InstructorDraft { name: i.name, institution: i.institution, supervisor: i.supervisor })
            .collect(),
        narrative: Text::new(r.narrative, r.narrative_fr),
        version: r.version,
    })
}

#[cfg(test)]
mod tests {
    use super::plain_amount;

    #[test]
    fn amounts_for_forms_are_plain() {
        assert_eq!(plain_amount(3_850_000, "EUR"), "38500.00");
        assert_eq!(plain_amount(7, "EUR"), "0.07");
        assert_eq!(plain_amount(1_500_000, "XOF"), "1500000");
    }
}
