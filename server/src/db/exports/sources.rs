//! What each export reads: its table, its order, the conditions of its filter, and the rows of
//! one record as a SurrealQL expression (see `Rows`), with the queries made from them.

use app::domain::exports::{ExportFilter, ExportKind};

/// How the reader goes through a table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Order {
    /// In record-key order, each batch starting at the last key read.
    Key,
    /// In `seq` order (the audit log).
    Seq,
}

/// The rows of one record, as a SurrealQL expression over the record's fields.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rows {
    /// One row: an array of cells in the columns' order, the first saying where the record is.
    One(&'static str),
    /// Several rows (a handover's lines): an array of such arrays.
    Many(&'static str),
}

/// What to read for one export.
pub(super) struct Source {
    pub table: &'static str,
    pub order: Order,
    /// The conditions that every row must meet, joined by `AND`.
    pub conditions: Vec<&'static str>,
    pub rows: Rows,
    /// Cells that hold a grant, to be replaced by what the grant says (see `Lookup`).
    pub lookups: &'static [(usize, Lookup)],
}

/// What a grant's cell is replaced by. A programme has tens of grants: looking them up in
/// memory spares the database a read of the grant for every row of a million.
#[derive(Clone, Copy, Debug)]
pub(super) enum Lookup {
    Donor,
    Currency,
}

/// What `kind` reads for `filter` (`institute`: whether the reader is an institute), or `None`
/// for the files computed otherwise (see `computed`).
pub(super) fn source(kind: ExportKind, filter: &ExportFilter, institute: bool) -> Option<Source> {
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
            ("donor", Order::Key, Rows::One("[id, name, name_fr, country, iati_ref, org_type, currency]"))
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
                Rows::One("[id, donor, reference, title, title_fr, amount_minor, currency, signed_on, start_on, end_on,
                   status, array::join(countries, '; '), provider_activity_id ?? '']"),
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
                Rows::One(
                    "[id, donor_grant, donor_grant, kind, value_date, amount_minor, currency, rate_to_grant,
                   amount_grant_minor, donor_grant, rate_to_eur, amount_eur_minor, activity, equipment,
                   activity_country, provider, receiver, description]",
                ),
            )
        }
        ExportKind::Activities => {
            // Live activities only: an archived one has no row (migration 0013).
            when(donor, "grants ANYINSIDE $donor_grants", &mut c);
            when(grant, "$grant IN grants", &mut c);
            when(from, "planned_start >= $start", &mut c);
            when(to, "planned_start <= $end", &mut c);
            when(country, "country = $country", &mut c);
            // Each activity's cells, worked out when it was written.
            ("activity_row", Order::Key, Rows::One("cells"))
        }
        ExportKind::Institutes => {
            c.push("archived = false");
            when(donor || grant, "id IN $reached", &mut c);
            when(country, "country = $country", &mut c);
            ("institute", Order::Key, Rows::One("[id, code, name, name_fr, kind, country, city]"))
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
                Rows::One("[id, donor_grant, donor_grant, category, description, description_fr, quantity,
                   unit_cost_minor, unit_cost_minor * quantity, currency,
                   IF currency = 'EUR' { 1dec } ELSE { transaction.rate_to_eur },
                   IF currency = 'EUR' { unit_cost_minor * quantity }
                   ELSE IF transaction != NONE { math::round(unit_cost_minor * quantity * transaction.rate_to_eur) },
                   supplier, array::join(serials, '; '), purchase_date, transaction, next_verification_on]"),
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
                Rows::Many(
                    "array::filter(lines.map(|$l, $i| {
                    line: [id, code, institute, activity, handed_over_on, handed_over_by, status, $i + 1,
                           $l.equipment, $l.quantity, $l.received ?? 0, $l.disputed ?? 0, array::join($l.serials, '; '),
                           array::join($l.serials_checked ?? [], '; '), $l.state, confirmed_at],
                    mine: ($donor = NONE OR $l.equipment.donor_grant.donor = $donor)
                        AND ($grant = NONE OR $l.equipment.donor_grant = $grant)
                 }), |$l| $l.mine).line",
                ),
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
                Rows::Many(
                    "array::filter(lines.map(|$l, $i| {
                    line: [id, handover, outcome, reason, remarks, corrects, confirmed_by.email, confirmed_at,
                           $i + 1, $l.equipment, $l.received, array::join($l.serials_checked ?? [], '; '),
                           $l.condition, $l.remark],
                    mine: ($donor = NONE OR $l.equipment.donor_grant.donor = $donor)
                        AND ($grant = NONE OR $l.equipment.donor_grant = $grant)
                 }), |$l| $l.mine).line",
                ),
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
                Rows::One("[id, equipment, handover, state, reported_on, remark, reported_by.email, at]"),
            )
        }
        ExportKind::AuditLog => {
            when(from, "at >= $start", &mut c);
            when(to, "at < $day_after_end", &mut c);
            (
                "audit_event",
                Order::Seq,
                Rows::One("[seq, at, actor.email, action, record, reason, before, after, prev_hash, hash]"),
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
    Some(Source { table, order, conditions: c, rows, lookups })
}

/// For `transactions.csv`'s source: the query of the transactions of the activities
/// `$activities`, and of those paid for no activity (the IATI file nests transactions in
/// their activity, batch by batch). Both go through the index on `activity`, named: left to
/// itself, SurrealDB 3.3.5's planner added a bitmap scan of the index on the grant to a donor's
/// query (EXPLAIN), which reads every transaction of the donor's grants for each batch.
pub(super) fn by_activity(source: &Source) -> (String, String) {
    let Rows::One(row) = source.rows else { unreachable!("a transaction is one row") };
    let conditions = source.conditions.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ");
    let from = "FROM transaction WITH INDEX transaction_activity";
    (
        format!("SELECT VALUE {row} {from} WHERE activity IN $activities AND {conditions};"),
        format!("SELECT VALUE {row} {from} WHERE activity = NONE AND {conditions};"),
    )
}

/// The queries of an export: in key order, the batch of a key range with an end and of one
/// without; in sequence order, the next batch (twice).
pub(super) fn statements(kind: ExportKind, source: &Source) -> (String, String) {
    let conditions = source.conditions.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ");
    let table = source.table;
    // A record of one row is read as that row; a record of several as [where it is, its rows].
    // Reading a row as such is a tenth faster than as [where it is, [row]].
    let rows = match source.rows {
        Rows::One(row) => row.to_owned(),
        Rows::Many(rows) => format!("[{}, {rows}]", if source.order == Order::Seq { "seq" } else { "id" }),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The top-level cells of an array expression `[a, f(b, c), [d]]` (here 3).
    fn cells(row: &str) -> usize {
        let (mut depth, mut cells) = (0, 1);
        for ch in row.chars() {
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
        cells
    }

    #[test]
    fn every_table_export_reads_as_many_cells_as_it_has_columns() {
        for kind in ExportKind::ALL {
            let Some(source) = source(kind, &ExportFilter::default(), false) else { continue };
            let row = match source.rows {
                // An activity's cells are worked out when it is written (migration 0013, as
                // redefined by 0020).
                Rows::One("cells") => {
                    let migration = include_str!("../migrations/0020_previous_codes.surql");
                    &migration[migration.find("cells: [").expect("the cells") + 7..]
                }
                Rows::One(row) => row,
                Rows::Many(rows) => &rows[rows.find("line: [").expect("a line") + 6..],
            };
            assert_eq!(cells(row), kind.columns().len(), "{kind:?}");
        }
    }
}
