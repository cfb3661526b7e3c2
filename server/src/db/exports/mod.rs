//! Reading the rows of the CSV exports, in batches, so that a file of a million rows is written
//! as it is read. Each export is a table read in key order (the audit log in sequence order),
//! its filter's conditions, and one SurrealQL expression giving the rows of one record (see
//! `sources`). A large table's key space is cut into parts read side by side (see `parts`).
//! The cells come back as values, converted by the writer according to the column
//! (`app::domain::exports`).

pub mod checks;
mod computed;
pub use computed::indicators_within;
mod parts;
mod sources;

use std::collections::VecDeque;
use std::sync::Arc;

use app::domain::Scope;
use app::domain::exports::{ExportFilter, ExportKind};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue, Value};

use self::sources::{Lookup, Order, Rows, by_activity, source, statements};
use super::Db;
use super::query::internal;

/// Records read per query.
pub const BATCH: usize = 2_000;

/// One key range of a table, read batch by batch.
#[derive(Debug, Clone)]
struct Part {
    /// Where the next batch starts: the first key (inclusive) or, after a batch, its last key,
    /// which the next batch reads again and drops.
    from: Value,
    /// Where the range ends (exclusive), if it does.
    until: Option<String>,
    /// Whether `from` was the last key of a batch.
    resumed: bool,
    done: bool,
}

impl Part {
    fn starting(from: Value, until: Option<String>) -> Self {
        Self { from, until, resumed: false, done: false }
    }
}

