//! Reusable view pieces.

pub mod charts;
mod common;
mod filters;
pub mod i18n;
pub mod islands;
pub mod layout;

#[cfg(feature = "ssr")]
pub(crate) use common::escape_raw_text;
pub use common::{EmptyState, ErrorView, PageHeader, PageTitle, Pager, loading, upload_form};
pub use filters::{Choice, country_choices, filter_select, ref_choices, year_choices};
pub use layout::Layout;
