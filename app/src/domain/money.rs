//! Money: integer minor units with an ISO 4217 currency, never a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

use super::DomainError;
use crate::i18n::Locale;

/// An active ISO 4217 alphabetic currency code ([`super::iso::CURRENCIES`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Parses a currency code; surrounding spaces are ignored, case is not.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        let code = code.trim();
        if super::iso::is_currency(code) {
            Ok(Self(code.to_owned()))
        } else {
            Err(DomainError::Currency(code.to_owned()))
        }
    }

    pub fn eur() -> Self {
        Self("EUR".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Number of decimal places of the currency's minor unit (ISO 4217).
    pub fn exponent(&self) -> u32 {
        match self.0.as_str() {
            // CFA francs, yen, won, ... have no minor unit.
            "XOF" | "XAF" | "JPY" | "KRW" | "GNF" | "RWF" | "UGX" | "VND" | "CLP" | "ISK" => 0,
            "BHD" | "KWD" | "OMR" | "TND" | "JOD" | "IQD" | "LYD" => 3,
            _ => 2,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An exchange rate: how many units of one currency one unit of another buys. Always > 0, at
/// most 12 decimals, exact (a decimal, never a float).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate(Decimal);

impl Rate {
    pub fn one() -> Self {
        Self(Decimal::ONE)
    }

    /// Parses a rate as stored and exported: `1.0825`, a point before the decimals.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        Self::parse_typed(text, Locale::En)
    }

    /// Parses a rate as typed on a page in `locale`: `0.00152449` in English, `0,00152449` in
    /// French; no thousands separators, and never the other language's decimal mark.
    pub fn parse_typed(text: &str, locale: Locale) -> Result<Self, DomainError> {
        let (mark, other) = match locale {
            Locale::En => ('.', ','),
            Locale::Fr => (',', '.'),
        };
        let typed = text.trim();
        if typed.contains(other) {
            return Err(DomainError::AmountNotation(text.to_owned()));
        }
        if !typed.chars().all(|c| c.is_ascii_digit() || c == mark) || typed.starts_with(mark) {
            return Err(DomainError::RateFormat(text.to_owned()));
        }
        let value: Decimal =
            typed.replace(mark, ".").parse().map_err(|_| DomainError::RateFormat(text.to_owned()))?;
        if value <= Decimal::ZERO || value.scale() > 12 || value > Decimal::from(1_000_000_000) {
            return Err(DomainError::RateFormat(text.to_owned()));
        }
        Ok(Self(value.normalize()))
    }

    pub fn value(&self) -> Decimal {
        self.0
    }

    pub fn is_one(&self) -> bool {
        self.0 == Decimal::ONE
    }

    /// The rate as a user would type it on a page in `locale` (`0,00152449` in French).
    pub fn typed(&self, locale: Locale) -> String {
        let text = self.0.to_string();
        match locale {
            Locale::En => text,
            Locale::Fr => text.replace('.', ","),
        }
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An amount of money, as a count of the currency's minor units (cents for EUR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// A non-negative amount; programme amounts are never negative.
    pub fn new(minor: i64, currency: Currency) -> Result<Self, DomainError> {
        if minor < 0 {
            return Err(DomainError::NegativeAmount);
        }
        Ok(Self { minor, currency })
    }

    /// Parses an amount as a user typed it on a page in `locale`, one way only:
    ///
    /// - the decimal mark is the language's: a point in English (`38,500.00`), a comma in French
    ///   (`38 500,00`); the other mark is refused, never guessed (`10.125` is not ten thousand in
    ///   French, and `10,50` is not ten and a half in English);
    /// - thousands may be grouped by spaces (also no-break and narrow no-break spaces) or, in
    ///   English, commas, in groups of exactly three digits after the first;
    /// - at most as many decimals as the currency has: `10.125` EUR or `1 500,50` XOF is
    ///   refused ([`DomainError::AmountDecimals`] says how many were typed and allowed).
    pub fn parse(text: &str, currency: Currency, locale: Locale) -> Result<Self, DomainError> {
        let typed = text.trim();
        let format = || DomainError::AmountFormat(text.to_owned());
        let notation = || DomainError::AmountNotation(text.to_owned());
        if typed.is_empty() {
            return Err(format());
        }
        if typed.starts_with('-') {
            return Err(DomainError::NegativeAmount);
        }
        let (mark, other_mark) = match locale {
            Locale::En => ('.', ','),
            Locale::Fr => (',', '.'),
        };
        let is_space = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}');
        let is_group = |c: char| is_space(c) || (locale == Locale::En && c == ',');
        if typed.chars().any(|c| !(c.is_ascii_digit() || c == mark || is_group(c))) {
            // The other language's decimal mark gets its own message; anything else is no amount.
            return Err(if typed.contains(other_mark) { notation() } else { format() });
        }
        let mut halves = typed.split(mark);
        let (whole, fraction) = (halves.next().unwrap_or_default(), halves.next());
        if halves.next().is_some() {
            return Err(notation());
        }
        // Thousands: one kind of separator, groups of three after a first of one to three.
        let separators: Vec<char> = whole.chars().filter(|c| !c.is_ascii_digit()).collect();
        if let Some(first) = separators.first() {
            let same = |c: &char| (is_space(*c) && is_space(*first)) || c == first;
            let groups: Vec<&str> = whole.split(is_group).collect();
            let well_grouped = separators.iter().all(same)
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3);
            if !well_grouped {
                return Err(notation());
            }
        }
        let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
        let fraction = match fraction {
            Some(f) if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) => return Err(format()),
            Some(f) => f,
            None => "",
        };
        if digits.is_empty() && fraction.is_empty() {
            return Err(format());
        }
        let exponent = currency.exponent();
        if fraction.len() > exponent as usize {
            return Err(DomainError::AmountDecimals {
                currency: currency.as_str().to_owned(),
                typed: u32::try_from(fraction.len()).unwrap_or(u32::MAX),
                allowed: exponent,
            });
        }
        let whole: i64 = if digits.is_empty() {
            0
        } else {
            // Only digits here: a failure can only be a number too large for i64.
            digits.parse().map_err(|_| DomainError::AmountTooLarge)?
        };
        let fraction: i64 = format!("{fraction:0<width$}", width = exponent as usize).parse().unwrap_or(0);
        let minor = whole
            .checked_mul(10_i64.pow(exponent))
            .and_then(|w| w.checked_add(fraction))
            .ok_or(DomainError::AmountTooLarge)?;
        Ok(Self { minor, currency })
    }

    /// The amount as a user would type it on a page in `locale`, ungrouped: `600000.00`,
    /// `600000,00`; what an edit form shows, read back the same by [`Money::parse`].
    pub fn typed(&self, locale: Locale) -> String {
        let plain = self.plain();
        match locale {
            Locale::En => plain,
            Locale::Fr => plain.replace('.', ","),
        }
    }

    /// The amount as a user would type it with thousands grouped: `38,500.00`, `38 500,00`.
    pub fn typed_grouped(&self, locale: Locale) -> String {
        let plain = self.plain();
        let (whole, fraction) = plain.split_once('.').map_or((plain.as_str(), None), |(w, f)| (w, Some(f)));
        let separator = match locale {
            Locale::En => ',',
            Locale::Fr => ' ',
        };
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
        match (fraction, locale) {
            (Some(f), Locale::En) => format!("{grouped}.{f}"),
            (Some(f), Locale::Fr) => format!("{grouped},{f}"),
            (None, _) => grouped,
        }
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> &Currency {
        &self.currency
    }

    /// The amount as a plain decimal, the way a form shows it back: `600000.00`.
    pub fn plain(&self) -> String {
        let exponent = self.currency.exponent();
        if exponent == 0 {
            return self.minor.to_string();
        }
        let scale = 10_i64.pow(exponent);
        format!("{}.{:0width$}", self.minor / scale, self.minor % scale, width = exponent as usize)
    }

    /// Converts into `to` at `rate` (units of `to` per unit of this currency), rounding half away
    /// from zero to the target's minor unit.
    pub fn convert(&self, rate: &Rate, to: Currency) -> Result<Money, DomainError> {
        use rust_decimal::prelude::ToPrimitive;
        let from_scale = Decimal::from(10_i64.pow(self.currency.exponent()));
        let to_scale = Decimal::from(10_i64.pow(to.exponent()));
        let value = Decimal::from(self.minor)
            .checked_mul(rate.0)
            .and_then(|v| v.checked_mul(to_scale))
            .and_then(|v| v.checked_div(from_scale))
            .ok_or(DomainError::AmountTooLarge)?
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        Money::new(value.to_i64().ok_or(DomainError::AmountTooLarge)?, to)
    }

    /// Multiplies by a whole quantity (unit cost × quantity), refusing overflow.
    pub fn times(&self, quantity: u32) -> Result<Self, DomainError> {
        let minor = self.minor.checked_mul(i64::from(quantity)).ok_or(DomainError::AmountTooLarge)?;
        Ok(Self { minor, currency: self.currency.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rates_are_exact_and_positive_and_read_in_the_pages_language() {
        assert_eq!(Rate::parse("1.0825").unwrap().to_string(), "1.0825");
        assert_eq!(Rate::parse_typed("1,0825", Locale::Fr).unwrap().to_string(), "1.0825");
        assert_eq!(Rate::parse_typed("0,00152449", Locale::Fr).unwrap().typed(Locale::Fr), "0,00152449");
        assert!(matches!(Rate::parse("1,0825"), Err(DomainError::AmountNotation(_))));
        assert!(matches!(Rate::parse_typed("1.0825", Locale::Fr), Err(DomainError::AmountNotation(_))));
        assert!(Rate::parse("0").is_err());
        assert!(Rate::parse("-1").is_err());
        assert!(Rate::parse("abc").is_err());
        assert!(Rate::parse(".5").is_err());
        assert!(Rate::one().is_one());
    }

    #[test]
    fn conversion_rounds_half_away_from_zero_to_the_target_minor_unit() {
        let usd = Currency::parse("USD").unwrap();
        let amount = Money::new(100_000, usd).unwrap();
        let eur = amount.convert(&Rate::parse("0.92345").unwrap(), Currency::eur()).unwrap();
        assert_eq!(eur.minor(), 92_345);
        let odd =
            Money::new(1, Currency::eur()).unwrap().convert(&Rate::parse("0.5").unwrap(), Currency::eur());
        assert_eq!(odd.unwrap().minor(), 1);
        let xof = Currency::parse("XOF").unwrap();
        let francs =
            Money::new(10_000, Currency::eur()).unwrap().convert(&Rate::parse("655.957").unwrap(), xof);
        assert_eq!(francs.unwrap().minor(), 65_596);
        assert_eq!(Money::new(60_000_000, Currency::eur()).unwrap().plain(), "600000.00");
    }

    fn en(text: &str) -> Result<Money, DomainError> {
        Money::parse(text, Currency::eur(), Locale::En)
    }

    fn fr(text: &str) -> Result<Money, DomainError> {
        Money::parse(text, Currency::eur(), Locale::Fr)
    }

    fn xof(text: &str, locale: Locale) -> Result<Money, DomainError> {
        Money::parse(text, Currency::parse("XOF").unwrap(), locale)
    }

    #[test]
    fn currency_codes_are_active_iso_4217_codes() {
        assert_eq!(Currency::parse(" EUR ").unwrap().as_str(), "EUR");
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
        assert!(Currency::parse("XXX").is_err() && Currency::parse("ABC").is_err());
        assert_eq!(Currency::parse("XOF").unwrap().exponent(), 0);
    }

    #[test]
    fn amounts_are_read_in_the_pages_language() {
        assert_eq!(en("450000").unwrap().minor(), 45_000_000);
        assert_eq!(en("1,234.56").unwrap().minor(), 123_456);
        assert_eq!(en("1 234.56").unwrap().minor(), 123_456);
        assert_eq!(fr("1 234,56").unwrap().minor(), 123_456);
        assert_eq!(fr("1\u{202f}234,5").unwrap().minor(), 123_450);
        assert_eq!(en("0.07").unwrap().minor(), 7);
        assert_eq!(fr("0,07").unwrap().minor(), 7);
        // A comma groups thousands in English: 10,125 is ten thousand one hundred and twenty-five.
        assert_eq!(en("10,125").unwrap().minor(), 1_012_500);
        assert_eq!(xof("1 500 000", Locale::Fr).unwrap().minor(), 1_500_000);
        assert_eq!(xof("1,500,000", Locale::En).unwrap().minor(), 1_500_000);
    }

    #[test]
    fn what_the_issue_saw_is_refused_with_what_was_understood() {
        // 10.125 EUR was stored as 10,125.00 and 1.2345 as 12,345.00.
        let decimals = |typed, allowed, currency: &str| DomainError::AmountDecimals {
            currency: currency.into(),
            typed,
            allowed,
        };
        assert_eq!(en("10.125"), Err(decimals(3, 2, "EUR")));
        assert_eq!(en("1.2345"), Err(decimals(4, 2, "EUR")));
        assert_eq!(en("0.005"), Err(decimals(3, 2, "EUR")));
        assert_eq!(xof("1 500,50", Locale::Fr), Err(decimals(2, 0, "XOF")));
        // The other language's decimal mark is never guessed.
        assert!(matches!(fr("10.125"), Err(DomainError::AmountNotation(_))));
        assert!(matches!(fr("1.234.567"), Err(DomainError::AmountNotation(_))));
        assert!(matches!(en("1.234.567"), Err(DomainError::AmountNotation(_))));
        assert!(matches!(en("10,50"), Err(DomainError::AmountNotation(_))));
        // Groups of three only, one kind of separator.
        assert!(matches!(en("12,34,567.00"), Err(DomainError::AmountNotation(_))));
        assert!(matches!(en("1 234,567.00"), Err(DomainError::AmountNotation(_))));
        assert!(matches!(fr("1234 567"), Err(DomainError::AmountNotation(_))));
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(en("-5"), Err(DomainError::NegativeAmount));
        assert!(matches!(en("abc"), Err(DomainError::AmountFormat(_))));
        assert!(matches!(en(""), Err(DomainError::AmountFormat(_))));
        assert!(matches!(en("12."), Err(DomainError::AmountFormat(_))));
        assert!(matches!(en("1'000"), Err(DomainError::AmountFormat(_))));
        assert!(matches!(en("\u{0}5"), Err(DomainError::AmountFormat(_))));
        assert_eq!(en("99999999999999999999"), Err(DomainError::AmountTooLarge));
        assert_eq!(Money::new(-1, Currency::eur()), Err(DomainError::NegativeAmount));
    }

    #[test]
    fn multiplying_by_quantity_is_exact_and_checked() {
        let unit = en("850.00").unwrap();
        assert_eq!(unit.times(12).unwrap().minor(), 1_020_000);
        assert_eq!(Money::new(i64::MAX, Currency::eur()).unwrap().times(2), Err(DomainError::AmountTooLarge));
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop::sample::select(vec!["EUR", "XOF", "USD", "KWD", "JPY"])
            .prop_map(|c| Currency::parse(c).unwrap())
    }

    fn locale() -> impl Strategy<Value = Locale> {
        prop::sample::select(Locale::ALL.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// What a page shows in a language (grouped or not) reads back as the same amount.
        #[test]
        fn an_amount_written_in_a_language_reads_back_the_same(
            minor in 0_i64..=999_999_999_999_999, currency in currency(), locale in locale()
        ) {
            let money = Money::new(minor, currency.clone()).unwrap();
            prop_assert_eq!(Money::parse(&money.typed(locale), currency.clone(), locale), Ok(money.clone()));
            prop_assert_eq!(Money::parse(&money.typed_grouped(locale), currency, locale), Ok(money));
        }

        /// Any text at all: refused, or read as exactly one amount that writes back to the same
        /// digits (nothing dropped, nothing guessed).
        #[test]
        fn any_text_is_refused_or_read_one_way(
            text in "[0-9 .,\u{a0}\u{202f}'a-]{0,16}", currency in currency(), locale in locale()
        ) {
            if let Ok(money) = Money::parse(&text, currency.clone(), locale) {
                let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
                let typed: String = digits(&text).trim_start_matches('0').to_owned();
                let written = digits(&money.typed(locale)).trim_start_matches('0').to_owned();
                // The same digits, give or take trailing zeros of the decimals.
                prop_assert!(written.starts_with(&typed) || typed.is_empty() && money.minor() == 0,
                    "{text:?} read as {money:?}");
                let other = match locale { Locale::En => ',', Locale::Fr => '.' };
                let mark = match locale { Locale::En => '.', Locale::Fr => ',' };
                prop_assert!(!(text.contains(other) && locale == Locale::Fr), "{text:?}");
                if let Some((_, decimals)) = text.trim().split_once(mark) {
                    prop_assert!(decimals.len() <= currency.exponent() as usize, "{text:?}");
                }
            }
        }

        /// A decimal typed with the other language's mark is refused, never read as thousands.
        #[test]
        fn the_other_languages_decimal_mark_is_refused(
            whole in 0_u32..1000, decimals in "[0-9]{1,2}", currency in currency()
        ) {
            let french_decimal = format!("{whole},{decimals}");
            prop_assert!(Money::parse(&french_decimal, currency.clone(), Locale::En).is_err());
            let english_decimal = format!("{whole}.{decimals}");
            prop_assert!(Money::parse(&english_decimal, currency, Locale::Fr).is_err());
        }
    }
}
