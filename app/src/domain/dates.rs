//! Date ranges whose end is never before their start.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::DomainError;

/// An inclusive range of calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRange")]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
struct RawRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl TryFrom<RawRange> for DateRange {
    type Error = DomainError;
    fn try_from(raw: RawRange) -> Result<Self, Self::Error> {
        Self::new(raw.start, raw.end)
    }
}

impl DateRange {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, DomainError> {
        if end < start {
            return Err(DomainError::EndBeforeStart);
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Number of calendar days covered, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Whether `other` lies entirely inside this range.
    pub fn contains(&self, other: &DateRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The years a date of the programme may fall in: a grant starting in 1900 or an activity
/// planned for 2999 is a typing mistake, whatever the other dates say.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// Parses an ISO date (`2018-05-08`) as typed in a form, within [`YEARS`].
pub fn parse_date(text: &str) -> Result<NaiveDate, DomainError> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::DateFormat(text.to_owned()))?;
    if !YEARS.contains(&chrono::Datelike::year(&date)) {
        return Err(DomainError::DateOutOfRange(text.to_owned()));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A date of the window reads back as the same text; outside it, refused.
        #[test]
        fn a_date_reads_back_the_same_within_the_years(days in -40_000_i64..80_000) {
            let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
            let text = date.format("%Y-%m-%d").to_string();
            match parse_date(&text) {
                Ok(read) => prop_assert!(read == date && YEARS.contains(&chrono::Datelike::year(&date))),
                Err(e) => prop_assert!(
                    !YEARS.contains(&chrono::Datelike::year(&date)) && matches!(e, DomainError::DateOutOfRange(_))
                ),
            }
        }

        /// Other ways of writing a date (08/05/2018, 2018-5-8, 8 May 2018) are refused, not guessed.
        #[test]
        fn only_iso_dates_are_read(text in "[0-9]{1,4}[-/. ][0-9]{1,2}[-/. ][0-9]{1,4}") {
            if let Ok(date) = parse_date(&text) {
                prop_assert_eq!(date.format("%Y-%m-%d").to_string(), text);
            }
        }
    }

    fn d(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn end_on_or_after_start_is_accepted() {
        let workshop = DateRange::new(d("2018-05-08"), d("2018-05-11")).unwrap();
        assert_eq!(workshop.days(), 4);
        assert_eq!(DateRange::new(d("2018-05-08"), d("2018-05-08")).unwrap().days(), 1);
    }

    #[test]
    fn end_before_start_is_refused() {
        assert_eq!(DateRange::new(d("2018-05-11"), d("2018-05-08")), Err(DomainError::EndBeforeStart));
    }

    #[test]
    fn deserialising_checks_the_rule_too() {
        let bad: Result<DateRange, _> = serde_json::from_str(r#"{"start":"2020-01-02","end":"2020-01-01"}"#);
        assert!(bad.is_err());
        let good: DateRange = serde_json::from_str(r#"{"start":"2020-01-01","end":"2020-01-02"}"#).unwrap();
        assert_eq!(good.days(), 2);
    }

    #[test]
    fn containment_and_date_format() {
        let strategy = DateRange::new(d("2015-01-01"), d("2020-12-31")).unwrap();
        assert!(strategy.contains(&DateRange::new(d("2018-05-08"), d("2018-05-11")).unwrap()));
        assert!(!strategy.contains(&DateRange::new(d("2020-12-01"), d("2021-01-11")).unwrap()));
        assert!(matches!(parse_date("08/05/2018"), Err(DomainError::DateFormat(_))));
        assert!(matches!(parse_date("1900-01-01"), Err(DomainError::DateOutOfRange(_))));
        assert!(matches!(parse_date("2999-12-31"), Err(DomainError::DateOutOfRange(_))));
        assert!(parse_date("2000-01-01").is_ok() && parse_date("2099-12-31").is_ok());
    }
}
