//! Reading the rows of the CSV exports, in batches, so that a file of a million rows is written
//! as it is read. Each export is a table read in key order (the audit log in sequence order),
//! its filter's conditions, and one SurrealQL expression giving the rows of one record (a
//! handover gives a row per line). The cells come back as values, converted by the writer
//! according to the column (`app::domain::exports`).

use app::domain::exports::{ExportFilter, ExportKind};
use app::domain::{Scope, Text};
use app::error::AppError;
use surrealdb::types::{RecordId, SurrealValue, Value};

use super::Db;
use super::repo::internal;

/// Records read per query.
pub const BATCH: usize = 2_000;

/// How the reader goes through a table.
#[derive(Clone, Copy)]
enum Order {
    /// In record-key order, each batch starting at the last key read.
    Key,
    /// In `seq` order (the audit log).
    Seq,
}

/// What to read for one export.
struct Source {
    table: &'static str,
    order: Order,
    /// The conditions that every row must meet, joined by `AND`.
    conditions: Vec<&'static str>,
    /// The rows of one record: an array of arrays of cells, in the columns' order.
    rows: &'static str,
    /// Cells that hold a grant, to be replaced by what the grant says (see `Lookup`).
    lookups: &'static [(usize, Lookup)],
    /// The cells of a row from what the query read.
    shape: fn(Vec<Value>) -> Vec<Value>,
}

/// What a grant's cell is replaced by. A programme has tens of grants: looking them up in
/// memory spares the database a read of the grant for every row of a million.
#[derive(Clone, Copy)]
enum Lookup {
    Donor,
    Currency,
}

