//! The storage engine's folder (issue 18): a folder written by the previous engine (the
//! published SurrealKV, before the fix carried in `vendor/surrealkv`) opens as it is, and a
//! folder of another engine is refused with one line and left untouched.

use std::path::Path;

use aidtrail_tests::{ADMIN, data_env, manifest_dir, run_server_to_exit, sign_in_at, start_server};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `folder` with its bytes, sorted by path.
fn contents(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            all.extend(contents(&entry.path()));
        } else {
            all.push((entry.path().display().to_string(), std::fs::read(entry.path()).unwrap()));
        }
    }
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_folder_of_the_previous_engine_opens_as_it_is() {
    let fixture = manifest_dir().join("fixtures/surrealkv-0.21.4");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture.join("data"), &dir.path().join("db"));
    copy_dir(&fixture.join("files"), &dir.path().join("files"));
    let env = data_env(dir.path(), &[]);

    // The same chain, to the last event.
    let (code, output) = run_server_to_exit(&env, &["audit", "verify"]);
    assert_eq!(code, Some(0), "{output}");
    let head = std::fs::read_to_string(fixture.join("head.txt")).unwrap();
    assert!(output.contains(head.trim()), "{output}\nexpected {head}");

    // The same exports, byte for byte, and the attached file.
    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    let admin = sign_in_at(server.addr, ADMIN, "fixture-admin-password").await;
    let mut compared = 0;
    for entry in std::fs::read_dir(fixture.join("exports")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let response = admin.get(format!("http://{}/exports/{name}", server.addr)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{name}");
        let now = response.bytes().await.unwrap();
        let then = std::fs::read(entry.path()).unwrap();
        let now = without_appended_columns(&name, &then, &now);
        crate::backup::same_export(&name, &then, &now);
        compared += 1;
    }
    assert_eq!(compared, 12, "every export");
    let transactions = std::fs::read_to_string(fixture.join("exports/transactions.csv")).unwrap();
    assert!(
        transactions.contains("Coffee breaks, Bamako workshop <b>« 8 May »</b>"),
        "the fixture's own save"
    );
    let page = admin.get(format!("http://{}/activities/ml_workshop_2018", server.addr)).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("feuille de présence.pdf"), "the attachment is listed");
    assert!(crate::backup::workshop_attachment(&admin, server.addr).await.starts_with(b"%PDF-1.4"));
    assert_eq!(server.terminate(), Some(0), "{}", server.log_text());
}

/// `now` without the columns appended to its file since `then` was written (a file's columns
/// are appended to, never renamed or reordered: `docs/exports.md`), after checking that they
/// are empty in every row of data the old folder held.
fn without_appended_columns(name: &str, then: &[u8], now: &[u8]) -> Vec<u8> {
    let rows = |bytes: &[u8]| -> Vec<csv::StringRecord> {
        let bom = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
        csv::ReaderBuilder::new().has_headers(false).from_reader(bom).records().map(|r| r.unwrap()).collect()
    };
    let (old, new) = (rows(then), rows(now));
    let width = old.first().map_or(0, |h| h.len());
    if new.first().map_or(0, |h| h.len()) == width {
        return now.to_vec();
    }
    assert_eq!(old.len(), new.len(), "{name}: the same rows");
    let bom = if now.starts_with(b"\xEF\xBB\xBF") { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
    let mut kept = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(bom);
    for (i, row) in new.iter().enumerate() {
        if i > 0 {
            assert!(
                row.iter().skip(width).all(str::is_empty),
                "{name}: an appended column holds data: {row:?}"
            );
        }
        kept.write_record(row.iter().take(width)).unwrap();
    }
    kept.into_inner().unwrap()
}

#[test]
fn a_folder_of_another_engine_is_refused_with_one_line_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("db");
    std::fs::create_dir_all(&folder).unwrap();
    // The files RocksDB keeps in its folder.
    for (name, bytes) in [
        ("CURRENT", &b"MANIFEST-000005\n"[..]),
        ("IDENTITY", b"5f0c2d1e-aidtrail-test\n"),
        ("MANIFEST-000005", b"\x00\x01\x02"),
        ("OPTIONS-000007", b"[Version]\n"),
        ("000004.log", b""),
    ] {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    let before = contents(&folder);
    let env = data_env(dir.path(), &[]);
    for args in [&[][..], &["audit", "verify"][..], &["backup", "x.zip"][..]] {
        let (code, output) = run_server_to_exit(&env, args);
        assert_ne!(code, Some(0), "{args:?}: {output}");
        let line = output
            .lines()
            .find(|l| l.starts_with("aidtrail: "))
            .unwrap_or_else(|| panic!("{args:?}: no message in {output}"));
        assert!(
            line.contains("holds a RocksDB database, not a SurrealKV one; nothing was changed"),
            "{line}"
        );
        assert!(line.contains("aidtrail restore"), "says how to move it: {line}");
        assert_eq!(contents(&folder), before, "{args:?} changed the folder");
    }
}
