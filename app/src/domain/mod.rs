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
mod domain_error;
pub mod exports;
mod filters;
pub mod form_values;
pub mod handovers;
pub mod iati;
pub mod imports;
pub mod iso;
mod money;
mod participants;
pub mod query_string;
pub mod records;
mod views;

pub use auth::{AdminFlash, Binding, CurrentUser, Permission, Role, Scope, UserFormOptions, UserRow};
pub use codes::*;
pub use dates::{DateRange, parse_date};
pub use domain_error::DomainError;
pub use filters::{ActivityFilter, ActivitySort, EquipmentFilter};
pub use money::{Currency, Money, Rate};
pub use participants::{Headcount, Participants, Service};
pub use views::*;
