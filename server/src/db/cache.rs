//! Answers of the costly reads (dashboards, filter choices, lists), kept until the data changes.
//!
//! Every change of the programme's records appends an audit event in its own transaction
//! (see `audit`), so the newest audit sequence number is the version of the data: an answer
//! read at version `v` stays right until an event `v + 1` exists. Each cached read first asks
//! the database for that number (one record, kept by migration 0014's event: about 40 µs, a
//! fraction of the reads it saves), so the cache is right whichever process wrote, an embedded
//! database or several servers on one remote database alike. What is not in the audit log (users, sessions, uploads waiting to be
//! imported) is never read through here.
//!
//! While people save, the version moves on with every save, and a cache that only answers at
//! the current version answers almost nothing: every page view would add up the dashboard again
//! (measured: 30 saves/s made 50 page views/s cost 177 ms at the 99th percentile instead of
//! 3 ms). So a page may be given an answer up to [`Freshness::window`] old (a second by default,
//! `AIDTRAIL_READ_STALE_MS`), as if it had been opened that much earlier, on two conditions:
//! - it is never older than the reader's own last save ([`Freshness::Pages`] carries the version
//!   their last save produced, see `crate::committed`): whoever saves sees it on the next page;
//! - while one request reads a newer answer, the others keep getting the kept one, so a key is
//!   read at most once per window however many people open it.
//!
//! Exports, forms and checks ask for [`Freshness::Current`]: the answer at the current version.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::error::AppError;
use serde::Serialize;

use super::Db;
use super::query::internal;

/// A value of the cache: any answer type, shared.
type Shared = Arc<dyn Any + Send + Sync>;

/// How fresh an answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Read at the data's current version.
    Current,
    /// For a page: read at version `seen` or later, and at most the cache's window ago.
    Pages { seen: i64 },
}

/// One kept answer.
struct Entry {
    /// The data version it was read at.
    version: i64,
    /// When it was kept.
    read_at: Instant,
    /// Since when a request is reading a newer answer, if one is.
    refreshing: Option<Instant>,
    value: Shared,
}

/// The answers of costly reads, by what was asked, with the data version each was read at.
pub struct ReadCache {
    capacity: usize,
    /// How old an answer a page may be given.
    window: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

/// What the cache holds for a question.
enum Found<T> {
    Answer(T),
    /// Nothing usable: read it.
    Read,
}

impl ReadCache {
    /// A cache holding at most `capacity` answers (0 keeps none: every read goes to the
    /// database), giving pages answers up to `window` old.
    pub fn new(capacity: usize, window: Duration) -> Self {
        Self { capacity, window, entries: Mutex::new(HashMap::new()) }
    }

    /// The answer of `read` for the question `(kind, args)`: kept from an earlier read if it is
    /// fresh enough for `freshness`, else read now (and kept). Errors are never kept.
    pub async fn get_or_read<T, F>(
        &self,
        db: &Db,
        freshness: Freshness,
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
        if let Found::Answer(value) = self.lookup::<T>(&key, version, freshness, Instant::now()) {
            return Ok(value);
        }
        let value = read.await;
        match &value {
            Ok(value) => self.keep(key, version, Arc::new(value.clone())),
            Err(_) => self.refresh_failed(&key),
        }
        value
    }

    fn lookup<T: Clone + 'static>(
        &self,
        key: &str,
        version: i64,
        freshness: Freshness,
        now: Instant,
    ) -> Found<T> {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(entry) = entries.get_mut(key) else { return Found::Read };
        let Some(value) = entry.value.downcast_ref::<T>() else { return Found::Read };
        if entry.version == version {
            return Found::Answer(value.clone());
        }
        let Freshness::Pages { seen } = freshness else { return Found::Read };
        if entry.version < seen {
            return Found::Read;
        }
        if entry.version > version {
            // Read by a request that came after this one's version: newer still.
            return Found::Answer(value.clone());
        }
        let young = now.saturating_duration_since(entry.read_at) < self.window;
        // Someone is reading a newer answer (for at most a window: a read that failed or was
        // dropped gives the turn to the next request).
        let refreshing =
            entry.refreshing.is_some_and(|since| now.saturating_duration_since(since) < self.window);
        if young || refreshing {
            return Found::Answer(value.clone());
        }
        entry.refreshing = Some(now);
        Found::Read
    }

