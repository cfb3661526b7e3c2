//! Money: integer minor units with an ISO 4217 currency, never a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

use super::DomainError;

/// An ISO 4217 alphabetic currency code (three upper-case ASCII letters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Parses a currency code; surrounding spaces are ignored, case is not.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        let code = code.trim();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
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

    /// Parses `1.0825` or `1,0825`.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let cleaned = text.trim().replace(',', ".");
        let value: Decimal = cleaned.parse().map_err(|_| DomainError::RateFormat(text.to_owned()))?;
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

    /// Parses a user-typed amount such as `1 234,56`, `1,234.56` or `450000`.
    ///
    /// The last `.` or `,` followed by at most the currency's number of decimals is the decimal
    /// separator; spaces, no-break spaces, apostrophes and other separators group thousands.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, DomainError> {
        let exponent = currency.exponent() as usize;
        let cleaned: String =
            text.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
        if cleaned.is_empty() {
            return Err(DomainError::AmountFormat(text.to_owned()));
        }
        if cleaned.starts_with('-') {
            return Err(DomainError::NegativeAmount);
        }
        let (int_part, frac_part) = match cleaned.rfind(['.', ',']) {
            Some(pos) if cleaned.len() - pos - 1 <= exponent && exponent > 0 => {
                (&cleaned[..pos], &cleaned[pos + 1..])
            }
            _ => (cleaned.as_str(), ""),
        };
        let int_digits: String = int_part.chars().filter(|c| *c != ',' && *c != '.').collect();
        if int_digits.is_empty() && frac_part.is_empty()
            || !int_digits.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
        {
            return Err(DomainError::AmountFormat(text.to_owned()));
        }
        let scale = 10_i64.pow(exponent as u32);
        let whole: i64 = if int_digits.is_empty() {
            0
        } else {
            int_digits.parse().map_err(|_| DomainError::AmountFormat(text.to_owned()))?
        };
        let mut frac = frac_part.to_owned();
        while frac.len() < exponent {
            frac.push('0');
        }
        let frac: i64 = if frac.is_empty() { 0 } else { frac.parse().unwrap_or(0) };
        let minor =
            whole.checked_mul(scale).and_then(|w| w.checked_add(frac)).ok_or(DomainError::AmountTooLarge)?;
        Ok(Self { minor, currency })
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

    #[test]
    fn rates_are_exact_and_positive() {
        assert_eq!(Rate::parse("1,0825").unwrap().to_string(), "1.0825");
        assert!(Rate::parse("0").is_err());
        assert!(Rate::parse("-1").is_err());
        assert!(Rate::parse("abc").is_err());
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

    fn eur(text: &str) -> Result<Money, DomainError> {
        Money::parse(text, Currency::eur())
    }

    #[test]
    fn currency_codes_are_three_upper_case_letters() {
        assert_eq!(Currency::parse(" EUR ").unwrap().as_str(), "EUR");
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
        assert_eq!(Currency::parse("XOF").unwrap().exponent(), 0);
    }

    #[test]
    fn amounts_parse_in_english_and_french_notation() {
        assert_eq!(eur("450000").unwrap().minor(), 45_000_000);
        assert_eq!(eur("1,234.56").unwrap().minor(), 123_456);
        assert_eq!(eur("1 234,56").unwrap().minor(), 123_456);
        assert_eq!(eur("1\u{202f}234,5").unwrap().minor(), 123_450);
        assert_eq!(eur("0.07").unwrap().minor(), 7);
        assert_eq!(eur("1.234.567").unwrap().minor(), 123_456_700);
        let xof = Money::parse("1 500 000", Currency::parse("XOF").unwrap()).unwrap();
        assert_eq!(xof.minor(), 1_500_000);
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(eur("-5"), Err(DomainError::NegativeAmount));
        assert!(matches!(eur("abc"), Err(DomainError::AmountFormat(_))));
        assert!(matches!(eur(""), Err(DomainError::AmountFormat(_))));
        assert!(matches!(eur("12.3.4x"), Err(DomainError::AmountFormat(_))));
        assert_eq!(
            eur("99999999999999999999"),
            Err(DomainError::AmountFormat("99999999999999999999".into()))
        );
        assert_eq!(Money::new(-1, Currency::eur()), Err(DomainError::NegativeAmount));
    }

    #[test]
    fn multiplying_by_quantity_is_exact_and_checked() {
        let unit = eur("850.00").unwrap();
        assert_eq!(unit.times(12).unwrap().minor(), 1_020_000);
        assert_eq!(Money::new(i64::MAX, Currency::eur()).unwrap().times(2), Err(DomainError::AmountTooLarge));
    }
}