/// The queries of one export and what they bind: shared by the parts' reads, which run as
/// tasks of their own so that both cores work.
struct Query {
    db: Db,
    order: Order,
    /// Whether each record is read as its one row (see `Rows`).
    one_row: bool,
    /// The query of a key range with an end, and of one without.
    bounded: String,
    open_ended: String,
    /// The filter's values, bound to every query.
    bindings: Vec<(&'static str, Value)>,
    /// For the transactions: the queries of the transactions of given activities, and of those
    /// of no activity (see `by_activity`).
    by_activity: Option<(String, String)>,
}

/// Reads an export batch by batch: memory holds a batch per part, whatever the size of the file.
pub struct Reader {
    query: Arc<Query>,
    table: &'static str,
    parts: Vec<Part>,
    /// Whether the key space has been cut into parts (after the first batch, if more follow).
    cut: bool,
    /// Batches read but not handed out yet.
    pending: VecDeque<Vec<Vec<Value>>>,
    lookups: &'static [(usize, Lookup)],
    /// Every grant with its donor and currency, for `lookups` (tens of them: searched in order).
    grants: Vec<(RecordId, RecordId, String)>,
    /// A donor's activities file: the donor, and the cells of `grant_ids` and `funding`.
    cofunded: Option<(RecordId, usize, usize)>,
}

impl Reader {
    /// Prepares the reading of `kind`. `scope` narrows an institute's files; the caller has put
    /// a donor's own key in `filter`.
    pub async fn open(
        db: &Db,
        kind: ExportKind,
        filter: &ExportFilter,
        scope: &Scope,
    ) -> Result<Self, AppError> {
        let institute = match scope {
            Scope::Institute(key) => Some(RecordId::new("institute", key.as_str())),
            _ => None,
        };
        let mut pending = VecDeque::new();
        match kind {
            ExportKind::Participants => pending.push_back(computed::participants(db, filter).await?),
            ExportKind::Indicators => pending.push_back(computed::indicators(db, filter, scope).await?),
            _ => {}
        }
        let source = source(kind, filter, institute.is_some());
        let by_activity = source.as_ref().filter(|_| kind == ExportKind::Transactions).map(by_activity);
        let (order, bounded, open_ended, lookups, one_row, table) = match &source {
            Some(source) => {
                let (bounded, open_ended) = statements(kind, source);
                let one_row = matches!(source.rows, Rows::One(_));
                (source.order, bounded, open_ended, source.lookups, one_row, source.table)
            }
            None => (Order::Key, String::new(), String::new(), &[][..], true, ""),
        };
        let parts = match (&source, order) {
            (None, _) => Vec::new(),
            (Some(_), Order::Key) => vec![Part::starting(Value::String(String::new()), None)],
            (Some(_), Order::Seq) => vec![Part::starting(Value::None, None)],
        };
        // A donor reads who co-funds its activities and with how much, never the other donors'
        // grants (README, "What a donor sees"): the same rule as the activity's page.
        let cofunded = match (kind, scope) {
            (ExportKind::Activities, Scope::Donor(key)) => {
                let at = |name: &str| kind.columns().iter().position(|c| c.name == name);
                match (at("grant_ids"), at("funding")) {
                    (Some(grants), Some(funding)) => {
                        Some((RecordId::new("donor", key.as_str()), grants, funding))
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let grants = if lookups.is_empty() && cofunded.is_none() {
            Default::default()
        } else {
            let rows: Vec<GrantRow> = db
                .query("SELECT id, donor, currency FROM donor_grant;")
                .await
                .map_err(internal)?
                .take(0)
                .map_err(internal)?;
            rows.into_iter().map(|g| (g.id, g.donor, g.currency)).collect()
        };
        let donor = filter.donor.as_deref().map(|k| RecordId::new("donor", k));
        let donor_grants: Vec<RecordId> = match &donor {
            Some(donor) => db
                .query("SELECT VALUE id FROM donor_grant WHERE donor = $donor;")
                .bind(("donor", donor.clone()))
                .await
                .map_err(internal)?
                .take(0)
                .map_err(internal)?,
            None => Vec::new(),
        };
        let at_midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let bindings = vec![
            ("donor", donor.into_value()),
            ("donor_grants", donor_grants.into_value()),
            ("grant", filter.grant.as_deref().map(|k| RecordId::new("donor_grant", k)).into_value()),
            ("start", filter.from.and_then(at_midnight).into_value()),
            ("end", filter.to.and_then(at_midnight).into_value()),
            ("day_after_end", filter.to.and_then(|d| d.succ_opt()).and_then(at_midnight).into_value()),
            ("country", filter.country.clone().into_value()),
            ("institute", institute.into_value()),
        ];
        let query = Query { db: db.clone(), order, one_row, bounded, open_ended, bindings, by_activity };
        Ok(Self { query: Arc::new(query), table, parts, cut: false, pending, lookups, grants, cofunded })
    }

    /// The next batch of rows, or `None` at the end.
    pub async fn next(&mut self) -> Result<Option<Vec<Vec<Value>>>, AppError> {
        if let Some(rows) = self.pending.pop_front() {
            return Ok(Some(rows));
        }
        let live: Vec<usize> = (0..self.parts.len()).filter(|&i| !self.parts[i].done).collect();
        if live.is_empty() {
            return Ok(None);
        }
        // A batch of every unfinished part at once, each read by a task of its own. They are
        // handed out in the parts' order: the same order for the same data.
        let reads: Vec<_> = live
            .iter()
            .map(|&i| tokio::spawn(read(Arc::clone(&self.query), self.parts[i].clone())))
            .collect();
        for (&i, read) in live.iter().zip(reads) {
            let (mut rows, part) = read.await.map_err(|error| {
                tracing::error!(%error, "reading a part of an export failed");
                AppError::Internal
            })??;
            self.parts[i] = part;
            for row in &mut rows {
                self.look_up(row);
            }
            if !rows.is_empty() {
                self.pending.push_back(rows);
            }
        }
        self.cut_if_large().await?;
        Ok(self.pending.pop_front())
    }

    /// After the first batch of a table read in key order, if more follow: the rest of the key
    /// space is cut into parts (see `parts`). A small table is read in one query, uncut.
    async fn cut_if_large(&mut self) -> Result<(), AppError> {
        if self.cut || self.query.order != Order::Key || self.parts.len() != 1 || self.parts[0].done {
            return Ok(());
        }
        self.cut = true;
        let Value::String(reached) = &self.parts[0].from else { return Ok(()) };
        let mut cuts: Vec<String> =
            parts::cuts(&self.query.db, self.table).await?.into_iter().filter(|c| c > reached).collect();
        cuts.dedup();
        let ends: Vec<Option<String>> = cuts.iter().cloned().map(Some).chain([None]).collect();
        self.parts[0].until = ends[0].clone();
        for (from, until) in cuts.into_iter().zip(ends.into_iter().skip(1)) {
            self.parts.push(Part::starting(Value::String(from), until));
        }
        Ok(())
    }

    /// A transactions reader's rows of the given activities (`Some`), or of no activity
    /// (`None`), within the filter, in no particular order. Each call reads them all at once:
    /// the IATI file asks for one batch of activities at a time.
    pub async fn transactions_of(
        &self,
        activities: Option<Vec<RecordId>>,
    ) -> Result<Vec<Vec<Value>>, AppError> {
        let Some((of_these, of_none)) = &self.query.by_activity else {
            return Err(AppError::Internal);
        };
        let sql = if activities.is_some() { of_these } else { of_none };
        let mut request = self.query.db.query(sql.as_str()).bind(("activities", activities));
        for (name, value) in &self.query.bindings {
            request = request.bind((*name, value.clone()));
        }
        let rows: Vec<Value> = request.await.map_err(internal)?.take(0).map_err(internal)?;
        let mut rows: Vec<Vec<Value>> = rows
            .into_iter()
            .filter_map(|row| match row {
                Value::Array(cells) => Some(cells.into_iter().collect()),
                _ => None,
            })
            .collect();
        for row in &mut rows {
            self.look_up(row);
        }
        Ok(rows)
    }

    /// The donor of a grant.
    fn donor_of(&self, grant: &RecordId) -> Option<&RecordId> {
        self.grants.iter().find(|g| g.0 == *grant).map(|g| &g.1)
    }

    /// For a donor's file: the other donors' grants leave `grant_ids`, and their shares in
    /// `funding` name the co-funding donor instead of its grant.
    fn hide_cofunders_grants(&self, row: &mut [Value]) {
        let Some((donor, grants_at, funding_at)) = &self.cofunded else { return };
        let own = |grant: &RecordId| self.donor_of(grant) == Some(donor);
        if let Some(Value::Array(grants)) = row.get_mut(*grants_at) {
            grants.retain(|g| matches!(g, Value::RecordId(g) if own(g)));
        }
        if let Some(Value::Array(shares)) = row.get_mut(*funding_at) {
            for share in shares.iter_mut() {
                if let Value::Array(parts) = share
                    && let Some(Value::RecordId(grant)) = parts.first()
                    && !own(grant)
                {
                    parts[0] = self.donor_of(grant).map_or(Value::None, |d| Value::RecordId(d.clone()));
                }
            }
        }
    }

    /// Replaces the grant in each of `lookups`' cells by what it says.
    fn look_up(&self, row: &mut [Value]) {
        self.hide_cofunders_grants(row);
        for (cell, lookup) in self.lookups {
            if let Some(Value::RecordId(grant)) = row.get(*cell)
                && let Some((_, donor, currency)) = self.grants.iter().find(|g| g.0 == *grant)
            {
                row[*cell] = match lookup {
                    Lookup::Donor => Value::RecordId(donor.clone()),
                    Lookup::Currency => Value::String(currency.clone()),
                };
            }
        }
    }
}

/// One batch of `part`, and where the part goes on from.
async fn read(query: Arc<Query>, part: Part) -> Result<(Vec<Vec<Value>>, Part), AppError> {
    let sql = if part.until.is_some() { &query.bounded } else { &query.open_ended };
    let skip_first = part.resumed && query.order == Order::Key;
    let mut request = query
        .db
        .query(sql.as_str())
        .bind(("from", part.from.clone()))
        .bind(("until", part.until.clone()))
        .bind(("batch", (BATCH + usize::from(skip_first)) as i64));
    for (name, value) in &query.bindings {
        request = request.bind((*name, value.clone()));
    }
    let mut response = request.await.map_err(internal)?;
    let last = response.num_statements() - 1;
    // Each record as [where it is, its rows].
    let records: Vec<Value> = response.take(last).map_err(internal)?;
    let mut records: Vec<(Value, Vec<Vec<Value>>)> = if query.one_row {
        records
            .into_iter()
            .filter_map(|row| match row {
                Value::Array(cells) => {
                    let cells: Vec<Value> = cells.into_iter().collect();
                    Some((cells.first()?.clone(), vec![cells]))
                }
                _ => None,
            })
            .collect()
    } else {
        records.into_iter().filter_map(record_rows).collect()
    };
    // A batch starts at the last key of the one before: that record was read already.
    if skip_first && records.first().is_some_and(|(at, _)| key_value(at) == part.from) {
        records.remove(0);
    }
    let mut next = part;
    next.done = records.len() < BATCH;
    if let Some((at, _)) = records.last() {
        next.from = key_value(at);
        next.resumed = true;
    }
    Ok((records.into_iter().flat_map(|(_, rows)| rows).collect(), next))
}

/// Where a batch ended, as the next batch's start: a record's key, or a sequence number.
fn key_value(at: &Value) -> Value {
    match at {
        Value::RecordId(id) => Value::String(super::rows::key_of(id)),
        other => other.clone(),
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct GrantRow {
    id: RecordId,
    donor: RecordId,
    currency: String,
}

/// A record as read: `[where it is, [row, row, …]]`.
fn record_rows(value: Value) -> Option<(Value, Vec<Vec<Value>>)> {
    let Value::Array(pair) = value else { return None };
    let mut pair = pair.into_iter();
    let at = pair.next()?;
    let Some(Value::Array(rows)) = pair.next() else { return None };
    let rows = rows
        .into_iter()
        .filter_map(|row| match row {
            Value::Array(cells) => Some(cells.into_iter().collect()),
            _ => None,
        })
        .collect();
    Some((at, rows))
}
