//! Demo data from the seed article, loaded once into an empty database.

use surrealdb::types::SurrealValue;

use super::{Db, DbError};

const DEMO: &str = include_str!("demo.surql");

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Flags {
    loaded: bool,
    empty: bool,
}

/// What happened to the demo data at this start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded,
    AlreadyLoaded,
    /// The database holds real records: demo data is never mixed in.
    SkippedNotEmpty,
}

/// Loads the demo data unless it was loaded before or the database already holds records.
/// The data and the marker that says it was loaded are written in one transaction.
pub async fn load_if_empty(db: &Db) -> Result<DemoOutcome, DbError> {
    let flags: Option<Flags> = db
        .query(
            "RETURN {
                loaded: (SELECT id FROM ONLY app_meta:demo) != NONE,
                empty: array::len((SELECT id FROM donor LIMIT 1)) = 0 AND array::len((SELECT id FROM activity LIMIT 1)) = 0,
            };",
        )
        .await?
        .check()?
        .take(0)?;
    let flags = flags.unwrap_or(Flags { loaded: false, empty: true });
    if flags.loaded {
        return Ok(DemoOutcome::AlreadyLoaded);
    }
    if !flags.empty {
        return Ok(DemoOutcome::SkippedNotEmpty);
    }
    let sql = format!(
        "BEGIN TRANSACTION;\n{DEMO}\nCREATE app_meta:demo CONTENT {{ note: \"demo data from the seed article\", at: time::now() }};\nCOMMIT TRANSACTION;"
    );
    db.query(sql).await?.check()?;
    tracing::info!("demo data loaded");
    Ok(DemoOutcome::Loaded)
}