    fn keep(&self, key: String, version: i64, value: Shared) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // A slower reader of an older version does not replace a newer answer.
        if entries.get(&key).is_some_and(|kept| kept.version > version) {
            return;
        }
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            // Answers of older versions go first; if all are current, start over (the cache
            // refills with what is asked next).
            entries.retain(|_, kept| kept.version >= version);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, Entry { version, read_at: Instant::now(), refreshing: None, value });
    }

    /// A read failed: the next request may try again at once.
    fn refresh_failed(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = entries.get_mut(key) {
            entry.refreshing = None;
        }
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
pub async fn data_version(db: &Db) -> Result<i64, AppError> {
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
            .get_or_read(db, Freshness::Current, "test", &args, async {
                let n = reads.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(format!("{args} read {n}"))
            })
            .await
    }

    #[tokio::test]
    async fn an_answer_is_kept_until_the_next_audit_event() {
        let db = database().await;
        let cache = ReadCache::new(16, Duration::ZERO);
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
        let cache = ReadCache::new(16, Duration::ZERO);
        let failed: Result<String, _> =
            cache.get_or_read(&db, Freshness::Current, "test", &"a", async { Err(AppError::Internal) }).await;
        assert!(failed.is_err());
        assert!(cache.is_empty(), "an error is not kept");

        let off = ReadCache::new(0, Duration::ZERO);
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
        let cache = ReadCache::new(16, Duration::ZERO);
        cache.keep("k".into(), 5, Arc::new("new".to_owned()));
        cache.keep("k".into(), 4, Arc::new("old".to_owned()));
        assert_eq!(
            answer(cache.lookup::<String>("k", 5, Freshness::Current, Instant::now())).as_deref(),
            Some("new")
        );
        assert_eq!(
            answer(cache.lookup::<String>("k", 4, Freshness::Current, Instant::now())),
            None,
            "an answer is only given at its own version"
        );
        assert_eq!(
            answer(cache.lookup::<u32>("k", 5, Freshness::Current, Instant::now())),
            None,
            "nor as another type"
        );
    }

    #[tokio::test]
    async fn a_full_cache_drops_old_versions_first_and_never_grows_past_its_size() {
        let cache = ReadCache::new(3, Duration::ZERO);
        cache.keep("old1".into(), 1, Arc::new(1_u8));
        cache.keep("old2".into(), 1, Arc::new(2_u8));
        cache.keep("new1".into(), 2, Arc::new(3_u8));
        cache.keep("new2".into(), 2, Arc::new(4_u8));
        assert_eq!(cache.len(), 2, "the answers of version 1 went first");
        assert_eq!(answer(cache.lookup::<u8>("new1", 2, Freshness::Current, Instant::now())), Some(3));
        for i in 0..10 {
            cache.keep(format!("more{i}"), 2, Arc::new(0_u8));
            assert!(cache.len() <= 3);
        }
    }

    fn answer<T>(found: Found<T>) -> Option<T> {
        match found {
            Found::Answer(value) => Some(value),
            Found::Read => None,
        }
    }

    const WINDOW: Duration = Duration::from_secs(1);

    #[test]
    fn a_page_gets_an_answer_up_to_the_window_old_but_never_older_than_its_own_last_save() {
        let cache = ReadCache::new(16, WINDOW);
        let kept = Instant::now();
        cache.keep("k".into(), 10, Arc::new("at 10"));
        let page = |seen| Freshness::Pages { seen };
        let at = |ms| kept + Duration::from_millis(ms);
        // The data moved on to 12 (two saves of others).
        assert_eq!(answer(cache.lookup::<&str>("k", 12, page(0), at(500))), Some("at 10"));
        assert_eq!(answer(cache.lookup::<&str>("k", 12, page(10), at(999))), Some("at 10"));
        assert_eq!(
            answer(cache.lookup::<&str>("k", 12, page(11), at(10))),
            None,
            "the reader saved version 11: it must see it"
        );
        assert_eq!(
            answer(cache.lookup::<&str>("k", 12, Freshness::Current, at(10))),
            None,
            "exports: current only"
        );
        assert_eq!(
            answer(cache.lookup::<&str>("k", 10, page(0), at(60_000))),
            Some("at 10"),
            "unchanged data"
        );
        assert_eq!(
            answer(cache.lookup::<&str>("k", 9, page(0), at(10))),
            Some("at 10"),
            "an answer newer than the version a request read is newer still"
        );
    }

    #[test]
    fn past_the_window_one_request_reads_again_while_the_others_keep_the_answer() {
        let cache = ReadCache::new(16, WINDOW);
        let kept = Instant::now();
        cache.keep("k".into(), 10, Arc::new("at 10"));
        let page = Freshness::Pages { seen: 0 };
        let late = kept + Duration::from_millis(1_500);
        assert_eq!(
            answer(cache.lookup::<&str>("k", 12, page, late)),
            None,
            "the first past the window reads"
        );
        for ms in [1, 100, 999] {
            assert_eq!(
                answer(cache.lookup::<&str>("k", 12, page, late + Duration::from_millis(ms))),
                Some("at 10"),
                "the others meanwhile get the kept answer"
            );
        }
        assert_eq!(
            answer(cache.lookup::<&str>("k", 12, page, late + WINDOW)),
            None,
            "a read that never came back gives the turn on after a window"
        );
        cache.refresh_failed("k");
        assert_eq!(
            answer(cache.lookup::<&str>("k", 12, page, late + WINDOW)),
            None,
            "and a read that failed at once"
        );
        cache.keep("k".into(), 12, Arc::new("at 12"));
        assert_eq!(answer(cache.lookup::<&str>("k", 12, page, late + WINDOW)), Some("at 12"));
    }

    #[tokio::test]
    async fn through_the_database_a_page_is_given_the_kept_answer_after_a_change_an_export_is_not() {
        let db = database().await;
        let cache = ReadCache::new(16, Duration::from_secs(3_600));
        let reads = AtomicUsize::new(0);
        let read_as = |freshness| {
            let (cache, db, reads) = (&cache, &db, &reads);
            async move {
                cache
                    .get_or_read(db, freshness, "test", &"a", async {
                        Ok(format!("read {}", reads.fetch_add(1, Ordering::SeqCst) + 1))
                    })
                    .await
                    .unwrap()
            }
        };
        assert_eq!(read_as(Freshness::Pages { seen: 0 }).await, "read 1");
        append_event(&db, 1).await;
        assert_eq!(read_as(Freshness::Pages { seen: 0 }).await, "read 1", "a page within the window");
        assert_eq!(read_as(Freshness::Current).await, "read 2", "an export reads the change");
        append_event(&db, 2).await;
        assert_eq!(read_as(Freshness::Pages { seen: 2 }).await, "read 3", "whoever saved 2 sees it");
        assert_eq!(read_as(Freshness::Pages { seen: 0 }).await, "read 3");
    }
}
