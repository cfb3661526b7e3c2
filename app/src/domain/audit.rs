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

/// The actions an audit event records, as stored.
pub const ACTIONS: [&str; 14] = [
    "create",
    "update",
    "archive",
    "restore",
    "confirm",
    "dispute",
    "import",
    "sign_in",
    "system",
    "report_state",
    "deactivate",
    "reactivate",
    "password_reset",
    "password_change",
];

/// What an audit action is called, in English and French.
pub fn action_label(action: &str) -> (&'static str, &'static str) {
    match action {
        "create" => ("Created", "Création"),
        "update" => ("Changed", "Modification"),
        "archive" => ("Archived", "Archivage"),
        "restore" => ("Restored", "Restauration"),
        "confirm" => ("Receipt confirmed", "Réception confirmée"),
        "dispute" => ("Receipt disputed", "Réception contestée"),
        "import" => ("Imported", "Importation"),
        "sign_in" => ("Signed in", "Connexion"),
        "system" => ("System", "Système"),
        "report_state" => ("State reported", "État signalé"),
        "deactivate" => ("Account deactivated", "Compte désactivé"),
        "reactivate" => ("Account reactivated", "Compte réactivé"),
        "password_reset" => ("Password reset by an admin", "Mot de passe réinitialisé par un administrateur"),
        "password_change" => ("Password changed", "Mot de passe changé"),
        _ => ("Other", "Autre"),
    }
}

/// The audit log's filters, from the URL. What is not understood is left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AuditFilter {
    /// Part of a record's id (`activity:ml_workshop_2018`, or just `ml_workshop`).
    pub record: Option<String>,
    /// A user's email.
    pub user: Option<String>,
    /// ISO dates, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub action: Option<String>,
}

impl AuditFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| {
            get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty() && v.chars().count() <= 200)
        };
        let date = |name: &str| text(name).filter(|d| super::parse_date(d).is_ok());
        let (from, to) = match (date("from"), date("to")) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            pair => pair,
        };
        Self {
            record: text("record"),
            user: text("user").map(|u| u.to_lowercase()),
            from,
            to,
            action: text("action").filter(|a| ACTIONS.contains(&a.as_str())),
        }
    }

    /// The query string (without `?`).
    pub fn to_query(&self) -> String {
        [
            ("record", &self.record),
            ("user", &self.user),
            ("from", &self.from),
            ("to", &self.to),
            ("action", &self.action),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_ref().map(|v| format!("{k}={}", crate::domain::query_string::encode_component(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// One audit event as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventRow {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// The user's email; `None` for the system.
    pub actor: Option<String>,
    pub action: String,
    pub record: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_reads_leniently_and_writes_back_the_same() {
        let query = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
        };
        let f = AuditFilter::from_query(query(&[
            ("record", " activity:ml_workshop_2018 "),
            ("user", "Manager@AidTrail.demo"),
            ("from", "2026-12-31"),
            ("to", "2026-01-01"),
            ("action", "update"),
        ]));
        assert_eq!(f.record.as_deref(), Some("activity:ml_workshop_2018"));
        assert_eq!(f.user.as_deref(), Some("manager@aidtrail.demo"));
        assert_eq!((f.from.as_deref(), f.to.as_deref()), (Some("2026-01-01"), Some("2026-12-31")));
        assert_eq!(
            AuditFilter::from_query(|name| Some(f.to_query()).and_then(|q| {
                q.split('&').find_map(|p| {
                    p.strip_prefix(&format!("{name}=")).map(|v| v.replace("%3A", ":").replace("%40", "@"))
                })
            })),
            f
        );
        let junk = AuditFilter::from_query(query(&[("action", "drop table"), ("from", "yesterday")]));
        assert_eq!(junk, AuditFilter::default());
    }
}
