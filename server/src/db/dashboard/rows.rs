//! What the dashboard's parts share: the clauses of a filter, the rows read from the summaries,
//! and the statement that reads a summary's live rows.

use surrealdb::types::{Decimal, RecordId, SurrealValue};

/// The `WHERE` clauses of one filter, for the summary tables (see migration 0008), the
/// activity list and the handovers. Every value is bound, never written into the statement.
pub(crate) struct Clauses {
    pub(crate) grants: String,
    pub(crate) transactions: String,
    pub(crate) activities: String,
    pub(crate) reach: String,
    pub(crate) list: String,
    pub(crate) handovers: String,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub(crate) struct GrantRow {
    pub(crate) id: RecordId,
    pub(crate) reference: String,
    pub(crate) title: String,
    pub(crate) title_fr: String,
    pub(crate) amount_minor: i64,
    pub(crate) currency: String,
}

/// A row of `transaction_summary`.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub(crate) struct MoneyRow {
    pub(crate) grant: RecordId,
    pub(crate) kind: i64,
    pub(crate) year: i64,
    pub(crate) quarter: i64,
    pub(crate) rate: Decimal,
    pub(crate) total: i64,
    pub(crate) eur: i64,
}

/// A row of `activity_summary`.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub(crate) struct ActivitySum {
    pub(crate) grants: Vec<RecordId>,
    pub(crate) country: String,
    pub(crate) year: i64,
    pub(crate) kind: String,
    pub(crate) activities: i64,
    pub(crate) police: i64,
    pub(crate) police_women: i64,
    pub(crate) gendarmerie: i64,
    pub(crate) gendarmerie_women: i64,
    pub(crate) justice: i64,
    pub(crate) justice_women: i64,
    pub(crate) other: i64,
    pub(crate) other_women: i64,
    pub(crate) instructors: i64,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub(crate) struct LineRow {
    pub(crate) quantity: i64,
    pub(crate) received: Option<i64>,
    pub(crate) disputed: Option<i64>,
    pub(crate) unit_cost_minor: Option<i64>,
    pub(crate) currency: Option<String>,
    pub(crate) grant: Option<RecordId>,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub(crate) struct HandoverRow {
    pub(crate) institute: RecordId,
    pub(crate) name: String,
    pub(crate) name_fr: String,
    pub(crate) status: String,
    pub(crate) lines: Vec<LineRow>,
}

pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The summaries (migrations 0008 and 0010) and the tables of their keys (0011).
pub(crate) const MONEY: (&str, &str) = ("transaction_summary", "money_key");
pub(crate) const ACTIVITIES: (&str, &str) = ("activity_summary", "activity_key");
pub(crate) const REACH: (&str, &str) = ("activity_reach", "reach_key");

/// The live rows of a summary, fetched one by one through the table of its keys (migration
/// 0011), optionally only those whose key matches `keys`: a scan of the summary table itself
/// would step over every superseded version of its rows. The key of a row whose count fell to
/// zero stays, and reads as a row of NONE: every query over these keeps `id != NONE` (or a
/// condition NONE fails, such as `n > 0`).
pub(crate) fn live((summary, key_table): (&str, &str), keys: Option<&str>) -> String {
    let keys = keys.unwrap_or("true");
    format!("(SELECT VALUE type::record('{summary}', record::id(id)) FROM {key_table} WHERE {keys})")
}
