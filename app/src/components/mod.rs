//! Reusable view pieces.

pub mod charts;
mod common;
pub mod i18n;
pub mod layout;

pub use common::{EmptyState, ErrorView, PageHeader, Pager, encode_component, loading};
pub use layout::Layout;
