//! A strategy, as the programme activity (`hierarchy="1"`) above the grants: its countries, its
//! dates and its results, a `result` per pillar with the pillar's indicators, each with its
//! baseline and, per year, its targets and actuals by country (`dimension name="country"`),
//! the people trained also by sex (`dimension name="sex"`). The figures are the indicators
//! page's and `indicators.csv`'s for the same filters.
//!
//! It carries no money: budgets and transactions are its grants', so that nothing is counted
//! twice by those who add up the file.

use quick_xml::events::BytesText;

use app::domain::IndicatorRow;

use super::context::Context;
use super::grants::percentages;
use super::xml::{Xml, empty, narratives, reporting_org};
use crate::db::indicators::Framework;

/// The programme activity of strategy `f`, with the results of `indicators` (filtered already).
pub(super) fn programme(
    w: &mut Xml,
    c: &Context,
    f: &Framework,
    indicators: &[IndicatorRow],
) -> std::io::Result<()> {
    w.create_element("iati-activity")
        .with_attributes([("xml:lang", "en"), ("hierarchy", "1")])
        .write_inner_content(|w| {
            w.create_element("iati-identifier")
                .write_text_content(BytesText::new(&c.programme_identifier(f)))?;
            reporting_org(w, &c.settings)?;
            narratives(w, "title", &[], &f.title.en, &f.title.fr)?;
            narratives(
                w,
                "description",
                &[("type", "1")],
                &format!(
                    "The programme of the strategy {}, from {} to {}: its grants are its child activities, \
                     its results the strategy's indicators.",
                    f.code, f.start, f.end
                ),
                &format!(
                    "Le programme de la stratégie {}, du {} au {} : ses subventions en sont les activités \
                     filles, ses résultats les indicateurs de la stratégie.",
                    f.code, f.start, f.end
                ),
            )?;
            let mut donors: Vec<String> =
                c.grants.rows.iter().map(|g| c.grants.text(g, "donor_id")).collect();
            donors.sort();
            donors.dedup();
            for donor in donors.iter().filter_map(|d| c.donor_row(d)) {
                c.funder(w, donor)?;
            }
            c.ourselves(w, "2")?;
            let today = c.today.as_str();
            let status = if today < f.start.as_str() {
                "1"
            } else if today <= f.end.as_str() {
                "2"
            } else {
                "4"
            };
            empty(w, "activity-status", &[("code", status)])?;
            c.dates(
                w,
                [("1", f.start.clone()), ("2", f.start.clone()), ("3", f.end.clone()), ("4", f.end.clone())],
            )?;
            for (country, percentage) in f.countries.iter().zip(percentages(f.countries.len())) {
                let mut attributes = vec![("code", country.as_str())];
                if f.countries.len() > 1 {
                    attributes.push(("percentage", percentage.as_str()));
                }
                empty(w, "recipient-country", &attributes)?;
            }
            c.sector(w, "both")?;
            for g in &c.grants.rows {
                empty(w, "related-activity", &[("ref", &c.grant_identifier(g)), ("type", "2")])?;
            }
            for pillar in &f.pillars {
                let measured: Vec<&IndicatorRow> = pillar
                    .indicators
                    .iter()
                    .filter_map(|key| indicators.iter().find(|i| &i.id == key))
                    .collect();
                if measured.is_empty() {
                    continue;
                }
                // A pillar is an outcome the strategy aims at; its indicators measure it.
                w.create_element("result").with_attribute(("type", "2")).write_inner_content(|w| {
                    let (en, fr) = (
                        format!("{}: {}", pillar.code, pillar.title.en),
                        format!("{} : {}", pillar.code, pillar.title.fr),
                    );
                    narratives(w, "title", &[], &en, if pillar.title.fr.is_empty() { "" } else { &fr })?;
                    for indicator in measured {
                        result_indicator(w, f, indicator)?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// An indicator: baseline at the strategy's start, then a period per calendar year with a
/// target and an actual per country.
fn result_indicator(w: &mut Xml, f: &Framework, i: &IndicatorRow) -> std::io::Result<()> {
    let measure = if i.unit == "percent" { "2" } else { "1" };
    w.create_element("indicator")
        .with_attributes([("measure", measure), ("ascending", "1")])
        .write_inner_content(|w| {
            let (en, fr) = (format!("{}: {}", i.code, i.title.en), format!("{} : {}", i.code, i.title.fr));
            narratives(w, "title", &[], &en, if i.title.fr.is_empty() { "" } else { &fr })?;
            let year = f.start.get(..4).unwrap_or_default();
            empty(
                w,
                "baseline",
                &[("year", year), ("iso-date", &f.start), ("value", &i.baseline.to_string())],
            )?;
            let mut years: Vec<i32> = i.cells.iter().map(|c| c.year).collect();
            years.dedup();
            for year in years {
                let cells: Vec<_> = i.cells.iter().filter(|c| c.year == year).collect();
                w.create_element("period").write_inner_content(|w| {
                    empty(w, "period-start", &[("iso-date", &format!("{year:04}-01-01"))])?;
                    empty(w, "period-end", &[("iso-date", &format!("{year:04}-12-31"))])?;
                    for cell in &cells {
                        if let Some(target) = cell.target {
                            valued(w, "target", target, cell.country.code(), None)?;
                        }
                    }
                    for cell in &cells {
                        let Some(actual) = cell.actual else { continue };
                        match cell.women {
                            Some(women) => {
                                valued(w, "actual", women, cell.country.code(), Some("female"))?;
                                valued(
                                    w,
                                    "actual",
                                    actual.saturating_sub(women),
                                    cell.country.code(),
                                    Some("male"),
                                )?;
                            }
                            None => valued(w, "actual", actual, cell.country.code(), None)?,
                        }
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// `<target value="…">` or `<actual value="…">` for a country, and a sex if given.
fn valued(w: &mut Xml, name: &str, value: u64, country: &str, sex: Option<&str>) -> std::io::Result<()> {
    w.create_element(name).with_attribute(("value", value.to_string().as_str())).write_inner_content(
        |w| {
            empty(w, "dimension", &[("name", "country"), ("value", country)])?;
            if let Some(sex) = sex {
                empty(w, "dimension", &[("name", "sex"), ("value", sex)])?;
            }
            Ok(())
        },
    )?;
    Ok(())
}
