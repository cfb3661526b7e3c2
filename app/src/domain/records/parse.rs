//! The checks on what was typed in a record's form: each field parsed by its input, then the
//! checks across fields. The browser runs them as the user types and the server again before
//! its own checks that need the database.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::super::form_values::{FormValues, amount_code, codes, notation, record_codes};
use super::super::{Country, Currency, DateRange, Money, Rate, parse_date};
use super::{FieldValue, Input, RecordDraft, RecordKind, TARGET_ROWS, Target};
use crate::error::FieldError;

struct Checker<'a> {
    values: &'a FormValues,
    errors: Vec<FieldError>,
}

impl Checker<'_> {
    fn raw(&self, field: &str) -> &str {
        self.values.get(field).map(|v| v.trim()).unwrap_or("")
    }

    fn error(&mut self, field: &str, code: &str) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError { field: field.to_owned(), message: code.to_owned() });
        }
    }

    fn list(&self, field: &str) -> Vec<String> {
        let mut items: Vec<String> =
            self.raw(field).split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        items.dedup();
        items
    }

    fn targets(&mut self) -> Vec<Target> {
        let mut targets: Vec<Target> = Vec::new();
        for i in 0..TARGET_ROWS {
            let names =
                [format!("target_{i}_year"), format!("target_{i}_country"), format!("target_{i}_value")];
            let [year, country, value] = names.each_ref().map(|n| self.raw(n).to_owned());
            if year.is_empty() && country.is_empty() && value.is_empty() {
                continue;
            }
            let year = year.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
            let country = Country::parse(&country.to_ascii_uppercase()).ok();
            let value = value.parse::<i64>().ok().filter(|v| (0..=1_000_000_000).contains(v));
            match (year, country, value) {
                (Some(year), Some(country), Some(value)) => {
                    let country = country.code().to_owned();
                    if targets.iter().any(|t| t.year == year && t.country == country) {
                        self.error(&names[0], record_codes::DUPLICATE_TARGET);
                    }
                    targets.push(Target { year, country, value });
                }
                _ => self.error(&names[0], record_codes::TARGET_ROW),
            }
        }
        targets
    }
}

/// Checks a record form; every problem is reported at once, by field.
pub fn parse_record(kind: RecordKind, values: &FormValues) -> Result<RecordDraft, Vec<FieldError>> {
    let mut c = Checker { values, errors: Vec::new() };
    let mut out = BTreeMap::new();
    for field in kind.fields() {
        let name = field.name;
        let raw = c.raw(name).to_owned();
        let empty = super::super::form_values::is_blank(&raw) && field.input != Input::Targets;
        let multiline = field.input == Input::LongText;
        if let Some(problem) = super::super::form_values::text_problem(&raw, multiline) {
            c.error(name, problem);
            continue;
        }
        if empty && field.required {
            c.error(name, codes::REQUIRED);
            continue;
        }
        let value = match field.input {
            Input::Text { max } => {
                if raw.chars().count() > max {
                    c.error(name, codes::TOO_LONG);
                }
                FieldValue::Text(raw)
            }
            Input::LongText => {
                if raw.chars().count() > 20_000 {
                    c.error(name, codes::TOO_LONG);
                }
                FieldValue::Text(raw)
            }
            _ if empty => match field.input {
                Input::Reference(_) => FieldValue::Ref(None),
                Input::References(_) => FieldValue::Refs(Vec::new()),
                Input::Countries | Input::List => FieldValue::Codes(Vec::new()),
                _ => continue,
            },
            Input::Date => match parse_date(&raw) {
                Ok(date) => FieldValue::Date(date),
                Err(e) => {
                    c.error(name, super::super::form_values::date_code(&e));
                    continue;
                }
            },
            Input::Integer => match raw.parse::<i64>() {
                Ok(n) if (0..=1_000_000_000).contains(&n) => FieldValue::Int(n),
                _ => {
                    c.error(name, codes::COUNT);
                    continue;
                }
            },
            Input::Country => match Country::parse(&raw.to_ascii_uppercase()) {
                Ok(country) => FieldValue::Text(country.code().to_owned()),
                Err(_) => {
                    c.error(name, codes::COUNTRY);
                    continue;
                }
            },
            Input::Countries => {
                let mut countries = Vec::new();
                for code in c.list(name) {
                    match Country::parse(&code.to_ascii_uppercase()) {
                        Ok(country) => countries.push(country.code().to_owned()),
                        Err(_) => c.error(name, codes::COUNTRY),
                    }
                }
                FieldValue::Codes(countries)
            }
            Input::List => {
                let items = c.list(name);
                if items.iter().any(|i| i.chars().count() > 100) || items.len() > 10_000 {
                    c.error(name, codes::TOO_LONG);
                }
                FieldValue::Codes(items)
            }
            Input::Currency => match Currency::parse(&raw.to_ascii_uppercase()) {
                Ok(currency) => FieldValue::Text(currency.as_str().to_owned()),
                Err(_) => {
                    c.error(name, record_codes::CURRENCY);
                    continue;
                }
            },
            Input::Amount { currency } => {
                // With an unreadable currency, at least check the shape of the amount.
                let currency = Currency::parse(&c.raw(currency).to_ascii_uppercase())
                    .unwrap_or_else(|_| Currency::eur());
                match Money::parse(&raw, currency, notation(values)) {
                    Ok(money) => FieldValue::Minor(money.minor()),
                    Err(e) => {
                        c.error(name, &amount_code(&e));
                        continue;
                    }
                }
            }
            Input::Rate => match Rate::parse_typed(&raw, notation(values)) {
                Ok(rate) => FieldValue::Rate(rate),
                Err(e) => {
                    let code = match e {
                        super::super::DomainError::AmountNotation(_) => codes::AMOUNT_NOTATION,
                        _ => record_codes::RATE,
                    };
                    c.error(name, code);
                    continue;
                }
            },
            Input::Choice(choices) => {
                if !choices.options().iter().any(|(code, _, _)| *code == raw) {
                    c.error(name, codes::CHOICE);
                    continue;
                }
                match choices.numeric() {
                    true => FieldValue::Int(raw.parse().unwrap_or_default()),
                    false => FieldValue::Text(raw),
                }
            }
            Input::Reference(_) => FieldValue::Ref(Some(raw)),
            Input::References(_) => FieldValue::Refs(c.list(name)),
            Input::Targets => FieldValue::Targets(c.targets()),
        };
        out.insert(name.to_owned(), value);
    }
    let draft = RecordDraft { kind, values: out };
    cross_checks(&mut c, &draft);
    if c.errors.is_empty() { Ok(draft) } else { Err(c.errors) }
}

