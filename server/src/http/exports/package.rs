//! `GET /exports/package.zip`: every CSV export and both IATI files for the chosen filters in one zip, with a
//! `manifest.json` giving each file's rows, size and SHA-256, the filters, the time, the user
//! and the audit log's chain head, so that an auditor can show that the package is complete and
//! unaltered. Written as it is read, like each CSV.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use app::domain::exports::{ExportFilter, ExportKind};
use app::domain::{CurrentUser, Role};
use app::error::AppError;

use super::iati::{IatiExport, IatiKind};
use super::{CsvExport, FileExport};
use crate::config::IatiSettings;
use crate::db::Db;

/// Who may download the package: the programme's staff and auditors.
pub fn allowed(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::ProgrammeManager | Role::Auditor) && !user.must_change_password
}

/// A file of the package, as the manifest lists it.
#[derive(Debug, Serialize)]
pub struct FileEntry {
    pub name: String,
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Serialize)]
struct Manifest<'a> {
    exported_at: String,
    exported_by: &'a str,
    filters: &'a ExportFilter,
    files: &'a [FileEntry],
    /// The audit log when the package was made: events checked, whether the chain is intact,
    /// and its last event (see `aidtrail audit verify`).
    audit_log: AuditState,
}

#[derive(Debug, Serialize)]
struct AuditState {
    events: u64,
    intact: bool,
    head_seq: Option<i64>,
    head_hash: Option<String>,
}

/// The zip's bytes as they are compressed, taken out after each write.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn take(&self) -> Vec<u8> {
        self.0.lock().map(|mut b| std::mem::take(&mut *b)).unwrap_or_default()
    }
}

fn zip_error(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "writing the audit package failed");
    AppError::Internal
}

/// Writes the package, handing its bytes to `send` as they come; stops when `send` says the
/// reader has gone.
pub async fn write(
    db: &Db,
    iati: &IatiSettings,
    user: &CurrentUser,
    filter: &ExportFilter,
    send: &tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>,
) -> Result<(), AppError> {
    let out = Shared::default();
    let mut zip = zip::ZipWriter::new_stream(out.clone());
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let flush = async |out: &Shared| send.send(Ok(out.take().into())).await.is_ok();
    let mut files = Vec::new();
    let scope = user.scope();
    enum File {
        Csv(ExportKind),
        Iati(IatiKind),
    }
    let csv = ExportKind::ALL.into_iter().map(File::Csv);
    let xml = [IatiKind::Activities, IatiKind::Organisation].into_iter().map(File::Iati);
    // Each file is opened when its turn comes.
    for file in csv.chain(xml) {
        let (name, mut export) = match file {
            File::Csv(kind) => (
                format!("{}.csv", kind.slug()),
                FileExport::Csv(Box::new(CsvExport::open(db, kind, filter, &scope).await?)),
            ),
            File::Iati(kind) => (
                format!("iati-{}.xml", kind.slug()),
                FileExport::Iati(IatiExport::open(db, iati, kind, filter, &scope).await?),
            ),
        };
        zip.start_file(name.as_str(), options).map_err(zip_error)?;
        let (mut hash, mut bytes) = (Sha256::new(), 0_u64);
        while let Some(chunk) = export.next_chunk().await? {
            hash.update(&chunk);
            bytes += chunk.len() as u64;
            zip.write_all(&chunk).map_err(zip_error)?;
            if !flush(&out).await {
                return Ok(());
            }
        }
        files.push(FileEntry { name, rows: export.items(), bytes, sha256: hex(&hash.finalize()) });
    }
    let report = crate::db::audit_chain::verify(db).await?;
    let manifest = Manifest {
        exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        exported_by: &user.email,
        filters: filter,
        files: &files,
        audit_log: AuditState {
            events: report.events,
            intact: report.intact(),
            head_seq: report.head.as_ref().map(|h| h.seq),
            head_hash: report.head.map(|h| h.hash),
        },
    };
    zip.start_file("manifest.json", options).map_err(zip_error)?;
    let json = serde_json::to_vec_pretty(&manifest).map_err(zip_error)?;
    zip.write_all(&json).map_err(zip_error)?;
    zip.finish().map_err(zip_error)?;
    flush(&out).await;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