fn source(kind: ExportKind, filter: &ExportFilter, institute: bool) -> Option<Source> {
    let (donor, grant, from, to, country) = (
        filter.donor.is_some(),
        filter.grant.is_some(),
        filter.from.is_some(),
        filter.to.is_some(),
        filter.country.is_some(),
    );
    let mut c: Vec<&'static str> = Vec::new();
    let when = |on: bool, cond: &'static str, c: &mut Vec<&'static str>| {
        if on {
            c.push(cond);
        }
    };
    let (table, order, rows) = match kind {
        ExportKind::Donors => {
            c.push("archived = false");
            when(donor, "id = $donor", &mut c);
            when(grant, "id = $grant.donor", &mut c);
            ("donor", Order::Key, "[[id, name, name_fr, country, iati_ref, org_type, currency]]")
        }
        ExportKind::Grants => {
            c.push("archived = false");
            when(donor, "donor = $donor", &mut c);
            when(grant, "id = $grant", &mut c);
            when(from, "end_on >= $start", &mut c);
            when(to, "start_on <= $end", &mut c);
            (
                "donor_grant",
                Order::Key,
                "[[id, donor, reference, title, title_fr, amount_minor, currency, signed_on, start_on, end_on,
                   status, array::join(countries, '; ')]]",
            )
        }
        ExportKind::Transactions => {
            c.push("archived = false");
            when(donor, "donor_grant IN $donor_grants", &mut c);
            when(grant, "donor_grant = $grant", &mut c);
            when(from, "value_date >= $start", &mut c);
            when(to, "value_date <= $end", &mut c);
            when(country, "activity_country = $country", &mut c);
            (
                "transaction",
                Order::Key,
                "[[id, donor_grant, donor_grant, kind, value_date, amount_minor, currency, rate_to_grant,
                   amount_grant_minor, donor_grant, rate_to_eur, amount_eur_minor, activity, equipment,
                   activity_country, provider, receiver, description]]",
            )
        }
        ExportKind::Activities => {
            c.push("archived = false");
            when(donor, "funding.donor_grant ANYINSIDE $donor_grants", &mut c);
            when(grant, "$grant IN funding.donor_grant", &mut c);
            when(from, "planned_start >= $start", &mut c);
            when(to, "planned_start <= $end", &mut c);
            when(country, "country = $country", &mut c);
            (
                "activity",
                Order::Key,
                // The stored fields; the participants' cells are worked out by `activity_cells`.
                "[[id, code, title, title_fr, kind, status, planned_start, planned_end, actual_start, actual_end,
                   country, city, venue, theme, pillar, institutes, funding, participants, instructors]]",
            )
        }
        ExportKind::Institutes => {
            c.push("archived = false");
            when(donor || grant, "id IN $reached", &mut c);
            when(country, "country = $country", &mut c);
            ("institute", Order::Key, "[[id, code, name, name_fr, kind, country, city]]")
        }
        ExportKind::Equipment => {
            c.push("archived = false");
            when(donor, "donor_grant IN $donor_grants", &mut c);
            when(grant, "donor_grant = $grant", &mut c);
            when(from, "purchase_date >= $start", &mut c);
            when(to, "purchase_date <= $end", &mut c);
            (
                "equipment",
                Order::Key,
                "[[id, donor_grant, donor_grant, category, description, description_fr, quantity,
                   unit_cost_minor, unit_cost_minor * quantity, currency, transaction.rate_to_eur,
                   IF transaction != NONE { math::round(unit_cost_minor * quantity * transaction.rate_to_eur) },
                   supplier, array::join(serials, '; '), purchase_date, transaction, state, next_verification_on]]",
            )
        }
        ExportKind::Handovers => {
            c.push("archived = false");
            when(institute, "institute = $institute", &mut c);
            when(donor, "$donor IN lines.equipment.donor_grant.donor", &mut c);
            when(grant, "$grant IN lines.equipment.donor_grant", &mut c);
            when(from, "handed_over_on >= $start", &mut c);
            when(to, "handed_over_on <= $end", &mut c);
            when(country, "institute.country = $country", &mut c);
            (
                "handover",
                Order::Key,
                "array::filter(lines.map(|$l, $i| {
                    line: [id, code, institute, activity, handed_over_on, handed_over_by, status, $i + 1,
                           $l.equipment, $l.quantity, $l.received ?? 0, array::join($l.serials, '; '),
                           array::join($l.serials_checked ?? [], '; '), confirmed_at],
                    mine: ($donor = NONE OR $l.equipment.donor_grant.donor = $donor)
                        AND ($grant = NONE OR $l.equipment.donor_grant = $grant)
                 }), |$l| $l.mine).line",
            )
        }
        ExportKind::Confirmations => {
            when(institute, "handover.institute = $institute", &mut c);
            when(donor, "$donor IN lines.equipment.donor_grant.donor", &mut c);
            when(grant, "$grant IN lines.equipment.donor_grant", &mut c);
            when(from, "confirmed_at >= $start", &mut c);
            when(to, "confirmed_at < $day_after_end", &mut c);
            when(country, "handover.institute.country = $country", &mut c);
            (
                "handover_confirmation",
                Order::Key,
                "array::filter(lines.map(|$l, $i| {
                    line: [id, handover, outcome, reason, remarks, corrects, confirmed_by.email, confirmed_at,
                           $i + 1, $l.equipment, $l.received, array::join($l.serials_checked ?? [], '; '),
                           $l.condition, $l.remark],
                    mine: ($donor = NONE OR $l.equipment.donor_grant.donor = $donor)
                        AND ($grant = NONE OR $l.equipment.donor_grant = $grant)
                 }), |$l| $l.mine).line",
            )
        }
        ExportKind::StateReports => {
            when(donor, "equipment.donor_grant IN $donor_grants", &mut c);
            when(grant, "equipment.donor_grant = $grant", &mut c);
            when(from, "reported_on >= $start", &mut c);
            when(to, "reported_on <= $end", &mut c);
            (
                "equipment_report",
                Order::Key,
                "[[id, equipment, state, reported_on, remark, reported_by.email, at]]",
            )
        }
        ExportKind::AuditLog => {
            when(from, "at >= $start", &mut c);
            when(to, "at < $day_after_end", &mut c);
            (
                "audit_event",
                Order::Seq,
                "[[seq, at, actor.email, action, record, reason, before, after, prev_hash, hash]]",
            )
        }
        // Not read row by row from a table: see `participants` and `indicators`.
        ExportKind::Participants | ExportKind::Indicators => return None,
    };
    if c.is_empty() {
        c.push("true");
    }
    let lookups: &'static [(usize, Lookup)] = match kind {
        ExportKind::Transactions => &[(2, Lookup::Donor), (9, Lookup::Currency)],
        ExportKind::Equipment => &[(2, Lookup::Donor)],
        _ => &[],
    };
    let shape: fn(Vec<Value>) -> Vec<Value> = match kind {
        ExportKind::Activities => activity_cells,
        _ => |row| row,
    };
    Some(Source { table, order, conditions: c, rows, lookups, shape })
}

