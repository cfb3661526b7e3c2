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

use app::domain::Scope;
use app::domain::exports::{ColumnKind, ExportFilter, ExportKind};
use app::error::AppError;

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

/// The file for `filter` within `scope`.
pub async fn activities(
    db: &Db,
    settings: &IatiSettings,
    filter: &ExportFilter,
    scope: &Scope,
) -> Result<Vec<u8>, AppError> {
    let donors = Table::read(db, ExportKind::Donors, filter, scope).await?;
    let grants = Table::read(db, ExportKind::Grants, filter, scope).await?;
    let activities = Table::read(db, ExportKind::Activities, filter, scope).await?;
    let transactions = Table::read(db, ExportKind::Transactions, filter, scope).await?;
    write(settings, &donors, &grants, &activities, &transactions).map_err(|error| {
        tracing::error!(%error, "writing the IATI activities file failed");
        AppError::Internal
    })
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
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(quick_xml::events::Event::Decl(quick_xml::events::BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        None,
    )))?;
    w.create_element("iati-activities")
        .with_attribute(("version", "2.03"))
        .with_attribute(("generated-datetime", now.as_str()))
        .write_inner_content(|w| {
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
        })?;
    Ok(w.into_inner())
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
    w.create_element("iati-activity").write_inner_content(|w| {
        w.create_element("iati-identifier").write_text_content(BytesText::new(&identifier))?;
        narratives(
            w,
            "reporting-org",
            &[("ref", settings.org_ref.as_str()), ("type", settings.org_type.as_str())],
            &settings.name_en,
            &settings.name_fr,
        )?;
        narratives(w, "title", &[], &get("title"), &get("title_fr"))?;
        let place =
            [get("city"), get("venue")].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
        let (people, women) = (get("participants"), get("women"));
        narratives(
            w,
            "description",
            &[("type", "1")],
            &format!(
                "{} ({}). {people} participants, of whom {women} women.",
                get("kind").replace('_', " "),
                place
            ),
            &format!(
                "{} ({}). {people} participants, dont {women} femmes.",
                get("kind").replace('_', " "),
                place
            ),
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
