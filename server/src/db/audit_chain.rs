//! Reading the audit log, and checking its hash chain (see [`super::audit::APPEND_EVENT`]): every event's hash
//! is recomputed from its content and the previous event's hash, and the sequence numbers must
//! run 1, 2, 3, … without a gap. The first event where that fails is named, with what most
//! likely happened to it.
//!
//! The database casts the stored values to text exactly as it did when the event was written;
//! the hashing and the reasoning are done here, so that shifted or swapped events can be told
//! from edited ones.

use app::domain::audit::{AuditEventRow, AuditFilter, ChainBreak, ChainHead, ChainReport, Tamper};
use app::domain::{Page, PageRequest};
use app::error::AppError;
use sha2::{Digest, Sha256};
use surrealdb::types::SurrealValue;

use super::Db;
use super::query::internal;

/// One event as it is hashed: every value already in its canonical text.
#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct ChainRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub prev_hash: String,
    pub hash: String,
}

impl ChainRow {
    /// The hash this event would have if it were event number `seq`.
    pub fn digest(&self, seq: i64) -> String {
        let seq = seq.to_string();
        let parts = [
            seq.as_str(),
            &self.at,
            &self.actor,
            &self.action,
            &self.record,
            &self.before,
            &self.after,
            &self.reason,
            &self.prev_hash,
        ];
        Sha256::digest(parts.join("|").as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    fn fit(&self) -> Fit {
        if self.digest(self.seq) == self.hash {
            Fit::Own
        } else if self.digest(self.seq + 1) == self.hash {
            Fit::Next
        } else if self.seq > 1 && self.digest(self.seq - 1) == self.hash {
            Fit::Previous
        } else {
            Fit::None
        }
    }
}

/// Which position an event's hash fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Its own: the content is as written.
    Own,
    /// The one after its number: it was moved down (an event before it deleted, or swapped).
    Next,
    /// The one before its number: it was moved up (an event inserted before it).
    Previous,
    /// None: its content was changed.
    None,
}

/// Walks the events in sequence order, one at a time, and keeps the first break. An event whose
/// hash does not fit its own number is judged with the next one (a swap moves two events).
#[derive(Debug)]
pub struct ChainCheck {
    expected: i64,
    last_hash: String,
    events: u64,
    pending: Option<(i64, Fit)>,
    found: Option<ChainBreak>,
}

impl Default for ChainCheck {
    fn default() -> Self {
        Self { expected: 1, last_hash: String::new(), events: 0, pending: None, found: None }
    }
}

impl ChainCheck {
    pub fn push(&mut self, row: &ChainRow) {
        if self.found.is_some() {
            return;
        }
        let fit = row.fit();
        if let Some((seq, earlier)) = self.pending.take() {
            let tamper = match (earlier, fit) {
                (Fit::Next, Fit::Previous) => Tamper::Reordered,
                (Fit::Next, _) => Tamper::Deleted,
                (_, Fit::Previous) => Tamper::Inserted,
                _ => Tamper::Edited,
            };
            self.found = Some(ChainBreak { seq, tamper });
            return;
        }
        if row.seq > self.expected {
            self.found = Some(ChainBreak { seq: self.expected, tamper: Tamper::Deleted });
            return;
        }
        if row.seq < self.expected {
            self.found = Some(ChainBreak { seq: row.seq, tamper: Tamper::Inserted });
            return;
        }
        match fit {
            Fit::Own if row.prev_hash != self.last_hash => {
                // Its own hash is right but it does not follow the one before: that one was
                // rewritten with a recomputed hash.
                self.found = Some(ChainBreak { seq: (row.seq - 1).max(1), tamper: Tamper::Edited });
                return;
            }
            Fit::Own => {}
            Fit::Previous => {
                self.found = Some(ChainBreak { seq: row.seq - 1, tamper: Tamper::Inserted });
                return;
            }
            Fit::Next | Fit::None => self.pending = Some((row.seq, fit)),
        }
        self.last_hash.clone_from(&row.hash);
        self.expected += 1;
        self.events += 1;
    }

