//! The activity form: what a programme manager types, checked field by field.
//!
//! The same parser runs in the browser (inline checks) and on the server (the rule that
//! counts), so a rule lives once. Rules that need the database (dates inside the strategy and
//! the grants' periods) are checked by the server on top.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::form_values::{FormValues, amount_code, amount_error, codes, notation, record_codes};
use super::{
    ActivityKind, ActivityStatus, Country, DateRange, DomainError, Headcount, Participants, Theme, parse_date,
};
use crate::error::FieldError;

/// Rows offered for funding lines and instructors on the form.
pub const FUNDING_ROWS: usize = 3;
pub const INSTRUCTOR_ROWS: usize = 6;

/// A funding line as entered: the grant's key and the amount in the grant's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingDraft {
    pub grant: String,
    /// Amount as typed; the server parses it in the grant's currency.
    pub amount: String,
}

/// An instructor as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructorDraft {
    pub name: Option<String>,
    pub institution: String,
    pub supervisor: bool,
}

/// A checked activity, ready for the server's own checks and saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDraft {
    pub code: String,
    pub title: String,
    pub title_fr: String,
    pub kind: ActivityKind,
    pub status: ActivityStatus,
    pub planned: DateRange,
    pub actual: Option<DateRange>,
    pub country: Country,
    pub city: String,
    pub venue: String,
    pub institutes: Vec<String>,
    pub theme: Theme,
    pub pillar: Option<String>,
    pub funding: Vec<FundingDraft>,
    /// The activity's total cost; the funding shares may not add up to more.
    pub cost: Option<crate::domain::Money>,
    /// The language whose notation the funding amounts were typed in (`form_values::NOTATION`).
    #[serde(default)]
    pub notation: crate::i18n::Locale,
    pub participants: Participants,
    pub participant_profile: String,
    pub participant_profile_fr: String,
    pub instructors: Vec<InstructorDraft>,
    pub narrative: String,
    pub narrative_fr: String,
}

struct Checker<'a> {
    values: &'a FormValues,
    errors: Vec<FieldError>,
}

impl<'a> Checker<'a> {
    fn raw(&self, field: &str) -> &'a str {
        self.values.get(field).map(|v| v.trim()).unwrap_or("")
    }

    fn error(&mut self, field: &str, code: &str) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError { field: field.to_owned(), message: code.to_owned() });
        }
    }

    /// A text field, trimmed; a text over 300 characters may hold line breaks (the narratives
    /// and profiles), a shorter one (codes, titles, names) may not.
    fn text(&mut self, field: &str, required: bool, max: usize) -> String {
        let value = self.raw(field).to_owned();
        if let Some(problem) = super::form_values::text_problem(&value, max > 300) {
            self.error(field, problem);
        } else if required && super::form_values::is_blank(&value) {
            self.error(field, codes::REQUIRED);
        } else if value.chars().count() > max {
            self.error(field, codes::TOO_LONG);
        }
        value
    }

    fn date(&mut self, field: &str, required: bool) -> Option<NaiveDate> {
        let value = self.raw(field);
        if value.is_empty() {
            if required {
                self.error(field, codes::REQUIRED);
            }
            return None;
        }
        match parse_date(value) {
            Ok(date) => Some(date),
            Err(e) => {
                self.error(field, super::form_values::date_code(&e));
                None
            }
        }
    }

    fn range(&mut self, start_field: &str, end_field: &str, required: bool) -> Option<DateRange> {
        let (start, end) = (self.date(start_field, required), self.date(end_field, required));
        match (start, end) {
            (Some(s), Some(e)) => match DateRange::new(s, e) {
                Ok(range) => Some(range),
                Err(_) => {
                    self.error(end_field, codes::END_BEFORE_START);
                    None
                }
            },
            (Some(_), None) if !required && self.raw(end_field).is_empty() => {
                self.error(end_field, codes::BOTH_DATES);
                None
            }
            (None, Some(_)) if !required && self.raw(start_field).is_empty() => {
                self.error(start_field, codes::BOTH_DATES);
                None
            }
            _ => None,
        }
    }

    fn count(&mut self, field: &str) -> u32 {
        let value = self.raw(field);
        if value.is_empty() {
            return 0;
        }
        match value.parse::<u32>() {
            Ok(n) if n <= 100_000 => n,
            _ => {
                self.error(field, codes::COUNT);
                0
            }
        }
    }
}

