//! User records: lookups for sign-in, and the administration use-cases.

use app::domain::{CurrentUser, Role};
use app::i18n::Locale;
use surrealdb::types::{RecordId, SurrealValue};

use crate::auth::password::{self, PasswordHashString};
use crate::db::Db;
use crate::db::rows::key_of;

/// Why a user could not be created or changed.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("not an email address: {0:?}")]
    BadEmail(String),
    #[error("a user with the email {0} already exists")]
    Duplicate(String),
    #[error("a {role} user must be bound to {what}")]
    MissingBinding { role: &'static str, what: &'static str },
    #[error("a {0} user cannot be bound to an institute or a donor")]
    UnexpectedBinding(&'static str),
    #[error("no institute {0:?}")]
    UnknownInstitute(String),
    #[error("no donor {0:?}")]
    UnknownDonor(String),
    #[error("no user {0:?}")]
    UnknownUser(String),
    #[error("database error: {0}")]
    Db(Box<surrealdb::Error>),
    #[error("the audited write failed")]
    Write,
}

impl From<surrealdb::Error> for UserError {
    fn from(error: surrealdb::Error) -> Self {
        UserError::Db(Box::new(error))
    }
}

impl UserError {
    /// A short code for redirects and messages.
    pub fn code(&self) -> &'static str {
        match self {
            UserError::BadEmail(_) => "email",
            UserError::Duplicate(_) => "duplicate",
            UserError::MissingBinding { .. } => "binding_missing",
            UserError::UnexpectedBinding(_) => "binding_unexpected",
            UserError::UnknownInstitute(_) => "institute",
            UserError::UnknownDonor(_) => "donor",
            UserError::UnknownUser(_) => "user",
            UserError::Db(_) | UserError::Write => "internal",
        }
    }
}

/// A user as stored, with the hash needed to check a password.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct UserRecord {
    pub id: RecordId,
    pub email: String,
    pub name: String,
    pub role: String,
    pub institute: Option<RecordId>,
    pub donor: Option<RecordId>,
    pub language: String,
    pub active: bool,
    pub must_change_password: bool,
    pub password_hash: String,
}

impl UserRecord {
    pub fn key(&self) -> String {
        key_of(&self.id)
    }

    pub fn hash(&self) -> PasswordHashString {
        PasswordHashString::from_stored(self.password_hash.clone())
    }

    /// The request-scoped view of this user; `None` if the stored role is unknown.
    pub fn current(&self) -> Option<CurrentUser> {
        Some(CurrentUser {
            id: self.key(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: Role::from_code(&self.role).ok()?,
            institute: self.institute.as_ref().map(key_of),
            donor: self.donor.as_ref().map(key_of),
            language: Locale::from_code(&self.language).unwrap_or_default(),
            must_change_password: self.must_change_password,
        })
    }
}

const USER_FIELDS: &str =
    "id, email, name, role, institute, donor, language, active, must_change_password, password_hash";

/// Emails are compared without case and surrounding spaces.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn plausible_email(email: &str) -> bool {
    let mut parts = email.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(local), Some(domain), None)
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
            && !email.chars().any(char::is_whitespace))
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRecord>, UserError> {
    let rows: Vec<UserRecord> = db
        .query(format!("SELECT {USER_FIELDS} FROM user WHERE email = $email LIMIT 1;"))
        .bind(("email", normalise_email(email)))
        .await?
        .check()?
        .take(0)?;
    Ok(rows.into_iter().next())
}

pub async fn find_by_key(db: &Db, key: &str) -> Result<Option<UserRecord>, UserError> {
    let rows: Vec<UserRecord> = db
        .query(format!("SELECT {USER_FIELDS} FROM $id;"))
        .bind(("id", RecordId::new("user", key)))
        .await?
        .check()?
        .take(0)?;
    Ok(rows.into_iter().next())
}

/// What is needed to create a user. The binding names an institute by code (`ML-ENP`) or key
/// (`ml_enp`), a donor by IATI reference (`NL-1`) or key (`nl_mfa`).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub institute: Option<String>,
    pub donor: Option<String>,
    pub language: Locale,
    pub must_change_password: bool,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct IdRow {
    id: RecordId,
}