/// An activity's cells from its stored fields: the funding grants and shares, the
/// participants by service and sex with their totals, and the instructors (not supervisors).
/// Worked out here rather than in the query, where they cost four times the reading.
fn activity_cells(mut row: Vec<Value>) -> Vec<Value> {
    let field = |value: &Value, name: &str| match value {
        Value::Object(object) => object.get(name).cloned().unwrap_or(Value::None),
        _ => Value::None,
    };
    let int = |value: Value| match value {
        Value::Number(surrealdb::types::Number::Int(n)) => n,
        _ => 0,
    };
    let instructors = row.pop().unwrap_or(Value::None);
    let participants = row.pop().unwrap_or(Value::None);
    let funding = row.pop().unwrap_or(Value::None);
    let shares: Vec<Value> = match &funding {
        Value::Array(lines) => lines.iter().cloned().collect(),
        _ => Vec::new(),
    };
    let mut grants: Vec<Value> = Vec::new();
    for line in &shares {
        let grant = field(line, "donor_grant");
        if !grants.contains(&grant) {
            grants.push(grant);
        }
    }
    row.push(grants.into_value());
    let shares: Vec<Value> = shares
        .iter()
        .map(|line| {
            vec![field(line, "donor_grant"), field(line, "amount_minor"), field(line, "currency")]
                .into_value()
        })
        .collect();
    row.push(shares.into_value());
    let (mut all, mut women) = (0, 0);
    for service in ["police", "gendarmerie", "justice", "other"] {
        let headcount = field(&participants, service);
        let (total, w) = (int(field(&headcount, "total")), int(field(&headcount, "women")));
        row.push(w.into_value());
        row.push((total - w).into_value());
        all += total;
        women += w;
    }
    row.push(all.into_value());
    row.push(women.into_value());
    let teaching = match &instructors {
        Value::Array(list) => list.iter().filter(|i| field(i, "supervisor") != Value::Bool(true)).count(),
        _ => 0,
    };
    row.push((teaching as i64).into_value());
    row
}

/// Where the key space of a table is cut in two, so that both halves are read at the same time
/// (record keys made by the database are random letters and digits). Rows come half by half,
/// a batch of each in turn: an order that is the same for the same data.
const SPLIT: &str = "i";

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

/// Reads an export batch by batch: memory holds a batch or two, whatever the size of the file.
pub struct Reader {
    db: Db,
    filter: ExportFilter,
    institute: Option<RecordId>,
    order: Order,
    /// The query of a key range with an end, and of one without.
    bounded: String,
    open_ended: String,
    parts: Vec<Part>,
    /// Batches read but not handed out yet.
    pending: std::collections::VecDeque<Vec<Vec<Value>>>,
    lookups: &'static [(usize, Lookup)],
    shape: fn(Vec<Value>) -> Vec<Value>,
    /// The donor's grants, when the filter names a donor: matched on the rows' own fields.
    donor_grants: Vec<RecordId>,
    /// Whether each record is read as its one row (see `statements`).
    flat: bool,
    /// Every grant with its donor and currency, for `lookups` (tens of them: searched in order).
    grants: Vec<(RecordId, RecordId, String)>,
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
        let mut pending = std::collections::VecDeque::new();
        match kind {
            ExportKind::Participants => pending.push_back(participants(db, filter).await?),
            ExportKind::Indicators => pending.push_back(indicators(db, filter, scope).await?),
            _ => {}
        }
        let part = |from: &str, until: Option<&str>| Part {
            from: Value::String(from.to_owned()),
            until: until.map(str::to_owned),
            resumed: false,
            done: false,
        };
        let flat = source(kind, filter, false).is_some_and(|s| flat(s.rows).is_some());
        let (order, bounded, open_ended, lookups, shape, parts) =
            match source(kind, filter, institute.is_some()) {
                Some(source) => {
                    let (bounded, open_ended) = statements(kind, &source);
                    let parts = match source.order {
                        Order::Key => vec![part("", Some(SPLIT)), part(SPLIT, None)],
                        Order::Seq => vec![Part { from: Value::None, ..part("", None) }],
                    };
                    (source.order, bounded, open_ended, source.lookups, source.shape, parts)
                }
                None => (
                    Order::Key,
                    String::new(),
                    String::new(),
                    &[][..],
                    (|row| row) as fn(Vec<Value>) -> Vec<Value>,
                    Vec::new(),
                ),
            };
        let grants = if lookups.is_empty() {
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
        let donor_grants: Vec<RecordId> = match filter.donor.as_deref() {
            Some(donor) => db
                .query("SELECT VALUE id FROM donor_grant WHERE donor = $donor;")
                .bind(("donor", RecordId::new("donor", donor)))
                .await
                .map_err(internal)?
                .take(0)
                .map_err(internal)?,
            None => Vec::new(),
        };
        Ok(Self {
            db: db.clone(),
            donor_grants,
            flat,
            filter: filter.clone(),
            institute,
            order,
            bounded,
            open_ended,
            parts,
            pending,
            lookups,
            shape,
            grants,
        })
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
        // A batch of every unfinished part at once: the database reads them side by side.
        let reads = live.iter().map(|&i| self.read(&self.parts[i]));
        let results = futures::future::try_join_all(reads).await?;
        for (&i, (rows, part)) in live.iter().zip(results) {
            self.parts[i] = part;
            if !rows.is_empty() {
                self.pending.push_back(rows);
            }
        }
        Ok(self.pending.pop_front())
    }

