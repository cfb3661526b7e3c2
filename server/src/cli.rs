//! `aidtrail user …`: account administration from the command line, for operators who must
//! bootstrap without the UI. Runs against the database while the server is stopped.

use app::domain::Role;
use app::i18n::Locale;
use clap::Subcommand;

use crate::auth::password;
use crate::auth::users::{self, NewUser, UserError};
use crate::config::Settings;
use crate::db::{self, DbError};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user with a one-time password (printed), to be changed at first sign-in.
    Add {
        #[arg(long)]
        email: String,
        /// admin, programme_manager, institute, donor or auditor.
        #[arg(long)]
        role: String,
        /// For institute users: the institute's code (e.g. ML-ENP).
        #[arg(long)]
        institute: Option<String>,
        /// For donor users: the donor's IATI reference (e.g. NL-1).
        #[arg(long)]
        donor: Option<String>,
        #[arg(long, default_value = "")]
        name: String,
        /// en or fr.
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Give a user a new one-time password (printed) and end their sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    User(#[from] UserError),
    #[error("unknown role {0:?} (expected admin, programme_manager, institute, donor or auditor)")]
    Role(String),
    #[error("unknown language {0:?} (expected en or fr)")]
    Language(String),
}

/// Runs one user command; returns what to print.
pub async fn run(settings: &Settings, command: UserCommand) -> Result<String, CliError> {
    let (db, _) = db::connect(settings).await?;
    db::migrations::apply(&db).await?;
    match command {
        UserCommand::Add { email, role, institute, donor, name, language } => {
            let role = Role::from_code(role.trim()).map_err(|_| CliError::Role(role))?;
            let language = Locale::from_code(&language).ok_or(CliError::Language(language))?;
            let new = NewUser { email, name, role, institute, donor, language, must_change_password: true };
            let one_time = password::generate();
            users::create(&db, &new, &one_time).await?;
            Ok(format!(
                "created {} ({})\none-time password: {one_time}\nThe user must choose a new password at first sign-in.",
                users::normalise_email(&new.email),
                role.code()
            ))
        }
        UserCommand::ResetPassword { email } => {
            let user = users::find_by_email(&db, &email)
                .await?
                .ok_or_else(|| UserError::UnknownUser(email.clone()))?;
            let one_time = password::generate();
            users::set_password(&db, &user.key(), &one_time, true).await?;
            crate::auth::store::SurrealSessionStore::new(db.clone())
                .delete_for_user(&user.key())
                .await
                .map_err(DbError::from)?;
            Ok(format!(
                "password reset for {}\none-time password: {one_time}\nThe user must choose a new password at next sign-in.",
                user.email
            ))
        }
    }
}
