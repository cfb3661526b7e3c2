//! One cell of an export as text: amounts in units of their currency from the stored minor
//! units, the rest as the CSV writes it (shared by the CSV and IATI writers).

use std::borrow::Cow;

use surrealdb::types::{Number, Value};

use app::domain::Currency;
use app::domain::exports::{ColumnKind, neutralise};

use crate::db::rows::key_of;

/// One cell as text.
pub(crate) fn cell<'v>(kind: ColumnKind, value: &'v Value, currency: Option<&str>) -> Cow<'v, str> {
    if let (ColumnKind::Amount(_) | ColumnKind::Eur, Value::Number(n)) = (kind, value) {
        // Minor units, whole (a product with a rate is rounded by the query).
        let minor = match n {
            Number::Int(n) => *n,
            Number::Float(f) => f.round() as i64,
            Number::Decimal(d) => rust_decimal::prelude::ToPrimitive::to_i64(&d.round()).unwrap_or(0),
        };
        let exponent = match kind {
            ColumnKind::Eur => 2,
            _ => currency.and_then(|c| Currency::parse(c).ok()).map_or(2, |c| c.exponent()),
        };
        return Cow::Owned(units(minor, exponent));
    }
    if let (ColumnKind::Funding, Value::Array(shares)) = (kind, value) {
        let shares: Vec<String> = shares
            .iter()
            .filter_map(|share| match share {
                Value::Array(parts) => {
                    let parts: Vec<&Value> = parts.iter().collect();
                    let currency = match parts.get(2) {
                        Some(Value::String(c)) => Some(c.as_str()),
                        _ => None,
                    };
                    let grant = parts.first().map(|g| cell(ColumnKind::Id, g, None)).unwrap_or_default();
                    let amount = parts
                        .get(1)
                        .map(|a| cell(ColumnKind::Amount("currency"), a, currency))
                        .unwrap_or_default();
                    Some(format!("{grant} {amount}"))
                }
                _ => None,
            })
            .collect();
        return Cow::Owned(neutralise(&shares.join("; ")).into_owned());
    }
    let plain: Cow<'v, str> = match value {
        Value::None | Value::Null => return Cow::Borrowed(""),
        Value::String(s) => Cow::Borrowed(s.as_str()),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Number(Number::Decimal(d)) => Cow::Owned(d.normalize().to_string()),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::RecordId(id) => Cow::Owned(key_of(id)),
        Value::Datetime(at) => Cow::Owned(match kind {
            ColumnKind::DateTime => at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            _ => at.format("%Y-%m-%d").to_string(),
        }),
        Value::Array(items) => {
            Cow::Owned(items.iter().map(|v| cell(kind, v, currency)).collect::<Vec<_>>().join("; "))
        }
        other => Cow::Owned(format!("{other:?}")),
    };
    if kind.is_text() && neutralise(&plain).len() != plain.len() {
        return Cow::Owned(neutralise(&plain).into_owned());
    }
    plain
}

/// An amount in minor units (`123450`) written in units (`1234.50`), as a number.
pub(crate) fn units(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10_i64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:0width$}", abs / scale as u64, abs % scale as u64, width = exponent as usize)
}
