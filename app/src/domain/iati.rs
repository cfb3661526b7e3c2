//! Checks before publishing to IATI: the rules of the standard's ruleset that an activity of
//! ours can break, each named so that a manager can fix the record.
//!
//! The others hold by construction of the file (`server/src/http/exports/iati.rs`): every
//! narrative has a language (each activity declares English as its default), every value its
//! currency, the identifier starts with the reporting organisation's ref and a hyphen, and an
//! activity has one sector at most, so sector percentages never need to add up.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The reporting organisation of the IATI files and the sector of each theme, as set
/// (`AIDTRAIL_IATI_*`, read by the server at start).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// Its IATI organisation identifier; every activity's identifier starts with it and a hyphen.
    pub org_ref: String,
    /// Its IATI organisation type code.
    pub org_type: String,
    pub name_en: String,
    pub name_fr: String,
    /// The DAC 5-digit sector of the themes `tip`, `som` and `both`.
    pub sectors: Vec<(String, String)>,
    /// The site's address (`AIDTRAIL_PUBLIC_URL`): the public files the activities file links
    /// to are under it; without it, the links are relative to the site.
    pub site_url: Option<String>,
}

impl Publisher {
    /// The address of a public file, as the activities file links to it.
    pub fn public_file_url(&self, key: &str) -> String {
        format!("{}/public/files/{key}", self.site_url.as_deref().unwrap_or_default())
    }
}

/// The identifier of the demo data's reporting organisation.
pub const DEMO_ORG_REF: &str = "XI-IATI-AIDTRAIL-DEMO";

/// The codes of IATI's OrganisationType codelist (2.03; a test compares them with the shipped
/// codelist).
pub const ORGANISATION_TYPES: [&str; 16] =
    ["10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90"];

/// What is wrong with the settings, for the admins' settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingProblem {
    /// Still the demo identifier: the files would be published under an organisation that
    /// does not exist.
    DemoRef,
    /// Not of the form `AGENCY-ID` (a registration agency's prefix, a hyphen, the number it
    /// gave), or with spaces.
    RefShape,
    /// Not a code of the OrganisationType codelist.
    UnknownType,
    /// A name is missing in a language.
    NoName,
    /// A theme has no sector: its activities are flagged by the checks.
    ThemeWithoutSector(String),
}

impl Publisher {
    /// The sector of an activity's theme, if one is set.
    pub fn sector_for(&self, theme: &str) -> Option<&str> {
        self.sectors.iter().find(|(t, _)| t == theme).map(|(_, code)| code.as_str())
    }

    /// What should be fixed before publishing.
    pub fn problems(&self) -> Vec<SettingProblem> {
        let mut problems = Vec::new();
        if self.org_ref == DEMO_ORG_REF {
            problems.push(SettingProblem::DemoRef);
        }
        let parts: Vec<&str> = self.org_ref.split('-').collect();
        if parts.len() < 2
            || parts.iter().any(|p| p.is_empty())
            || self.org_ref.chars().any(char::is_whitespace)
        {
            problems.push(SettingProblem::RefShape);
        }
        if !ORGANISATION_TYPES.contains(&self.org_type.as_str()) {
            problems.push(SettingProblem::UnknownType);
        }
        if self.name_en.trim().is_empty() || self.name_fr.trim().is_empty() {
            problems.push(SettingProblem::NoName);
        }
        for theme in ["tip", "som", "both"] {
            if self.sector_for(theme).is_none() {
                problems.push(SettingProblem::ThemeWithoutSector(theme.to_owned()));
            }
        }
        problems
    }
}

/// A rule an activity breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IatiRule {
    /// No planned or actual start date: the standard asks for a start.
    NoStartDate,
    /// No sector: its theme has none in the settings (`AIDTRAIL_IATI_SECTORS`).
    NoSector,
    /// An actual start or end date after today.
    FutureActualDate,
    /// A code that cannot end an identifier: empty, or with characters other than letters,
    /// digits, `-`, `_` and `.`.
    UnusableCode,
    /// A transaction dated after today (rules 11.2.1 and 11.2.2): money that has not moved yet.
    FutureTransaction,
}

/// What a problem is about: an activity, a grant (published as the parent of the activities
/// it funds) or a transaction, by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    Activity(String),
    Grant(String),
    Transaction(String),
}

