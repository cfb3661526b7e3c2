//! The CSV exports: which files there are, their columns (stable, documented in
//! `docs/exports.md`, which a test keeps equal to these tables), their filters, and who may
//! download which.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dashboard::key;
use super::{Country, Role};

/// What a column holds, which decides how a cell is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// The key of a record, as other files name it (`nl_mfa`).
    Id,
    /// Free text, neutralised if a spreadsheet could take it for a formula.
    Text,
    /// A code from a fixed list (`training`, `received`).
    Code,
    /// A whole number.
    Int,
    /// An amount in the currency of the column named here, in units (`1234.50`).
    Amount(&'static str),
    /// An amount in euros, in units.
    Eur,
    /// An exchange rate, as stored.
    Rate,
    /// A calendar date, ISO 8601 (`2018-05-14`).
    Date,
    /// An instant, ISO 8601 in UTC (`2018-05-14T09:30:00Z`).
    DateTime,
    /// `true` or `false`.
    Bool,
    /// Funding shares: each grant's key and amount in the grant's currency, separated by `;`
    /// (`nl_2018 38500.00; de_2017 4000.00`).
    Funding,
}

impl ColumnKind {
    /// The type as `docs/exports.md` names it.
    pub fn doc_name(self) -> &'static str {
        match self {
            ColumnKind::Id => "id",
            ColumnKind::Text => "text",
            ColumnKind::Code => "code",
            ColumnKind::Int => "integer",
            ColumnKind::Amount(_) => "amount",
            ColumnKind::Eur => "amount (EUR)",
            ColumnKind::Rate => "rate",
            ColumnKind::Date => "date",
            ColumnKind::DateTime => "date-time",
            ColumnKind::Bool => "boolean",
            ColumnKind::Funding => "funding",
        }
    }

    /// Whether the cell is text a spreadsheet could read as a formula (numbers, dates and
    /// booleans come from typed fields and are written as they are).
    pub fn is_text(self) -> bool {
        matches!(self, ColumnKind::Id | ColumnKind::Text | ColumnKind::Code)
    }
}

/// One column of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
    pub meaning: &'static str,
}

const fn col(name: &'static str, kind: ColumnKind, meaning: &'static str) -> Column {
    Column { name, kind, meaning }
}

use ColumnKind::*;

const DONORS: &[Column] = &[
    col("id", Id, "The donor."),
    col("name", Text, "Name in English."),
    col("name_fr", Text, "Name in French."),
    col("country", Code, "ISO 3166 code of the donor's country."),
    col("iati_ref", Text, "IATI organisation identifier."),
    col("org_type", Int, "IATI organisation type code."),
    col("currency", Code, "ISO 4217 code of the currency the donor reports in."),
];

const GRANTS: &[Column] = &[
    col("id", Id, "The grant."),
    col("donor_id", Id, "The donor (`donors.csv`)."),
    col("reference", Text, "The grant agreement's reference."),
    col("title", Text, "Title in English."),
    col("title_fr", Text, "Title in French."),
    col("amount", Amount("currency"), "Amount of the agreement."),
    col("currency", Code, "ISO 4217 code of the grant's currency."),
    col("signed_on", Date, "Date the agreement was signed."),
    col("start_on", Date, "First day of the grant."),
    col("end_on", Date, "Last day of the grant."),
    col("status", Code, "pipeline, active, closed or cancelled."),
    col("countries", Text, "ISO 3166 codes of the countries covered, separated by `;`."),
];

const TRANSACTIONS: &[Column] = &[
    col("id", Id, "The transaction."),
    col("grant_id", Id, "The grant it is booked on (`grants.csv`)."),
    col("donor_id", Id, "The grant's donor (`donors.csv`)."),
    col("kind", Int, "IATI transaction type: 1 incoming funds, 2 commitment, 3 disbursement, 4 expenditure."),
    col("value_date", Date, "Value date."),
    col("amount", Amount("currency"), "Amount in the transaction's own currency."),
    col("currency", Code, "ISO 4217 code of the transaction's currency."),
    col("rate_to_grant", Rate, "Units of the grant's currency per unit of the transaction's currency."),
    col("amount_grant", Amount("grant_currency"), "Amount in the grant's currency, at `rate_to_grant`."),
    col("grant_currency", Code, "ISO 4217 code of the grant's currency."),
    col("rate_to_eur", Rate, "Euros per unit of the transaction's currency."),
    col("amount_eur", Eur, "Amount in euros, at `rate_to_eur`."),
    col("activity_id", Id, "The activity it paid for, if any (`activities.csv`)."),
    col("equipment_id", Id, "The equipment it paid for, if any (`equipment.csv`)."),
    col("country", Code, "Country of the activity it paid for, if any."),
    col("provider", Text, "Who the money came from."),
    col("receiver", Text, "Who the money went to."),
    col("description", Text, "What it was for."),
];

