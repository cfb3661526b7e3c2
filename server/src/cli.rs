//! `aidtrail user …`: account administration from the command line, for operators who must
//! bootstrap without the UI; `aidtrail audit verify`: the audit log's hash chain checked. Both
//! run against the database while the server is stopped (or through `ws://` while it runs).

use app::domain::Role;
use app::i18n::Locale;
use clap::Subcommand;

use crate::auth::password;
use crate::config::Settings;
use crate::db::users::{self, NewUser, UserError};
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

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every audit event's hash and sequence number; name the first event that was
    /// edited, deleted, inserted or reordered. Exits with 1 if the chain is broken.
    Verify,
}

/// Checks the audit chain; returns what to print and whether it is intact.
pub async fn audit(settings: &Settings, command: AuditCommand) -> Result<(String, bool), CliError> {
    let (db, _) = db::connect(settings).await?;
    db::migrations::apply(&db).await?;
    match command {
        AuditCommand::Verify => {
            // Events whose changes committed but which a stopped server had not chained yet go
            // into the log first, as the server's own start would.
            let chained = db.sequencer().sweep().await.map_err(CliError::Audit)?;
            let report = db::audit_chain::verify(&db).await.map_err(|e| CliError::Audit(e.to_string()))?;
            let mut text = describe(&report);
            if chained > 0 {
                text = format!("{chained} events left unchained by the last run were chained first.\n{text}");
            }
            Ok((text, report.intact()))
        }
    }
}

/// The verdict in one or two lines, for operators.
pub fn describe(report: &app::domain::audit::ChainReport) -> String {
    use app::domain::audit::Tamper;
    match (&report.broken, &report.head) {
        (Some(b), _) => {
            let what = match b.tamper {
                Tamper::Edited => {
                    "was edited: its content no longer matches its hash, or the next event no longer follows it"
                }
                Tamper::Deleted => "was deleted: it is missing from the sequence",
                Tamper::Inserted => "was inserted: the events after it were renumbered to make room",
                Tamper::Reordered => "was moved: it changed places with the next event",
            };
            format!(
                "audit log BROKEN at event #{}: it {what}.\n{} events before it are intact.",
                b.seq, report.events
            )
        }
        (None, Some(head)) => format!(
            "audit log intact: {} events, chained without a gap.\nhead: event #{} {}",
            report.events, head.seq, head.hash
        ),
        (None, None) => "audit log intact: no events yet.".to_owned(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot read the audit log: {0}")]
    Audit(String),
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
            users::create(&db, None, &new, &one_time).await?;
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
            users::set_password(&db, None, &user.key(), &one_time, true).await?;
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