    /// One batch of `part`, and where the part goes on from.
    async fn read(&self, part: &Part) -> Result<(Vec<Vec<Value>>, Part), AppError> {
        let filter = &self.filter;
        let at_midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let sql = if part.until.is_some() { &self.bounded } else { &self.open_ended };
        let skip_first = part.resumed && matches!(self.order, Order::Key);
        let mut response = self
            .db
            .query(sql.as_str())
            .bind(("from", part.from.clone()))
            .bind(("until", part.until.clone()))
            .bind(("batch", (BATCH + usize::from(skip_first)) as i64))
            .bind(("donor", filter.donor.as_deref().map(|k| RecordId::new("donor", k))))
            .bind(("donor_grants", self.donor_grants.clone()))
            .bind(("grant", filter.grant.as_deref().map(|k| RecordId::new("donor_grant", k))))
            .bind(("start", filter.from.and_then(at_midnight)))
            .bind(("end", filter.to.and_then(at_midnight)))
            .bind(("day_after_end", filter.to.and_then(|d| d.succ_opt()).and_then(at_midnight)))
            .bind(("country", filter.country.clone()))
            .bind(("institute", self.institute.clone()))
            .await
            .map_err(internal)?;
        let last = response.num_statements() - 1;
        // Each record as [where it is, its rows].
        let records: Vec<Value> = response.take(last).map_err(internal)?;
        let mut records: Vec<(Value, Vec<Vec<Value>>)> = if self.flat {
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
        let mut next = part.clone();
        next.done = records.len() < BATCH;
        if let Some((at, _)) = records.last() {
            next.from = key_value(at);
            next.resumed = true;
        }
        let mut rows: Vec<Vec<Value>> =
            records.into_iter().flat_map(|(_, rows)| rows).map(self.shape).collect();
        for row in &mut rows {
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
        Ok((rows, next))
    }
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

/// The one row of a record's rows expression `[[…]]`, as `[…]`; `None` for several rows.
fn flat(rows: &str) -> Option<&str> {
    let inner = rows.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    (inner.starts_with('[') && inner.ends_with(']')).then_some(inner)
}

/// The queries of an export: in key order, the batch of a key range with an end and of one
/// without; in sequence order, the next batch (twice).
fn statements(kind: ExportKind, source: &Source) -> (String, String) {
    let conditions = source.conditions.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ");
    let table = source.table;
    // A record of one row is read as that row, whose first cell says where it is; a record of
    // several (a handover's lines) as [where it is, its rows]. Flat rows read a tenth faster.
    let rows = match flat(source.rows) {
        Some(row) => row.to_owned(),
        None => {
            format!("[{}, {}]", if matches!(source.order, Order::Seq) { "seq" } else { "id" }, source.rows)
        }
    };
    // The institutes a donor's (or a grant's) activities reached, for `institutes.csv`.
    let prelude = if kind == ExportKind::Institutes {
        "LET $reached = array::distinct(array::flatten((SELECT VALUE institutes FROM activity
            WHERE archived = false AND ($donor = NONE OR $donor IN funding.donor_grant.donor)
                AND ($grant = NONE OR $grant IN funding.donor_grant))));"
    } else {
        ""
    };
    match source.order {
        // A range built with `type::record` is read with the limit pushed down to the storage.
        Order::Key => (
            format!(
                "{prelude} SELECT VALUE {rows} FROM type::record('{table}', $from..$until)
                 WHERE {conditions} LIMIT $batch;"
            ),
            format!(
                "{prelude} SELECT VALUE {rows} FROM type::record('{table}', $from..)
                 WHERE {conditions} LIMIT $batch;"
            ),
        ),
        Order::Seq => {
            let sql = format!(
                "SELECT VALUE {rows} FROM {table} WHERE seq > ($from ?? 0) AND {conditions}
                 ORDER BY seq LIMIT $batch;"
            );
            (sql.clone(), sql)
        }
    }
}

