//! The CSV exports: which files there are, their columns (stable, documented in
//! `docs/exports.md`, which a test keeps equal to these tables), their filters, and who may
//! download which.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dashboard::key;
use super::{Country, Role};

mod columns;

use columns::{
    ACTIVITIES, AUDIT_LOG, CONFIRMATIONS, DONORS, EQUIPMENT, GRANTS, HANDOVERS, INDICATORS, INSTITUTES,
    PARTICIPANTS, STATE_REPORTS, TRANSACTIONS,
};
pub use columns::{Column, ColumnKind};

/// The files one can download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExportKind {
    Donors,
    Grants,
    Transactions,
    Activities,
    Participants,
    Institutes,
    Indicators,
    Equipment,
    Handovers,
    Confirmations,
    StateReports,
    AuditLog,
}

impl ExportKind {
    pub const ALL: [ExportKind; 12] = [
        ExportKind::Donors,
        ExportKind::Grants,
        ExportKind::Transactions,
        ExportKind::Activities,
        ExportKind::Participants,
        ExportKind::Institutes,
        ExportKind::Indicators,
        ExportKind::Equipment,
        ExportKind::Handovers,
        ExportKind::Confirmations,
        ExportKind::StateReports,
        ExportKind::AuditLog,
    ];

    /// The file's name without `.csv`, as in its address.
    pub fn slug(self) -> &'static str {
        match self {
            ExportKind::Donors => "donors",
            ExportKind::Grants => "grants",
            ExportKind::Transactions => "transactions",
            ExportKind::Activities => "activities",
            ExportKind::Participants => "participants",
            ExportKind::Institutes => "institutes",
            ExportKind::Indicators => "indicators",
            ExportKind::Equipment => "equipment",
            ExportKind::Handovers => "handovers",
            ExportKind::Confirmations => "confirmations",
            ExportKind::StateReports => "equipment-states",
            ExportKind::AuditLog => "audit-log",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            ExportKind::Donors => DONORS,
            ExportKind::Grants => GRANTS,
            ExportKind::Transactions => TRANSACTIONS,
            ExportKind::Activities => ACTIVITIES,
            ExportKind::Participants => PARTICIPANTS,
            ExportKind::Institutes => INSTITUTES,
            ExportKind::Indicators => INDICATORS,
            ExportKind::Equipment => EQUIPMENT,
            ExportKind::Handovers => HANDOVERS,
            ExportKind::Confirmations => CONFIRMATIONS,
            ExportKind::StateReports => STATE_REPORTS,
            ExportKind::AuditLog => AUDIT_LOG,
        }
    }

    /// One row is one what (for the documentation).
    pub fn row(self) -> &'static str {
        match self {
            ExportKind::Donors => "donor",
            ExportKind::Grants => "grant",
            ExportKind::Transactions => "transaction",
            ExportKind::Activities => "activity",
            ExportKind::Participants => "country, year and type of activity",
            ExportKind::Institutes => "institute",
            ExportKind::Indicators => "indicator, year and country with a target or an actual",
            ExportKind::Equipment => "line of the equipment register",
            ExportKind::Handovers => "line of a handover",
            ExportKind::Confirmations => "line of an institute's confirmation",
            ExportKind::StateReports => "report of an item's state",
            ExportKind::AuditLog => "audit event, in sequence order",
        }
    }

    /// How the filters narrow the file (for the documentation).
    pub fn filters(self) -> &'static str {
        match self {
            ExportKind::Donors => "donor, grant (its donor). Dates and country do not apply.",
            ExportKind::Grants => {
                "donor, grant; dates: grants running at some time in the range. Country does not apply."
            }
            ExportKind::Transactions => "donor, grant; dates: value date; country: of the activity paid for.",
            ExportKind::Activities => "donor, grant: funding it; dates: planned start; country.",
            ExportKind::Participants => {
                "donor, grant: funding the activities; dates: the years of the range; country. \
                 The figures are those of the dashboard for the same filters."
            }
            ExportKind::Institutes => {
                "donor, grant: institutes taking part in the activities they fund; country. Dates do not apply."
            }
            ExportKind::Indicators => "dates: the years of the range; country. Donor and grant do not apply.",
            ExportKind::Equipment => {
                "donor, grant: paying for it; dates: purchase date. Country does not apply."
            }
            ExportKind::Handovers => {
                "donor, grant: lines of items they paid for; dates: handover date; country: of the institute."
            }
            ExportKind::Confirmations => {
                "donor, grant: lines of items they paid for; dates: confirmation date; country: of the institute."
            }
            ExportKind::StateReports => {
                "donor, grant: items they paid for; dates: the date the state was seen. Country does not apply."
            }
            ExportKind::AuditLog => {
                "dates: when the change was saved. Donor, grant and country do not apply."
            }
        }
    }

    /// Who may download the file. Auditors, programme managers and admins may download every
    /// file; donors those about their own grants (the server narrows them to the donor); an
    /// institute its own handovers and confirmations.
    pub fn allowed_for(self, role: Role) -> bool {
        use ExportKind::*;
        match role {
            Role::Admin | Role::ProgrammeManager | Role::Auditor => true,
            Role::Donor => !matches!(self, Indicators | AuditLog),
            Role::Institute => matches!(self, Handovers | Confirmations),
        }
    }
}

