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
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error("the running server at {url} refused the backup: {reason}")]
    BackupRefused { url: String, reason: String },
}

/// `aidtrail backup FILE`: asks the running server for a backup (through the control file in
/// the attached files' folder) or, when no server runs, opens the database itself. The file
/// written is then read back and checked against its manifest.
pub async fn backup(settings: &Settings, file: &std::path::Path) -> Result<String, CliError> {
    use crate::backup;
    let started = std::time::Instant::now();
    let mut how = "with the server stopped";
    let mut taken = false;
    if let Some(control) = backup::control::read(&settings.files_dir).map_err(backup::BackupError::Io)? {
        match fetch_backup(&control, file).await {
            Ok(()) => {
                how = "from the running server";
                taken = true;
            }
            // A control file left by a server that is not running (a crash): open the database.
            Err(Fetch::Unreachable) => {}
            Err(Fetch::Refused(reason)) => return Err(CliError::BackupRefused { url: control.url, reason }),
            Err(Fetch::Io(error)) => return Err(backup::BackupError::Io(error).into()),
        }
    }
    if !taken {
        let (db, _) = db::connect(settings).await?;
        db::migrations::apply(&db).await?;
        // Events left unchained by a crash go into the log first, as the server's start would.
        db.sequencer().sweep().await.map_err(CliError::Audit)?;
        backup::create(&db, &settings.files_dir, file).await?;
    }
    let checked = {
        let file = file.to_owned();
        tokio::task::spawn_blocking(move || backup::check_file(&file))
            .await
            .map_err(|e| backup::BackupError::Io(std::io::Error::other(e)))??
    };
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "backup written to {} ({how}): {bytes} bytes, database {} bytes, {} attached files, taken {} in {:.1} s; every part matches its SHA-256.",
        file.display(),
        checked.database.bytes,
        checked.files.len(),
        checked.created_at,
        started.elapsed().as_secs_f64()
    ))
}

enum Fetch {
    Unreachable,
    Refused(String),
    Io(std::io::Error),
}

async fn fetch_backup(
    control: &crate::backup::control::Control,
    file: &std::path::Path,
) -> Result<(), Fetch> {
    use futures::StreamExt;
    use tokio::io::AsyncWriteExt;
    let response = reqwest::Client::new()
        .post(format!("{}/ops/backup", control.url))
        .bearer_auth(&control.token)
        .send()
        .await
        .map_err(
            |error| if error.is_connect() { Fetch::Unreachable } else { Fetch::Refused(error.to_string()) },
        )?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        return Err(Fetch::Refused(format!("{status}: {body}")));
    }
    let temp = file.with_file_name(format!(
        ".{}.{}.part",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("backup"),
        crate::db::audit::new_key()
    ));
    let written = async {
        let mut out = tokio::fs::File::create(&temp).await.map_err(Fetch::Io)?;
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| Fetch::Refused(format!("the answer was cut: {e}")))?;
            out.write_all(&chunk).await.map_err(Fetch::Io)?;
        }
        out.sync_all().await.map_err(Fetch::Io)?;
        tokio::fs::rename(&temp, file).await.map_err(Fetch::Io)
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    written
}

/// `aidtrail restore FILE`: loads a backup into the configured database, which must be empty,
/// and its attached files into the files folder; with `check`, into a database in memory and a
/// temporary folder instead, touching nothing. Either way the audit chain is verified after.
/// Returns what to print and whether the chain is intact.
pub async fn restore(
    settings: &Settings,
    file: &std::path::Path,
    check: bool,
) -> Result<(String, bool), CliError> {
    let mut settings = settings.clone();
    let scratch = std::env::temp_dir().join(format!("aidtrail-check-{}", crate::db::audit::new_key()));
    if check {
        settings.database = "mem://".into();
        settings.files_dir = scratch.clone();
    }
    let result = async {
        let (db, _) = db::connect(&settings).await?;
        let restored = crate::backup::restore(&db, &settings.files_dir, file).await?;
        db::migrations::apply(&db).await?;
        db.sequencer().sweep().await.map_err(CliError::Audit)?;
        let report = db::audit_chain::verify(&db).await.map_err(|e| CliError::Audit(e.to_string()))?;
        let what = if check { "checked (loaded into memory, nothing written)" } else { "restored" };
        Ok::<_, CliError>((
            format!(
                "{} {what}: taken {} by aidtrail {}, database {} bytes, {} attached files ({} written).
{}",
                file.display(),
                restored.manifest.created_at,
                restored.manifest.app_version,
                restored.manifest.database.bytes,
                restored.manifest.files.len(),
                restored.files_written,
                describe(&report)
            ),
            report.intact(),
        ))
    }
    .await;
    if check {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    result
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
