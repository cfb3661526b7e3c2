//! Schema migrations: numbered `.surql` files applied once each, in order, at start-up.
//!
//! Each migration runs in one transaction together with the record of it, so a failed
//! migration leaves nothing half-applied. A migration changed after it was applied is refused.

use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue};

use super::{Db, DbError};

/// A migration: its number, a short name, and its SurrealQL.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// All migrations, oldest first. Append; never edit one that has shipped.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "domain", sql: include_str!("migrations/0001_domain.surql") },
    Migration { version: 2, name: "sessions", sql: include_str!("migrations/0002_sessions.surql") },
    Migration {
        version: 3,
        name: "transaction_amounts",
        sql: include_str!("migrations/0003_transaction_amounts.surql"),
    },
    Migration { version: 4, name: "attachments", sql: include_str!("migrations/0004_attachments.surql") },
    Migration { version: 5, name: "activity_cost", sql: include_str!("migrations/0005_activity_cost.surql") },
    Migration {
        version: 6,
        name: "handover_confirmations",
        sql: include_str!("migrations/0006_handover_confirmations.surql"),
    },
    Migration {
        version: 7,
        name: "handover_photos",
        sql: include_str!("migrations/0007_handover_photos.surql"),
    },
    Migration {
        version: 8,
        name: "dashboard_summaries",
        sql: include_str!("migrations/0008_dashboard_summaries.surql"),
    },
    Migration {
        version: 9,
        name: "audit_append_only",
        sql: include_str!("migrations/0009_audit_append_only.surql"),
    },
    Migration {
        version: 10,
        name: "recent_activities",
        sql: include_str!("migrations/0010_recent_activities.surql"),
    },
    Migration { version: 11, name: "summary_keys", sql: include_str!("migrations/0011_summary_keys.surql") },
    Migration { version: 12, name: "imports", sql: include_str!("migrations/0012_imports.surql") },
    Migration {
        version: 13,
        name: "activity_rows",
        sql: include_str!("migrations/0013_activity_rows.surql"),
    },
    Migration { version: 14, name: "data_version", sql: include_str!("migrations/0014_data_version.surql") },
    Migration { version: 15, name: "line_states", sql: include_str!("migrations/0015_line_states.surql") },
    Migration {
        version: 16,
        name: "disputed_units",
        sql: include_str!("migrations/0016_disputed_units.surql"),
    },
    Migration { version: 17, name: "user_audit", sql: include_str!("migrations/0017_user_audit.surql") },
    Migration {
        version: 18,
        name: "audit_pending",
        sql: include_str!("migrations/0018_audit_pending.surql"),
    },
    Migration {
        version: 19,
        name: "grant_provider_activity",
        sql: include_str!("migrations/0019_grant_provider_activity.surql"),
    },
    Migration {
        version: 20,
        name: "previous_codes",
        sql: include_str!("migrations/0020_previous_codes.surql"),
    },
    Migration {
        version: 21,
        name: "public_attachments",
        sql: include_str!("migrations/0021_public_attachments.surql"),
    },
];

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Applied {
    version: i64,
    checksum: String,
}

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies every migration not yet recorded; returns the versions applied now.
pub async fn apply(db: &Db) -> Result<Vec<u32>, DbError> {
    db.query(
        "DEFINE TABLE IF NOT EXISTS schema_migration SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS version ON schema_migration TYPE int;
         DEFINE FIELD IF NOT EXISTS name ON schema_migration TYPE string;
         DEFINE FIELD IF NOT EXISTS checksum ON schema_migration TYPE string;
         DEFINE FIELD IF NOT EXISTS applied_at ON schema_migration TYPE datetime;
         DEFINE INDEX IF NOT EXISTS schema_migration_version ON schema_migration FIELDS version UNIQUE;",
    )
    .await?
    .check()?;

    let applied: Vec<Applied> = db
        .query("SELECT version, checksum FROM schema_migration ORDER BY version;")
        .await?
        .check()?
        .take(0)?;

    let mut now_applied = Vec::new();
    for migration in MIGRATIONS {
        let current = checksum(migration.sql);
        if let Some(done) = applied.iter().find(|a| a.version == i64::from(migration.version)) {
            if done.checksum != current {
                return Err(DbError::MigrationChanged {
                    version: migration.version,
                    name: migration.name,
                    recorded: done.checksum.clone(),
                    current,
                });
            }
            continue;
        }
        let failed = |source| DbError::Migration {
            version: migration.version,
            name: migration.name,
            source: Box::new(source),
        };
        let sql = format!(
            "BEGIN TRANSACTION;\n{}\nCREATE $record CONTENT {{ version: $version, name: $name, checksum: $checksum, applied_at: time::now() }};\nCOMMIT TRANSACTION;",
            migration.sql
        );
        db.query(sql)
            .bind(("record", RecordId::new("schema_migration", i64::from(migration.version))))
            .bind(("version", i64::from(migration.version)))
            .bind(("name", migration.name))
            .bind(("checksum", current))
            .await
            .and_then(|r| r.check())
            .map_err(failed)?;
        tracing::info!(version = migration.version, name = migration.name, "migration applied");
        now_applied.push(migration.version);
    }
    Ok(now_applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "migration {} is out of order", m.name);
        }
    }

    #[test]
    fn checksums_are_sha256_hex() {
        assert_eq!(checksum("").len(), 64);
        assert_ne!(checksum("a"), checksum("b"));
    }
}
