//! Checks before publishing to IATI: the rules of the standard's ruleset that an activity of
//! ours can break, each named so that a manager can fix the record.
//!
//! The others hold by construction of the file (`server/src/http/exports/iati.rs`): every
//! narrative has a language (each activity declares English as its default), every value its
//! currency, the identifier starts with the reporting organisation's ref and a hyphen, and an
//! activity has one sector at most, so sector percentages never need to add up.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
}

/// An activity of the file that breaks rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IatiProblem {
    /// The activity's key, for the link to its edit form.
    pub activity: String,
    pub code: String,
    pub rules: Vec<IatiRule>,
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
    let usable = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if activity.code.is_empty() || !activity.code.chars().all(usable) {
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
}
