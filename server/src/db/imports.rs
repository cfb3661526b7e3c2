//! CSV imports of activities and of the equipment register (`app::domain::imports`), in the
//! database: an upload kept aside for its uploader, its check row by row with the same rules as
//! the forms (and those that need the database), and its confirmation, which saves every new
//! row in one transaction or none.

use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue};

use app::domain::CurrentUser;
use app::domain::activity_form::{ActivityDraft, parse_activity_form};
use app::domain::exports::{ExportKind, restore};
use app::domain::imports::{
    EQUIPMENT_FIELDS, IMPORTABLE, ImportPreview, ImportRow, RowStatus, activity_form, equipment_form,
    file_codes, valid_key,
};
use app::domain::records::{RecordDraft, RecordKind, parse_record};
use app::error::{AppError, FieldError};

use super::Db;
use super::query::internal;

/// The most rows in a file.
const MAX_ROWS: usize = 2_000;

pub fn importable(slug: &str) -> Option<ExportKind> {
    ExportKind::from_slug(slug).filter(|k| IMPORTABLE.contains(k))
}

/// The key a row is saved under: its `id` if it has one, otherwise one made from what
/// identifies it (an activity's code, an item's every field), so that importing the same file
/// again finds the rows it saved the first time.
pub fn row_key(kind: ExportKind, header: &[String], row: &[String]) -> String {
    let cell =
        |name: &str| header.iter().position(|h| h.trim() == name).and_then(|i| row.get(i)).map(|v| v.trim());
    if let Some(id) = cell("id").map(restore).filter(|id| !id.is_empty()) {
        return id.to_owned();
    }
    let mut hash = Sha256::new();
    let identity: Vec<&str> = match kind {
        ExportKind::Activities => vec!["code"],
        _ => EQUIPMENT_FIELDS.iter().map(|(column, _)| *column).collect(),
    };
    for column in identity {
        hash.update(cell(column).unwrap_or("").as_bytes());
        hash.update([0x1f]);
    }
    let digest: String = hash.finalize().iter().take(10).map(|b| format!("{b:02x}")).collect();
    format!("imp_{digest}")
}

/// A row, read and checked on its own.
enum Draft {
    Activity(Box<ActivityDraft>),
    Equipment(RecordDraft),
}

/// Reads one row of a file of `kind`: its key, what to call it, and its draft or the errors.
fn parse_row(
    kind: ExportKind,
    header: &[String],
    row: &[String],
) -> (String, String, Result<Draft, Vec<FieldError>>) {
    let key = row_key(kind, header, row);
    if !valid_key(&key) {
        let error = FieldError { field: "id".into(), message: file_codes::BAD_KEY.into() };
        return (key, String::new(), Err(vec![error]));
    }
    match kind {
        ExportKind::Activities => {
            let form = activity_form(header, row);
            let label = format!("{} – {}", form["code"], form["title"]);
            (key, label, parse_activity_form(&form).map(|d| Draft::Activity(Box::new(d))))
        }
        _ => {
            let form = equipment_form(header, row);
            let label = form.get("description").cloned().unwrap_or_default();
            (key, label, parse_record(RecordKind::Equipment, &form).map(Draft::Equipment))
        }
    }
}

/// The checks of a row that need the database (grants known and open, ...).
async fn check(db: &Db, draft: &Draft) -> Result<(), Vec<FieldError>> {
    let checked = match draft {
        Draft::Activity(d) => crate::db::activities::check(db, d).await,
        Draft::Equipment(d) => crate::db::records::check(db, d).await,
    };
    match checked {
        Ok(()) => Ok(()),
        Err(crate::db::audit::SaveError::Invalid(errors)) => Err(errors),
        Err(_) => Err(vec![FieldError { field: "id".into(), message: "error".into() }]),
    }
}

/// The columns a file of `kind` must have.
fn required_columns(kind: ExportKind) -> [&'static str; 2] {
    match kind {
        ExportKind::Activities => ["code", "title"],
        _ => ["description", "grant_id"],
    }
}

