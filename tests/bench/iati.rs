//! The IATI activities file of a large programme, through the real path (a benchmark, not a
//! test):
//!
//! ```text
//! cargo build --release -p aidtrail --bin aidtrail
//! AIDTRAIL_BENCH_DB=<folder> cargo bench -p aidtrail-tests --bench iati -- [activities] [transactions] [--validate]
//! ```
//!
//! It generates the bench programme (default 100,000 activities and 1,000,000 transactions of
//! 10 donors; reused from `AIDTRAIL_BENCH_DB` when generated there), closes it, starts the
//! release server on it, signs in as its admin and downloads over HTTP, one after the other:
//! the whole `activities.xml`, one donor's (a tenth), four donors' at once, and
//! `organisation.xml`. For each it reports the bytes, the activities, the time to the first
//! byte and to the last, the server's resident memory at most during the download against
//! before it, and the panics its log gained. With `--validate`, the whole file is also written
//! to the folder and checked with `xmllint --stream --schema` against the official schema.

mod programme;

use std::time::{Duration, Instant};

use aidtrail_tests::{ServerProcess, data_env, manifest_dir, server_binary, sign_in_at, start_server};
use programme::arg;

const ADMIN: &str = "admin@aidtrail.local";
const PASSWORD: &str = "bench-password-not-a-secret";

/// What one download gave.
struct Downloaded {
    bytes: u64,
    activities: u64,
    first_byte: Duration,
    total: Duration,
}

/// Downloads `path`, counting bytes and `<iati-activity ` elements, optionally writing it to
/// `keep`.
async fn download(client: &reqwest::Client, url: &str, keep: Option<&std::path::Path>) -> Downloaded {
    use std::io::Write;
    let started = Instant::now();
    let mut response = client.get(url).send().await.expect("request");
    assert_eq!(response.status(), 200, "{url}");
    let first_byte = started.elapsed();
    let mut file = keep.map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("file")));
    let (mut bytes, mut activities) = (0_u64, 0_u64);
    let needle = b"<iati-activity ";
    // The end of the last chunk, for an element cut between two chunks.
    let mut carry: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        bytes += chunk.len() as u64;
        if let Some(file) = file.as_mut() {
            file.write_all(&chunk).expect("write");
        }
        carry.extend_from_slice(&chunk);
        activities += carry.windows(needle.len()).filter(|w| *w == needle).count() as u64;
        let keep_from = carry.len().saturating_sub(needle.len() - 1);
        carry.drain(..keep_from);
    }
    if let Some(mut file) = file {
        file.flush().expect("flush");
    }
    Downloaded { bytes, activities, first_byte, total: started.elapsed() }
}

/// The server's resident memory now, in MiB.
fn server_rss(server: &ServerProcess) -> f64 {
    std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Runs `work` while sampling the server's memory every 50 ms; returns its result and the most
/// memory seen.
async fn sampling<T>(server: &ServerProcess, work: impl std::future::Future<Output = T>) -> (T, f64) {
    let pid = server.child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut highest = 0.0_f64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
                    .ok()
                    .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
                    .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
                    .map_or(0.0, |kib| kib / 1024.0);
                highest = highest.max(rss);
                std::thread::sleep(Duration::from_millis(50));
            }
            highest
        })
    };
    let result = work.await;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    (result, sampler.join().expect("sampler"))
}

fn panics(server: &ServerProcess) -> usize {
    server.log_text().lines().filter(|l| l.contains("panicked")).count()
}