/// The filters of an export, read from the address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub donor: Option<String>,
    pub grant: Option<String>,
    pub country: Option<String>,
    /// Start the file with a byte-order mark, so that Excel reads it as UTF-8.
    pub bom: bool,
}

impl ExportFilter {
    /// Reads the filter leniently: what is not understood is left out; a reversed date range
    /// is put the right way round.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let date = |name: &str| get(name).and_then(|d| super::parse_date(&d).ok());
        let (from, to) = match (date("from"), date("to")) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            pair => pair,
        };
        Self {
            from,
            to,
            donor: key(get("donor")),
            grant: key(get("grant")),
            country: get("country")
                .and_then(|c| Country::parse(&c.trim().to_uppercase()).ok())
                .map(|c| c.code().to_owned()),
            bom: get("bom").is_some_and(|b| b == "1" || b == "true" || b == "on"),
        }
    }

    /// The query string (without `?`).
    pub fn to_query(&self) -> String {
        [
            ("from", self.from.map(|d| d.to_string())),
            ("to", self.to.map(|d| d.to_string())),
            ("donor", self.donor.clone()),
            ("grant", self.grant.clone()),
            ("country", self.country.clone()),
            ("bom", self.bom.then(|| "1".to_owned())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", crate::domain::query_string::encode_component(&v))))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// A text cell as written: one starting like a formula gets a leading `'`, which spreadsheets
/// show as text and do not evaluate.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) { format!("'{text}").into() } else { text.into() }
}

/// The text a neutralised cell stood for (what an import reads back).
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// `docs/exports.md`, written from the tables in `columns`.
pub fn documentation() -> String {
    let mut doc = String::from(
        "# CSV exports\n\n\
         Generated from `app/src/domain/exports/columns.rs` (a test fails when the two differ: run \
         `AIDTRAIL_WRITE_DOCS=1 cargo test -p app exports` to rewrite this file).\n\n\
         Every file is UTF-8 (with a byte-order mark if `bom=1` is asked for, so that Excel shows \
         accents right), comma-separated, quoted as RFC 4180 says, with a header row and CRLF line \
         ends. Dates are ISO 8601 (`2018-05-14`), instants ISO 8601 in UTC. Amounts are in units of \
         their currency with a `.` (`1234.50`), in the record's currency and, where a rate is \
         stored, in euros with the rate used. Ids are record keys: the `id` of a row in one file is \
         what other files name in their `…_id` columns. A text cell beginning with `=`, `+`, `-`, \
         `@`, a tab, a carriage return or a line feed is written with a `'` in front, so that a \
         spreadsheet does not run it as a formula; numbers are written as numbers.\n\n\
         Addresses: `/exports/<file>.csv?from=YYYY-MM-DD&to=YYYY-MM-DD&donor=<id>&grant=<id>&country=<ISO>&bom=1`, \
         every parameter optional. Auditors, programme managers and admins may download every \
         file; a donor's files hold only what its own grants paid for; an institute may download \
         its own handovers and confirmations. Archived records are left out.\n\n\
         Imports (`/imports`, programme managers and admins) read the same columns: \
         `activities.csv` (an activity is known by its `id`, or else its `code`; `institute_ids` \
         and `funding` are read, the totals worked out, instructors and narratives added through \
         the form) and `equipment.csv` (an item is known by its `id`, or else by its content; \
         donor, totals, rate and state are worked out). A row already there is left as it is.\n",
    );
    for kind in ExportKind::ALL {
        doc.push_str(&format!(
            "\n## `{}.csv`\n\nOne row per {}.\n\nFilters: {}\n\n| column | type | meaning |\n|---|---|---|\n",
            kind.slug(),
            kind.row(),
            kind.filters()
        ));
        for c in kind.columns() {
            doc.push_str(&format!("| `{}` | {} | {} |\n", c.name, c.kind.doc_name(), c.meaning));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_that_a_spreadsheet_would_run_is_neutralised_and_restored() {
        for text in ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx", "\nx", "=HYPERLINK(\"http://x\")"] {
            let written = neutralise(text);
            assert!(written.starts_with('\''), "{text:?}");
            assert_eq!(restore(&written), text);
        }
        for text in ["Bamako", "École nationale de police", "'quoted", "1 200", "", "مرحبا"] {
            assert_eq!(neutralise(text), text);
            assert_eq!(restore(text), text);
        }
    }

    #[test]
    fn each_export_has_distinct_columns_and_amounts_name_their_currency() {
        for kind in ExportKind::ALL {
            let names: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{kind:?}");
            for c in kind.columns() {
                if let ColumnKind::Amount(currency) = c.kind {
                    assert!(names.contains(&currency), "{kind:?}.{} names {currency}", c.name);
                }
            }
            assert_eq!(ExportKind::from_slug(kind.slug()), Some(kind));
        }
    }

    #[test]
    fn donors_never_get_the_audit_log_and_institutes_only_their_handovers() {
        assert!(ExportKind::ALL.iter().all(|k| k.allowed_for(Role::Auditor)));
        assert!(ExportKind::ALL.iter().all(|k| k.allowed_for(Role::ProgrammeManager)));
        assert!(!ExportKind::AuditLog.allowed_for(Role::Donor));
        assert!(ExportKind::Transactions.allowed_for(Role::Donor));
        let institute: Vec<_> =
            ExportKind::ALL.into_iter().filter(|k| k.allowed_for(Role::Institute)).collect();
        assert_eq!(institute, [ExportKind::Handovers, ExportKind::Confirmations]);
    }

    #[test]
    fn the_filter_reads_its_address_and_writes_it_back() {
        let query = "from=2018-12-31&to=2018-01-01&donor=nl_mfa&country=ml&bom=1&grant=bad%20key";
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.replace("%20", " ")))
            .collect();
        let filter = ExportFilter::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
        assert_eq!(filter.from, NaiveDate::from_ymd_opt(2018, 1, 1));
        assert_eq!(filter.to, NaiveDate::from_ymd_opt(2018, 12, 31));
        assert_eq!(filter.donor.as_deref(), Some("nl_mfa"));
        assert_eq!(filter.country.as_deref(), Some("ML"));
        assert_eq!(filter.grant, None);
        assert!(filter.bom);
        assert_eq!(filter.to_query(), "from=2018-01-01&to=2018-12-31&donor=nl_mfa&country=ML&bom=1");
    }

    #[test]
    fn the_documentation_is_the_tables() {
        // The checkout being tested (set by cargo when it runs the test): a binary reused from
        // another checkout through a shared target folder has that checkout's path compiled in.
        let app = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")), std::path::PathBuf::from);
        let path = app.join("../docs/exports.md");
        if std::env::var_os("AIDTRAIL_WRITE_DOCS").is_some() {
            std::fs::write(&path, documentation()).expect("docs/exports.md");
        }
        let written = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        assert!(written == documentation(), "docs/exports.md differs from the column tables");
    }
}
