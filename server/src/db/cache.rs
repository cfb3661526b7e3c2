//! Answers of the costly reads (dashboards, filter choices, lists), kept until the data changes.
//!
//! Every change of the programme's records appends an audit event in its own transaction
//! (see `audit`), so the newest audit sequence number is the version of the data: an answer
//! read at version `v` stays right until an event `v + 1` exists. Each cached read first asks
//! the database for that number (one record, kept by migration 0014's event: about 40 µs, a
//! fraction of the reads it saves), so the cache is right whichever process wrote, an embedded
//! database or several servers on one remote database alike. What is not in the audit log (users, sessions, uploads waiting to be
//! imported) is never read through here.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::error::AppError;
use serde::Serialize;

use super::Db;
use super::query::internal;

/// A value of the cache: any answer type, shared.
type Shared = Arc<dyn Any + Send + Sync>;

/// The answers of costly reads, by what was asked, with the data version each was read at.
pub struct ReadCache {
    capacity: usize,
    entries: Mutex<HashMap<String, (i64, Shared)>>,
}

impl ReadCache {
    /// A cache holding at most `capacity` answers; 0 keeps none (every read goes to the
    /// database).
    pub fn new(capacity: usize) -> Self {
        Self { capacity, entries: Mutex::new(HashMap::new()) }
    }

    /// The answer of `read` for the question `(kind, args)`: kept from an earlier read if the
    /// data has not changed since, else read now (and kept). Errors are never kept.
    pub async fn get_or_read<T, F>(
        &self,
        db: &Db,
        kind: &str,
        args: &impl Serialize,
        read: F,
    ) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, AppError>>,
    {
        if self.capacity == 0 {
            return read.await;
        }
        let key = match serde_json::to_string(args) {
            Ok(args) => format!("{kind}:{args}"),
            Err(error) => {
                tracing::error!(%error, kind, "a cache key could not be written; reading directly");
                return read.await;
            }
        };
        // Read before the answer, so an answer is never older than the version it is kept at.
        let version = data_version(db).await?;
        if let Some(value) = self.lookup::<T>(&key, version) {
            return Ok(value);
        }
        let value = read.await?;
        self.keep(key, version, Arc::new(value.clone()));
        Ok(value)
    }

    fn lookup<T: Clone + 'static>(&self, key: &str, version: i64) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (kept_at, value) = entries.get(key)?;
        if *kept_at != version {
            return None;
        }
        value.downcast_ref::<T>().cloned()
    }

    fn keep(&self, key: String, version: i64, value: Shared) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // A slower reader of an older version does not replace a newer answer.
        if entries.get(&key).is_some_and(|(kept_at, _)| *kept_at > version) {
            return;
        }
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            // Answers of older versions are of no use any more; if all are current, start over
            // (the cache refills with what is asked next).
            entries.retain(|_, (kept_at, _)| *kept_at >= version);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (version, value));
    }

    /// How many answers are kept (for tests).
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The version of the data: the newest audit event's sequence number, kept in one record in
/// the event's own transaction (migration 0014); 0 before the first event.
async fn data_version(db: &Db) -> Result<i64, AppError> {
    let seq: Option<i64> = db
        .query("SELECT VALUE seq FROM ONLY data_version:current;")
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    Ok(seq.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn database() -> Db {
        let db = surrealdb::engine::any::connect("mem://").await.expect("in-memory database");
        db.use_ns("test").use_db("test").await.expect("namespace");
        db.query("DEFINE TABLE audit_event SCHEMALESS;")
            .query(include_str!("migrations/0014_data_version.surql"))
            .await
            .expect("schema")
            .check()
            .expect("schema");
        Db::new(db)
    }

    async fn append_event(db: &Db, seq: i64) {
        db.query("CREATE audit_event CONTENT { seq: $seq };")
            .bind(("seq", seq))
            .await
            .unwrap()
            .check()
            .unwrap();
    }

    /// Reads through the cache, counting the reads that reached "the database".
    async fn read(cache: &ReadCache, db: &Db, reads: &AtomicUsize, args: &str) -> Result<String, AppError> {
        cache
            .get_or_read(db, "test", &args, async {
                let n = reads.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(format!("{args} read {n}"))
            })
            .await
    }

    #[tokio::test]
    async fn an_answer_is_kept_until_the_next_audit_event() {
        let db = database().await;
        let cache = ReadCache::new(16);
        let reads = AtomicUsize::new(0);
        assert_eq!(read(&cache, &db, &reads, "a").await.unwrap(), "a read 1");
        assert_eq!(read(&cache, &db, &reads, "a").await.unwrap(), "a read 1", "kept before any event");
        assert_eq!(read(&cache, &db, &reads, "b").await.unwrap(), "b read 2", "another question is read");
        append_event(&db, 1).await;
        assert_eq!(read(&cache, &db, &reads, "a").await.unwrap(), "a read 3", "read again after a change");
        assert_eq!(read(&cache, &db, &reads, "a").await.unwrap(), "a read 3");
        append_event(&db, 2).await;
        assert_eq!(read(&cache, &db, &reads, "b").await.unwrap(), "b read 4");
    }

    #[tokio::test]
    async fn errors_are_not_kept_and_a_cache_of_no_entries_keeps_nothing() {
        let db = database().await;
        let cache = ReadCache::new(16);
        let failed: Result<String, _> =
            cache.get_or_read(&db, "test", &"a", async { Err(AppError::Internal) }).await;
        assert!(failed.is_err());
        assert!(cache.is_empty(), "an error is not kept");

        let off = ReadCache::new(0);
        let reads = AtomicUsize::new(0);
        read(&off, &db, &reads, "a").await.unwrap();
        assert_eq!(
            read(&off, &db, &reads, "a").await.unwrap(),
            "a read 2",
            "every read reaches the database"
        );
        assert!(off.is_empty());
    }

    #[tokio::test]
    async fn an_older_answer_never_replaces_a_newer_one() {
        let cache = ReadCache::new(16);
        cache.keep("k".into(), 5, Arc::new("new".to_owned()));
        cache.keep("k".into(), 4, Arc::new("old".to_owned()));
        assert_eq!(cache.lookup::<String>("k", 5).as_deref(), Some("new"));
        assert_eq!(cache.lookup::<String>("k", 4), None, "an answer is only given at its own version");
        assert_eq!(cache.lookup::<u32>("k", 5), None, "nor as another type");
    }

    #[tokio::test]
    async fn a_full_cache_drops_old_versions_first_and_never_grows_past_its_size() {
        let cache = ReadCache::new(3);
        cache.keep("old1".into(), 1, Arc::new(1_u8));
        cache.keep("old2".into(), 1, Arc::new(2_u8));
        cache.keep("new1".into(), 2, Arc::new(3_u8));
        cache.keep("new2".into(), 2, Arc::new(4_u8));
        assert_eq!(cache.len(), 2, "the answers of version 1 went first");
        assert_eq!(cache.lookup::<u8>("new1", 2), Some(3));
        for i in 0..10 {
            cache.keep(format!("more{i}"), 2, Arc::new(0_u8));
            assert!(cache.len() <= 3);
        }
    }
}
