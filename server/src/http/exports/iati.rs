//! `GET /exports/iati/activities.xml`: the programme's activities as an IATI 2.03
//! `iati-activities` file, for the same filters, scope and rights as the CSV exports.
//!
//! It is written from the same rows as `activities.csv`, `transactions.csv`, `grants.csv` and
//! `donors.csv` (`db::exports::Reader`), so its figures are theirs: amounts come from the stored
//! minor units through the CSVs' own formatting, never through floating point.
//!
//! Choices (the standard leaves them to the publisher):
//! - one `iati-activity` per aidtrail activity, identified as the reporting organisation's
//!   ref, a hyphen and the activity's code;
//! - `participating-org`: each donor whose grant funds the activity (role 1, Funding) and the
//!   reporting organisation (role 4, Implementing). The institutes are the beneficiaries of the
//!   training, not implementers: they are named in the description;
//! - a `sector` (DAC 5-digit, vocabulary 1) chosen from the activity's theme (settings);
//! - a currency on every value (co-funded activities mix currencies), no `default-currency`;
//! - a result per activity with the people trained, by sex (`dimension`), over the activity's
//!   dates.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::Writer;
use quick_xml::events::BytesText;
use surrealdb::types::Value;

use app::domain::exports::{ColumnKind, ExportFilter, ExportKind};
use app::domain::{ActivityKind, Scope};
use app::error::AppError;
use app::i18n::{Label, Locale};

use super::cell;
use crate::config::IatiSettings;
use crate::db::Db;
use crate::db::exports::Reader;

/// The rows of one export, read whole.
struct Table {
    kind: ExportKind,
    rows: Vec<Vec<Value>>,
}

impl Table {
    async fn read(db: &Db, kind: ExportKind, filter: &ExportFilter, scope: &Scope) -> Result<Self, AppError> {
        let mut reader = Reader::open(db, kind, filter, scope).await?;
        let mut rows = Vec::new();
        while let Some(batch) = reader.next().await? {
            rows.extend(batch);
        }
        Ok(Self { kind, rows })
    }

    fn column(&self, name: &str) -> usize {
        self.kind.columns().iter().position(|c| c.name == name).unwrap_or_else(|| {
            panic!("{} has no column {name}", self.kind.slug());
        })
    }

    /// The text of `name` in `row` as the CSV writes it, without the spreadsheet guard (XML is
    /// escaped instead).
    fn text(&self, row: &[Value], name: &str) -> String {
        let at = self.column(name);
        let kind = self.kind.columns()[at].kind;
        let value = row.get(at).unwrap_or(&Value::None);
        match (kind, value) {
            (_, Value::String(s)) if kind.is_text() => s.clone(),
            (ColumnKind::Amount(currency), _) => {
                let currency = self.text(row, currency);
                cell(kind, value, Some(&currency)).into_owned()
            }
            _ => cell(kind, value, None).into_owned(),
        }
    }
}

type Xml = Writer<Vec<u8>>;

/// A written file and how many items it holds (activities, or yearly budgets).
pub struct IatiFile {
    pub bytes: Vec<u8>,
    pub items: u64,
}