/// Keeps an uploaded file of `kind` for its uploader, to be checked and confirmed later; the
/// upload's key.
pub async fn store(
    db: &Db,
    user: &CurrentUser,
    kind: ExportKind,
    name: String,
    content: String,
) -> Result<String, surrealdb::Error> {
    let key = crate::db::audit::new_key();
    let sha256: String = Sha256::digest(content.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    db.query(
        "CREATE $id CONTENT { kind: $kind, name: $name, content: $content, sha256: $sha256,
            uploaded_by: $user, uploaded_at: time::now() } RETURN NONE;",
    )
    .bind(("id", RecordId::new("import_upload", key.as_str())))
    .bind(("kind", kind.slug().to_owned()))
    .bind(("name", name))
    .bind(("content", content))
    .bind(("sha256", sha256))
    .bind(("user", RecordId::new("user", user.id.as_str())))
    .await
    .and_then(|r| r.check())?;
    Ok(key)
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Upload {
    kind: String,
    name: String,
    content: String,
    saved: Option<i64>,
}

/// Checks an upload of `user`: every row, and whether its key is taken. `None` if there is no
/// such upload of theirs.
pub async fn preview(db: &Db, user: &CurrentUser, id: &str) -> Result<Option<ImportPreview>, AppError> {
    if !valid_key(id) {
        return Ok(None);
    }
    let upload: Option<Upload> = db
        .query("SELECT kind, name, content, saved FROM ONLY $id WHERE uploaded_by = $user;")
        .bind(("id", RecordId::new("import_upload", id)))
        .bind(("user", RecordId::new("user", user.id.as_str())))
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    let Some(upload) = upload else { return Ok(None) };
    let Some(kind) = importable(&upload.kind) else { return Ok(None) };
    let mut preview = ImportPreview {
        id: id.to_owned(),
        kind,
        file_name: upload.name,
        rows: Vec::new(),
        file_error: None,
        saved: upload.saved.map(|n| u64::try_from(n).unwrap_or(0)),
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(upload.content.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Some(Err(_)) => {
            preview.file_error = Some(file_codes::NOT_CSV.into());
            return Ok(Some(preview));
        }
        None => {
            preview.file_error = Some(file_codes::EMPTY.into());
            return Ok(Some(preview));
        }
    };
    if !required_columns(kind).iter().all(|c| header.iter().any(|h| h == c)) {
        preview.file_error = Some(file_codes::MISSING_COLUMN.into());
        return Ok(Some(preview));
    }
    let mut keys: Vec<String> = Vec::new();
    for (i, record) in records.enumerate() {
        let line = i + 2;
        let Ok(record) = record else {
            preview.file_error = Some(file_codes::NOT_CSV.into());
            return Ok(Some(preview));
        };
        let row: Vec<String> = record.iter().map(str::to_owned).collect();
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if preview.rows.len() == MAX_ROWS {
            preview.file_error = Some(file_codes::TOO_MANY.into());
            return Ok(Some(preview));
        }
        let (key, label, draft) = parse_row(kind, &header, &row);
        let status = if keys.contains(&key) {
            RowStatus::Repeated
        } else {
            match draft {
                Ok(draft) => match check(db, &draft).await {
                    Ok(()) => RowStatus::New,
                    Err(errors) => RowStatus::Invalid(errors),
                },
                Err(errors) => RowStatus::Invalid(errors),
            }
        };
        keys.push(key.clone());
        preview.rows.push(ImportRow { line, key, label, status });
    }
    if preview.rows.is_empty() {
        preview.file_error = Some(file_codes::EMPTY.into());
        return Ok(Some(preview));
    }
    // Rows whose key is taken were imported before (or exported from here): left alone. So
    // are activities whose code is taken.
    let table = if kind == ExportKind::Activities { "activity" } else { "equipment" };
    let ids: Vec<RecordId> = preview
        .rows
        .iter()
        .filter(|r| valid_key(&r.key))
        .map(|r| RecordId::new(table, r.key.as_str()))
        .collect();
    let mut response = db
        .query("SELECT VALUE id FROM $ids;")
        .query("SELECT VALUE [id, code] FROM activity WHERE $activities AND code IN $codes;")
        .bind(("ids", ids))
        .bind(("activities", kind == ExportKind::Activities))
        .bind((
            "codes",
            preview
                .rows
                .iter()
                .map(|r| r.label.split(" – ").next().unwrap_or("").to_owned())
                .collect::<Vec<_>>(),
        ))
        .await
        .map_err(internal)?;
    let taken: Vec<RecordId> = response.take(0).map_err(internal)?;
    let codes: Vec<(RecordId, String)> = response.take(1).map_err(internal)?;
    let taken: Vec<String> = taken.iter().map(crate::db::rows::key_of).collect();
    for row in &mut preview.rows {
        let code = row.label.split(" – ").next().unwrap_or("");
        let code_taken = kind == ExportKind::Activities && codes.iter().any(|(_, c)| c == code);
        if (taken.contains(&row.key) || code_taken) && !matches!(row.status, RowStatus::Repeated) {
            row.status = RowStatus::Existing;
        }
    }
    Ok(Some(preview))
}

/// What confirming an upload came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// No such upload of this user's.
    NotFound,
    /// Confirmed before: nothing more saved.
    AlreadySaved,
    /// A row is refused, or became invalid since the check: nothing saved.
    Refused,
    /// Every new row saved, in one transaction.
    Saved,
}

/// Saves every new row of a checked upload of `user` in one transaction, or none. The rows are
/// checked again from the stored file: what is saved is what was shown.
pub async fn confirm(db: &Db, user: &CurrentUser, id: &str, reason: &str) -> Result<Confirmation, AppError> {
    let Some(preview) = preview(db, user, id).await? else { return Ok(Confirmation::NotFound) };
    if preview.saved.is_some() {
        return Ok(Confirmation::AlreadySaved);
    }
    if preview.file_error.is_some() || preview.invalid_rows() > 0 {
        return Ok(Confirmation::Refused);
    }
    let upload: Option<String> = db
        .query("SELECT VALUE content FROM ONLY $id;")
        .bind(("id", RecordId::new("import_upload", id)))
        .await
        .ok()
        .and_then(|mut r| r.take(0).ok())
        .flatten();
    let Some(content) = upload else { return Ok(Confirmation::NotFound) };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(content.as_bytes());
    let mut records = reader.records().filter_map(Result::ok);
    let header: Vec<String> =
        records.next().map(|h| h.iter().map(|c| c.trim().to_owned()).collect()).unwrap_or_default();
    let kind = preview.kind;
    let (mut activities, mut equipment) = (Vec::new(), Vec::new());
    for record in records {
        let row: Vec<String> = record.iter().map(str::to_owned).collect();
        let (key, _, draft) = parse_row(kind, &header, &row);
        let new = preview.rows.iter().any(|r| r.key == key && r.status == RowStatus::New);
        let seen = activities.iter().any(|(k, _)| *k == key) || equipment.iter().any(|(k, _)| *k == key);
        if !new || seen {
            continue;
        }
        match draft {
            Ok(Draft::Activity(d)) => activities.push((key, *d)),
            Ok(Draft::Equipment(d)) => equipment.push((key, d)),
            Err(_) => return Ok(Confirmation::Refused),
        }
    }
    let reason = Some(format!("{} ({})", reason.trim(), preview.file_name).trim().to_owned());
    let saved = activities.len() + equipment.len();
    let result = if activities.is_empty() {
        crate::db::records::create_all(db, user, &equipment, reason).await
    } else {
        crate::db::activities::create_all(db, user, &activities, reason).await
    };
    if let Err(error) = result {
        tracing::warn!(?error, import = %id, "an import was refused at saving: nothing saved");
        return Ok(Confirmation::Refused);
    }
    let marked = db
        .query("UPDATE $id SET saved = $saved, confirmed_at = time::now() RETURN NONE;")
        .bind(("id", RecordId::new("import_upload", id)))
        .bind(("saved", saved as i64))
        .await;
    if let Err(error) = marked {
        tracing::error!(%error, "marking an import confirmed failed");
    }
    Ok(Confirmation::Saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_row_keeps_its_id_and_a_row_without_one_gets_the_same_key_each_time() {
        let header = strings(&["id", "description", "quantity", "code"]);
        let key = |kind, row: &[&str]| row_key(kind, &header, &strings(row));
        assert_eq!(key(ExportKind::Equipment, &["ml_x", "Laptop", "2", ""]), "ml_x");
        let a = key(ExportKind::Equipment, &["", "Laptop", "2", ""]);
        assert_eq!(a, key(ExportKind::Equipment, &["", "Laptop", "2", ""]));
        assert_ne!(a, key(ExportKind::Equipment, &["", "Laptop", "3", ""]));
        assert!(valid_key(&a));
        // An activity is known by its code.
        let b = key(ExportKind::Activities, &["", "x", "1", "ACT-1"]);
        assert_eq!(b, key(ExportKind::Activities, &["", "y", "2", "ACT-1"]));
    }
}
