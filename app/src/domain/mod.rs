//! Plain domain types and their validation, shared by the browser and the server.
//!
//! A value of one of these types that exists is valid: constructors and deserialisation check
//! the rules, so forms and services apply the same rule from one place.

pub mod activity_form;
pub mod audit;
mod auth;
mod codes;
pub mod dashboard;
mod dates;
pub mod exports;
mod filters;
pub mod form_values;
pub mod handovers;
pub mod imports;
mod money;
mod participants;
pub mod records;
mod views;

pub use auth::{AdminFlash, Binding, CurrentUser, Permission, Role, Scope, UserFormOptions, UserRow};
pub use codes::*;
pub use dates::{DateRange, parse_date};
pub use filters::{ActivityFilter, ActivitySort, EquipmentFilter};
pub use money::{Currency, Money, Rate};
pub use participants::{Headcount, Participants, Service};
pub use views::*;

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
    #[error("not an exchange rate: {0:?}")]
    RateFormat(String),
    #[error("not a date (YYYY-MM-DD): {0:?}")]
    DateFormat(String),
    #[error("end date is before start date")]
    EndBeforeStart,
    #[error("{women} women among {total} participants")]
    MoreWomenThanParticipants { women: u32, total: u32 },
    #[error("unknown {list} code {code:?}")]
    UnknownCode { list: String, code: String },
}