#[tokio::main]
async fn main() {
    let (activities, transactions) = (arg(1, 100_000), arg(2, 1_000_000));
    let validate = std::env::args().any(|a| a == "--validate");
    let programme = programme::open(activities, transactions).await;
    let programme::Programme { db, folder, temp: _temp } = programme;
    drop(db);
    assert!(
        aidtrail::db::wait_closed(&folder.join("db"), Duration::from_secs(120)).await,
        "the generated database did not close"
    );
    let log = folder.join("server.log");
    let env = data_env(
        &folder,
        &[
            ("AIDTRAIL_DEMO", "false"),
            ("AIDTRAIL_ADMIN_PASSWORD", PASSWORD),
            ("AIDTRAIL_LOG", "warn"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    let server = start_server(&env, &[], &log);
    let client = sign_in_at(server.addr, ADMIN, PASSWORD).await;
    println!(
        "aidtrail {} on {}, {activities} activities, {transactions} transactions, 10 donors of 3 grants each",
        server_binary().display(),
        server.addr
    );
    let base = format!("http://{}/exports/iati", server.addr);
    println!(
        "\n| file | bytes | activities | first byte s | total s | MB/s | server memory before → at most MiB | panics |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let row = |name: &str, d: &Downloaded, before: f64, highest: f64, panics: usize| {
        println!(
            "| {name} | {} | {} | {:.2} | {:.1} | {:.1} | {before:.0} → {highest:.0} | {panics} |",
            d.bytes,
            d.activities,
            d.first_byte.as_secs_f64(),
            d.total.as_secs_f64(),
            d.bytes as f64 / 1e6 / d.total.as_secs_f64(),
        )
    };
    let whole = folder.join("activities.xml");
    let keep = validate.then_some(whole.as_path());

    let before = server_rss(&server);
    let (all, highest) = sampling(&server, download(&client, &format!("{base}/activities.xml"), keep)).await;
    row("activities.xml, everything", &all, before, highest, panics(&server));
    // The strategy's programme, 10 donors of 3 grants each, and every activity.
    assert_eq!(all.activities, (1 + 30 + activities) as u64, "the programme, every grant and activity, once");

    let before = server_rss(&server);
    let (one, highest) =
        sampling(&server, download(&client, &format!("{base}/activities.xml?donor=d0"), None)).await;
    row("activities.xml, one donor", &one, before, highest, panics(&server));
    assert_eq!(one.activities, (activities / 10 + 3) as u64);

    let before = server_rss(&server);
    let started = Instant::now();
    let four = (0..4).map(|d| {
        let (client, url) = (&client, format!("{base}/activities.xml?donor=d{d}"));
        async move { download(client, &url, None).await }
    });
    let (four, highest) = sampling(&server, futures::future::join_all(four)).await;
    let bytes: u64 = four.iter().map(|d| d.bytes).sum();
    println!(
        "| activities.xml, four donors at once | {bytes} | {} | {:.2} (slowest) | {:.1} (all) | {:.1} | {before:.0} → {highest:.0} | {} |",
        four.iter().map(|d| d.activities).sum::<u64>(),
        four.iter().map(|d| d.first_byte).max().unwrap_or_default().as_secs_f64(),
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e6 / started.elapsed().as_secs_f64(),
        panics(&server),
    );

    let before = server_rss(&server);
    let (organisation, highest) =
        sampling(&server, download(&client, &format!("{base}/organisation.xml"), None)).await;
    row("organisation.xml", &organisation, before, highest, panics(&server));

    if validate {
        let schema = manifest_dir().join("fixtures/iati/2.03/iati-activities-schema.xsd");
        let started = Instant::now();
        let output = std::process::Command::new("xmllint")
            .args(["--stream", "--noout", "--schema"])
            .arg(&schema)
            .arg(&whole)
            .output()
            .expect("xmllint");
        let said = String::from_utf8_lossy(&output.stderr);
        println!(
            "\nxmllint --stream --schema on the whole file ({:.1} s): {}",
            started.elapsed().as_secs_f64(),
            said.lines().last().unwrap_or_default()
        );
        assert!(output.status.success(), "{said}");
        let _ = std::fs::remove_file(&whole);
    }
    let panicked = panics(&server);
    assert_eq!(panicked, 0, "panics in the server's log:\n{}", server.log_text());
}
