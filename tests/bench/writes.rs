//! Saves under concurrency, through the real path (issue 17): the release server binary, its
//! HTTP forms, real sessions, the audited write and its chain (a benchmark, not a test).
//!
//! ```text
//! cargo build --release -p aidtrail --bin aidtrail
//! cargo bench -p aidtrail-tests --bench writes -- [SECONDS] [EVENTS,EVENTS,...]
//! AIDTRAIL_SERVER_BINARY=/path/to/an/older/aidtrail cargo bench … (the same bench on another build)
//! ```
//!
//! For each size of the audit log (default 1,000, 100,000 and 1,000,000 events) it starts the
//! server on a fresh on-disk database with the demo data, fills the log to that size through a
//! fast path (chained events written straight into the database, then checked by `aidtrail audit
//! verify` at the end) and starts the server again. 32 editors then save different records
//! through the forms, each with a programme manager's session and an institute's: an activity
//! with participants and funding, an expenditure, an edit of the activity just created, a
//! handover of one unit of the editor's own equipment item, and the institute's confirmation of
//! it; while 50 readers, each in their own session, open the activity list and the dashboard.
//! This runs twice for the given seconds (default 20):
//!
//! - **flat out**: every editor saves again as soon as the last save answered, every reader
//!   reads again at once: the server's capacity, where latency is only the queue (82 requests
//!   always waiting on 2 cores);
//! - **paced**: every editor saves once a second and every reader opens a page once a second
//!   (`AIDTRAIL_BENCH_PACE_MS`), at offsets spread over the second: far more than a programme office's people do,
//!   and the load the latency targets are for. A latency is counted from the moment the request
//!   was due, so a slow answer that delays the next request is not hidden.
//!
//! Then it imports 2,000 equipment rows in one file. It prints a row per size and phase: saves,
//! saves/s, p50 and p99 save latency, refused saves, the readers' p99, the import's time, panics
//! in the server's log and the chain's state; and exits with 1 when a target is missed (any
//! refused save, read error or panic, a broken chain, a paced save p99 over 100 ms or read p99
//! over 50 ms, the flat-out p50 save at the largest size over 1.5 times that at the smallest).
//!
//! Settings of the server (`AIDTRAIL_…`, e.g. `AIDTRAIL_READ_CACHE_ENTRIES=0`) set for the bench
//! are passed on to the server it starts.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aidtrail::db::audit_chain::ChainRow;
use aidtrail_tests::forms::{chairs_csv, expenditure, new_activity, upload_equipment};
use aidtrail_tests::{
    data_env, printed_password, run_server_to_exit, server_binary, sign_in_at, start_server, workshop_edit,
};

