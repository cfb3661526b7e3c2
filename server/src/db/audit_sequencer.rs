//! Chaining audit events after the change they describe has committed.
//!
//! A change writes its event, unchained, into `audit_pending` inside its own transaction (see
//! [`super::audit::APPEND_EVENT`]): the change and its event commit together or not at all, and
//! two changes of different records share no key, so they never conflict. Right after the
//! commit, the writer hands the event's id to this database's sequencer and waits for it. The
//! sequencer is one task: it takes every id handed to it meanwhile, in the order they came (the
//! order their changes committed), reads the chain's head by id (`data_version:current`, kept by
//! the database in the same transaction as each new event, migration 0018), gives the events the
//! next numbers and hashes, and moves them into `audit_event` in one transaction. Its cost does
//! not depend on the length of the log, and many saves share one commit.
//!
//! Two server processes on one SurrealDB server each run a sequencer. Both transactions write the
//! head and check that it is still the one they read, so the second to commit is refused by the
//! engine (or by the check, or by the unique index on `seq`) and tries again, with backoff, on
//! the new head. An event whose process died before chaining it is chained by the sweep that each
//! sequencer runs at start-up and every minute, oldest first.

use std::collections::HashMap;
use std::time::Duration;

use surrealdb::types::{RecordId, RecordIdKey, SurrealValue};
use tokio::sync::{mpsc, oneshot};

use super::Db;
use super::audit_chain::ChainRow;

/// How long a writer waits for its event to be chained before answering anyway (its change is
/// saved; the sweep chains the event later). Chaining retries conflicts for as long.
const WAIT: Duration = Duration::from_secs(10);
/// Most events moved in one transaction.
const SLICE: usize = 1_000;

/// What the sequencer is asked to do.
enum Job {
    /// Chain these events, in this order.
    Chain(Vec<RecordId>, oneshot::Sender<Result<(), String>>),
    /// Chain every pending event, oldest first; answer how many.
    Sweep(oneshot::Sender<Result<usize, String>>),
}

/// The handle to one database's sequencer task.
pub struct Sequencer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Sequencer {
    /// Starts the task. `db` gives it the database while one handle exists; once none does, the
    /// task ends.
    pub(super) fn start(db: impl Fn() -> Option<Db> + Send + 'static) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(db, queue));
        Self { jobs }
    }

    /// Chains the events `ids` (written by one committed transaction, in their order) and waits
    /// until they are in the log. Never fails the change they belong to: a failure is logged, and
    /// the sweep chains them later.
    pub async fn chain(&self, ids: Vec<RecordId>) {
        if ids.is_empty() {
            return;
        }
        let ids_len = ids.len();
        let (done, answer) = oneshot::channel();
        if self.jobs.send(Job::Chain(ids, done)).is_err() {
            tracing::error!("the audit sequencer has stopped; the sweep at the next start chains the event");
            return;
        }
        // An import hands over thousands at once: each slice of them gets the same time.
        let within = WAIT * (1 + ids_len / SLICE) as u32;
        match tokio::time::timeout(within, answer).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => {
                tracing::error!(%error, "a saved change's audit event could not be chained yet; the sweep will")
            }
            Ok(Err(_)) => {
                tracing::error!("the audit sequencer stopped before chaining a saved change's event")
            }
            Err(_) => tracing::error!(
                "a saved change's audit event was not chained within {WAIT:?}; the sweep will"
            ),
        }
    }

    /// Chains every pending event, oldest first (at start-up, every minute, before a backup or
    /// a verification); returns how many.
    pub async fn sweep(&self) -> Result<usize, String> {
        let (done, answer) = oneshot::channel();
        self.jobs.send(Job::Sweep(done)).map_err(|_| "the audit sequencer has stopped".to_owned())?;
        answer.await.map_err(|_| "the audit sequencer stopped".to_owned())?
    }
}

async fn run(db: impl Fn() -> Option<Db>, mut queue: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = queue.recv().await {
        // Everything handed over while the last batch was written goes into this one.
        let mut jobs = vec![first];
        while let Ok(job) = queue.try_recv() {
            jobs.push(job);
        }
        let Some(db) = db() else { break };
        let mut ids = Vec::new();
        let mut waiting = Vec::new();
        let mut sweeps = Vec::new();
        for job in jobs {
            match job {
                Job::Chain(more, done) => {
                    ids.extend(more);
                    waiting.push(done);
                }
                Job::Sweep(done) => sweeps.push(done),
            }
        }
        let chained = chain(&db, &ids).await;
        for done in waiting {
            let _ = done.send(chained.clone());
        }
        if !sweeps.is_empty() {
            let swept = sweep(&db).await;
            for done in sweeps {
                let _ = done.send(swept.clone());
            }
        }
    }
}

/// One pending event as it will be hashed.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Pending {
    key: String,
    at: String,
    actor: String,
    action: String,
    record: String,
    before: String,
    after: String,
    reason: String,
}

/// The head of the chain: the newest event's number and hash (0 and "" before the first).
#[derive(Debug, Default, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Head {
    seq: i64,
    hash: Option<String>,
}

/// What one pending event becomes.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Chained {
    pending: RecordId,
    seq: i64,
    prev_hash: String,
    hash: String,
}

