//! Reusable view pieces.

mod common;
pub mod i18n;
mod layout;

pub use common::{EmptyState, ErrorView, PageHeader, Pager, loading};
pub use layout::Layout;