/// Writes `<name><narrative xml:lang="en">…</narrative><narrative xml:lang="fr">…</narrative></name>`,
/// leaving out an empty language.
fn narratives(
    w: &mut Xml,
    name: &str,
    attributes: &[(&str, &str)],
    en: &str,
    fr: &str,
) -> std::io::Result<()> {
    w.create_element(name).with_attributes(attributes.iter().copied()).write_inner_content(|w| {
        for (lang, text) in [("en", en), ("fr", fr)] {
            if !text.is_empty() {
                w.create_element("narrative")
                    .with_attribute(("xml:lang", lang))
                    .write_text_content(BytesText::new(text))?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// `<reporting-org>`: the reporting organisation, as set.
fn reporting_org(w: &mut Xml, settings: &IatiSettings) -> std::io::Result<()> {
    let attributes = [("ref", settings.org_ref.as_str()), ("type", settings.org_type.as_str())];
    narratives(w, "reporting-org", &attributes, &settings.name_en, &settings.name_fr)
}

/// An XML document whose root `root` (IATI version 2.03, generated now) holds what `body`
/// writes; `body` is given the time, for the elements that carry it too.
fn document(
    root: &str,
    body: impl FnOnce(&mut Xml, &str) -> std::io::Result<()>,
) -> std::io::Result<Vec<u8>> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    let declaration = quick_xml::events::BytesDecl::new("1.0", Some("UTF-8"), None);
    w.write_event(quick_xml::events::Event::Decl(declaration))?;
    w.create_element(root)
        .with_attribute(("version", "2.03"))
        .with_attribute(("generated-datetime", now.as_str()))
        .write_inner_content(|w| body(w, &now))?;
    Ok(w.into_inner())
}

/// The file for `filter` within `scope`.
pub async fn activities(
    db: &Db,
    settings: &IatiSettings,
    filter: &ExportFilter,
    scope: &Scope,
) -> Result<IatiFile, AppError> {
    let donors = Table::read(db, ExportKind::Donors, filter, scope).await?;
    let grants = Table::read(db, ExportKind::Grants, filter, scope).await?;
    let activities = Table::read(db, ExportKind::Activities, filter, scope).await?;
    let transactions = Table::read(db, ExportKind::Transactions, filter, scope).await?;
    let bytes = write(settings, &donors, &grants, &activities, &transactions).map_err(|error| {
        tracing::error!(%error, "writing the IATI activities file failed");
        AppError::Internal
    })?;
    Ok(IatiFile { bytes, items: activities.rows.len() as u64 })
}

fn write(
    settings: &IatiSettings,
    donors: &Table,
    grants: &Table,
    activities: &Table,
    transactions: &Table,
) -> std::io::Result<Vec<u8>> {
    let donor_of_grant: BTreeMap<String, String> =
        grants.rows.iter().map(|g| (grants.text(g, "id"), grants.text(g, "donor_id"))).collect();
    let donor_rows: BTreeMap<String, &Vec<Value>> =
        donors.rows.iter().map(|d| (donors.text(d, "id"), d)).collect();
    let mut by_activity: BTreeMap<String, Vec<&Vec<Value>>> = BTreeMap::new();
    for t in &transactions.rows {
        let activity = transactions.text(t, "activity_id");
        if !activity.is_empty() {
            by_activity.entry(activity).or_default().push(t);
        }
    }
    document("iati-activities", |w, _| {
        for a in &activities.rows {
            let funders: BTreeSet<String> = activities
                .text(a, "grant_ids")
                .split(';')
                .map(str::trim)
                .filter_map(|g| donor_of_grant.get(g).cloned())
                .collect();
            let spent = by_activity.get(&activities.text(a, "id")).map(Vec::as_slice).unwrap_or_default();
            activity(w, settings, activities, a, &funders, &donor_rows, donors, transactions, spent)?;
        }
        Ok(())
    })
}

#[allow(clippy::too_many_arguments)]
fn activity(
    w: &mut Xml,
    settings: &IatiSettings,
    activities: &Table,
    a: &[Value],
    funders: &BTreeSet<String>,
    donor_rows: &BTreeMap<String, &Vec<Value>>,
    donors: &Table,
    transactions: &Table,
    spent: &[&Vec<Value>],
) -> std::io::Result<()> {
    let get = |name: &str| activities.text(a, name);
    let identifier = format!("{}-{}", settings.org_ref, get("code"));
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    // Free text of unknown language (a transaction's description) is read as English.
    w.create_element("iati-activity").with_attribute(("xml:lang", "en")).write_inner_content(|w| {
        w.create_element("iati-identifier").write_text_content(BytesText::new(&identifier))?;
        reporting_org(w, settings)?;
        narratives(w, "title", &[], &get("title"), &get("title_fr"))?;
        let place =
            [get("city"), get("venue")].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
        let (people, women) = (get("participants"), get("women"));
        let kind = ActivityKind::from_code(&get("kind")).ok();
        let kind = |locale| kind.map_or("", |k| k.label(locale));
        narratives(
            w,
            "description",
            &[("type", "1")],
            &format!("{} ({place}). {people} participants, of whom {women} women.", kind(Locale::En)),
            &format!("{} ({place}). {people} participants, dont {women} femmes.", kind(Locale::Fr)),
        )?;
        for donor in funders {
            if let Some(d) = donor_rows.get(donor) {
                let (reference, kind) = (donors.text(d, "iati_ref"), donors.text(d, "org_type"));
                let mut attributes = vec![("role", "1")];
                if !reference.is_empty() {
                    attributes.push(("ref", reference.as_str()));
                }
                if !kind.is_empty() {
                    attributes.push(("type", kind.as_str()));
                }
                narratives(
                    w,
                    "participating-org",
                    &attributes,
                    &donors.text(d, "name"),
                    &donors.text(d, "name_fr"),
                )?;
            }
        }
        narratives(
            w,
            "participating-org",
            &[("role", "4"), ("ref", settings.org_ref.as_str()), ("type", settings.org_type.as_str())],
            &settings.name_en,
            &settings.name_fr,
        )?;
        w.create_element("activity-status").with_attribute(("code", get("status").as_str())).write_empty()?;
        for (kind, column) in
            [("1", "planned_start"), ("2", "actual_start"), ("3", "planned_end"), ("4", "actual_end")]
        {
            let date = get(column);
            // An actual date in the future is not a fact yet.
            if !date.is_empty() && !(matches!(kind, "2" | "4") && date > today) {
                w.create_element("activity-date")
                    .with_attribute(("type", kind))
                    .with_attribute(("iso-date", date.as_str()))
                    .write_empty()?;
            }
        }
        let country = get("country");
        if !country.is_empty() {
            w.create_element("recipient-country").with_attribute(("code", country.as_str())).write_empty()?;
        }
        if let Some(sector) = settings.sector_for(&get("theme")) {
            w.create_element("sector")
                .with_attribute(("vocabulary", "1"))
                .with_attribute(("code", sector))
                .write_empty()?;
        }
        for t in spent {
            transaction(w, transactions, t)?;
        }
        participants_result(
            w,
            &get("planned_start"),
            &get("planned_end"),
            &get("actual_start"),
            &get("actual_end"),
            &women,
            &people,
        )?;
        Ok(())
    })?;
    Ok(())
}

fn transaction(w: &mut Xml, transactions: &Table, t: &[Value]) -> std::io::Result<()> {
    let get = |name: &str| transactions.text(t, name);
    let date = get("value_date");
    w.create_element("transaction").write_inner_content(|w| {
        w.create_element("transaction-type").with_attribute(("code", get("kind").as_str())).write_empty()?;
        w.create_element("transaction-date").with_attribute(("iso-date", date.as_str())).write_empty()?;
        w.create_element("value")
            .with_attribute(("currency", get("currency").as_str()))
            .with_attribute(("value-date", date.as_str()))
            .write_text_content(BytesText::new(&get("amount")))?;
        let description = get("description");
        if !description.is_empty() {
            narratives(w, "description", &[], &description, "")?;
        }
        for (element, column) in [("provider-org", "provider"), ("receiver-org", "receiver")] {
            let name = get(column);
            if !name.is_empty() {
                narratives(w, element, &[], &name, "")?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// People trained, by sex, over the activity's dates (actual when known, else planned).
fn participants_result(
    w: &mut Xml,
    planned_start: &str,
    planned_end: &str,
    actual_start: &str,
    actual_end: &str,
    women: &str,
    people: &str,
) -> std::io::Result<()> {
    let (start, end) = if actual_start.is_empty() || actual_end.is_empty() {
        (planned_start, planned_end)
    } else {
        (actual_start, actual_end)
    };
    if start.is_empty() || end.is_empty() {
        return Ok(());
    }
    let (women, people) = (women.parse::<u64>().unwrap_or(0), people.parse::<u64>().unwrap_or(0));
    let men = people.saturating_sub(women);
    w.create_element("result").with_attribute(("type", "1")).write_inner_content(|w| {
        narratives(w, "title", &[], "People trained", "Personnes formées")?;
        w.create_element("indicator")
            .with_attribute(("measure", "1"))
            .with_attribute(("ascending", "1"))
            .write_inner_content(|w| {
                narratives(w, "title", &[], "Participants, by sex", "Participants, par sexe")?;
                w.create_element("period").write_inner_content(|w| {
                    w.create_element("period-start").with_attribute(("iso-date", start)).write_empty()?;
                    w.create_element("period-end").with_attribute(("iso-date", end)).write_empty()?;
                    for (value, sex) in [(women, "female"), (men, "male")] {
                        w.create_element("actual")
                            .with_attribute(("value", value.to_string().as_str()))
                            .write_inner_content(|w| {
                                w.create_element("dimension")
                                    .with_attribute(("name", "sex"))
                                    .with_attribute(("value", sex))
                                    .write_empty()?;
                                Ok(())
                            })?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(())
}

/// `organisation.xml`: the reporting organisation, with its total budget per calendar year and
/// currency from the grants (each grant's amount spread over its days).
pub async fn organisation(
    db: &Db,
    settings: &IatiSettings,
    filter: &ExportFilter,
    scope: &Scope,
) -> Result<IatiFile, AppError> {
    let grants = Table::read(db, ExportKind::Grants, filter, scope).await?;
    let mut budgets: BTreeMap<(i32, String), i64> = BTreeMap::new();
    for g in &grants.rows {
        let (Ok(start), Ok(end)) = (
            chrono::NaiveDate::parse_from_str(&grants.text(g, "start_on"), "%Y-%m-%d"),
            chrono::NaiveDate::parse_from_str(&grants.text(g, "end_on"), "%Y-%m-%d"),
        ) else {
            continue;
        };
        let currency = grants.text(g, "currency");
        let minor = match g.get(grants.column("amount")) {
            Some(Value::Number(surrealdb::types::Number::Int(n))) => *n,
            _ => continue,
        };
        for (year, share) in spread_over_years(minor, start, end) {
            *budgets.entry((year, currency.clone())).or_default() += share;
        }
    }
    let bytes = write_organisation(settings, &budgets).map_err(|error| {
        tracing::error!(%error, "writing the IATI organisation file failed");
        AppError::Internal
    })?;
    Ok(IatiFile { bytes, items: budgets.len() as u64 })
}

fn write_organisation(
    settings: &IatiSettings,
    budgets: &BTreeMap<(i32, String), i64>,
) -> std::io::Result<Vec<u8>> {
    document("iati-organisations", |w, now| {
        w.create_element("iati-organisation")
            .with_attribute(("last-updated-datetime", now))
            .with_attribute(("xml:lang", "en"))
            .write_inner_content(|w| {
                w.create_element("organisation-identifier")
                    .write_text_content(BytesText::new(&settings.org_ref))?;
                narratives(w, "name", &[], &settings.name_en, &settings.name_fr)?;
                reporting_org(w, settings)?;
                for ((year, currency), minor) in budgets {
                    let (start, end) = (format!("{year}-01-01"), format!("{year}-12-31"));
                    let exponent = app::domain::Currency::parse(currency).map_or(2, |c| c.exponent());
                    w.create_element("total-budget").with_attribute(("status", "2")).write_inner_content(
                        |w| {
                            w.create_element("period-start")
                                .with_attribute(("iso-date", start.as_str()))
                                .write_empty()?;
                            w.create_element("period-end")
                                .with_attribute(("iso-date", end.as_str()))
                                .write_empty()?;
                            w.create_element("value")
                                .with_attribute(("currency", currency.as_str()))
                                .with_attribute(("value-date", start.as_str()))
                                .write_text_content(BytesText::new(&super::units(*minor, exponent)))?;
                            Ok(())
                        },
                    )?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

/// `minor` spread over the calendar years from `start` to `end` (both included) in proportion
/// to their days, in whole minor units that add up to `minor` exactly (the remainder goes to
/// the years with the largest fractions, then the earliest).
pub fn spread_over_years(minor: i64, start: chrono::NaiveDate, end: chrono::NaiveDate) -> Vec<(i32, i64)> {
    use chrono::Datelike;
    if end < start {
        return vec![(start.year(), minor)];
    }
    let total_days = (end - start).num_days() + 1;
    let mut years: Vec<(i32, i64)> = (start.year()..=end.year())
        .map(|year| {
            let first = start.max(chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(start));
            let last = end.min(chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(end));
            (year, (last - first).num_days() + 1)
        })
        .collect();
    let exact: Vec<(i64, i64)> = years
        .iter()
        .map(|(_, days)| {
            let product = i128::from(minor) * i128::from(*days);
            let share = product.div_euclid(i128::from(total_days));
            (share as i64, product.rem_euclid(i128::from(total_days)) as i64)
        })
        .collect();
    let mut left = minor - exact.iter().map(|(s, _)| s).sum::<i64>();
    let mut order: Vec<usize> = (0..years.len()).collect();
    order.sort_by(|&a, &b| exact[b].1.cmp(&exact[a].1).then(a.cmp(&b)));
    for (i, year) in years.iter_mut().enumerate() {
        year.1 = exact[i].0;
    }
    for i in order {
        if left == 0 {
            break;
        }
        years[i].1 += 1;
        left -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::spread_over_years;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_grant_is_spread_over_its_years_by_days() {
        assert_eq!(spread_over_years(36_500, day(2017, 1, 1), day(2017, 12, 31)), vec![(2017, 36_500)]);
        // 2017-07-02..2018-07-01: 183 days in 2017, 182 in 2018.
        assert_eq!(spread_over_years(365, day(2017, 7, 2), day(2018, 7, 1)), vec![(2017, 183), (2018, 182)]);
        // One cent over three equal years goes to the first.
        assert_eq!(
            spread_over_years(1, day(2017, 1, 1), day(2019, 12, 31)).iter().map(|y| y.1).sum::<i64>(),
            1
        );
    }

    proptest! {
        #[test]
        fn the_years_add_up_to_the_grant_exactly(
            minor in 0_i64..10_000_000_000_000,
            start in 0_i64..5_000,
            length in 0_i64..4_000,
        ) {
            let start = day(2010, 1, 1) + chrono::Duration::days(start);
            let end = start + chrono::Duration::days(length);
            let years = spread_over_years(minor, start, end);
            prop_assert_eq!(years.iter().map(|y| y.1).sum::<i64>(), minor);
            prop_assert!(years.iter().all(|y| y.1 >= 0));
        }
    }
}