async fn resolve(
    db: &Db,
    table: &str,
    natural_key: &str,
    value: &str,
) -> Result<Option<RecordId>, UserError> {
    let rows: Vec<IdRow> = db
        .query(format!("SELECT id FROM {table} WHERE {natural_key} = $value OR id = $id LIMIT 1;"))
        .bind(("value", value.trim().to_owned()))
        .bind(("id", RecordId::new(table, value.trim())))
        .await?
        .check()?
        .take(0)?;
    Ok(rows.into_iter().next().map(|r| r.id))
}

/// What the audit log keeps of a user: everything but the password hash.
const USER_VIEW: &str =
    "SELECT email, name, role, institute, donor, language, active, must_change_password, version
    FROM ONLY $id";

/// Runs `change` (statements on the user `$id`) and its audit event of `action` in one
/// transaction, by `actor` (`None`: the system, at first start or from the command line).
async fn audited_change(
    db: &Db,
    actor: Option<RecordId>,
    action: &'static str,
    created: bool,
    change: &str,
    bindings: Vec<(&'static str, surrealdb::types::Value)>,
) -> Result<(), UserError> {
    use crate::db::audit::{SaveError, audited, execute};
    let before = if created { String::new() } else { format!("LET $before = ({USER_VIEW});") };
    let audit = audited(action, created);
    let sql = format!(
        "BEGIN TRANSACTION;
         {before}
         {change}
         LET $after = ({USER_VIEW});
         {audit}
         COMMIT TRANSACTION;"
    );
    let mut bindings = bindings;
    bindings.push(("actor", actor.into_value()));
    bindings.push(("reason", None::<String>.into_value()));
    execute(db, &sql, bindings, |rule| match rule {
        "duplicate" => Some(SaveError::Conflict),
        "unknown_user" => Some(SaveError::NotFound),
        _ => None,
    })
    .await
    .map_err(|error| match error {
        SaveError::Conflict => UserError::Duplicate(String::new()),
        SaveError::NotFound => UserError::UnknownUser(String::new()),
        _ => UserError::Write,
    })
}

/// Records a sign-in in the audit log.
pub async fn record_sign_in(db: &Db, key: &str) -> Result<(), UserError> {
    use crate::db::audit::APPEND_EVENT;
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $action = 'sign_in';
         LET $record = <string> $id;
         LET $before_text = NONE;
         LET $after_text = NONE;
         {APPEND_EVENT}
         COMMIT TRANSACTION;"
    );
    let id = RecordId::new("user", key);
    let bindings = vec![
        ("id", id.clone().into_value()),
        ("actor", id.into_value()),
        ("reason", None::<String>.into_value()),
    ];
    crate::db::audit::execute(db, &sql, bindings, |_| None).await.map_err(|_| UserError::Write)
}