const ACTIVITIES: &[Column] = &[
    col("id", Id, "The activity."),
    col("code", Text, "The activity's code."),
    col("title", Text, "Title in English."),
    col("title_fr", Text, "Title in French."),
    col(
        "kind",
        Code,
        "training, workshop, syllabus_development, study_visit, equipment_handover or meeting.",
    ),
    col(
        "status",
        Int,
        "IATI activity status: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled.",
    ),
    col("planned_start", Date, "Planned first day."),
    col("planned_end", Date, "Planned last day."),
    col("actual_start", Date, "Actual first day, once known."),
    col("actual_end", Date, "Actual last day, once known."),
    col("country", Code, "ISO 3166 code of the country it took place in."),
    col("city", Text, "City."),
    col("venue", Text, "Venue."),
    col("theme", Code, "tip (trafficking in persons), som (smuggling of migrants) or both."),
    col("pillar_id", Id, "The strategy's pillar it serves."),
    col("institute_ids", Text, "The institutes taking part (`institutes.csv`), separated by `;`."),
    col("grant_ids", Text, "The grants funding it (`grants.csv`), separated by `;`."),
    col("funding", Funding, "Each funding grant's key and share in the grant's currency, separated by `;`."),
    col("police_women", Int, "Women participants from the police."),
    col("police_men", Int, "Men participants from the police."),
    col("gendarmerie_women", Int, "Women participants from the gendarmerie."),
    col("gendarmerie_men", Int, "Men participants from the gendarmerie."),
    col("justice_women", Int, "Women participants from the justice sector."),
    col("justice_men", Int, "Men participants from the justice sector."),
    col("other_women", Int, "Women participants from other services."),
    col("other_men", Int, "Men participants from other services."),
    col("participants", Int, "All participants."),
    col("women", Int, "Women participants."),
    col("instructors", Int, "Instructors, not counting supervisors."),
];

const PARTICIPANTS: &[Column] = &[
    col("country", Code, "ISO 3166 code of the country."),
    col("year", Int, "Year the activities started."),
    col("kind", Code, "Type of activity, as in `activities.csv`."),
    col("activities", Int, "Activities (a co-funded activity once)."),
    col("police_women", Int, "Women participants from the police."),
    col("police_men", Int, "Men participants from the police."),
    col("gendarmerie_women", Int, "Women participants from the gendarmerie."),
    col("gendarmerie_men", Int, "Men participants from the gendarmerie."),
    col("justice_women", Int, "Women participants from the justice sector."),
    col("justice_men", Int, "Men participants from the justice sector."),
    col("other_women", Int, "Women participants from other services."),
    col("other_men", Int, "Men participants from other services."),
    col("participants", Int, "All participants."),
    col("women", Int, "Women participants."),
    col("instructors", Int, "Instructors, not counting supervisors."),
];

const INSTITUTES: &[Column] = &[
    col("id", Id, "The institute."),
    col("code", Text, "The institute's code."),
    col("name", Text, "Name in English."),
    col("name_fr", Text, "Name in French."),
    col("kind", Code, "police_school, gendarmerie_school, judicial_training_institute, ministry or other."),
    col("country", Code, "ISO 3166 code of its country."),
    col("city", Text, "City."),
];

const INDICATORS: &[Column] = &[
    col("indicator_id", Id, "The indicator."),
    col("code", Text, "The indicator's code."),
    col("title", Text, "Title in English."),
    col("title_fr", Text, "Title in French."),
    col("unit", Code, "people, women, curricula, institutes, items or percent."),
    col(
        "computed",
        Bool,
        "Whether actuals are counted from activities and handovers (true) or entered (false).",
    ),
    col("baseline", Int, "Value at the start of the strategy."),
    col("year", Int, "Year of the target and actual."),
    col("country", Code, "ISO 3166 code of the country."),
    col("target", Int, "Target for the year and country, if set."),
    col("actual", Int, "Actual value for the year and country, as the indicators page shows it."),
];