    /// The verdict once every event has been pushed.
    pub fn finish(mut self) -> ChainReport {
        if self.found.is_none()
            && let Some((seq, fit)) = self.pending.take()
        {
            let tamper = if fit == Fit::Next { Tamper::Deleted } else { Tamper::Edited };
            self.found = Some(ChainBreak { seq, tamper });
        }
        match self.found {
            Some(broken) => ChainReport { events: self.events, head: None, broken: Some(broken) },
            None => ChainReport {
                events: self.events,
                head: (self.events > 0)
                    .then(|| ChainHead { seq: self.expected - 1, hash: self.last_hash.clone() }),
                broken: None,
            },
        }
    }
}

/// How many events are read per query.
const BATCH: i64 = 2_000;

/// Checks the whole chain, reading the events in batches in sequence order.
pub async fn verify(db: &Db) -> Result<ChainReport, AppError> {
    let mut check = ChainCheck::default();
    let mut after = 0_i64;
    loop {
        let rows: Vec<ChainRow> = db
            .query(
                "SELECT seq, <string> at AS at, <string> (actor ?? '') AS actor, action, record,
                        before ?? '' AS before, after ?? '' AS after, reason ?? '' AS reason, prev_hash, hash
                 FROM audit_event WHERE seq > $after ORDER BY seq LIMIT $batch;",
            )
            .bind(("after", after))
            .bind(("batch", BATCH))
            .await
            .map_err(internal)?
            .take(0)
            .map_err(internal)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        let full = rows.len() as i64 == BATCH;
        for row in &rows {
            check.push(row);
        }
        if !full {
            break;
        }
    }
    Ok(check.finish())
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct EventRow {
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    actor: Option<String>,
    action: String,
    record: String,
    before: Option<String>,
    after: Option<String>,
    reason: Option<String>,
    hash: String,
}

/// One page of the log, in sequence order, with the filter applied in the database.
pub async fn list(db: &Db, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditEventRow>, AppError> {
    let mut clauses = vec!["true"];
    if filter.record.is_some() {
        clauses.push("string::contains(record, $record)");
    }
    if filter.user.is_some() {
        clauses.push("actor.email = $user");
    }
    if filter.from.is_some() {
        clauses.push("at >= $from");
    }
    if filter.to.is_some() {
        clauses.push("at < $to");
    }
    if filter.action.is_some() {
        clauses.push("action = $action");
    }
    let condition = clauses.join(" AND ");
    let day = |text: &Option<String>, days: i64| {
        text.as_deref().and_then(|t| app::domain::parse_date(t).ok()).and_then(|d| {
            let d = d.checked_add_signed(chrono::Duration::days(days))?;
            Some(surrealdb::types::Datetime::from(d.and_hms_opt(0, 0, 0)?.and_utc()))
        })
    };
    let (limit, start) =
        (i64::from(page.per_page), i64::from(page.page.saturating_sub(1)) * i64::from(page.per_page));
    let mut response = db
        .query(format!(
            "SELECT seq, at, actor.email AS actor, action, record, before, after, reason, hash FROM audit_event
                WHERE {condition} ORDER BY seq LIMIT $limit START $start;
             SELECT count() AS n FROM audit_event WHERE {condition} GROUP ALL;"
        ))
        .bind(("record", filter.record.clone()))
        .bind(("user", filter.user.clone()))
        .bind(("from", day(&filter.from, 0)))
        .bind(("to", day(&filter.to, 1)))
        .bind(("action", filter.action.clone()))
        .bind(("limit", limit))
        .bind(("start", start))
        .await
        .map_err(internal)?;
    let rows: Vec<EventRow> = response.take(0).map_err(internal)?;
    let total: Option<i64> = response.take((1, "n")).map_err(internal)?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| AuditEventRow {
                seq: r.seq,
                at: r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                actor: r.actor,
                action: r.action,
                record: r.record,
                before: r.before,
                after: r.after,
                reason: r.reason,
                hash: r.hash,
            })
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total: u64::try_from(total.unwrap_or(0)).unwrap_or(0),
    })
}

