//! Why a domain value was refused.

use serde::{Deserialize, Serialize};

/// Why a value was refused. Shown to users through the translation layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DomainError {
    #[error("not an ISO 4217 currency code: {0:?}")]
    Currency(String),
    #[error("not an ISO 3166 country code: {0:?}")]
    Country(String),
    #[error("amount must not be negative")]
    NegativeAmount,
    #[error("amount too large")]
    AmountTooLarge,
    #[error("not an amount: {0:?}")]
    AmountFormat(String),
    #[error("not the language's decimal mark or thousands groups: {0:?}")]
    AmountNotation(String),
    #[error("{typed} decimals typed, {currency} has {allowed}")]
    AmountDecimals { currency: String, typed: u32, allowed: u32 },
    #[error("not an exchange rate: {0:?}")]
    RateFormat(String),
    #[error("not a date (YYYY-MM-DD): {0:?}")]
    DateFormat(String),
    #[error("a date outside the years 2000 to 2099: {0:?}")]
    DateOutOfRange(String),
    #[error("end date is before start date")]
    EndBeforeStart,
    #[error("{women} women among {total} participants")]
    MoreWomenThanParticipants { women: u32, total: u32 },
    #[error("unknown {list} code {code:?}")]
    UnknownCode { list: String, code: String },
}