const EQUIPMENT: &[Column] = &[
    col("id", Id, "The item (a line of the register: one or more identical units)."),
    col("grant_id", Id, "The grant that paid for it (`grants.csv`)."),
    col("donor_id", Id, "The grant's donor (`donors.csv`)."),
    col("category", Code, "computer, projector, printer, furniture, vehicle or other."),
    col("description", Text, "Description in English."),
    col("description_fr", Text, "Description in French."),
    col("quantity", Int, "Units bought."),
    col("unit_cost", Amount("currency"), "Cost of one unit."),
    col("total_cost", Amount("currency"), "Cost of all units."),
    col("currency", Code, "ISO 4217 code of the cost's currency."),
    col("rate_to_eur", Rate, "Euros per unit of the currency, from the paying transaction, if linked."),
    col("total_eur", Eur, "Cost of all units in euros, at `rate_to_eur`."),
    col("supplier", Text, "Supplier."),
    col("serials", Text, "Serial numbers, separated by `;`."),
    col("purchase_date", Date, "Date of purchase."),
    col("transaction_id", Id, "The transaction that paid for it (`transactions.csv`)."),
    col("state", Code, "Last reported state: in_use, needs_repair, lost_stolen or disposed."),
    col("next_verification_on", Date, "When the item is next to be checked."),
];

const HANDOVERS: &[Column] = &[
    col("handover_id", Id, "The handover."),
    col("code", Text, "The handover's code."),
    col("institute_id", Id, "The receiving institute (`institutes.csv`)."),
    col("activity_id", Id, "The activity it was part of, if any."),
    col("handed_over_on", Date, "Date of the handover."),
    col("handed_over_by", Text, "Who handed the items over."),
    col("status", Code, "planned, handed_over, partially_received, received or disputed."),
    col("line", Int, "Number of the line within the handover, from 1."),
    col("equipment_id", Id, "The item (`equipment.csv`)."),
    col("quantity", Int, "Units handed over on this line."),
    col("received", Int, "Units the institute confirmed receiving."),
    col("serials", Text, "Serial numbers handed over, separated by `;`."),
    col("serials_checked", Text, "Serial numbers the institute checked, separated by `;`."),
    col("confirmed_at", DateTime, "Last confirmation by the institute."),
];

const CONFIRMATIONS: &[Column] = &[
    col("confirmation_id", Id, "The confirmation (never changed: a correction is a new one)."),
    col("handover_id", Id, "The handover confirmed (`handovers.csv`)."),
    col("outcome", Code, "received, partially_received or disputed."),
    col("reason", Text, "Why it was disputed."),
    col("remarks", Text, "Remarks."),
    col("corrects_id", Id, "The confirmation this one corrects, if any."),
    col("confirmed_by", Text, "E-mail of the institute's user who confirmed."),
    col("confirmed_at", DateTime, "When."),
    col("line", Int, "Number of the line within the confirmation, from 1."),
    col("equipment_id", Id, "The item (`equipment.csv`)."),
    col("received", Int, "Units received, as confirmed on this line."),
    col("serials_checked", Text, "Serial numbers checked, separated by `;`."),
    col("condition", Code, "good or damaged."),
    col("remark", Text, "Remark on the line."),
];

const STATE_REPORTS: &[Column] = &[
    col("id", Id, "The report."),
    col("equipment_id", Id, "The item (`equipment.csv`)."),
    col("state", Code, "in_use, needs_repair, lost_stolen or disposed."),
    col("reported_on", Date, "Date the state was seen."),
    col("remark", Text, "Remark."),
    col("reported_by", Text, "E-mail of the user who reported it."),
    col("at", DateTime, "When the report was recorded."),
];

const AUDIT_LOG: &[Column] = &[
    col("seq", Int, "Sequence number, from 1, without gaps."),
    col("at", DateTime, "When the change was saved."),
    col("actor", Text, "E-mail of the user who made it (empty for the system)."),
    col("action", Code, "create, update, archive, confirm, report_state, ..."),
    col("record", Text, "The record changed (`table:key`)."),
    col("reason", Text, "The reason given."),
    col("before", Text, "The record before the change, as stored."),
    col("after", Text, "The record after the change, as stored."),
    col("prev_hash", Text, "`hash` of the previous event."),
    col("hash", Text, "SHA-256 over this event's content and `prev_hash` (see `aidtrail audit verify`)."),
];

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
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", crate::components::encode_component(&v))))
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

/// `docs/exports.md`, written from the tables above.
pub fn documentation() -> String {
    let mut doc = String::from(
        "# CSV exports\n\n\
         Generated from `app/src/domain/exports.rs` (a test fails when the two differ: run \
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
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/exports.md");
        if std::env::var_os("AIDTRAIL_WRITE_DOCS").is_some() {
            std::fs::write(path, documentation()).expect("docs/exports.md");
        }
        let written = std::fs::read_to_string(path).unwrap_or_default();
        assert!(written == documentation(), "docs/exports.md differs from the column tables");
    }
}
