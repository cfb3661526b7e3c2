//! The users page's queries: every user with their binding, and what a user can be bound to.

use app::domain::{NamedRef, Role, Text, UserFormOptions, UserRow};
use app::error::AppError;
use app::i18n::Locale;
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::query::{OptionRecord, internal, invalid_row};
use super::rows::key_of;

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct UserListRecord {
    id: RecordId,
    email: String,
    name: String,
    role: String,
    institute_name: Option<String>,
    institute_name_fr: Option<String>,
    donor_name: Option<String>,
    donor_name_fr: Option<String>,
    language: String,
    active: bool,
    must_change_password: bool,
}

/// Every user, admins first.
pub async fn list_users(db: &Db) -> Result<Vec<UserRow>, AppError> {
    let rows: Vec<UserListRecord> = db
            .query(
                "SELECT id, email, name, role, institute.name AS institute_name, institute.name_fr AS institute_name_fr,
                        donor.name AS donor_name, donor.name_fr AS donor_name_fr, language, active, must_change_password
                 FROM user ORDER BY role, email;",
            )
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?
            .take(0)
            .map_err(internal)?;
    rows.into_iter()
        .map(|r| {
            let role = Role::from_code(&r.role).map_err(invalid_row)?;
            let binding = match (r.institute_name, r.donor_name) {
                (Some(en), _) => Some(Text::new(en, r.institute_name_fr.unwrap_or_default())),
                (None, Some(en)) => Some(Text::new(en, r.donor_name_fr.unwrap_or_default())),
                (None, None) => None,
            };
            Ok(UserRow {
                id: key_of(&r.id),
                email: r.email,
                name: r.name,
                role,
                binding,
                language: Locale::from_code(&r.language).unwrap_or_default(),
                active: r.active,
                must_change_password: r.must_change_password,
            })
        })
        .collect()
}

/// Institutes and donors a new user can be bound to.
pub async fn user_form_options(db: &Db) -> Result<UserFormOptions, AppError> {
    let mut response = db
            .query(
                "SELECT id, string::concat(code, ' · ', name) AS label, string::concat(code, ' · ', name_fr) AS label_fr, country
                 FROM institute WHERE archived = false ORDER BY country, label;",
            )
            .query("SELECT id, name AS label, name_fr AS label_fr FROM donor WHERE archived = false ORDER BY label;")
            .await
            .map_err(internal)?
            .check()
            .map_err(internal)?;
    let to_refs = |rows: Vec<OptionRecord>| {
        rows.into_iter()
            .map(|r| NamedRef { id: key_of(&r.id), name: Text::new(r.label, r.label_fr) })
            .collect()
    };
    Ok(UserFormOptions {
        institutes: to_refs(response.take(0).map_err(internal)?),
        donors: to_refs(response.take(1).map_err(internal)?),
    })
}