/// Checks the form; every problem is reported at once, by field.
pub fn parse_activity_form(values: &FormValues) -> Result<ActivityDraft, Vec<FieldError>> {
    let mut c = Checker { values, errors: Vec::new() };
    let code = c.text("code", true, 40);
    let title = c.text("title", true, 300);
    let title_fr = c.text("title_fr", false, 300);
    let kind = ActivityKind::from_code(c.raw("kind")).map_err(|_| c.error("kind", codes::CHOICE)).ok();
    let status = c
        .raw("status")
        .parse::<i64>()
        .ok()
        .and_then(|n| ActivityStatus::from_code(n).ok())
        .ok_or_else(|| c.error("status", codes::CHOICE))
        .ok();
    let planned = c.range("planned_start", "planned_end", true);
    let actual = c.range("actual_start", "actual_end", false);
    let country = match Country::parse(c.raw("country")) {
        Ok(country) => Some(country),
        Err(_) => {
            c.error("country", if c.raw("country").is_empty() { codes::REQUIRED } else { codes::COUNTRY });
            None
        }
    };
    let city = c.text("city", true, 120);
    let venue = c.text("venue", false, 200);
    let theme = Theme::from_code(c.raw("theme")).map_err(|_| c.error("theme", codes::CHOICE)).ok();
    let pillar = Some(c.raw("pillar").to_owned()).filter(|p| !p.is_empty());
    let institutes: Vec<String> =
        c.raw("institutes").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();

    let mut headcount = |service: &str| {
        let women = c.count(&format!("{service}_women"));
        let men = c.count(&format!("{service}_men"));
        Headcount::new(women.saturating_add(men), women).unwrap_or_default()
    };
    let participants = Participants {
        police: headcount("police"),
        gendarmerie: headcount("gendarmerie"),
        justice: headcount("justice"),
        other: headcount("other"),
    };

    let mut funding = Vec::new();
    for i in 0..FUNDING_ROWS {
        let (grant_field, amount_field) = (format!("funding_{i}_grant"), format!("funding_{i}_amount"));
        let (grant, amount) = (c.raw(&grant_field).to_owned(), c.raw(&amount_field).to_owned());
        match (grant.is_empty(), amount.is_empty()) {
            (true, true) => continue,
            (true, false) => c.error(&grant_field, codes::REQUIRED),
            (false, true) => c.error(&amount_field, codes::REQUIRED),
            (false, false) => {
                if funding.iter().any(|f: &FundingDraft| f.grant == grant) {
                    c.error(&grant_field, codes::DUPLICATE_GRANT);
                }
                // Checked against the grant's currency on the server; here only the shape (with
                // the most decimals any currency has).
                let widest = crate::domain::Currency::parse("KWD").expect("an ISO 4217 code");
                if let Err(e) = crate::domain::Money::parse(&amount, widest, notation(c.values)) {
                    c.error(&amount_field, &amount_code(&e));
                }
                funding.push(FundingDraft { grant, amount });
            }
        }
    }

    let cost = cost(&mut c, &funding);

    let mut instructors = Vec::new();
    for i in 0..INSTRUCTOR_ROWS {
        let name = c.text(&format!("instructor_{i}_name"), false, 200);
        let institution = c.text(&format!("instructor_{i}_institution"), false, 200);
        let supervisor = !c.raw(&format!("instructor_{i}_supervisor")).is_empty();
        if name.is_empty() && institution.is_empty() {
            continue;
        }
        if institution.is_empty() {
            c.error(&format!("instructor_{i}_institution"), codes::REQUIRED);
            continue;
        }
        instructors.push(InstructorDraft {
            name: Some(name).filter(|n| !n.is_empty()),
            institution,
            supervisor,
        });
    }

    let participant_profile = c.text("participant_profile", false, 1000);
    let participant_profile_fr = c.text("participant_profile_fr", false, 1000);
    let narrative = c.text("narrative", false, 20_000);
    let narrative_fr = c.text("narrative_fr", false, 20_000);

    match (c.errors.is_empty(), kind, status, planned, country, theme) {
        (true, Some(kind), Some(status), Some(planned), Some(country), Some(theme)) => Ok(ActivityDraft {
            code,
            title,
            title_fr,
            kind,
            status,
            planned,
            actual,
            country,
            city,
            venue,
            institutes,
            theme,
            pillar,
            funding,
            cost,
            participants,
            participant_profile,
            participant_profile_fr,
            instructors,
            narrative,
            narrative_fr,
            notation: notation(c.values),
        }),
        _ => Err(c.errors),
    }
}

