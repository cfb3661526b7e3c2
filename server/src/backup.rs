//! Backups (issue 18): one zip file with the database as SurrealQL (SurrealDB's own export, read
//! in one transaction, so a consistent snapshot while others save), every attached file, and a
//! manifest with each part's SHA-256. `aidtrail backup FILE` asks the running server for it
//! (see [`control`]) or, with the server stopped, opens the database itself; `aidtrail restore
//! FILE` loads it into an empty database; `aidtrail restore --check FILE` loads it into a
//! database in memory and verifies the audit chain, without touching anything.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::db::Db;
use crate::db::audit::new_key;

/// The layout of a backup file; a restore refuses any other.
pub const FORMAT: u32 = 1;
const DATABASE: &str = "database.surql";
const MANIFEST: &str = "manifest.json";

/// What a backup holds, written last into the zip.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub app_version: String,
    pub created_at: String,
    pub database: Part,
    pub files: Vec<Part>,
}

/// One part of a backup: its name in the zip, size and SHA-256.
#[derive(Debug, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the database export failed: {0}")]
    Export(surrealdb::Error),
    #[error("the database import failed: {0}")]
    Import(surrealdb::Error),
    #[error("not a backup of aidtrail, or damaged: {0}")]
    Damaged(String),
    #[error(
        "the database is not empty ({0} tables): restore only into an empty database (a new AIDTRAIL_DB folder)"
    )]
    NotEmpty(usize),
    #[error("database query failed: {0}")]
    Query(#[from] surrealdb::Error),
}

impl From<zip::result::ZipError> for BackupError {
    fn from(error: zip::result::ZipError) -> Self {
        BackupError::Damaged(error.to_string())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a backup of `db` and of the attached files in `files_dir` to `out` (through a
/// temporary file beside it, synced, then renamed, so that `out` is never half a backup).
pub async fn create(db: &Db, files_dir: &Path, out: &Path) -> Result<Manifest, BackupError> {
    let folder = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let export = folder.join(format!(".aidtrail-export-{}.surql", new_key()));
    // The database first: every attached file a record of the snapshot names was stored before
    // that record was committed, so it is on disk when the files are copied next.
    let exported = db.export(&export).await.map_err(BackupError::Export);
    let result = match exported {
        Ok(()) => {
            let (export, files_dir, out) = (export.clone(), files_dir.to_owned(), out.to_owned());
            tokio::task::spawn_blocking(move || write_zip(&export, &files_dir, &out))
                .await
                .map_err(|e| BackupError::Io(std::io::Error::other(e)))?
        }
        Err(error) => Err(error),
    };
    let _ = std::fs::remove_file(&export);
    result
}

fn write_zip(export: &Path, files_dir: &Path, out: &Path) -> Result<Manifest, BackupError> {
    let temp = out.with_file_name(format!(
        ".{}.{}.part",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("backup"),
        new_key()
    ));
    let written = (|| {
        let file = std::fs::File::create(&temp)?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let deflated = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        // Photos and PDFs are compressed already.
        let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file(DATABASE, deflated)?;
        let database = copy_hashed(&mut std::fs::File::open(export)?, &mut zip, DATABASE)?;
        let mut files = Vec::new();
        for (sha256, path) in attached_files(files_dir)? {
            let name = format!("files/{}/{sha256}", &sha256[..2]);
            zip.start_file(name.as_str(), stored)?;
            let part = copy_hashed(&mut std::fs::File::open(&path)?, &mut zip, &name)?;
            if part.sha256 != sha256 {
                return Err(BackupError::Damaged(format!(
                    "the attached file {} does not match its name (SHA-256 {})",
                    path.display(),
                    part.sha256
                )));
            }
            files.push(part);
        }
        let manifest = Manifest {
            format: FORMAT,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            database,
            files,
        };
        zip.start_file(MANIFEST, deflated)?;
        zip.write_all(&serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?)?;
        let file = zip.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(manifest)
    })();
    match written {
        Ok(manifest) => {
            std::fs::rename(&temp, out)?;
            Ok(manifest)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&temp);
            Err(error)
        }
    }
}

fn copy_hashed(from: &mut impl Read, to: &mut impl Write, name: &str) -> Result<Part, BackupError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = from.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        to.write_all(&buffer[..n])?;
        bytes += n as u64;
    }
    Ok(Part { name: name.to_owned(), bytes, sha256: hex(&hasher.finalize()) })
}