/// Rules between fields of one record.
fn cross_checks(c: &mut Checker<'_>, draft: &RecordDraft) {
    let mut period = |start: &str, end: &str| {
        if let (Some(s), Some(e)) = (draft.date(start), draft.date(end))
            && DateRange::new(s, e).is_err()
        {
            c.error(end, codes::END_BEFORE_START);
        }
    };
    match draft.kind {
        RecordKind::Grant => {
            period("start_on", "end_on");
            period("signed_on", "end_on");
            let provider = draft.text("provider_activity_id");
            if !provider.is_empty() && !crate::domain::iati::is_identifier(provider) {
                c.error("provider_activity_id", record_codes::IATI_IDENTIFIER);
            }
        }
        RecordKind::Strategy => period("period_start", "period_end"),
        RecordKind::Equipment => {
            if draft.int("quantity") == Some(0) {
                c.error("quantity", codes::COUNT);
            }
            let serials = match draft.values.get("serials") {
                Some(FieldValue::Codes(s)) => s.len(),
                _ => 0,
            };
            if draft.int("quantity").is_some_and(|q| serials as i64 > q) {
                c.error("serials", crate::domain::handovers::confirm_codes::TOO_MANY);
            }
        }
        RecordKind::Transaction => {
            if draft.text("currency") == "EUR" && draft.rate("rate_to_eur").is_some_and(|r| !r.is_one()) {
                c.error("rate_to_eur", record_codes::RATE_NOT_ONE);
            }
            if draft.reference("activity").is_some() && draft.reference("equipment").is_some() {
                c.error("equipment", record_codes::ONE_PURPOSE);
            }
        }
        _ => {}
    }
}

/// The form values of a stored record's target list.
pub fn target_values(targets: &[Target], values: &mut FormValues) {
    for (i, t) in targets.iter().enumerate().take(TARGET_ROWS) {
        values.insert(format!("target_{i}_year"), t.year.to_string());
        values.insert(format!("target_{i}_country"), t.country.clone());
        values.insert(format!("target_{i}_value"), t.value.to_string());
    }
}

