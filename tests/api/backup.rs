//! Backups (issue 18): `aidtrail backup` while the real server saves, `aidtrail restore` into
//! an empty folder, and what the restored copy gives: the same exports byte for byte, the same
//! audit chain head, the attached files, and every save acknowledged before the backup began.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aidtrail_tests::forms::new_activity;
use aidtrail_tests::{MANAGER, data_env, printed_password, run_server_to_exit, sign_in_at, start_server};
use app::domain::exports::ExportKind;

/// A tiny but real PDF, the kind of attendance sheet a backup must carry.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn env_of(folder: &Path) -> Vec<(&'static str, String)> {
    data_env(folder, &[("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "1000"), ("AIDTRAIL_LOGIN_IP_LIMIT", "1000")])
}

/// Runs the binary with `args` to its end, off the async workers.
async fn aidtrail(env: &[(&'static str, String)], args: &[&str]) -> (Option<i32>, String) {
    let (env, args): (Vec<_>, Vec<String>) = (env.to_vec(), args.iter().map(|a| a.to_string()).collect());
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_server_to_exit(&env, &args)
    })
    .await
    .expect("aidtrail ran")
}

/// `aidtrail audit verify`'s head line (the server must be stopped).
async fn chain_head(env: &[(&'static str, String)]) -> String {
    let (code, output) = aidtrail(env, &["audit", "verify"]).await;
    assert_eq!(code, Some(0), "{output}");
    output
        .lines()
        .find(|l| l.starts_with("head:"))
        .unwrap_or_else(|| panic!("no head in {output}"))
        .to_owned()
}

/// Every CSV export, as bytes, in the manager's scope.
async fn exports(client: &reqwest::Client, addr: std::net::SocketAddr) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for kind in ExportKind::ALL {
        let path = format!("/exports/{}.csv", kind.slug());
        let response = client.get(format!("http://{addr}{path}")).send().await.expect("export");
        assert_eq!(response.status(), 200, "{path}");
        all.push((path, response.bytes().await.expect("export body").to_vec()));
    }
    all
}

/// An export of the copy is the original's byte for byte, but for the audit log, which has one
/// event more at its end: the sign-in that downloaded it from the copy.
pub(crate) fn same_export(path: &str, original: &[u8], copy: &[u8]) {
    let shown = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    if path.ends_with("audit-log.csv") {
        let added = copy.strip_prefix(original).unwrap_or_else(|| {
            panic!(
                "{path}: the copy's log does not begin with the original's:\n{}\n---\n{}",
                shown(original),
                shown(copy)
            )
        });
        let added = shown(added);
        assert_eq!(added.lines().count(), 1, "{path}: one event more, the copy's sign-in: {added}");
        assert!(added.contains(",sign_in,"), "{path}: {added}");
    } else {
        assert!(original == copy, "{path} differs:\n{}\n---\n{}", shown(original), shown(copy));
    }
}

/// The bytes of the file attached to the Bamako workshop, through the link on its page.
pub(crate) async fn workshop_attachment(client: &reqwest::Client, addr: std::net::SocketAddr) -> Vec<u8> {
    let page = client
        .get(format!("http://{addr}/activities/ml_workshop_2018"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let link = page
        .split("href=\"")
        .find(|s| s.starts_with("/activities/ml_workshop_2018/attachments/"))
        .and_then(|s| s.split('"').next())
        .expect("a link to the attachment on the workshop's page")
        .to_owned();
    let file = client.get(format!("http://{addr}{link}")).send().await.unwrap();
    assert_eq!(file.status(), 200, "{link}");
    file.bytes().await.unwrap().to_vec()
}

/// A writer saving activities (each coded with its own marker) until told to stop: the marker,
/// when it was sent, and when its save was acknowledged.
async fn write(
    client: reqwest::Client,
    addr: std::net::SocketAddr,
    w: usize,
    stop: Arc<AtomicBool>,
) -> Vec<(String, Instant, Option<Instant>)> {
    let mut saves = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        let marker = format!("BK-{w}-{n}");
        n += 1;
        let form = new_activity(&[("code", marker.as_str()), ("funding_0_amount", "1.00")]);
        let sent = Instant::now();
        let response =
            client.post(format!("http://{addr}/activities/new")).form(&form).send().await.expect("save");
        let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("");
        assert!(location.contains("saved="), "{marker} refused: {} {location}", response.status());
        saves.push((marker, sent, Some(Instant::now())));
    }
    saves
}

/// How many activities carry each `BK-` marker in the database of `env`, read straight from its
/// folder.
async fn markers(env: &[(&'static str, String)]) -> HashMap<String, u64> {
    let settings = aidtrail::config::Settings::from_lookup(|name| {
        env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    })
    .expect("settings");
    let (db, _) = aidtrail::db::connect(&settings).await.expect("open the restored folder");
    let rows: Vec<serde_json::Value> = db
        .query(
            "SELECT code, count() AS n FROM activity WHERE string::starts_with(code, 'BK-') GROUP BY code;",
        )
        .await
        .and_then(|mut r| r.take(0))
        .expect("markers");
    drop(db);
    if let Some(folder) = aidtrail::db::data_folder(&settings) {
        assert!(aidtrail::db::wait_closed(&folder, Duration::from_secs(60)).await, "the database closes");
    }
    rows.into_iter()
        .map(|r| (r["code"].as_str().unwrap_or_default().to_owned(), r["n"].as_u64().unwrap_or(0)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_saves_restores_to_a_consistent_copy_with_identical_exports() {
    let dir = tempfile::tempdir().unwrap();
    let env_a = env_of(&dir.path().join("a"));
    let mut server = start_server(&env_a, &[], &dir.path().join("a.log"));
    let password = printed_password(&server.log_text(), MANAGER);
    let addr = server.addr;
    let manager = sign_in_at(addr, MANAGER, &password).await;

    // An attendance sheet, so that the backup carries an attached file.
    let part = reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("attendance.pdf");
    let response = manager
        .post(format!("http://{addr}/activities/ml_workshop_2018/attachments"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/activities/ml_workshop_2018?saved=attached#attachments");

    // A backup while three people save.
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..3 {
        let client = sign_in_at(addr, MANAGER, &password).await;
        writers.push(tokio::spawn(write(client, addr, w, stop.clone())));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let during = dir.path().join("during.zip");
    let began = Instant::now();
    let (code, output) = aidtrail(&env_a, &["backup", during.to_str().unwrap()]).await;
    let ended = Instant::now();
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("from the running server"), "{output}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    let mut saves = Vec::new();
    for writer in writers {
        saves.extend(writer.await.expect("a writer"));
    }

    // A backup of the quiet server, and what its screens and exports say.
    let after = dir.path().join("after.zip");
    let (code, output) = aidtrail(&env_a, &["backup", after.to_str().unwrap()]).await;
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("1 attached files"), "{output}");
    let exports_a = exports(&manager, addr).await;
    assert_eq!(server.terminate(), Some(0), "{}", server.log_text());
    let head_a = chain_head(&env_a).await;

    // Checked without touching anything.
    let (code, output) = aidtrail(&env_a, &["restore", "--check", after.to_str().unwrap()]).await;
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains(&head_a), "the check finds the same head: {output}\n{head_a}");

    // Restored into an empty folder: the same head, exports byte for byte, the attached file.
    let env_c = env_of(&dir.path().join("c"));
    let (code, output) = aidtrail(&env_c, &["restore", after.to_str().unwrap()]).await;
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains(&head_a), "{output}\n{head_a}");
    let mut copy = start_server(&env_c, &[], &dir.path().join("c.log"));
    let manager_c = sign_in_at(copy.addr, MANAGER, &password).await;
    let exports_c = exports(&manager_c, copy.addr).await;
    for ((path, a), (_, c)) in exports_a.iter().zip(&exports_c) {
        same_export(path, a, c);
    }
    assert_eq!(workshop_attachment(&manager_c, copy.addr).await, PDF, "the attached file itself");
    assert_eq!(copy.terminate(), Some(0), "{}", copy.log_text());
    chain_head(&env_c).await;

    // The backup taken during the saves: a consistent moment between its start and its end.
    let env_b = env_of(&dir.path().join("b"));
    let (code, output) = aidtrail(&env_b, &["restore", during.to_str().unwrap()]).await;
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("audit log intact"), "{output}");
    let found = markers(&env_b).await;
    let (mut before, mut later) = (0, 0);
    for (marker, sent, acknowledged) in &saves {
        let n = found.get(marker).copied().unwrap_or(0);
        assert!(n <= 1, "{marker} restored {n} times");
        if acknowledged.is_some_and(|at| at < began) {
            before += 1;
            assert_eq!(n, 1, "{marker}, acknowledged before the backup began, is missing");
        }
        if *sent > ended {
            later += 1;
            assert_eq!(n, 0, "{marker}, sent after the backup ended, is in it");
        }
    }
    assert!(before > 0 && later > 0, "saves before the backup: {before}, after it: {later}");

    // Refused: a restore into a database that holds data (nothing changes), and a damaged file.
    let (code, output) = aidtrail(&env_a, &["restore", after.to_str().unwrap()]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(output.contains("not empty"), "{output}");
    assert_eq!(chain_head(&env_a).await, head_a);
    let mut bytes = std::fs::read(&after).unwrap();
    let middle = bytes.len() / 3;
    bytes[middle] ^= 0xFF;
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, bytes).unwrap();
    let (code, output) = aidtrail(&env_a, &["restore", "--check", damaged.to_str().unwrap()]).await;
    assert_ne!(code, Some(0), "{output}");
    assert!(output.contains("damaged") || output.contains("does not match"), "{output}");
}