/// Editors and readers at once; `AIDTRAIL_BENCH_WRITERS` and `AIDTRAIL_BENCH_READERS` change them
/// (to see what each costs alone).
fn people(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
const IMPORT_ROWS: usize = 2_000;
const MANAGER: &str = "manager@aidtrail.demo";
/// The institutes whose staff confirm the handovers: their account and their record.
const INSTITUTES: [(&str, &str); 5] = [
    ("ml-enp@aidtrail.demo", "ml_enp"),
    ("ml-infj@aidtrail.demo", "ml_infj"),
    ("ml-egn@aidtrail.demo", "ml_egn"),
    ("bf-enp@aidtrail.demo", "bf_enp"),
    ("bf-eng@aidtrail.demo", "bf_eng"),
];

/// How a phase sends its requests: flat out, or each person once per `pace`.
#[derive(Clone, Copy)]
enum Load {
    FlatOut,
    Paced(Duration),
}

impl Load {
    fn label(self) -> String {
        match self {
            Load::FlatOut => "flat out".into(),
            Load::Paced(pace) => format!("paced, 1 per {} ms each", pace.as_millis()),
        }
    }
}

struct Row {
    events: u64,
    load: Load,
    fill_s: f64,
    saves: usize,
    seconds: f64,
    save_p50: Duration,
    save_p99: Duration,
    refused: usize,
    first_refusals: Vec<String>,
    reads: usize,
    read_p99: Duration,
    read_errors: usize,
    /// The import, the server's log and the chain belong to the whole run: on its last row.
    import: Option<Result<Duration, String>>,
    panics: Option<usize>,
    chain: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let seconds: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let sizes: Vec<u64> = args
        .get(1)
        .map(|a| a.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 100_000, 1_000_000]);
    let pace = Duration::from_millis(people("AIDTRAIL_BENCH_PACE_MS", 1_000) as u64);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    println!(
        "aidtrail {} on this machine, {} editors and {} readers, {seconds} s per size and phase\n",
        server_binary().display(),
        people("AIDTRAIL_BENCH_WRITERS", 32),
        people("AIDTRAIL_BENCH_READERS", 50)
    );
    println!(
        "| audit events | phase | saves | saves/s | save p50 ms | save p99 ms | refused | reads | read p99 ms | import {IMPORT_ROWS} rows | panics | chain |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for events in sizes {
        for row in runtime.block_on(run(events, Duration::from_secs(seconds), pace)) {
            print_row(&row);
            rows.push(row);
        }
    }
    for row in &rows {
        if !row.first_refusals.is_empty() {
            println!(
                "\nrefused saves, and errors in the server's log, at {} events ({}), e.g.:\n  {}",
                row.events,
                row.load.label(),
                row.first_refusals.join("\n  ")
            );
        }
    }
    let missed = verdict(&rows);
    if missed.is_empty() {
        println!("\nevery target met");
    } else {
        println!("\ntargets missed:\n  {}", missed.join("\n  "));
        std::process::exit(1);
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn print_row(r: &Row) {
    let import = match &r.import {
        Some(Ok(d)) => format!("{} ms", ms(*d)),
        Some(Err(e)) => format!("failed: {e}"),
        None => String::new(),
    };
    println!(
        "| {} (filled in {:.0} s) | {} | {} | {:.1} | {} | {} | {} | {} | {} | {import} | {} | {} |",
        r.events,
        r.fill_s,
        r.load.label(),
        r.saves,
        r.saves as f64 / r.seconds,
        ms(r.save_p50),
        ms(r.save_p99),
        r.refused,
        r.reads,
        ms(r.read_p99)
            + &if r.read_errors > 0 { format!(" ({} errors)", r.read_errors) } else { String::new() },
        r.panics.map(|n| n.to_string()).unwrap_or_default(),
        r.chain.as_deref().unwrap_or_default()
    );
}

fn verdict(rows: &[Row]) -> Vec<String> {
    let mut missed = Vec::new();
    for r in rows {
        let at = format!("{} events, {}", r.events, r.load.label());
        if r.refused > 0 {
            missed.push(format!("{at}: {} refused saves", r.refused));
        }
        if r.read_errors > 0 {
            missed.push(format!("{at}: {} failed page views", r.read_errors));
        }
        if let Some(panics) = r.panics.filter(|n| *n > 0) {
            missed.push(format!("{at}: {panics} panics"));
        }
        if let Some(chain) = r.chain.as_ref().filter(|c| !c.starts_with("intact")) {
            missed.push(format!("{at}: chain {chain}"));
        }
        if matches!(r.import, Some(Err(_))) {
            missed.push(format!("{at}: the import failed"));
        }
        if let Load::Paced(_) = r.load {
            if r.save_p99 > Duration::from_millis(100) {
                missed.push(format!("{at}: save p99 {} ms > 100 ms", ms(r.save_p99)));
            }
            if r.read_p99 > Duration::from_millis(50) {
                missed.push(format!("{at}: read p99 {} ms > 50 ms", ms(r.read_p99)));
            }
        }
    }
    let flat: Vec<&Row> = rows.iter().filter(|r| matches!(r.load, Load::FlatOut)).collect();
    if let (Some(first), Some(last)) = (flat.first(), flat.last())
        && flat.len() > 1
    {
        let ratio = last.save_p50.as_secs_f64() / first.save_p50.as_secs_f64().max(1e-9);
        if ratio > 1.5 {
            missed.push(format!(
                "flat-out save p50 at {} events is {ratio:.2}× that at {}",
                last.events, first.events
            ));
        }
    }
    missed
}

/// The server's settings set for the bench (`AIDTRAIL_…`, not the bench's own).
fn passed_on() -> Vec<(&'static str, String)> {
    std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("AIDTRAIL_") && !k.starts_with("AIDTRAIL_BENCH_") && k != "AIDTRAIL_SERVER_BINARY"
        })
        .map(|(k, v)| (&*Box::leak(k.into_boxed_str()), v))
        .collect()
}

