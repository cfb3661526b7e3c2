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
//! verify` at the end), starts the server again and, for the given seconds (default 20), runs 32
//! editors, each in their own session, saving different records through the forms (an activity
//! with participants and funding, an expenditure, an edit of the activity just created), while 50
//! readers, each in their own session, open the activity list and the dashboard. Then it imports
//! 2,000 equipment rows in one file. It prints a row per size: saves, saves/s, p50 and p99 save
//! latency, refused saves, the readers' p99, the import's time, panics in the server's log and
//! the chain's state; and exits with 1 when a target is missed (any refused save or panic, a
//! broken chain, save p99 over 100 ms, reader p99 over 50 ms, the p50 save at the largest size
//! over 1.5 times that at the smallest).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aidtrail::db::audit_chain::ChainRow;
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

struct Row {
    events: u64,
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
    import: Result<Duration, String>,
    panics: usize,
    chain: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let seconds: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let sizes: Vec<u64> = args
        .get(1)
        .map(|a| a.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 100_000, 1_000_000]);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    println!(
        "aidtrail {} on this machine, {} editors and {} readers, {seconds} s per size\n",
        server_binary().display(),
        people("AIDTRAIL_BENCH_WRITERS", 32),
        people("AIDTRAIL_BENCH_READERS", 50)
    );
    println!(
        "| audit events | saves | saves/s | save p50 ms | save p99 ms | refused | reads | read p99 ms | import {IMPORT_ROWS} rows | panics | chain |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for events in sizes {
        let row = runtime.block_on(run(events, Duration::from_secs(seconds)));
        print_row(&row);
        rows.push(row);
    }
    for row in &rows {
        if !row.first_refusals.is_empty() {
            println!(
                "\nrefused saves, and errors in the server's log, at {} events, e.g.:\n  {}",
                row.events,
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
        Ok(d) => format!("{} ms", ms(*d)),
        Err(e) => format!("failed: {e}"),
    };
    println!(
        "| {} (filled in {:.0} s) | {} | {:.1} | {} | {} | {} | {} | {} | {import} | {} | {} |",
        r.events,
        r.fill_s,
        r.saves,
        r.saves as f64 / r.seconds,
        ms(r.save_p50),
        ms(r.save_p99),
        r.refused,
        r.reads,
        ms(r.read_p99)
            + &if r.read_errors > 0 { format!(" ({} errors)", r.read_errors) } else { String::new() },
        r.panics,
        r.chain
    );
}

fn verdict(rows: &[Row]) -> Vec<String> {
    let mut missed = Vec::new();
    for r in rows {
        let at = r.events;
        if r.refused > 0 {
            missed.push(format!("{at} events: {} refused saves", r.refused));
        }
        if r.panics > 0 {
            missed.push(format!("{at} events: {} panics", r.panics));
        }
        if !r.chain.starts_with("intact") {
            missed.push(format!("{at} events: chain {}", r.chain));
        }
        if r.save_p99 > Duration::from_millis(100) {
            missed.push(format!("{at} events: save p99 {} ms > 100 ms", ms(r.save_p99)));
        }
        if r.read_p99 > Duration::from_millis(50) || r.read_errors > 0 {
            missed.push(format!(
                "{at} events: read p99 {} ms > 50 ms or {} errors",
                ms(r.read_p99),
                r.read_errors
            ));
        }
        if r.import.is_err() {
            missed.push(format!("{at} events: the import failed"));
        }
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last())
        && rows.len() > 1
    {
        let ratio = last.save_p50.as_secs_f64() / first.save_p50.as_secs_f64().max(1e-9);
        if ratio > 1.5 {
            missed
                .push(format!("save p50 at {} events is {ratio:.2}× that at {}", last.events, first.events));
        }
    }
    missed
}

async fn run(events: u64, length: Duration) -> Row {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = data_env(
        dir.path(),
        &[
            ("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "1000"),
            ("AIDTRAIL_LOGIN_IP_LIMIT", "1000"),
            ("AIDTRAIL_LOG", "warn"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    // The schema and the demo data, then the log filled to size with the server stopped.
    let mut server = start_server(&env, &[], &dir.path().join("first.log"));
    let password = printed_password(&server.log_text(), MANAGER);
    assert_eq!(server.terminate(), Some(0), "first start");
    let filling = Instant::now();
    fill(&env, events).await;
    let fill_s = filling.elapsed().as_secs_f64();

    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    let addr = server.addr;
    let mut editors = Vec::new();
    for _ in 0..people("AIDTRAIL_BENCH_WRITERS", 32) {
        editors.push(sign_in_at(addr, MANAGER, &password).await);
    }
    let mut readers = Vec::new();
    for _ in 0..people("AIDTRAIL_BENCH_READERS", 50) {
        readers.push(sign_in_at(addr, MANAGER, &password).await);
    }
    let deadline = Instant::now() + length;
    let started = Instant::now();
    let writers = editors.iter().enumerate().map(|(w, client)| edit(client, addr, w, deadline));
    let reading = readers.iter().enumerate().map(|(r, client)| read(client, addr, r, deadline));
    let (written, read) =
        tokio::join!(futures::future::join_all(writers), futures::future::join_all(reading));
    let seconds = started.elapsed().as_secs_f64();
    let mut latencies: Vec<Duration> = written.iter().flat_map(|w| w.0.iter().copied()).collect();
    let refusals: Vec<String> = written.iter().flat_map(|w| w.1.iter().cloned()).collect();
    let mut reads: Vec<Duration> = read.iter().flat_map(|r| r.0.iter().copied()).collect();
    let read_errors: usize = read.iter().map(|r| r.1).sum();
    let import = import(&sign_in_at(addr, MANAGER, &password).await, addr).await;
    let log = server.log_text();
    let panics = log.lines().filter(|l| l.contains("panicked")).count();
    let mut first_refusals: Vec<String> = refusals.iter().take(5).cloned().collect();
    first_refusals
        .extend(log.lines().filter(|l| l.contains("ERROR") || l.contains("WARN")).take(5).map(str::to_owned));
    assert_eq!(server.terminate(), Some(0), "the server stops cleanly");
    let (code, output) = run_server_to_exit(&env, &["audit", "verify"]);
    let chain = match code {
        Some(0) => {
            format!("intact, {}", output.lines().find(|l| l.starts_with("head:")).unwrap_or("").trim())
        }
        _ => format!("BROKEN: {}", output.lines().find(|l| l.contains("BROKEN")).unwrap_or(output.trim())),
    };
    Row {
        events,
        fill_s,
        saves: latencies.len(),
        seconds,
        save_p50: percentile(&mut latencies, 0.50),
        save_p99: percentile(&mut latencies, 0.99),
        refused: refusals.len(),
        first_refusals,
        reads: reads.len(),
        read_p99: percentile(&mut reads, 0.99),
        read_errors,
        import,
        panics,
        chain,
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
    let city = if version.is_some() { "Bamako (edited)" } else { "Bamako" };
    let changes = [("code", code.as_str()), ("funding_0_amount", "1.00"), ("city", city)];
    workshop_edit(version.unwrap_or_default(), &changes)
        .into_iter()
        .filter(|(k, _)| version.is_some() || *k != "version")
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn expenditure(w: usize) -> Vec<(String, String)> {
    [
        ("donor_grant", if w.is_multiple_of(2) { "nl_2018" } else { "de_2017" }),
        ("kind", "4"),
        ("value_date", "2018-06-15"),
        ("currency", "EUR"),
        ("amount_minor", "0.01"),
        ("rate_to_grant", "1"),
        ("rate_to_eur", "1"),
        ("provider", "UNODC"),
        ("receiver", "Hotel, Bamako"),
        ("description", "Bench expenditure"),
        ("notation", "en"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// One editor until `deadline`: create an activity, record an expenditure, edit the activity;
/// the latencies of saves, and what was refused.
async fn edit(
    client: &reqwest::Client,
    addr: SocketAddr,
    w: usize,
    deadline: Instant,
) -> (Vec<Duration>, Vec<String>) {
    let (mut latencies, mut refused) = (Vec::new(), Vec::new());
    let mut n = 0;
    let mut last_activity: Option<String> = None;
    while Instant::now() < deadline {
        let (path, form) = match n % 3 {
            0 => ("/activities/new".to_owned(), activity(w, n, None)),
            1 => ("/records/transactions/new".to_owned(), expenditure(w)),
            _ => match &last_activity {
                Some(key) => (format!("/activities/{key}/edit"), activity(w, n - 2, Some("1"))),
                None => ("/activities/new".to_owned(), activity(w, n, None)),
            },
        };
        n += 1;
        let started = Instant::now();
        let outcome = client.post(format!("http://{addr}{path}")).form(&form).send().await;
        let took = started.elapsed();
        match outcome {
            Ok(response) if response.status().as_u16() == 303 => {
                let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("");
                if location.contains("saved=") {
                    latencies.push(took);
                    if path == "/activities/new" {
                        last_activity = location
                            .strip_prefix("/activities/")
                            .and_then(|l| l.split('?').next())
                            .map(str::to_owned);
                    }
                } else {
                    refused.push(format!("{path}: sent back to {location}"));
                }
            }
            Ok(response) => refused.push(format!("{path}: {}", response.status())),
            Err(error) => refused.push(format!("{path}: {error}")),
        }
    }
    (latencies, refused)
}

/// One reader until `deadline`, alternating the activity list and the dashboard.
async fn read(
    client: &reqwest::Client,
    addr: SocketAddr,
    r: usize,
    deadline: Instant,
) -> (Vec<Duration>, usize) {
    let (mut latencies, mut errors) = (Vec::new(), 0);
    let mut n = r;
    while Instant::now() < deadline {
        let path = if n.is_multiple_of(2) { "/activities" } else { "/dashboard" };
        n += 1;
        let started = Instant::now();
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
    let mut csv = String::from(
        "id,grant_id,category,description,description_fr,quantity,unit_cost,currency,supplier,serials,purchase_date,transaction_id,next_verification_on\r\n",
    );
    for i in 0..IMPORT_ROWS {
        csv.push_str(&format!(
            ",de_2017,other,Bench chair {i},Chaise {i},1,1.00,EUR,Bamako,,2018-06-01,,\r\n"
        ));
    }
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("bench.csv");
    let response = client
        .post(format!("http://{addr}/imports/equipment"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_owned();
    if !location.starts_with("/imports/") {
        return Err(format!("upload answered {} {location}", response.status()));
    }
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
