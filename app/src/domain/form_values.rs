//! What both kinds of form (activities, and the records of `records`) share: the values as
//! typed, and the codes of the errors shown next to their fields (translated by the page).

use std::collections::BTreeMap;

use super::{Currency, Money};

/// The raw values of the form, by field name, exactly as typed (kept to re-show after errors).
pub type FormValues = BTreeMap<String, String>;

/// Message keys for field errors (translated by the page).
pub mod codes {
    pub const REQUIRED: &str = "required";
    pub const TOO_LONG: &str = "too_long";
    pub const DATE: &str = "date";
    pub const END_BEFORE_START: &str = "end_before_start";
    pub const BOTH_DATES: &str = "both_dates";
    pub const CHOICE: &str = "choice";
    pub const COUNTRY: &str = "country";
    pub const COUNT: &str = "count";
    pub const AMOUNT: &str = "amount";
    pub const OUTSIDE_STRATEGY: &str = "outside_strategy";
    pub const OUTSIDE_GRANT: &str = "outside_grant";
    pub const DUPLICATE_CODE: &str = "duplicate_code";
    pub const UNKNOWN: &str = "unknown";
    pub const DUPLICATE_GRANT: &str = "duplicate_grant";
}

/// Field error codes of the record forms, beyond the activity form's.
pub mod record_codes {
    pub const RATE: &str = "rate";
    pub const CURRENCY: &str = "currency";
    pub const RATE_NOT_ONE: &str = "rate_not_one";
    pub const ONE_PURPOSE: &str = "one_purpose";
    pub const TARGET_ROW: &str = "target_row";
    pub const DUPLICATE_TARGET: &str = "duplicate_target";
    /// `over_grant:<currency>:<minor units>`: expenditure above the grant's amount, by how much.
    pub const OVER_GRANT: &str = "over_grant";
    /// `below_spent:<currency>:<minor units>`: a grant amount below what was already spent.
    pub const BELOW_SPENT: &str = "below_spent";
    /// A grant's currency cannot change once transactions are recorded on it.
    pub const CURRENCY_LOCKED: &str = "currency_locked";
    /// `over_cost:<currency>:<minor units>`: funding shares above the activity's cost.
    pub const OVER_COST: &str = "over_cost";
    /// A funding share in another currency than the activity's cost.
    pub const COST_CURRENCY: &str = "cost_currency";
    /// Another record of the kind already has this reference or code.
    pub const DUPLICATE: &str = "duplicate_value";
}

/// A field error that carries an amount: `over_grant:EUR:12345`.
pub fn amount_error(code: &str, money: &Money) -> String {
    format!("{code}:{}:{}", money.currency().as_str(), money.minor())
}

/// Reads back an error made by [`amount_error`].
pub fn parse_amount_error(message: &str) -> Option<(&str, Money)> {
    let mut parts = message.splitn(3, ':');
    let (code, currency, minor) = (parts.next()?, parts.next()?, parts.next()?);
    let money = Money::new(minor.parse().ok()?, Currency::parse(currency).ok()?).ok()?;
    Some((code, money))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_errors_carry_the_amount() {
        let money = Money::new(12_345, Currency::eur()).unwrap();
        let message = amount_error(record_codes::OVER_GRANT, &money);
        assert_eq!(parse_amount_error(&message), Some((record_codes::OVER_GRANT, money)));
        assert_eq!(parse_amount_error("required"), None);
    }
}
