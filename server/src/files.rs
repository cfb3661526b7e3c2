//! Attached files on disk (`AIDTRAIL_FILES_DIR`): each stored once, named by its SHA-256, and
//! accepted only if its bytes are a JPEG, PNG or PDF.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::db::audit::new_key;

/// The content type the bytes really have, if it is one we accept.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/jpeg") => Some("image/jpeg"),
        Some("image/png") => Some("image/png"),
        Some("application/pdf") => Some("application/pdf"),
        _ => None,
    }
}

/// Where the bytes with this hash live: `<files>/ab/abcdef…`.
pub fn path_of(files: &Path, sha256: &str) -> PathBuf {
    files.join(&sha256[..2]).join(sha256)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the bytes under their hash (once: the same file uploaded twice is stored once),
/// through a temporary file and a rename so that a half-written file is never served.
pub async fn store(files: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha256 = hex(&Sha256::digest(bytes));
    let path = path_of(files, &sha256);
    if tokio::fs::try_exists(&path).await? {
        return Ok(sha256);
    }
    let dir = path.parent().expect("hash paths have a parent");
    tokio::fs::create_dir_all(dir).await?;
    let temp = dir.join(format!(".{sha256}.{}", new_key()));
    tokio::fs::write(&temp, bytes).await?;
    tokio::fs::rename(&temp, &path).await?;
    Ok(sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_jpeg_png_and_pdf_pass_whatever_their_name() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0"), None, "a Windows executable");
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None, "a Linux executable");
        assert_eq!(sniff(b"<html>"), None);
    }
}