/// The cost, if typed, and the rule that the funding shares do not add up to more. Here the
/// shares are read in the cost's currency; the server checks them in each grant's currency.
fn cost(c: &mut Checker<'_>, funding: &[FundingDraft]) -> Option<crate::domain::Money> {
    use crate::domain::{Currency, Money};
    let (amount, currency) = (c.raw("cost"), c.raw("cost_currency"));
    if amount.is_empty() {
        return None;
    }
    let currency = if currency.is_empty() {
        Ok(Currency::eur())
    } else {
        Currency::parse(&currency.to_ascii_uppercase())
    };
    let Ok(currency) = currency else {
        c.error("cost_currency", record_codes::CURRENCY);
        return None;
    };
    let cost = match Money::parse(amount, currency.clone(), notation(c.values)) {
        Ok(cost) => cost,
        Err(e) => {
            c.error("cost", &amount_code(&e));
            return None;
        }
    };
    let shares: i64 = funding
        .iter()
        .filter_map(|f| Money::parse(&f.amount, currency.clone(), notation(c.values)).ok())
        .map(|m| m.minor())
        .sum();
    if shares > cost.minor()
        && let Ok(excess) = Money::new(shares - cost.minor(), currency)
    {
        c.error("cost", &amount_error(record_codes::OVER_COST, &excess));
    }
    Some(cost)
}

/// The form values that show an existing activity for editing.
pub fn activity_form_values(a: &super::ActivityEdit) -> FormValues {
    let mut v = FormValues::new();
    let mut set = |k: &str, val: String| {
        v.insert(k.to_owned(), val);
    };
    set("code", a.code.clone());
    set("title", a.title.en.clone());
    set("title_fr", a.title.fr.clone());
    set("kind", a.kind.code().to_owned());
    set("status", a.status.code().to_string());
    set("planned_start", a.planned.start().to_string());
    set("planned_end", a.planned.end().to_string());
    if let Some(actual) = a.actual {
        set("actual_start", actual.start().to_string());
        set("actual_end", actual.end().to_string());
    }
    set("country", a.country.code().to_owned());
    set("city", a.city.clone());
    set("venue", a.venue.clone());
    set("institutes", a.institutes.join(","));
    set("theme", a.theme.code().to_owned());
    set("pillar", a.pillar.clone().unwrap_or_default());
    for (service, count) in [
        ("police", a.participants.police),
        ("gendarmerie", a.participants.gendarmerie),
        ("justice", a.participants.justice),
        ("other", a.participants.other),
    ] {
        set(&format!("{service}_women"), count.women().to_string());
        set(&format!("{service}_men"), count.men().to_string());
    }
    for (i, f) in a.funding.iter().enumerate().take(FUNDING_ROWS) {
        set(&format!("funding_{i}_grant"), f.grant.clone());
        set(&format!("funding_{i}_amount"), f.amount.clone());
    }
    for (i, ins) in a.instructors.iter().enumerate().take(INSTRUCTOR_ROWS) {
        set(&format!("instructor_{i}_name"), ins.name.clone().unwrap_or_default());
        set(&format!("instructor_{i}_institution"), ins.institution.clone());
        if ins.supervisor {
            set(&format!("instructor_{i}_supervisor"), "on".into());
        }
    }
    if let Some(cost) = &a.cost {
        set("cost", cost.plain());
        set("cost_currency", cost.currency().as_str().to_owned());
    }
    set("participant_profile", a.participant_profile.en.clone());
    set("participant_profile_fr", a.participant_profile.fr.clone());
    set("narrative", a.narrative.en.clone());
    set("narrative_fr", a.narrative.fr.clone());
    set("version", a.version.to_string());
    v
}

