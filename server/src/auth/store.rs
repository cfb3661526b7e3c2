//! A tower-sessions store on SurrealDB 3 (the published SurrealDB store targets SurrealDB 2).

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::db::Db;
use crate::db::query::is_retryable;

/// The session key that holds the signed-in user's key.
pub const USER_KEY: &str = "uid";
/// The session key that holds when the user signed in (Unix seconds), for the absolute lifetime.
pub const SINCE_KEY: &str = "since";

/// The session key that holds when the idle deadline was last moved on (Unix seconds).
pub const TOUCHED_KEY: &str = "touched";
/// How often a session in use is stored again to move its idle deadline on: an idle lifetime
/// ends between this long before and exactly when configured.
pub const TOUCH_EVERY_SECS: i64 = 60;

/// Seconds since the Unix epoch, as `SINCE_KEY` holds them.
pub fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Sessions as records of the `session` table.
#[derive(Clone)]
pub struct SurrealSessionStore {
    db: Db,
}

impl std::fmt::Debug for SurrealSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SurrealSessionStore")
    }
}

impl SurrealSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Ends every session of a user (sign-out everywhere, deactivation).
    pub async fn delete_for_user(&self, user_key: &str) -> Result<(), surrealdb::Error> {
        self.db
            .query("DELETE session WHERE user = $user;")
            .bind(("user", RecordId::new("user", user_key)))
            .await?
            .check()?;
        Ok(())
    }

    /// Removes expired sessions; returns nothing, logs failures.
    pub async fn delete_expired(&self) {
        if let Err(error) =
            self.db.query("DELETE session WHERE expires_at < time::now();").await.and_then(|r| r.check())
        {
            tracing::warn!(%error, "could not delete expired sessions");
        }
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct SessionRow {
    data: String,
    expires_at: DateTime<Utc>,
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn to_chrono(at: OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or_default()
}

fn record_id(id: &Id) -> RecordId {
    RecordId::new("session", id.to_string())
}

/// The user key stored in the session data, if any.
fn user_of(record: &Record) -> Option<RecordId> {
    record.data.get(USER_KEY).and_then(|v| v.as_str()).map(|key| RecordId::new("user", key))
}

impl SurrealSessionStore {
    async fn write(&self, record: &Record, create: bool) -> session_store::Result<bool> {
        let data =
            serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let statement = if create {
            "CREATE $id CONTENT { data: $data, expires_at: $expires_at, user: $user };"
        } else {
            "UPSERT $id CONTENT { data: $data, expires_at: $expires_at, user: $user };"
        };
        let mut wait = std::time::Duration::from_millis(2);
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
        loop {
            let result = self
                .db
                .query(statement)
                .bind(("id", record_id(&record.id)))
                .bind(("data", data.clone()))
                .bind(("expires_at", to_chrono(record.expiry_date)))
                .bind(("user", user_of(record)))
                .await
                .and_then(|response| response.check());
            match result {
                Ok(_) => return Ok(true),
                // CREATE on an id that exists: the caller picks another id.
                Err(error) if create && error.to_string().contains("already exists") => return Ok(false),
                // Two requests of one session storing it at once: retried, and if the other
                // keeps winning, its copy stands (the last write wins either way), which is no
                // error for this request's page.
                Err(error) if !create && is_retryable(&error.to_string()) => {
                    if tokio::time::Instant::now() + wait > deadline {
                        tracing::warn!(%error, "a session kept conflicting; the concurrent copy stands");
                        return Ok(true);
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(std::time::Duration::from_millis(100));
                }
                // A change this request saved has committed: its answer stands. The session
                // keeps what it had (at worst its idle deadline moves on at the next request;
                // a session renewed after a password change is lost, and the user signs in
                // again with the new password).
                Err(error) if crate::committed::marked() => {
                    tracing::error!(%error, "the session could not be stored after a change was saved; answering with the saved change");
                    return Ok(true);
                }
                Err(error) => return Err(backend(error)),
            }
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for SurrealSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        for _ in 0..8 {
            if self.write(record, true).await? {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(backend("could not find a free session id"))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(record, false).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let rows: Vec<SessionRow> = self
            .db
            .query("SELECT data, expires_at FROM $id WHERE expires_at > time::now();")
            .bind(("id", record_id(id)))
            .await
            .map_err(backend)?
            .check()
            .map_err(backend)?
            .take(0)
            .map_err(backend)?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp()).map_err(backend)?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.db
            .query("DELETE $id;")
            .bind(("id", record_id(id)))
            .await
            .map_err(backend)?
            .check()
            .map_err(backend)?;
        Ok(())
    }
}
