//! Cutting a table's key space into parts that are read side by side.
//!
//! Record keys are strings: random letters and digits for records made here, anything for
//! records brought in (`a0` … `a99999`, `ws_2018_05`). The cuts are taken from the keys
//! themselves: the distinct first characters of the keys (or the first two, when few keys
//! differ at the first), spread evenly over the parts. Finding them costs one seek of a single
//! key per distinct beginning, a few milliseconds, and nothing is counted or scanned.

use app::error::AppError;
use surrealdb::types::RecordId;

use super::super::Db;
use super::super::query::internal;
use super::super::rows::key_of;

/// Parts read side by side: the two cores of the machines here, twice over, so that a part
/// that turns out smaller than the others leaves work for both.
pub const PARTS: usize = 4;

/// How far into the keys the beginnings are looked for.
const DEPTH: usize = 3;

/// Beginnings looked for under one prefix, at most (the letters and digits of random keys).
const WIDTH: usize = 64;

/// Where to cut `table`'s key space into at most `PARTS` key ranges, in key order: the first
/// range starts at the first key, each cut starts a range, the last range has no end.
pub async fn cuts(db: &Db, table: &str) -> Result<Vec<String>, AppError> {
    let mut beginnings = vec![String::new()];
    for _ in 0..DEPTH {
        if beginnings.len() >= PARTS {
            break;
        }
        let mut longer = Vec::new();
        for prefix in &beginnings {
            longer.extend(following(db, table, prefix).await?);
        }
        if longer.len() <= beginnings.len() && longer.iter().zip(&beginnings).all(|(l, b)| l == b) {
            break;
        }
        beginnings = longer;
    }
    Ok(spread(&beginnings, PARTS))
}

/// The beginnings one character longer than `prefix` that keys of `table` have, in key order
/// (`prefix` itself when a key is exactly `prefix`).
async fn following(db: &Db, table: &str, prefix: &str) -> Result<Vec<String>, AppError> {
    let mut found = Vec::new();
    let mut from = prefix.to_owned();
    while found.len() < WIDTH {
        let keys: Vec<RecordId> = db
            .query("SELECT VALUE id FROM type::record($table, $from..) LIMIT 1;")
            .bind(("table", table.to_owned()))
            .bind(("from", from.clone()))
            .await
            .map_err(internal)?
            .take(0)
            .map_err(internal)?;
        let Some(key) = keys.first().map(key_of) else { break };
        let Some(rest) = key.strip_prefix(prefix) else { break };
        let Some(next) = rest.chars().next() else {
            // The key is the prefix itself: it sorts before all the longer ones.
            found.push(prefix.to_owned());
            from = format!("{prefix}\u{0}");
            continue;
        };
        found.push(format!("{prefix}{next}"));
        // The first key past every key that begins with this one.
        let Some(after) = char::from_u32(u32::from(next) + 1) else { break };
        from = format!("{prefix}{after}");
    }
    Ok(found)
}

/// The cuts that spread `beginnings` (in key order) evenly over `parts` ranges: the first
/// range takes the first beginnings, so the first one is never a cut.
fn spread(beginnings: &[String], parts: usize) -> Vec<String> {
    let mut cuts: Vec<String> = (1..parts)
        .map(|i| i * beginnings.len() / parts)
        .filter(|&at| at > 0 && at < beginnings.len())
        .map(|at| beginnings[at].clone())
        .collect();
    cuts.dedup();
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn beginnings_are_spread_evenly_over_the_parts() {
        let digits = strings(&["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"]);
        assert_eq!(spread(&digits, 4), strings(&["a2", "a5", "a7"]));
        let alphabet: Vec<String> = ('0'..='9').chain('a'..='z').map(String::from).collect();
        assert_eq!(spread(&alphabet, 4), strings(&["9", "i", "r"]));
        // Fewer beginnings than parts: each is a part; one beginning, no cut.
        assert_eq!(spread(&strings(&["a", "b"]), 4), strings(&["b"]));
        assert!(spread(&strings(&["a"]), 4).is_empty());
        assert!(spread(&[], 4).is_empty());
    }
}