/// The emails of the users who appear in the log, for the filter.
pub async fn users(db: &Db) -> Result<Vec<String>, AppError> {
    let mut emails: Vec<String> = db
        .query("SELECT VALUE email FROM user WHERE id IN (SELECT VALUE actor FROM audit_event WHERE actor != NONE GROUP BY actor);")
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    emails.sort();
    Ok(emails)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A well-formed chain of `n` events.
    fn chain(n: i64) -> Vec<ChainRow> {
        let mut rows: Vec<ChainRow> = Vec::new();
        for seq in 1..=n {
            let mut row = ChainRow {
                seq,
                at: format!("2026-11-29T10:00:0{seq}Z"),
                actor: "user:manager".into(),
                action: "update".into(),
                record: format!("activity:a{seq}"),
                before: "{ city: 'Bamako' }".into(),
                after: "{ city: 'Ségou' }".into(),
                reason: String::new(),
                prev_hash: rows.last().map(|r| r.hash.clone()).unwrap_or_default(),
                hash: String::new(),
            };
            row.hash = row.digest(seq);
            rows.push(row);
        }
        rows
    }

    fn check(rows: &[ChainRow]) -> ChainReport {
        let mut check = ChainCheck::default();
        for row in rows {
            check.push(row);
        }
        check.finish()
    }

    fn broken(rows: &[ChainRow]) -> (i64, Tamper) {
        let report = check(rows);
        let b = report.broken.expect("the change was not detected");
        (b.seq, b.tamper)
    }

    #[test]
    fn an_intact_chain_reports_its_head() {
        let rows = chain(5);
        let report = check(&rows);
        assert_eq!(report.broken, None);
        assert_eq!(report.events, 5);
        assert_eq!(report.head, Some(ChainHead { seq: 5, hash: rows[4].hash.clone() }));
        assert_eq!(check(&[]).head, None);
    }

    #[test]
    fn an_edited_event_is_named() {
        let mut rows = chain(5);
        rows[2].after = "{ city: 'Mopti' }".into();
        assert_eq!(broken(&rows), (3, Tamper::Edited));
        // Edited and its hash recomputed: the next event no longer follows it.
        rows[2].hash = rows[2].digest(3);
        assert_eq!(broken(&rows), (3, Tamper::Edited));
        // The last event edited.
        let mut rows = chain(5);
        rows[4].reason = "nothing to see".into();
        assert_eq!(broken(&rows), (5, Tamper::Edited));
    }

    #[test]
    fn a_deleted_event_is_named_with_or_without_renumbering() {
        let mut rows = chain(5);
        rows.remove(2);
        assert_eq!(broken(&rows), (3, Tamper::Deleted));
        for row in rows.iter_mut().skip(2) {
            row.seq -= 1;
        }
        assert_eq!(broken(&rows), (3, Tamper::Deleted));
    }

    #[test]
    fn an_inserted_event_is_named() {
        let mut rows = chain(5);
        let mut forged = rows[1].clone();
        forged.seq = 3;
        forged.record = "activity:forged".into();
        forged.prev_hash = rows[1].hash.clone();
        forged.hash = forged.digest(3);
        for row in rows.iter_mut().skip(2) {
            row.seq += 1;
        }
        rows.insert(2, forged.clone());
        assert_eq!(broken(&rows), (3, Tamper::Inserted));
        // The same with a made-up hash.
        rows[2].hash = "0".repeat(64);
        assert_eq!(broken(&rows), (3, Tamper::Inserted));
    }

    #[test]
    fn swapped_events_are_named() {
        let mut rows = chain(5);
        rows.swap(1, 2);
        rows[1].seq = 2;
        rows[2].seq = 3;
        assert_eq!(broken(&rows), (2, Tamper::Reordered));
    }
}
