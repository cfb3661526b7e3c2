//! Pieces the handover pages share.

use leptos::prelude::*;

use crate::components::i18n::{tr_fmt, tr_label};
use crate::domain::HandoverStatus;
use crate::i18n::fmt_date;

/// A handover's status as a coloured badge.
pub(super) fn status_badge(status: HandoverStatus) -> impl IntoView {
    view! { <span class=format!("status status-{}", status.code()) data-testid="status">{tr_label(status)}</span> }
}

/// An ISO date as the reader's language writes it (the text itself if it is not a date).
pub(super) fn date_text(iso: &str) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    let date = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok();
    let iso = iso.to_owned();
    tr_fmt(move |l| date.map(|d| fmt_date(l, d)).unwrap_or_else(|| iso.clone()))
}
