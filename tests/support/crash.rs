//! The crash harness (issue 18): the real server binary on one data folder, writers saving
//! through the HTTP forms, `kill -9` at a random moment, and a count of what survived.
//!
//! Each cycle starts the server on the same folder, signs in the writers and lets them save
//! (activities with participants and funding, expenditures, equipment imports of many rows in one
//! transaction), kills the process with SIGKILL after a random time, then opens the folder
//! directly and counts every record by the unique marker its writer gave it. A save the server
//! acknowledged (a redirect to the saved record) must be there exactly once; a save it refused
//! must not be there; a save whose answer never came (cut by the kill) may be there once or not
//! at all. After the last cycle, `aidtrail audit verify` checks the chain (it first chains the
//! events whose changes committed just before a kill).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;

use crate::forms::{chairs_csv, expenditure, new_activity, upload_equipment};
use crate::{data_env, printed_password, run_server_to_exit, sign_in_at, start_server};

const MANAGER: &str = "manager@aidtrail.demo";

/// How hard to push.
#[derive(Debug, Clone)]
pub struct CrashOptions {
    pub cycles: usize,
    /// Writers saving activities and expenditures at once.
    pub writers: usize,
    /// Rows of each import (one transaction each; 0: no imports).
    pub import_rows: usize,
    /// The kill comes after a random time up to this.
    pub longest_run: Duration,
    /// Extra settings of the server (`AIDTRAIL_…`).
    pub env: Vec<(&'static str, String)>,
    /// Parameters added to the storage engine's address (`surrealkv://…?{params}`), e.g. a
    /// small memtable where the engine reads one.
    pub db_params: Option<String>,
    /// Kill only after the engine has rotated its memtable at least once in the cycle (SurrealKV:
    /// a new write-ahead-log segment), so that every cycle crosses the engine's rare path.
    pub after_rotation: bool,
}

/// What the cycles found.
#[derive(Debug, Default)]
pub struct CrashReport {
    pub cycles: usize,
    /// Saves the server acknowledged.
    pub acknowledged: usize,
    /// Of which imports (each of many rows in one transaction).
    pub imports_acknowledged: usize,
    /// Saves whose answer the kill cut off.
    pub unanswered: usize,
    /// Saves the server refused (sent back to the form).
    pub refused: usize,
    /// Acknowledged saves missing afterwards.
    pub lost: Vec<String>,
    /// Saves found more than once.
    pub duplicated: Vec<String>,
    /// Refused saves found anyway.
    pub refused_but_saved: Vec<String>,
    /// Of the lost saves, those whose audit events are in the log all the same (a later
    /// transaction chained them and survived).
    pub lost_but_logged: usize,
    /// `aidtrail audit verify`'s verdict: `intact, head: …` or `BROKEN: …`.
    pub chain: String,
    /// The number of SurrealKV's newest write-ahead-log segment: each start and each memtable
    /// rotation begins a new one, so, less the starts, how often the engine's rare path ran.
    pub wal_segments: Option<u64>,
    /// Cycles killed after a memtable rotation of their own (with `after_rotation`).
    pub cycles_after_rotation: usize,
}

impl CrashReport {
    /// The one line the harness prints.
    pub fn line(&self) -> String {
        format!(
            "cycles {}, acknowledged {} ({} imports), lost {} (of which in the audit log {}), duplicated {}, refused but saved {}, unanswered {}, refused {}, WAL segments {}, cycles killed after a rotation {}, chain {}",
            self.cycles,
            self.acknowledged,
            self.imports_acknowledged,
            self.lost.len(),
            self.lost_but_logged,
            self.duplicated.len(),
            self.refused_but_saved.len(),
            self.unanswered,
            self.refused,
            self.wal_segments.map_or("-".to_owned(), |n| n.to_string()),
            self.cycles_after_rotation,
            self.chain
        )
    }

    pub fn passed(&self) -> bool {
        self.lost.is_empty()
            && self.duplicated.is_empty()
            && self.refused_but_saved.is_empty()
            && self.chain.starts_with("intact")
    }
}

/// What became of one save, by its marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Acknowledged,
    Refused,
    Unanswered,
}

/// One save: its marker (the record's code or description, unique in the whole run) and how
/// many records carry it when saved (an import's rows).
type Saves = Vec<(String, usize, Outcome)>;