/// `participants.csv`: the dashboard's people trained per country, year and type of activity,
/// from the same summary rows and the same filter.
async fn participants(db: &Db, filter: &ExportFilter) -> Result<Vec<Vec<Value>>, AppError> {
    use chrono::Datelike;
    let dashboard_filter = app::domain::dashboard::DashboardFilter {
        donor: filter.donor.clone(),
        grant: filter.grant.clone(),
        country: filter.country.clone(),
        from_year: filter.from.map(|d| d.year()),
        to_year: filter.to.map(|d| d.year()),
        ..Default::default()
    };
    let rows = super::dashboard::people_by_country_year_kind(db, &dashboard_filter).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut cells = vec![
                r.country.into_value(),
                r.year.into_value(),
                r.kind.into_value(),
                r.activities.into_value(),
            ];
            for (total, women) in r.people {
                cells.push(women.into_value());
                cells.push((total - women).into_value());
            }
            let total: i64 = r.people.iter().map(|p| p.0).sum();
            let women: i64 = r.people.iter().map(|p| p.1).sum();
            cells.extend([total.into_value(), women.into_value(), r.instructors.into_value()]);
            cells
        })
        .collect())
}

/// `indicators.csv`: the indicators page's targets and actuals, a row per year and country.
async fn indicators(db: &Db, filter: &ExportFilter, scope: &Scope) -> Result<Vec<Vec<Value>>, AppError> {
    use chrono::Datelike;
    let condition = super::repo::condition(scope, super::repo::Records::Activities);
    let rows = super::indicators::indicators(db, scope, condition, super::repo::scope_value(scope)).await?;
    let (from, to) = (filter.from.map(|d| d.year()), filter.to.map(|d| d.year()));
    let mut out = Vec::new();
    for r in rows {
        let Text { en, fr } = r.title;
        for cell in r.cells {
            if from.is_some_and(|y| cell.year < y)
                || to.is_some_and(|y| cell.year > y)
                || filter.country.as_deref().is_some_and(|c| c != cell.country.code())
            {
                continue;
            }
            let count =
                |n: Option<u64>| n.map_or(Value::None, |n| i64::try_from(n).unwrap_or(i64::MAX).into_value());
            out.push(vec![
                RecordId::new("indicator", r.id.as_str()).into_value(),
                r.code.clone().into_value(),
                en.clone().into_value(),
                fr.clone().into_value(),
                r.unit.clone().into_value(),
                r.computed.into_value(),
                i64::try_from(r.baseline).unwrap_or(i64::MAX).into_value(),
                (i64::from(cell.year)).into_value(),
                cell.country.code().to_owned().into_value(),
                count(cell.target),
                count(cell.actual),
            ]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_export_reads_as_many_cells_as_it_has_columns() {
        for kind in ExportKind::ALL {
            let Some(source) = source(kind, &ExportFilter::default(), false) else { continue };
            if kind == ExportKind::Activities {
                // 19 stored fields, shaped into the columns.
                let shaped = activity_cells(vec![Value::None; 19]);
                assert_eq!(shaped.len(), kind.columns().len());
                continue;
            }
            // The top-level cells of the row expression, counted at depth two of the brackets.
            let inner = source.rows.find("[[").map_or_else(
                || source.rows.find("line: [").map(|i| &source.rows[i + 6..]).unwrap_or_default(),
                |i| &source.rows[i + 1..],
            );
            let (mut depth, mut cells) = (0, 1);
            for ch in inner.chars() {
                match ch {
                    '[' | '(' | '{' => depth += 1,
                    ']' | ')' | '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => cells += 1,
                    _ => {}
                }
            }
            assert_eq!(cells, kind.columns().len(), "{kind:?}");
        }
    }
}