/// Chains `ids` in order, in slices, retrying conflicts (another sequencer, or the sweep of
/// another process) with backoff for at most [`WAIT`].
async fn chain(db: &Db, ids: &[RecordId]) -> Result<(), String> {
    for slice in ids.chunks(SLICE) {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut wait = Duration::from_millis(2);
        loop {
            match chain_once(db, slice).await {
                Ok(()) => break,
                Err(Attempt::Retry(why)) if tokio::time::Instant::now() + wait < deadline => {
                    tracing::debug!(%why, "chaining audit events again");
                    tokio::time::sleep(jitter(wait)).await;
                    wait = (wait * 2).min(Duration::from_millis(200));
                }
                Err(Attempt::Retry(why)) => return Err(format!("kept conflicting: {why}")),
                Err(Attempt::Failed(why)) => return Err(why),
            }
        }
    }
    Ok(())
}

/// Up to twice `wait`, so that two sequencers that collided do not collide again in step.
fn jitter(wait: Duration) -> Duration {
    use rand::Rng;
    wait + wait.mul_f64(rand::rng().random::<f64>())
}

enum Attempt {
    Retry(String),
    Failed(String),
}

async fn chain_once(db: &Db, ids: &[RecordId]) -> Result<(), Attempt> {
    let failed = |e: surrealdb::Error| Attempt::Failed(e.to_string());
    // The events as they will be hashed: the same text the verifier reads back from the log.
    let mut response = db
        .query(
            "SELECT record::id(id) AS key, <string> at AS at, <string> (actor ?? '') AS actor, action, record,
                    before ?? '' AS before, after ?? '' AS after, reason ?? '' AS reason
             FROM $ids;
             SELECT seq, hash FROM ONLY data_version:current;",
        )
        .bind(("ids", ids.to_vec()))
        .await
        .map_err(failed)?;
    let found: Vec<Pending> = response.take(0).map_err(failed)?;
    let head: Option<Head> = response.take(1).map_err(failed)?;
    if found.is_empty() {
        // Already chained (by a sweep), or never committed.
        return Ok(());
    }
    let head = head.unwrap_or_default();
    let mut prev = match head.hash {
        Some(hash) => hash,
        None if head.seq == 0 => String::new(),
        None => return Err(Attempt::Failed(format!("the chain's head at {} has no hash", head.seq))),
    };
    // In the order handed over, whatever order the database answered in.
    let mut by_key: HashMap<String, Pending> = found.into_iter().map(|p| (p.key.clone(), p)).collect();
    let mut events = Vec::with_capacity(by_key.len());
    let mut seq = head.seq;
    for id in ids {
        let RecordIdKey::String(key) = &id.key else { continue };
        let Some(p) = by_key.remove(key.as_str()) else { continue };
        seq += 1;
        let row = ChainRow {
            seq,
            at: p.at,
            actor: p.actor,
            action: p.action,
            record: p.record,
            before: p.before,
            after: p.after,
            reason: p.reason,
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        let hash = row.digest(seq);
        events.push(Chained {
            pending: id.clone(),
            seq,
            prev_hash: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
    let mut response = db
        .query(
            "BEGIN TRANSACTION;
             IF ((SELECT VALUE seq FROM ONLY data_version:current) ?? 0) != $head { THROW 'aidtrail:head_moved' };
             FOR $e IN $events {
                 LET $p = (SELECT * FROM ONLY $e.pending);
                 IF $p = NONE { THROW 'aidtrail:pending_gone' };
                 CREATE audit_event CONTENT {
                     seq: $e.seq, at: $p.at, actor: $p.actor, action: $p.action, record: $p.record,
                     before: $p.before, after: $p.after, reason: $p.reason,
                     prev_hash: $e.prev_hash, hash: $e.hash
                 };
                 DELETE $e.pending;
             };
             COMMIT TRANSACTION;",
        )
        .bind(("head", head.seq))
        .bind(("events", events))
        .await
        .map_err(failed)?;
    let result = response.take_errors();
    if result.is_empty() {
        return Ok(());
    }
    // Every statement of a failed transaction reports an error; the one that says why may be any
    // of them (a conflict at the commit, the head moved, a number taken meanwhile).
    let errors: Vec<String> = result.into_values().map(|e| e.to_string()).collect();
    let retry = errors.iter().any(|text| {
        text.contains("aidtrail:head_moved")
            || text.contains("aidtrail:pending_gone")
            || super::query::is_retryable(text)
            || text.contains("audit_event_seq")
    });
    let text = errors.join("; ");
    if retry { Err(Attempt::Retry(text)) } else { Err(Attempt::Failed(text)) }
}

/// Chains every pending event, oldest first.
async fn sweep(db: &Db) -> Result<usize, String> {
    let (mut total, mut last) = (0, None);
    loop {
        let ids: Vec<RecordId> = db
            .query("SELECT VALUE id FROM audit_pending ORDER BY at, id LIMIT $slice;")
            .bind(("slice", SLICE as i64))
            .await
            .and_then(|mut r| r.take(0))
            .map_err(|e| e.to_string())?;
        if ids.is_empty() {
            return Ok(total);
        }
        if last.as_ref() == Some(&ids) {
            return Err(format!("{} pending audit events could not be chained", ids.len()));
        }
        total += ids.len();
        chain(db, &ids).await?;
        last = Some(ids);
    }
}