/// Creates a user with `password`, audited as done by `actor`; returns its key.
pub async fn create(
    db: &Db,
    actor: Option<RecordId>,
    user: &NewUser,
    password: &str,
) -> Result<String, UserError> {
    let email = normalise_email(&user.email);
    if !plausible_email(&email) {
        return Err(UserError::BadEmail(user.email.clone()));
    }
    let role = user.role.code();
    let institute = match (user.role, user.institute.as_deref().filter(|s| !s.trim().is_empty())) {
        (Role::Institute, Some(code)) => Some(
            resolve(db, "institute", "code", code)
                .await?
                .ok_or_else(|| UserError::UnknownInstitute(code.to_owned()))?,
        ),
        (Role::Institute, None) => {
            return Err(UserError::MissingBinding { role, what: "an institute" });
        }
        (_, Some(_)) => return Err(UserError::UnexpectedBinding(role)),
        (_, None) => None,
    };
    let donor = match (user.role, user.donor.as_deref().filter(|s| !s.trim().is_empty())) {
        (Role::Donor, Some(code)) => Some(
            resolve(db, "donor", "iati_ref", code)
                .await?
                .ok_or_else(|| UserError::UnknownDonor(code.to_owned()))?,
        ),
        (Role::Donor, None) => {
            return Err(UserError::MissingBinding { role, what: "a donor" });
        }
        (_, Some(_)) => return Err(UserError::UnexpectedBinding(role)),
        (_, None) => None,
    };
    if find_by_email(db, &email).await?.is_some() {
        return Err(UserError::Duplicate(email));
    }
    let hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || password::hash(&password)).await.expect("hashing task")
    };
    let name = if user.name.trim().is_empty() { email.clone() } else { user.name.trim().to_owned() };
    let key = crate::db::audit::new_key();
    let change = "IF (SELECT id FROM user WHERE email = $email LIMIT 1) { THROW 'aidtrail:duplicate' };
        CREATE ONLY $id CONTENT {
            email: $email, name: $name, role: $role, institute: $institute, donor: $donor,
            language: $language, password_hash: $hash, must_change_password: $must_change, active: true
        };";
    let bindings = vec![
        ("id", RecordId::new("user", key.as_str()).into_value()),
        ("email", email.clone().into_value()),
        ("name", name.into_value()),
        ("role", role.to_owned().into_value()),
        ("institute", institute.into_value()),
        ("donor", donor.into_value()),
        ("language", user.language.code().to_owned().into_value()),
        ("hash", hash.as_stored().to_owned().into_value()),
        ("must_change", user.must_change_password.into_value()),
    ];
    audited_change(db, actor, "create", true, change, bindings).await.map_err(|error| match error {
        UserError::Duplicate(_) => UserError::Duplicate(email.clone()),
        other => other,
    })?;
    Ok(key)
}

/// Sets a new password; `one_time` makes the user choose another at next sign-in (an admin's
/// reset, audited as `password_reset`; else the user's own change, `password_change`).
pub async fn set_password(
    db: &Db,
    actor: Option<RecordId>,
    key: &str,
    password: &str,
    one_time: bool,
) -> Result<(), UserError> {
    let hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || password::hash(&password)).await.expect("hashing task")
    };
    let change = "IF $before = NONE { THROW 'aidtrail:unknown_user' };
        UPDATE $id SET password_hash = $hash, must_change_password = $one_time, version += 1;";
    let bindings = vec![
        ("id", RecordId::new("user", key).into_value()),
        ("hash", hash.as_stored().to_owned().into_value()),
        ("one_time", one_time.into_value()),
    ];
    let action = if one_time { "password_reset" } else { "password_change" };
    audited_change(db, actor, action, false, change, bindings).await.map_err(|error| match error {
        UserError::UnknownUser(_) => UserError::UnknownUser(key.to_owned()),
        other => other,
    })
}

/// Activates or deactivates a user, audited; deactivation also ends their sessions.
pub async fn set_active(db: &Db, actor: Option<RecordId>, key: &str, active: bool) -> Result<(), UserError> {
    let change = "IF $before = NONE { THROW 'aidtrail:unknown_user' };
        UPDATE $id SET active = $active, version += 1;
        IF !$active { DELETE session WHERE user = $id };";
    let bindings = vec![("id", RecordId::new("user", key).into_value()), ("active", active.into_value())];
    let action = if active { "reactivate" } else { "deactivate" };
    audited_change(db, actor, action, false, change, bindings).await.map_err(|error| match error {
        UserError::UnknownUser(_) => UserError::UnknownUser(key.to_owned()),
        other => other,
    })
}

/// Sets the user's preferred language.
pub async fn set_language(db: &Db, key: &str, locale: Locale) -> Result<(), UserError> {
    db.query("UPDATE $id SET language = $language;")
        .bind(("id", RecordId::new("user", key)))
        .bind(("language", locale.code()))
        .await?
        .check()?;
    Ok(())
}

/// Whether any active admin exists.
pub async fn admin_exists(db: &Db) -> Result<bool, UserError> {
    let rows: Vec<IdRow> = db
        .query("SELECT id FROM user WHERE role = 'admin' AND active = true LIMIT 1;")
        .await?
        .check()?
        .take(0)?;
    Ok(!rows.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalise_email("  Ada@Example.ORG "), "ada@example.org");
        assert!(plausible_email("ada@example.org"));
        for bad in ["ada", "ada@", "@example.org", "ada@example", "a b@example.org", "a@b@c.org", "ada@.org"]
        {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