impl From<DomainError> for FieldError {
    fn from(error: DomainError) -> Self {
        FieldError { field: String::new(), message: error.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workshop() -> FormValues {
        [
            ("code", "ACT-2018-ML-WS-05"),
            ("title", "Tutoring workshop"),
            ("kind", "workshop"),
            ("status", "4"),
            ("planned_start", "2018-05-08"),
            ("planned_end", "2018-05-11"),
            ("country", "ML"),
            ("city", "Bamako"),
            ("theme", "both"),
            ("institutes", "ml_enp"),
            ("police_women", "2"),
            ("police_men", "18"),
            ("funding_0_grant", "nl_2018"),
            ("funding_0_amount", "38 500,00"),
            ("notation", "fr"),
            ("instructor_0_institution", "National Police of Mali"),
            ("instructor_1_institution", "UNODC"),
            ("instructor_1_supervisor", "on"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn a_complete_form_becomes_a_draft() {
        let draft = parse_activity_form(&workshop()).unwrap();
        assert_eq!(draft.participants.total(), 20);
        assert_eq!(draft.participants.women(), 2);
        assert_eq!(draft.planned.days(), 4);
        assert_eq!(draft.funding, vec![FundingDraft { grant: "nl_2018".into(), amount: "38 500,00".into() }]);
        assert_eq!(draft.instructors.len(), 2);
        assert!(draft.instructors[1].supervisor);
        assert_eq!(draft.institutes, vec!["ml_enp".to_owned()]);
    }

    #[test]
    fn every_problem_is_reported_by_field() {
        let mut v = workshop();
        v.insert("title".into(), "  ".into());
        v.insert("planned_end".into(), "2018-05-01".into());
        v.insert("actual_start".into(), "2018-05-08".into());
        v.insert("police_women".into(), "-2".into());
        v.insert("funding_0_amount".into(), "lots".into());
        v.insert("country".into(), "Mali".into());
        v.insert("instructor_2_name".into(), "Awa".into());
        let errors = parse_activity_form(&v).unwrap_err();
        let by_field: std::collections::BTreeMap<&str, &str> =
            errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(by_field["title"], codes::REQUIRED);
        assert_eq!(by_field["planned_end"], codes::END_BEFORE_START);
        assert_eq!(by_field["actual_end"], codes::BOTH_DATES);
        assert_eq!(by_field["police_women"], codes::COUNT);
        assert_eq!(by_field["funding_0_amount"], codes::AMOUNT);
        assert_eq!(by_field["country"], codes::COUNTRY);
        assert_eq!(by_field["instructor_2_institution"], codes::REQUIRED);
    }

    #[test]
    fn funding_shares_may_not_exceed_the_cost() {
        let mut v = workshop();
        v.insert("cost".into(), "38 500".into());
        assert_eq!(parse_activity_form(&v).unwrap().cost.map(|c| c.minor()), Some(3_850_000));
        v.insert("cost".into(), "38 000".into());
        let errors = parse_activity_form(&v).unwrap_err();
        assert_eq!(errors[0].field, "cost");
        assert_eq!(errors[0].message, "over_cost:EUR:50000");
        v.insert("cost_currency".into(), "euros".into());
        assert_eq!(parse_activity_form(&v).unwrap_err()[0].field, "cost_currency");
    }
}