impl Subject {
    /// The form that fixes it.
    pub fn edit_href(&self) -> String {
        match self {
            Subject::Activity(key) => format!("/activities/{key}/edit"),
            Subject::Grant(key) => format!("/records/grants/{key}"),
            Subject::Transaction(key) => format!("/records/transactions/{key}"),
        }
    }
}

/// An activity, grant or transaction of the file that breaks rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IatiProblem {
    pub subject: Subject,
    /// The activity's code, or the grant's reference: the end of its identifier (a
    /// transaction: its activity's, or else its grant's).
    pub code: String,
    pub rules: Vec<IatiRule>,
}

/// Whether `text` can be an IATI identifier: not empty, no spaces, none of `/ & | ?` (rules
/// 1.3.1 and 1.3.13 of the standard ruleset).
pub fn is_identifier(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || matches!(c, '/' | '&' | '|' | '?'))
}

/// Whether `code` can end one of our identifiers: letters, digits, `-`, `_` and `.` only.
pub fn usable_code(code: &str) -> bool {
    !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What the checks read of an activity.
pub struct ActivityFacts<'a> {
    pub code: &'a str,
    pub planned_start: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub has_sector: bool,
}

/// The rules `activity` breaks on `today`.
pub fn rules_broken(activity: &ActivityFacts<'_>, today: NaiveDate) -> Vec<IatiRule> {
    let mut broken = Vec::new();
    if activity.planned_start.is_none() && activity.actual_start.is_none() {
        broken.push(IatiRule::NoStartDate);
    }
    if !activity.has_sector {
        broken.push(IatiRule::NoSector);
    }
    if [activity.actual_start, activity.actual_end].into_iter().flatten().any(|d| d > today) {
        broken.push(IatiRule::FutureActualDate);
    }
    if !usable_code(activity.code) {
        broken.push(IatiRule::UnusableCode);
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    fn facts(code: &str) -> ActivityFacts<'_> {
        ActivityFacts {
            code,
            planned_start: day("2018-05-08"),
            actual_start: day("2018-05-08"),
            actual_end: day("2018-05-11"),
            has_sector: true,
        }
    }

    #[test]
    fn the_settings_say_what_to_fix_before_publishing() {
        let mut p = Publisher {
            org_ref: "XM-DAC-12345".into(),
            org_type: "40".into(),
            name_en: "Office".into(),
            name_fr: "Bureau".into(),
            sectors: vec![
                ("tip".into(), "15130".into()),
                ("som".into(), "15190".into()),
                ("both".into(), "15130".into()),
            ],
            site_url: None,
        };
        assert!(p.problems().is_empty());
        p.org_ref = DEMO_ORG_REF.into();
        assert_eq!(p.problems(), [SettingProblem::DemoRef]);
        p.org_ref = "XM DAC".into();
        p.org_type = "41".into();
        p.name_fr = " ".into();
        p.sectors.pop();
        assert_eq!(
            p.problems(),
            [
                SettingProblem::RefShape,
                SettingProblem::UnknownType,
                SettingProblem::NoName,
                SettingProblem::ThemeWithoutSector("both".into())
            ]
        );
    }

    #[test]
    fn a_complete_activity_breaks_nothing() {
        assert!(rules_broken(&facts("ACT-2018-ML-WS-05"), day("2026-12-07").unwrap()).is_empty());
    }

    #[test]
    fn each_rule_is_named() {
        let today = day("2018-05-09").unwrap();
        let mut a = facts("ACT 2018/ML");
        a.planned_start = None;
        a.actual_start = None;
        a.has_sector = false;
        assert_eq!(
            rules_broken(&a, today),
            [IatiRule::NoStartDate, IatiRule::NoSector, IatiRule::FutureActualDate, IatiRule::UnusableCode]
        );
        assert_eq!(rules_broken(&facts(""), day("2026-01-01").unwrap()), [IatiRule::UnusableCode]);
    }

    #[test]
    fn identifiers_have_no_spaces_and_none_of_the_four_symbols() {
        assert!(is_identifier("NL-1-PPR-12345") && is_identifier("XM-DAC-5-7-2017.1234"));
        for bad in ["", "NL-1 PPR", " NL-1", "NL-1/2", "A&B", "A|B", "A?", "NL-1\n"] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
    }
}