/// The year of a date, for lists.
pub fn year_of(date: NaiveDate) -> i32 {
    date.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn grant_form() -> FormValues {
        form(&[
            ("donor", "nl_mfa"),
            ("reference", "NL-1-TEST"),
            ("title", "Test grant"),
            ("currency", "usd"),
            ("amount_minor", "1 250 000,50"),
            ("notation", "fr"),
            ("signed_on", "2018-01-10"),
            ("start_on", "2018-02-01"),
            ("end_on", "2019-12-31"),
            ("status", "active"),
            ("pillars", "p1,p2"),
            ("countries", "ml, ne"),
        ])
    }

    fn errors_of(kind: RecordKind, values: &FormValues) -> Vec<(String, String)> {
        parse_record(kind, values).unwrap_err().into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn a_grant_is_read_whole_in_its_own_currency() {
        let draft = parse_record(RecordKind::Grant, &grant_form()).unwrap();
        assert_eq!(draft.text("currency"), "USD");
        assert_eq!(draft.int("amount_minor"), Some(125_000_050));
        assert_eq!(draft.values["countries"], FieldValue::Codes(vec!["ML".into(), "NE".into()]));
        assert_eq!(draft.values["pillars"], FieldValue::Refs(vec!["p1".into(), "p2".into()]));
        assert_eq!(draft.reference("donor"), Some("nl_mfa"));
        // The same text on an English page is refused, not read as 125,000,050 cents.
        let mut english = grant_form();
        english.insert("notation".into(), "en".into());
        assert_eq!(
            errors_of(RecordKind::Grant, &english),
            [("amount_minor".into(), codes::AMOUNT_NOTATION.into())]
        );
        english.insert("amount_minor".into(), "1,250,000.50".into());
        assert_eq!(parse_record(RecordKind::Grant, &english).unwrap().int("amount_minor"), Some(125_000_050));
        english.insert("amount_minor".into(), "10.125".into());
        assert_eq!(
            errors_of(RecordKind::Grant, &english),
            [("amount_minor".into(), "amount_decimals:USD:3:2".into())]
        );
    }

    #[test]
    fn each_grant_rule_names_its_field() {
        let mut values = grant_form();
        values.insert("currency".into(), "EURO".into());
        values.insert("amount_minor".into(), "-5".into());
        values.insert("end_on".into(), "2017-12-31".into());
        values.insert("status".into(), "dreaming".into());
        values.insert("reference".into(), String::new());
        let errors = errors_of(RecordKind::Grant, &values);
        for expected in [
            ("currency", record_codes::CURRENCY),
            ("amount_minor", codes::AMOUNT),
            ("end_on", codes::END_BEFORE_START),
            ("status", codes::CHOICE),
            ("reference", codes::REQUIRED),
        ] {
            assert!(errors.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {errors:?}");
        }
    }

    #[test]
    fn the_donors_activity_identifier_is_optional_and_usable_by_iati() {
        assert_eq!(parse_record(RecordKind::Grant, &grant_form()).unwrap().text("provider_activity_id"), "");
        let mut values = grant_form();
        values.insert("provider_activity_id".into(), "NL-1-PPR-12345".into());
        assert_eq!(
            parse_record(RecordKind::Grant, &values).unwrap().text("provider_activity_id"),
            "NL-1-PPR-12345"
        );
        for bad in ["NL-1 PPR", "NL-1/PPR", "A&B"] {
            values.insert("provider_activity_id".into(), bad.into());
            assert_eq!(
                errors_of(RecordKind::Grant, &values),
                [("provider_activity_id".into(), record_codes::IATI_IDENTIFIER.into())],
                "{bad}"
            );
        }
    }

    #[test]
    fn transactions_in_euro_have_a_euro_rate_of_one_and_pay_for_one_thing() {
        let values = form(&[
            ("donor_grant", "nl_2018"),
            ("kind", "4"),
            ("value_date", "2018-05-18"),
            ("currency", "EUR"),
            ("amount_minor", "100"),
            ("rate_to_grant", "1"),
            ("rate_to_eur", "1.1"),
            ("activity", "ml_workshop_2018"),
            ("equipment", "ml_projector_2018"),
            ("provider", "UNODC"),
            ("receiver", "Hotel"),
        ]);
        let errors = errors_of(RecordKind::Transaction, &values);
        assert!(errors.contains(&("rate_to_eur".into(), record_codes::RATE_NOT_ONE.into())));
        assert!(errors.contains(&("equipment".into(), record_codes::ONE_PURPOSE.into())));
    }

    #[test]
    fn indicator_targets_are_whole_rows() {
        let mut values =
            form(&[("pillar", "p2"), ("code", "X"), ("title", "T"), ("unit", "people"), ("baseline", "0")]);
        values.insert("target_0_year".into(), "2018".into());
        values.insert("target_0_country".into(), "ml".into());
        values.insert("target_0_value".into(), "40".into());
        let draft = parse_record(RecordKind::Indicator, &values).unwrap();
        assert_eq!(
            draft.values["targets"],
            FieldValue::Targets(vec![Target { year: 2018, country: "ML".into(), value: 40 }])
        );
        values.insert("target_1_year".into(), "2018".into());
        values.insert("target_1_country".into(), "ML".into());
        values.insert("target_1_value".into(), "5".into());
        values.insert("target_2_year".into(), "20x8".into());
        let errors = errors_of(RecordKind::Indicator, &values);
        assert!(errors.contains(&("target_1_year".into(), record_codes::DUPLICATE_TARGET.into())));
        assert!(errors.contains(&("target_2_year".into(), record_codes::TARGET_ROW.into())));
    }

    #[test]
    fn every_kind_has_a_slug_and_its_unique_field_exists() {
        for kind in RecordKind::ALL {
            assert_eq!(RecordKind::from_slug(kind.slug()), Some(*kind));
            if let Some(unique) = kind.unique() {
                assert!(kind.field(unique).is_some(), "{kind:?}");
            }
            assert!(kind.fields().iter().any(|f| f.listed));
        }
    }
}