/// Runs the cycles on `dir` (which must be empty or hold an earlier run's data).
pub async fn run(dir: &Path, options: &CrashOptions) -> CrashReport {
    let mut env = data_env(
        dir,
        &[
            ("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "1000"),
            ("AIDTRAIL_LOGIN_IP_LIMIT", "1000"),
            ("AIDTRAIL_LOG", "warn"),
        ],
    );
    // A setting given in the options replaces the folder's own.
    for (name, value) in &options.env {
        match env.iter_mut().find(|(k, _)| k == name) {
            Some(kept) => kept.1 = value.clone(),
            None => env.push((name, value.clone())),
        }
    }
    if let Some(params) = &options.db_params
        && let Some((_, address)) = env.iter_mut().find(|(k, _)| *k == "AIDTRAIL_DB")
    {
        let joint = if address.contains('?') { '&' } else { '?' };
        *address = format!("{address}{joint}{params}");
    }
    let mut report = CrashReport::default();
    let mut password = None;
    for cycle in 0..options.cycles {
        let mut server = start_server(&env, &[], &dir.join(format!("cycle-{cycle}.log")));
        let opened = newest_wal_segment(dir);
        let password = password.get_or_insert_with(|| printed_password(&server.log_text(), MANAGER)).clone();
        let addr = server.addr;
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for w in 0..options.writers {
            let client = sign_in_at(addr, MANAGER, &password).await;
            tasks.push(tokio::spawn(write(client, addr, cycle, w, stop.clone())));
        }
        let imported = Arc::new(AtomicUsize::new(0));
        if options.import_rows > 0 {
            let client = sign_in_at(addr, MANAGER, &password).await;
            let (rows, stop, imported) = (options.import_rows, stop.clone(), imported.clone());
            tasks.push(tokio::spawn(import(client, addr, cycle, rows, stop, imported)));
        }
        let run_for = rand::rng()
            .random_range(Duration::from_millis(200)..=options.longest_run.max(Duration::from_millis(201)));
        tokio::time::sleep(run_for).await;
        // Every cycle has a big transaction behind it (and usually one under way) when it ends.
        let at_most = Instant::now() + Duration::from_secs(60);
        while options.import_rows > 0 && imported.load(Ordering::SeqCst) == 0 && Instant::now() < at_most {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        while options.after_rotation && newest_wal_segment(dir) <= opened && Instant::now() < at_most {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // SIGKILL: no clean stop, no flush, as an OOM kill or a power cut.
        server.child.kill().expect("kill -9 the server");
        let _ = server.child.wait();
        // Read before the folder is opened again: a clean close flushes and deletes the segments.
        report.wal_segments = report.wal_segments.max(newest_wal_segment(dir));
        if options.after_rotation && newest_wal_segment(dir) > opened {
            report.cycles_after_rotation += 1;
        }
        stop.store(true, Ordering::SeqCst);
        let mut saves = Saves::new();
        for task in tasks {
            saves.extend(task.await.expect("a writer"));
        }
        let (found, logged) = count_markers(&env, cycle).await;
        for (marker, records, outcome) in &saves {
            let n = found.get(marker).copied().unwrap_or(0);
            match outcome {
                Outcome::Acknowledged => {
                    report.acknowledged += 1;
                    report.imports_acknowledged += usize::from(*records > 1);
                }
                Outcome::Refused => report.refused += 1,
                Outcome::Unanswered => report.unanswered += 1,
            }
            let whole = n == *records;
            let in_log = logged.get(marker).copied().unwrap_or(0);
            match outcome {
                Outcome::Acknowledged if n == 0 => {
                    report.lost_but_logged += usize::from(in_log > 0);
                    report
                        .lost
                        .push(format!("cycle {cycle}: {marker} (its audit events in the log: {in_log})"));
                }
                Outcome::Refused if n > 0 => {
                    report.refused_but_saved.push(format!("cycle {cycle}: {marker}"))
                }
                _ if n > *records => report.duplicated.push(format!("cycle {cycle}: {marker} ×{n}")),
                // Part of an import: a transaction torn in two.
                _ if n > 0 && !whole => {
                    report.lost.push(format!("cycle {cycle}: {marker}: {n} of {records} rows"))
                }
                _ => {}
            }
        }
        report.cycles += 1;
    }
    let (code, output) = run_server_to_exit(&env, &["audit", "verify"]);
    report.chain = match code {
        Some(0) => {
            format!("intact, {}", output.lines().find(|l| l.starts_with("head:")).unwrap_or("").trim())
        }
        _ => format!("BROKEN: {}", output.lines().find(|l| l.contains("BROKEN")).unwrap_or(output.trim())),
    };
    report
}

/// The number of SurrealKV's newest write-ahead-log segment in the folder, if any.
fn newest_wal_segment(dir: &Path) -> Option<u64> {
    std::fs::read_dir(dir.join("db").join("wal")).ok().and_then(|files| {
        files.flatten().filter_map(|f| f.file_name().to_str()?.strip_suffix(".wal")?.parse().ok()).max()
    })
}

/// How many records carry each marker of `cycle`, and how many audit events name it, read
/// straight from the killed server's folder.
async fn count_markers(
    env: &[(&'static str, String)],
    cycle: usize,
) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let settings = aidtrail::config::Settings::from_lookup(|name| {
        env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    })
    .expect("settings");
    let (db, _) = aidtrail::db::connect(&settings).await.expect("reopen the database after the kill");
    let prefix = format!("CR{cycle}-");
    let mut response = db
        .query(
            "SELECT code AS marker, count() AS n FROM activity WHERE string::starts_with(code, $p) GROUP BY marker;
             SELECT description AS marker, count() AS n FROM transaction WHERE string::starts_with(description, $p) GROUP BY marker;
             SELECT string::split(description, ' ')[0] AS marker, count() AS n FROM equipment
                WHERE string::starts_with(description, $p) GROUP BY marker;",
        )
        .bind(("p", prefix))
        .await
        .expect("count the markers");
    let mut found = HashMap::new();
    for i in 0..3 {
        let rows: Vec<serde_json::Value> = match response.take(i) {
            Ok(rows) => rows,
            // A database that kept nothing has not even its tables.
            Err(error) if error.to_string().contains("does not exist") => Vec::new(),
            Err(error) => panic!("marker counts: {error}"),
        };
        for row in rows {
            let marker = row["marker"].as_str().unwrap_or_default().to_owned();
            found.insert(marker, row["n"].as_u64().unwrap_or(0) as usize);
        }
    }
    drop(response);
    // The audit events that name a marker of this cycle (in what they recorded).
    let recorded: Vec<String> = db
        .query("SELECT VALUE after FROM audit_event WHERE string::contains(after ?? '', $p);")
        .bind(("p", format!("CR{cycle}-")))
        .await
        .and_then(|mut r| r.take(0))
        .unwrap_or_default();
    let mut logged = HashMap::new();
    let start = format!("CR{cycle}-");
    for text in recorded {
        if let Some(at) = text.find(&start) {
            let marker: String =
                text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            *logged.entry(marker).or_insert(0) += 1;
        }
    }
    drop(db);
    if let Some(folder) = aidtrail::db::data_folder(&settings) {
        assert!(aidtrail::db::wait_closed(&folder, Duration::from_secs(60)).await, "the database closes");
    }
    (found, logged)
}

/// Where an answer sent the browser: acknowledged when to the saved record.
fn outcome(answer: Result<reqwest::Response, reqwest::Error>) -> Outcome {
    match answer {
        Ok(response) if response.status().as_u16() == 303 => {
            let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("");
            // A form answers `…?saved=…`; an import's confirmation its page without an error.
            let import_saved = location.starts_with("/imports/") && !location.contains('?');
            if location.contains("saved=") || import_saved { Outcome::Acknowledged } else { Outcome::Refused }
        }
        // A 5xx or a cut connection: the kill came first.
        Ok(response) if response.status().is_server_error() => Outcome::Unanswered,
        Ok(_) => Outcome::Refused,
        Err(_) => Outcome::Unanswered,
    }
}

/// One writer until the kill: an activity, then an expenditure, each with its marker.
async fn write(
    client: reqwest::Client,
    addr: std::net::SocketAddr,
    cycle: usize,
    w: usize,
    stop: Arc<AtomicBool>,
) -> Saves {
    let mut saves = Saves::new();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        let marker = format!("CR{cycle}-{w}-{n}");
        let (path, form) = if n % 2 == 0 {
            ("/activities/new", new_activity(&[("code", marker.as_str()), ("funding_0_amount", "1.00")]))
        } else {
            ("/records/transactions/new", expenditure("nl_2018", &marker))
        };
        n += 1;
        let answer = client.post(format!("http://{addr}{path}")).form(&form).send().await;
        let outcome = outcome(answer);
        let stopped = outcome == Outcome::Unanswered;
        saves.push((marker, 1, outcome));
        if stopped {
            break;
        }
    }
    saves
}

/// Imports of `rows` equipment rows each (one transaction per import) until the kill; each
/// import's rows carry its marker as the first word of their description.
async fn import(
    client: reqwest::Client,
    addr: std::net::SocketAddr,
    cycle: usize,
    rows: usize,
    stop: Arc<AtomicBool>,
    imported: Arc<AtomicUsize>,
) -> Saves {
    let mut saves = Saves::new();
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        let marker = format!("CR{cycle}-import{i}");
        i += 1;
        // The upload itself saves nothing of the programme: only its confirmation does.
        let Ok(location) = upload_equipment(&client, addr, chairs_csv(&marker, rows)).await else { break };
        let answer =
            client.post(format!("http://{addr}{location}/confirm")).form(&[] as &[(&str, &str)]).send().await;
        let outcome = outcome(answer);
        let stopped = outcome == Outcome::Unanswered;
        if outcome == Outcome::Acknowledged {
            imported.fetch_add(1, Ordering::SeqCst);
        }
        saves.push((marker, rows, outcome));
        if stopped {
            break;
        }
    }
    saves
}
