//! SurrealDB: connection, schema migrations, demo data and the repository.

pub mod activities;
mod activity_reads;
pub mod attachments;
pub mod audit;
pub mod audit_chain;
pub mod audit_sequencer;
pub mod cache;
pub mod dashboard;
pub mod demo;
pub mod equipment;
pub mod exports;
pub mod handover_report;
pub mod handovers;
pub mod imports;
pub mod indicators;
pub mod migrations;
mod overview;
pub mod query;
pub mod records;
pub mod repo;
pub mod rows;
mod user_admin;
pub mod users;

use std::sync::Arc;

use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::opt::auth::Root;

use crate::config::Settings;

/// A database handle; cheap to clone, and cloning it does not reach the database. It derefs to
/// the SurrealDB handle, and carries the audit log's sequencer (see [`audit_sequencer`]).
///
/// One shared handle matters: in SurrealDB 3.3.5 every clone of a `Surreal` handle opens a
/// session of its own in the embedded engine, and one task applies those sessions' openings and
/// closings in turn (`surrealdb-engine-local` `session::run`), each building three concurrent
/// maps (papaya, whose `seize` collector makes a `membarrier` system call every time). Cloned per
/// request with the app's state, the handle queued those events faster than they were applied:
/// after a burst of anonymous pages, the next query waited behind tens of thousands of them, for
/// seconds to minutes. Sharing one handle opens one session, at start-up.
#[derive(Clone)]
pub struct Db(Arc<Handle>);

struct Handle {
    surreal: Surreal<Any>,
    sequencer: audit_sequencer::Sequencer,
    /// Taken by each audited write for its transaction (see [`Db::write_turn`]).
    writes: tokio::sync::Mutex<()>,
}

impl Db {
    /// Wraps an open connection and starts its audit sequencer (on the current Tokio runtime).
    /// The sequencer holds no strong reference: when the last `Db` is dropped, it stops and the
    /// database closes.
    pub fn new(surreal: Surreal<Any>) -> Self {
        Db(Arc::new_cyclic(|handle: &std::sync::Weak<Handle>| {
            let handle = handle.clone();
            Handle {
                surreal,
                sequencer: audit_sequencer::Sequencer::start(move || handle.upgrade().map(Db)),
                writes: tokio::sync::Mutex::new(()),
            }
        }))
    }

    /// This process's turn to run an audited write transaction. Audited writes of one process run
    /// one after the other (the rest of a save, its reads before and its event's chaining after,
    /// does not wait): the dashboard's summary rows are shared by every activity and transaction
    /// of a grant, so concurrent saves of different records conflicted on them and were retried
    /// over and over; in turn, a save never conflicts with another of this process. Writes of
    /// another process on the same SurrealDB server can still conflict, and are tried again.
    pub async fn write_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.0.writes.lock().await
    }

    /// The audit sequencer of this database.
    pub fn sequencer(&self) -> &audit_sequencer::Sequencer {
        &self.0.sequencer
    }
}

impl std::ops::Deref for Db {
    type Target = Surreal<Any>;

    fn deref(&self) -> &Surreal<Any> {
        &self.0.surreal
    }
}

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open database {endpoint}: {source}")]
    Open { endpoint: String, source: Box<surrealdb::Error> },
    #[error(
        "AIDTRAIL_DB={endpoint:?}: durable commits are required, remove `sync={value}` (aidtrail always syncs every commit)"
    )]
    NotDurable { endpoint: String, value: String },
    #[error("cannot create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error(
        "{path} holds a {found} database, not a {engine} one; nothing was changed. Open it as it was written (AIDTRAIL_DB={found_scheme}://{path}), take `aidtrail backup FILE`, then `aidtrail restore FILE` with AIDTRAIL_DB={scheme}://<an empty folder>",
        found_scheme = found.to_ascii_lowercase(),
        scheme = engine.to_ascii_lowercase()
    )]
    ForeignEngine { path: String, found: &'static str, engine: &'static str },
    #[error("database query failed: {0}")]
    Query(Box<surrealdb::Error>),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: u32, name: &'static str, source: Box<surrealdb::Error> },
    #[error(
        "migration {version} ({name}) was changed after it was applied (recorded checksum {recorded}, now {current}); add a new migration instead"
    )]
    MigrationChanged { version: u32, name: &'static str, recorded: String, current: String },
}

impl From<surrealdb::Error> for DbError {
    fn from(error: surrealdb::Error) -> Self {
        DbError::Query(Box::new(error))
    }
}

/// How commits reach the disk with the engine in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every commit is synced to disk before it is acknowledged (embedded SurrealKV).
    SyncEveryCommit,
    /// Data lives in memory only (tests).
    InMemory,
    /// A SurrealDB server decides; configure it to sync.
    Remote,
}

/// The endpoint actually opened: for the embedded engines (SurrealKV, RocksDB) `sync=every` is
/// added, and any weaker setting refused, so that an acknowledged commit is on disk.
pub fn durable_endpoint(endpoint: &str) -> Result<(String, Durability), DbError> {
    let Some((scheme, rest)) = embedded(endpoint) else {
        let durability = if endpoint.starts_with("mem") { Durability::InMemory } else { Durability::Remote };
        return Ok((endpoint.to_owned(), durability));
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut params: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "sync" {
            if value != "every" {
                return Err(DbError::NotDurable { endpoint: endpoint.to_owned(), value: value.to_owned() });
            }
            continue;
        }
        params.push(pair.to_owned());
    }
    params.push("sync=every".to_owned());
    Ok((format!("{scheme}://{path}?{}", params.join("&")), Durability::SyncEveryCommit))
}