/// A person at work: an editor (a manager's session, an institute's, and the manager's own
/// equipment item to hand over) or a reader.
struct Editor {
    manager: reqwest::Client,
    institute: reqwest::Client,
    institute_key: &'static str,
    item: String,
}

async fn run(events: u64, length: Duration, pace: Duration) -> Vec<Row> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut env = data_env(
        dir.path(),
        &[
            ("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "1000"),
            ("AIDTRAIL_LOGIN_IP_LIMIT", "1000"),
            ("AIDTRAIL_LOG", "warn"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    env.extend(passed_on());
    // The schema and the demo data, then the log filled to size with the server stopped.
    let mut server = start_server(&env, &[], &dir.path().join("first.log"));
    let first_log = server.log_text();
    let password = printed_password(&first_log, MANAGER);
    assert_eq!(server.terminate(), Some(0), "first start");
    let filling = Instant::now();
    fill(&env, events).await;
    let fill_s = filling.elapsed().as_secs_f64();

    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    let addr = server.addr;
    let mut editors = Vec::new();
    for w in 0..people("AIDTRAIL_BENCH_WRITERS", 32) {
        let manager = sign_in_at(addr, MANAGER, &password).await;
        let (email, institute_key) = INSTITUTES[w % INSTITUTES.len()];
        let institute = sign_in_at(addr, email, &printed_password(&first_log, email)).await;
        let item = equipment_item(&manager, addr, w).await;
        editors.push(Editor { manager, institute, institute_key, item });
    }
    let mut readers = Vec::new();
    for _ in 0..people("AIDTRAIL_BENCH_READERS", 50) {
        readers.push(sign_in_at(addr, MANAGER, &password).await);
    }
    let mut rows = Vec::new();
    for (phase, load) in [Load::FlatOut, Load::Paced(pace)].into_iter().enumerate() {
        let deadline = Instant::now() + length;
        let started = Instant::now();
        let writers = editors.iter().enumerate().map(|(w, editor)| {
            edit(editor, addr, w, phase, at_offset(load, w, editors.len()), load, deadline)
        });
        let reading = readers
            .iter()
            .enumerate()
            .map(|(r, client)| read(client, addr, r, at_offset(load, r, readers.len()), load, deadline));
        let (written, read) =
            tokio::join!(futures::future::join_all(writers), futures::future::join_all(reading));
        let seconds = started.elapsed().as_secs_f64();
        let mut latencies: Vec<Duration> = written.iter().flat_map(|w| w.0.iter().copied()).collect();
        let refusals: Vec<String> = written.iter().flat_map(|w| w.1.iter().cloned()).collect();
        let mut reads: Vec<Duration> = read.iter().flat_map(|r| r.0.iter().copied()).collect();
        rows.push(Row {
            events,
            load,
            fill_s,
            saves: latencies.len(),
            seconds,
            save_p50: percentile(&mut latencies, 0.50),
            save_p99: percentile(&mut latencies, 0.99),
            refused: refusals.len(),
            first_refusals: refusals.iter().take(5).cloned().collect(),
            reads: reads.len(),
            read_p99: percentile(&mut reads, 0.99),
            read_errors: read.iter().map(|r| r.1).sum(),
            import: None,
            panics: None,
            chain: None,
        });
    }
    let import = import(&sign_in_at(addr, MANAGER, &password).await, addr).await;
    let log = server.log_text();
    let panics = log.lines().filter(|l| l.contains("panicked")).count();
    let logged: Vec<String> = log
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("WARN"))
        .take(5)
        .map(str::to_owned)
        .collect();
    assert_eq!(server.terminate(), Some(0), "the server stops cleanly");
    let (code, output) = run_server_to_exit(&env, &["audit", "verify"]);
    let chain = match code {
        Some(0) => {
            format!("intact, {}", output.lines().find(|l| l.starts_with("head:")).unwrap_or("").trim())
        }
        _ => format!("BROKEN: {}", output.lines().find(|l| l.contains("BROKEN")).unwrap_or(output.trim())),
    };
    if let Some(last) = rows.last_mut() {
        last.import = Some(import);
        last.panics = Some(panics);
        last.chain = Some(chain);
        last.first_refusals.extend(logged);
    }
    rows
}

/// When the `i`-th of `n` people first acts: spread over the first interval when paced.
fn at_offset(load: Load, i: usize, n: usize) -> Duration {
    match load {
        Load::FlatOut => Duration::ZERO,
        Load::Paced(pace) => pace.mul_f64(i as f64 / n.max(1) as f64),
    }
}

/// Waits until the next request is due, and returns the moment it was due (latencies count from
/// there); `next` moves on by the pace.
async fn due(load: Load, next: &mut Instant) -> Instant {
    match load {
        Load::FlatOut => Instant::now(),
        Load::Paced(pace) => {
            tokio::time::sleep_until((*next).into()).await;
            let was = *next;
            *next += pace;
            was
        }
    }
}

fn percentile(values: &mut [Duration], p: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    values.sort();
    values[((values.len() as f64 * p).ceil() as usize).clamp(1, values.len()) - 1]
}

/// Writes chained events straight into the stopped server's database until the log holds
/// `target`: the same content, numbering and hashes the server writes, in batches.
async fn fill(env: &[(&'static str, String)], target: u64) {
    let settings = aidtrail::config::Settings::from_lookup(|name| {
        env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    })
    .expect("settings");
    let (db, _) = aidtrail::db::connect(&settings).await.expect("open the database");
    let mut response = db
        .query(
            "RETURN <string> d'2019-01-01T00:00:00Z';
             SELECT VALUE seq FROM audit_event ORDER BY seq DESC LIMIT 1;
             SELECT VALUE hash FROM audit_event ORDER BY seq DESC LIMIT 1;",
        )
        .await
        .expect("head");
    let at: Option<String> = response.take(0).expect("datetime text");
    let at = at.expect("datetime text");
    let seq: Vec<i64> = response.take(1).expect("head seq");
    let hash: Vec<String> = response.take(2).expect("head hash");
    let (mut seq, mut prev) = (seq.first().copied().unwrap_or(0), hash.first().cloned().unwrap_or_default());
    while (seq as u64) < target {
        let batch = (target - seq as u64).min(5_000);
        let mut rows = Vec::with_capacity(batch as usize);
        for _ in 0..batch {
            seq += 1;
            let row = ChainRow {
                seq,
                at: at.clone(),
                actor: String::new(),
                action: "system".into(),
                record: format!("bench:{seq}"),
                before: String::new(),
                after: format!("history event {seq}"),
                reason: String::new(),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            let hash = row.digest(seq);
            rows.push(serde_json::json!({
                "seq": seq, "action": "system", "record": row.record, "after": row.after,
                "prev_hash": row.prev_hash, "hash": hash,
            }));
            prev = hash;
        }
        db.query(
            "LET $at = d'2019-01-01T00:00:00Z';
             INSERT INTO audit_event $rows.map(|$r| object::extend($r, { at: $at }));",
        )
        .bind(("rows", rows))
        .await
        .expect("insert")
        .check()
        .expect("insert ok");
    }
    drop(db);
    if let Some(folder) = aidtrail::db::data_folder(&settings) {
        assert!(
            aidtrail::db::wait_closed(&folder, Duration::from_secs(60)).await,
            "the filled database closes"
        );
    }
}

/// The demo workshop's form (the one the tests post) under the code `BENCH-{w}-{n}` with a funding
/// line of 1.00: a new activity, or, with `version`, an edit of it.
fn activity(w: usize, n: usize, version: Option<&str>) -> Vec<(String, String)> {
    let code = format!("BENCH-{w}-{n}");
    let changes = [("code", code.as_str()), ("funding_0_amount", "1.00")];
    match version {
        None => new_activity(&changes),
        Some(version) => workshop_edit(version, &[changes[0], changes[1], ("city", "Bamako (edited)")])
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    }
}

/// The grant an editor's expenditures go to: half the editors each.
fn bench_grant(w: usize) -> &'static str {
    if w.is_multiple_of(2) { "nl_2018" } else { "de_2017" }
}

/// Registers the editor's own item (10,000 chairs at 0.01) to hand over one at a time: set-up,
/// not measured.
async fn equipment_item(manager: &reqwest::Client, addr: SocketAddr, w: usize) -> String {
    let description = format!("Bench chair {w}");
    let response = manager
        .post(format!("http://{addr}/records/equipment/new"))
        .form(&[
            ("donor_grant", "nl_2018"),
            ("category", "other"),
            ("description", description.as_str()),
            ("description_fr", description.as_str()),
            ("quantity", "10000"),
            ("currency", "EUR"),
            ("unit_cost_minor", "0.01"),
            ("supplier", "Bamako supplier"),
            ("purchase_date", "2018-06-01"),
        ])
        .send()
        .await
        .expect("register the bench's equipment");
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("");
    location
        .strip_prefix("/records/equipment/")
        .and_then(|l| l.strip_suffix("?saved=created"))
        .unwrap_or_else(|| panic!("the bench's equipment was not saved: {location}"))
        .to_owned()
}

fn handover(editor: &Editor, w: usize, phase: usize, n: usize) -> Vec<(String, String)> {
    [
        ("code", format!("HO-BENCH-{phase}-{w}-{n}")),
        ("institute", editor.institute_key.to_owned()),
        ("handed_over_on", "2018-06-15".to_owned()),
        ("handed_over_by", "UNODC".to_owned()),
        ("status", "handed_over".to_owned()),
        ("line_0_equipment", editor.item.clone()),
        ("line_0_quantity", "1".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The institute's confirmation form of `handover`, with the one-time token of its page (read
/// before the save is due: a page view, not part of the save).
async fn confirmation(editor: &Editor, addr: SocketAddr, handover: &str) -> Vec<(String, String)> {
    let page = match editor.institute.get(format!("http://{addr}/handovers/{handover}")).send().await {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    let marker = "name=\"token\" value=\"";
    let token = page.find(marker).map(|at| page[at + marker.len()..].split('"').next().unwrap_or(""));
    [
        ("token", token.unwrap_or("no-token-on-the-page")),
        ("version", "1"),
        ("line_0_received", "1"),
        ("line_0_condition", "good"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// One editor until `deadline`, in turn: create an activity, record an expenditure, edit the
/// activity, hand over one unit, confirm its receipt as the institute. The latencies of saves,
/// and what was refused.
async fn edit(
    editor: &Editor,
    addr: SocketAddr,
    w: usize,
    phase: usize,
    offset: Duration,
    load: Load,
    deadline: Instant,
) -> (Vec<Duration>, Vec<String>) {
    let (mut latencies, mut refused) = (Vec::new(), Vec::new());
    let mut next = Instant::now() + offset;
    let mut last_activity: Option<String> = None;
    let mut last_handover: Option<String> = None;
    // Activities are numbered per phase so that their codes stay unique.
    let mut n = phase * 1_000_000;
    while Instant::now() < deadline {
        let (client, path, form) = match (n % 5, &last_activity, &last_handover) {
            (1, ..) => (
                &editor.manager,
                "/records/transactions/new".to_owned(),
                expenditure(bench_grant(w), "Bench expenditure"),
            ),
            (2, Some(key), _) => {
                (&editor.manager, format!("/activities/{key}/edit"), activity(w, n - 2, Some("1")))
            }
            (3, ..) => (&editor.manager, "/handovers/new".to_owned(), handover(editor, w, phase, n)),
            (4, _, Some(key)) => (
                &editor.institute,
                format!("/handovers/{key}/confirm"),
                confirmation(editor, addr, key).await,
            ),
            _ => (&editor.manager, "/activities/new".to_owned(), activity(w, n, None)),
        };
        n += 1;
        let started = due(load, &mut next).await;
        if started >= deadline {
            break;
        }
        let outcome = client.post(format!("http://{addr}{path}")).form(&form).send().await;
        let took = started.elapsed();
        let location = match &outcome {
            Ok(response) if response.status().as_u16() == 303 => {
                response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_owned()
            }
            Ok(response) => {
                refused.push(format!("{path}: {}", response.status()));
                continue;
            }
            Err(error) => {
                refused.push(format!("{path}: {error}"));
                continue;
            }
        };
        if !location.contains("saved=") {
            refused.push(format!("{path}: sent back to {location}"));
            continue;
        }
        latencies.push(took);
        let created =
            |prefix: &str| location.strip_prefix(prefix).and_then(|l| l.split('?').next()).map(str::to_owned);
        match path.as_str() {
            "/activities/new" => last_activity = created("/activities/"),
            "/handovers/new" => last_handover = created("/handovers/"),
            _ if path.ends_with("/confirm") => last_handover = None,
            _ => {}
        }
    }
    (latencies, refused)
}

/// One reader until `deadline`, alternating the activity list and the dashboard.
async fn read(
    client: &reqwest::Client,
    addr: SocketAddr,
    r: usize,
    offset: Duration,
    load: Load,
    deadline: Instant,
) -> (Vec<Duration>, usize) {
    let (mut latencies, mut errors) = (Vec::new(), 0);
    let mut next = Instant::now() + offset;
    let mut n = r;
    loop {
        let started = due(load, &mut next).await;
        if started >= deadline {
            break;
        }
        let path = if n.is_multiple_of(2) { "/activities" } else { "/dashboard" };
        n += 1;
        match client.get(format!("http://{addr}{path}")).send().await {
            Ok(response) if response.status().as_u16() == 200 => match response.text().await {
                Ok(body) if body.contains("</html>") => latencies.push(started.elapsed()),
                _ => errors += 1,
            },
            _ => errors += 1,
        }
    }
    (latencies, errors)
}

/// Imports `IMPORT_ROWS` equipment rows in one file: the time of the confirmation, which saves
/// them all with their audit events in one transaction.
async fn import(client: &reqwest::Client, addr: SocketAddr) -> Result<Duration, String> {
    let location = upload_equipment(client, addr, chairs_csv("Bench", IMPORT_ROWS)).await?;
    let started = Instant::now();
    let response = client
        .post(format!("http://{addr}{location}/confirm"))
        .form(&[] as &[(&str, &str)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let took = started.elapsed();
    let done = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_owned();
    if response.status().as_u16() != 303 || done.contains("error") {
        return Err(format!("confirmation answered {} {done}", response.status()));
    }
    Ok(took)
}
