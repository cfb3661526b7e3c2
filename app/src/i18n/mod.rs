//! The one translation layer: every visible string goes through [`Msg`] or [`Label`].
//!
//! Each message is written as an (English, French) pair in a single `match`, so a message
//! without its French text does not compile.

mod field_errors;
mod format;
mod labels;
mod locale;
mod messages;

pub use field_errors::{FieldMsg, field_error_text};
pub use format::*;
pub use labels::{Label, country_name};
pub use locale::{
    LANG_CHOSEN_COOKIE, LANG_COOKIE, Locale, lang_chosen_cookie_value, lang_cookie_value, language_was_chosen,
};
pub use messages::Msg;