/// The folder the embedded engine keeps its files in, if the settings name one.
pub fn data_folder(settings: &Settings) -> Option<std::path::PathBuf> {
    embedded(&settings.database)
        .map(|(_, rest)| std::path::PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// Waits, at most `within`, until the embedded storage engine has closed `folder`, after the
/// last handle on the database was dropped, and says whether it did.
///
/// The embedded engine closes its store (writing out what it still holds in memory) in a task
/// of its own once the last handle is gone. A process that ends at once cancels that task and
/// leaves the store to the replay of its write-ahead log at the next start. The store holds an
/// exclusive lock on its `LOCK` file until it is closed: when the lock can be taken, it is.
pub async fn wait_closed(folder: &std::path::Path, within: std::time::Duration) -> bool {
    let lock = folder.join("LOCK");
    let deadline = std::time::Instant::now() + within;
    loop {
        let free = match std::fs::File::open(&lock) {
            // Taken and released at once (when `file` is dropped).
            Ok(file) => file.try_lock().is_ok(),
            Err(_) => true,
        };
        if free {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The embedded engine whose files `folder` holds, if any: RocksDB keeps a `CURRENT` file
/// naming its `MANIFEST-…` and `OPTIONS-…` files; SurrealKV keeps `manifest/` and `wal/`
/// folders. Neither writes the other's.
pub fn engine_of(folder: &std::path::Path) -> Option<&'static str> {
    let rocksdb = folder.join("CURRENT").is_file()
        || std::fs::read_dir(folder).into_iter().flatten().flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("MANIFEST-") || name.starts_with("OPTIONS-")
        });
    if rocksdb {
        Some("RocksDB")
    } else if folder.join("manifest").is_dir() && folder.join("wal").is_dir() {
        Some("SurrealKV")
    } else {
        None
    }
}

/// An embedded engine's endpoint as (scheme, path with its parameters).
fn embedded(endpoint: &str) -> Option<(&'static str, &str)> {
    ["surrealkv", "rocksdb"].into_iter().find_map(|scheme| {
        endpoint.strip_prefix(scheme).and_then(|r| r.strip_prefix("://")).map(|rest| (scheme, rest))
    })
}

/// Opens the database named by the settings, signs in when credentials are given, and selects
/// aidtrail's namespace and database.
pub async fn connect(settings: &Settings) -> Result<(Db, Durability), DbError> {
    let (endpoint, durability) = durable_endpoint(&settings.database)?;
    if let Some((scheme, rest)) = embedded(&endpoint) {
        let path = rest.split('?').next().unwrap_or(rest);
        // Refuse early and clearly when the folder cannot be made (read-only disk, a file in
        // the way); SurrealKV itself would report something vaguer.
        let folder = std::path::Path::new(path);
        std::fs::create_dir_all(folder)
            .map_err(|source| DbError::Folder { path: path.to_owned(), source })?;
        if !folder.is_dir() {
            return Err(DbError::Folder {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
            });
        }
        // An engine would add its own files beside another engine's and start an empty
        // database there: refuse before it touches anything.
        if let Some(found) = engine_of(folder).filter(|found| !found.eq_ignore_ascii_case(scheme)) {
            let engine = if scheme == "rocksdb" { "RocksDB" } else { "SurrealKV" };
            return Err(DbError::ForeignEngine { path: path.to_owned(), found, engine });
        }
    }
    let open_error = |source| DbError::Open { endpoint: settings.database.clone(), source: Box::new(source) };
    let surreal = surrealdb::engine::any::connect(endpoint.as_str()).await.map_err(open_error)?;
    if let Some(credentials) = &settings.db_credentials {
        surreal
            .signin(Root {
                username: credentials.username.clone(),
                password: credentials.password.expose().to_owned(),
            })
            .await
            .map_err(open_error)?;
    }
    surreal
        .use_ns(settings.db_namespace.as_str())
        .use_db(settings.db_name.as_str())
        .await
        .map_err(open_error)?;
    Ok((Db::new(surreal), durability))
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &Db) -> bool {
    match db.query("RETURN 1;").await.and_then(|r| r.check()) {
        Ok(_) => true,
        Err(error) => {
            tracing::warn!(%error, "database health check failed");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrealkv_always_syncs_every_commit() {
        assert_eq!(
            durable_endpoint("surrealkv://./data").unwrap(),
            ("surrealkv://./data?sync=every".to_owned(), Durability::SyncEveryCommit)
        );
        assert_eq!(
            durable_endpoint("surrealkv:///var/lib/aidtrail?versioned=true&sync=every").unwrap().0,
            "surrealkv:///var/lib/aidtrail?versioned=true&sync=every"
        );
        assert!(matches!(durable_endpoint("surrealkv://./data?sync=1s"), Err(DbError::NotDurable { .. })));
        assert_eq!(durable_endpoint("mem://").unwrap().1, Durability::InMemory);
        assert_eq!(durable_endpoint("ws://db:8000").unwrap().1, Durability::Remote);
        assert_eq!(
            durable_endpoint("rocksdb://./data").unwrap(),
            ("rocksdb://./data?sync=every".to_owned(), Durability::SyncEveryCommit)
        );
        assert!(matches!(durable_endpoint("rocksdb://./data?sync=never"), Err(DbError::NotDurable { .. })));
    }

    #[test]
    fn each_embedded_engine_is_told_by_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path();
        assert_eq!(engine_of(folder), None, "empty");
        std::fs::create_dir_all(folder.join("manifest")).unwrap();
        std::fs::create_dir_all(folder.join("wal")).unwrap();
        assert_eq!(engine_of(folder), Some("SurrealKV"));
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("OPTIONS-000007"), "[Version]").unwrap();
        assert_eq!(engine_of(other.path()), Some("RocksDB"));
    }
}
