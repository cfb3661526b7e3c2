//! A grant, as the parent activity (`hierarchy="2"`) of the activities it funds and a child of
//! the programme (`programme`): its budget year by year, its incoming funds and the transactions
//! of no activity.

use quick_xml::events::BytesText;
use surrealdb::types::Value;

use super::context::{Context, transaction};
use super::organisation::spread_over_years;
use super::xml::{Xml, empty, narratives, reporting_org};
use crate::http::exports::cells::units;

/// A grant, as the parent activity of those it funds.
pub(super) fn grant(w: &mut Xml, c: &Context, g: &[Value], spent: &[Vec<Value>]) -> std::io::Result<()> {
    let get = |name: &str| c.grants.text(g, name);
    let donor = c.donor_row(&get("donor_id"));
    let donor_name = |lang: &str| donor.map(|d| c.donors.text(d, lang)).unwrap_or_default();
    let (reference, amount, currency) = (get("reference"), get("amount"), get("currency"));
    let (start, end, status) = (get("start_on"), get("end_on"), get("status"));
    let started = matches!(status.as_str(), "active" | "closed");
    w.create_element("iati-activity")
        .with_attributes([("xml:lang", "en"), ("hierarchy", "2")])
        .write_inner_content(|w| {
            w.create_element("iati-identifier").write_text_content(BytesText::new(&c.grant_identifier(g)))?;
            reporting_org(w, &c.settings)?;
            narratives(w, "title", &[], &get("title"), &get("title_fr"))?;
            let name_fr = Some(donor_name("name_fr")).filter(|n| !n.is_empty()).unwrap_or(donor_name("name"));
            narratives(
                w,
                "description",
                &[("type", "1")],
                &format!(
                    "Grant {reference} of {}: {amount} {currency}, from {start} to {end}.",
                    donor_name("name")
                ),
                &format!("Subvention {reference} de {name_fr} : {amount} {currency}, du {start} au {end}."),
            )?;
            if let Some(d) = donor {
                c.funder(w, d)?;
            }
            c.ourselves(w, "2")?;
            let code = match status.as_str() {
                "pipeline" => "1",
                "active" => "2",
                "cancelled" => "5",
                _ => "4",
            };
            empty(w, "activity-status", &[("code", code)])?;
            c.dates(
                w,
                [
                    ("1", start.clone()),
                    ("2", if started { start.clone() } else { String::new() }),
                    ("3", end.clone()),
                    ("4", if status == "closed" { end.clone() } else { String::new() }),
                ],
            )?;
            let earmarked: Vec<String> = get("countries")
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let countries = if earmarked.is_empty() { &c.countries } else { &earmarked };
            for (country, percentage) in countries.iter().zip(percentages(countries.len())) {
                let mut attributes = vec![("code", country.as_str())];
                if countries.len() > 1 {
                    attributes.push(("percentage", percentage.as_str()));
                }
                empty(w, "recipient-country", &attributes)?;
            }
            c.sector(w, "both")?;
            budgets(w, c, g, status == "pipeline")?;
            for t in spent {
                transaction(w, c, t)?;
            }
            for f in &c.programmes {
                empty(w, "related-activity", &[("ref", &c.programme_identifier(f)), ("type", "1")])?;
            }
            Ok(())
        })?;
    Ok(())
}

/// `n` percentages that add up to 100 exactly, to the hundredth (the first ones take the
/// remainder): 33.34, 33.33, 33.33.
pub(super) fn percentages(n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let (each, left) = (10_000 / n, 10_000 % n);
    (0..n)
        .map(|i| {
            let hundredths = each + usize::from(i < left);
            format!("{}.{:02}", hundredths / 100, hundredths % 100)
        })
        .collect()
}

/// A grant's budget: its amount spread over the calendar years of its dates, each year a
/// `budget` of at most a year (rule 7.5.3), committed once signed.
fn budgets(w: &mut Xml, c: &Context, g: &[Value], pipeline: bool) -> std::io::Result<()> {
    use chrono::Datelike;
    let date = |name: &str| chrono::NaiveDate::parse_from_str(&c.grants.text(g, name), "%Y-%m-%d").ok();
    let (Some(start), Some(end)) = (date("start_on"), date("end_on")) else { return Ok(()) };
    let Some(Value::Number(surrealdb::types::Number::Int(minor))) = g.get(c.grants.column("amount")) else {
        return Ok(());
    };
    let currency = c.grants.text(g, "currency");
    let exponent = app::domain::Currency::parse(&currency).map_or(2, |c| c.exponent());
    for (year, share) in spread_over_years(*minor, start, end) {
        let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).map_or(start, |d| d.max(start));
        let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).map_or(end, |d| d.min(end));
        debug_assert_eq!(first.year(), last.year());
        let (first, last) = (first.format("%Y-%m-%d").to_string(), last.format("%Y-%m-%d").to_string());
        w.create_element("budget")
            .with_attributes([("type", "1"), ("status", if pipeline { "1" } else { "2" })])
            .write_inner_content(|w| {
                empty(w, "period-start", &[("iso-date", &first)])?;
                empty(w, "period-end", &[("iso-date", &last)])?;
                w.create_element("value")
                    .with_attributes([("currency", currency.as_str()), ("value-date", first.as_str())])
                    .write_text_content(BytesText::new(&units(share, exponent)))?;
                Ok(())
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::percentages;

    #[test]
    fn country_percentages_add_up_to_a_hundred() {
        assert_eq!(percentages(1), ["100.00"]);
        assert_eq!(percentages(3), ["33.34", "33.33", "33.33"]);
        for n in 1..40 {
            let total: u64 = percentages(n).iter().map(|p| p.replace('.', "").parse::<u64>().unwrap()).sum();
            assert_eq!(total, 10_000, "{n}");
        }
    }
}