/// The attached files (`<files>/ab/abcdef…`, named by their SHA-256), sorted; temporary files
/// (dot files) and anything else are left out.
fn attached_files(files_dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(files_dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let entry = entry?;
        let prefix = entry.file_name().to_string_lossy().into_owned();
        if prefix.len() != 2 || !entry.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(entry.path())? {
            let file = file?;
            let name = file.file_name().to_string_lossy().into_owned();
            if is_sha256(&name) && name.starts_with(&prefix) && file.file_type()?.is_file() {
                found.push((name, file.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_sha256(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What a restore loaded.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    pub files_written: usize,
}

/// Reads the manifest of a backup file and checks every part's size and SHA-256.
pub fn check_file(backup: &Path) -> Result<Manifest, BackupError> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(backup)?)?;
    let manifest = read_manifest(&mut zip)?;
    for part in std::iter::once(&manifest.database).chain(&manifest.files) {
        // A damaged entry fails its CRC while it is read.
        let got = copy_hashed(&mut zip.by_name(&part.name)?, &mut std::io::sink(), &part.name)
            .map_err(|e| BackupError::Damaged(format!("{}: {e}", part.name)))?;
        if got.sha256 != part.sha256 || got.bytes != part.bytes {
            return Err(BackupError::Damaged(format!("{} does not match the manifest", part.name)));
        }
    }
    Ok(manifest)
}

fn read_manifest<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Manifest, BackupError> {
    let mut text = String::new();
    zip.by_name(MANIFEST)?.read_to_string(&mut text)?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| BackupError::Damaged(format!("{MANIFEST}: {e}")))?;
    if manifest.format != FORMAT {
        return Err(BackupError::Damaged(format!(
            "backup format {} (this version reads format {FORMAT})",
            manifest.format
        )));
    }
    Ok(manifest)
}

/// Loads a backup into `db`, which must be empty (no tables), and its attached files into
/// `files_dir`. Every part is checked against the manifest before anything is written.
pub async fn restore(db: &Db, files_dir: &Path, backup: &Path) -> Result<Restored, BackupError> {
    let manifest = {
        let backup = backup.to_owned();
        tokio::task::spawn_blocking(move || check_file(&backup))
            .await
            .map_err(|e| BackupError::Io(std::io::Error::other(e)))??
    };
    let tables = table_count(db).await?;
    if tables > 0 {
        return Err(BackupError::NotEmpty(tables));
    }
    std::fs::create_dir_all(files_dir)?;
    let surql = files_dir.join(format!(".aidtrail-restore-{}.surql", new_key()));
    let extracted = {
        let (backup, surql, files_dir) = (backup.to_owned(), surql.clone(), files_dir.to_owned());
        tokio::task::spawn_blocking(move || extract(&backup, &surql, &files_dir))
            .await
            .map_err(|e| BackupError::Io(std::io::Error::other(e)))?
    };
    let imported = match extracted {
        Ok(files_written) => db.import(&surql).await.map_err(BackupError::Import).map(|()| files_written),
        Err(error) => Err(error),
    };
    let _ = std::fs::remove_file(&surql);
    Ok(Restored { manifest, files_written: imported? })
}

/// Writes the database part to `surql` and each attached file into `files_dir` (skipping those
/// already there: a file's name is its content's hash).
fn extract(backup: &Path, surql: &Path, files_dir: &Path) -> Result<usize, BackupError> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(backup)?)?;
    let manifest = read_manifest(&mut zip)?;
    std::io::copy(&mut zip.by_name(DATABASE)?, &mut std::fs::File::create(surql)?)?;
    let mut written = 0;
    for part in &manifest.files {
        let sha256 = part.name.rsplit('/').next().unwrap_or_default();
        if !is_sha256(sha256) {
            return Err(BackupError::Damaged(format!("unexpected file name {}", part.name)));
        }
        let path = crate::files::path_of(files_dir, sha256);
        if path.exists() {
            continue;
        }
        let dir = path.parent().expect("hash paths have a parent");
        std::fs::create_dir_all(dir)?;
        let temp = dir.join(format!(".{sha256}.{}", new_key()));
        let mut file = std::fs::File::create(&temp)?;
        std::io::copy(&mut zip.by_name(&part.name)?, &mut file)?;
        file.sync_all()?;
        std::fs::rename(&temp, &path)?;
        written += 1;
    }
    Ok(written)
}

async fn table_count(db: &Db) -> Result<usize, BackupError> {
    let info: Option<serde_json::Value> = db.query("INFO FOR DB;").await?.take(0)?;
    Ok(info.as_ref().and_then(|i| i["tables"].as_object()).map_or(0, |t| t.len()))
}

/// How `aidtrail backup` reaches the running server: a file in the attached files' folder,
/// readable by the server's user only, holding the server's address and a random token that
/// `POST /ops/backup` requires. Written at start, removed at a clean stop.
pub mod control {
    use std::net::SocketAddr;
    use std::path::{Path, PathBuf};

    use sha2::{Digest, Sha256};

    const FILE: &str = ".control";

    /// The running server as the control file describes it.
    #[derive(Debug, Clone)]
    pub struct Control {
        pub url: String,
        pub token: String,
    }

    impl Control {
        /// Whether `given` is the token (compared through their hashes, so that the time taken
        /// says nothing about the token).
        pub fn accepts(&self, given: &str) -> bool {
            Sha256::digest(given.as_bytes()) == Sha256::digest(self.token.as_bytes())
        }
    }

    fn path(files_dir: &Path) -> PathBuf {
        files_dir.join(FILE)
    }

    /// Writes a new control file for a server listening on `addr`.
    pub fn write(files_dir: &Path, addr: SocketAddr) -> std::io::Result<Control> {
        use rand::Rng;
        let token: String = rand::rng().random::<[u8; 32]>().iter().map(|b| format!("{b:02x}")).collect();
        let host = if addr.ip().is_unspecified() {
            SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
        } else {
            addr
        };
        let control = Control { url: format!("http://{host}"), token };
        std::fs::create_dir_all(files_dir)?;
        let temp = files_dir.join(format!("{FILE}.{}", crate::db::audit::new_key()));
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temp)?;
            std::io::Write::write_all(&mut file, format!("{}\n{}\n", control.url, control.token).as_bytes())?;
        }
        std::fs::rename(&temp, path(files_dir))?;
        Ok(control)
    }

    /// The control file's content, if there is one.
    pub fn read(files_dir: &Path) -> std::io::Result<Option<Control>> {
        match std::fs::read_to_string(path(files_dir)) {
            Ok(text) => {
                let mut lines = text.lines();
                match (lines.next(), lines.next()) {
                    (Some(url), Some(token)) => {
                        Ok(Some(Control { url: url.to_owned(), token: token.to_owned() }))
                    }
                    _ => Ok(None),
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Removes the control file if it is still this server's.
    pub fn remove(files_dir: &Path, control: &Control) {
        if let Ok(Some(current)) = read(files_dir)
            && current.token == control.token
        {
            let _ = std::fs::remove_file(path(files_dir));
        }
    }
}
