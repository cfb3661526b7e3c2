//! The audit log as auditors see it: the chain check's verdict and the log's filters.

use serde::{Deserialize, Serialize};

/// What most likely happened to the first event where the chain breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tamper {
    /// Its content no longer matches its hash (or it was rewritten with a new hash).
    Edited,
    /// It is missing: a gap in the numbers, or the later events were renumbered.
    Deleted,
    /// It was added: the events after it were renumbered to make room.
    Inserted,
    /// It changed places with the next event.
    Reordered,
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBreak {
    /// The sequence number of the event named.
    pub seq: i64,
    pub tamper: Tamper,
}

/// The last event of an intact chain: an auditor who notes it can later prove that no event
/// was removed from the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// Events checked before the break (all of them if intact).
    pub events: u64,
    pub head: Option<ChainHead>,
    pub broken: Option<ChainBreak>,
}

impl ChainReport {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}
