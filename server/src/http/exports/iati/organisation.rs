//! `organisation.xml`: the reporting organisation, with its total budget per calendar year and
//! currency from the grants of the file's filter (each grant's amount spread over its days).

use std::collections::BTreeMap;

use quick_xml::events::BytesText;
use surrealdb::types::Value;

use app::domain::Scope;
use app::domain::exports::{ExportFilter, ExportKind};
use app::error::AppError;

use super::xml::{
    Table, Xml, close_document, empty, narratives, now, open_document, reporting_org, write_failed,
};
use crate::config::IatiSettings;
use crate::db::Db;
use crate::http::exports::cells::units;

/// The file, and how many yearly budgets it holds.
pub(super) async fn write(
    db: &Db,
    settings: &IatiSettings,
    filter: &ExportFilter,
    scope: &Scope,
) -> Result<(Vec<u8>, u64), AppError> {
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
    let bytes = write_organisation(settings, &budgets).map_err(write_failed)?;
    Ok((bytes, budgets.len() as u64))
}

fn write_organisation(
    settings: &IatiSettings,
    budgets: &BTreeMap<(i32, String), i64>,
) -> std::io::Result<Vec<u8>> {
    let now = now();
    let mut w = Xml::new_with_indent(Vec::new(), b' ', 1);
    open_document(&mut w, "iati-organisations", &now)?;
    w.create_element("iati-organisation")
        .with_attribute(("last-updated-datetime", now.as_str()))
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
                        empty(w, "period-start", &[("iso-date", &start)])?;
                        empty(w, "period-end", &[("iso-date", &end)])?;
                        w.create_element("value")
                            .with_attribute(("currency", currency.as_str()))
                            .with_attribute(("value-date", start.as_str()))
                            .write_text_content(BytesText::new(&units(*minor, exponent)))?;
                        Ok(())
                    },
                )?;
            }
            Ok(())
        })?;
    close_document(&mut w, "iati-organisations")?;
    Ok(w.into_inner())
}

/// `minor` spread over the calendar years from `start` to `end` (both included) in proportion
/// to their days, in whole minor units that add up to `minor` exactly (the remainder goes to
/// the years with the largest fractions, then the earliest).
pub(super) fn spread_over_years(
    minor: i64,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
) -> Vec<(i32, i64)> {
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
