//! CSV import of activities and of the equipment register, from the columns of
//! `activities.csv` and `equipment.csv` (`docs/exports.md`): an upload is checked row by row
//! and shown, and nothing is saved until the user confirms; then every new row is saved in one
//! transaction, or none is.

use serde::{Deserialize, Serialize};

use super::exports::{ExportKind, restore};
use super::form_values::FormValues;
use crate::error::FieldError;

/// The files one can import.
pub const IMPORTABLE: [ExportKind; 2] = [ExportKind::Activities, ExportKind::Equipment];

/// The columns of `activities.csv` that an import reads as they are, by the activity form's
/// field of the same name. `institute_ids` and `funding` are read apart; the totals are worked
/// out; instructors, profiles and narratives are added through the form afterwards.
pub const ACTIVITY_FIELDS: [&str; 21] = [
    "code",
    "title",
    "title_fr",
    "kind",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "country",
    "city",
    "venue",
    "theme",
    "police_women",
    "police_men",
    "gendarmerie_women",
    "gendarmerie_men",
    "justice_women",
    "justice_men",
    "other_women",
    "other_men",
];

/// The activity form's values for one row of `activities.csv`.
pub fn activity_form(header: &[String], row: &[String]) -> FormValues {
    let cell = |name: &str| -> String {
        header
            .iter()
            .position(|h| h.trim() == name)
            .and_then(|i| row.get(i))
            .map_or_else(String::new, |v| restore(v.trim()).to_owned())
    };
    let mut form: FormValues = ACTIVITY_FIELDS.iter().map(|f| ((*f).to_owned(), cell(f))).collect();
    form.insert("pillar".into(), cell("pillar_id"));
    form.insert("institutes".into(), cell("institute_ids").replace(';', ","));
    // `grant amount; grant amount`
    for (i, share) in cell("funding").split(';').map(str::trim).filter(|s| !s.is_empty()).enumerate() {
        let (grant, amount) = share.split_once(' ').unwrap_or((share, ""));
        form.insert(format!("funding_{i}_grant"), grant.trim().to_owned());
        form.insert(format!("funding_{i}_amount"), amount.trim().to_owned());
    }
    form
}

/// The columns an import reads, and the field of the record form each one fills. The other
/// columns of the export (donor, totals, rate, state) are worked out, and ignored if present.
pub const EQUIPMENT_FIELDS: [(&str, &str); 12] = [
    ("grant_id", "donor_grant"),
    ("category", "category"),
    ("description", "description"),
    ("description_fr", "description_fr"),
    ("quantity", "quantity"),
    ("unit_cost", "unit_cost_minor"),
    ("currency", "currency"),
    ("supplier", "supplier"),
    ("serials", "serials"),
    ("purchase_date", "purchase_date"),
    ("transaction_id", "transaction"),
    ("next_verification_on", "next_verification_on"),
];

/// The record form's values for one row of `equipment.csv` (cells as an export writes them:
/// neutralised text is restored, lists separated by `;` become the form's commas).
pub fn equipment_form(header: &[String], row: &[String]) -> FormValues {
    let cell = |name: &str| -> String {
        header
            .iter()
            .position(|h| h.trim() == name)
            .and_then(|i| row.get(i))
            .map_or_else(String::new, |v| restore(v.trim()).to_owned())
    };
    EQUIPMENT_FIELDS
        .iter()
        .map(|(column, field)| {
            let value = cell(column);
            let value = if *column == "serials" { value.replace(';', ",") } else { value };
            ((*field).to_owned(), value)
        })
        .collect()
}

/// Whether a key given in a file can be a record key.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What becomes of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowStatus {
    /// Saved on confirmation.
    New,
    /// A record with its key exists: left as it is (importing a file twice saves it once).
    Existing,
    /// The same key as an earlier row of the file.
    Repeated,
    /// Refused, with the reasons by field; nothing is saved while one row is refused.
    Invalid(Vec<FieldError>),
}

/// One row of the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub key: String,
    /// What the row is, for the reader: the description.
    pub label: String,
    pub status: RowStatus,
}

/// An uploaded file, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: String,
    pub kind: ExportKind,
    pub file_name: String,
    pub rows: Vec<ImportRow>,
    /// A problem with the file as a whole (not CSV, no rows, a column missing), as a code.
    pub file_error: Option<String>,
    /// Rows saved, once confirmed.
    pub saved: Option<u64>,
}

impl ImportPreview {
    pub fn new_rows(&self) -> usize {
        self.rows.iter().filter(|r| r.status == RowStatus::New).count()
    }

    pub fn invalid_rows(&self) -> usize {
        self.rows.iter().filter(|r| matches!(r.status, RowStatus::Invalid(_))).count()
    }

    /// Whether confirming would save something, and nothing is wrong.
    pub fn can_confirm(&self) -> bool {
        self.file_error.is_none() && self.invalid_rows() == 0 && self.new_rows() > 0 && self.saved.is_none()
    }
}

/// Codes of problems with a file as a whole.
pub mod file_codes {
    pub const NOT_CSV: &str = "not_csv";
    pub const EMPTY: &str = "empty";
    pub const MISSING_COLUMN: &str = "missing_column";
    pub const BAD_KEY: &str = "bad_key";
    pub const TOO_MANY: &str = "too_many";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_row_of_activities_csv_fills_the_activity_form() {
        let header = strings(&["code", "institute_ids", "funding", "pillar_id", "police_women"]);
        let row = strings(&["ACT-1", "ml_enp; ml_egn", "nl_2018 38500.00; de_2017 100.00", "p2", "2"]);
        let form = activity_form(&header, &row);
        assert_eq!(form["institutes"], "ml_enp, ml_egn");
        assert_eq!(form["funding_0_grant"], "nl_2018");
        assert_eq!(form["funding_0_amount"], "38500.00");
        assert_eq!(form["funding_1_grant"], "de_2017");
        assert_eq!(form["pillar"], "p2");
        assert_eq!(form["police_women"], "2");
        assert_eq!(form["title"], "");
    }

    #[test]
    fn a_row_of_the_export_fills_the_record_form() {
        let header =
            strings(&["id", "grant_id", "description", "serials", "unit_cost", "supplier", "donor_id"]);
        let row = strings(&["ml_x", "de_2017", "Laptop", "A-1; A-2", "850.00", "'=Shop", "de_ffo"]);
        let form = equipment_form(&header, &row);
        assert_eq!(form["donor_grant"], "de_2017");
        assert_eq!(form["serials"], "A-1, A-2");
        assert_eq!(form["unit_cost_minor"], "850.00");
        assert_eq!(form["supplier"], "=Shop", "a neutralised cell is read back as it was");
        assert_eq!(form["category"], "", "a missing column is an empty field");
    }
}
