//! Many people at once, through the real path: the release server binary, over HTTP, with real
//! sessions (a benchmark, not a test).
//!
//! ```text
//! cargo build --release -p aidtrail -p aidtrail-tests --bin aidtrail
//! cargo bench -p aidtrail-tests --bench load -- [SECONDS_PER_CELL] [FILTER]
//! ```
//!
//! It starts `target/release/aidtrail` on a fresh on-disk database with the demo data, then for
//! each endpoint (anonymous `/login`; signed in `/activities`, `/dashboard`, `/handovers` and the
//! `get_overview` server function) and each level of 1, 4, 16 and 50 connections, with one
//! session shared by every connection and with a session per connection, keeps every
//! connection busy for the given seconds (default 5) and prints a row: requests per second, p50,
//! p99 and slowest latency, errors by kind (status, timeout, transport, an incomplete page) and
//! the panics the server's log gained meanwhile. `FILTER` keeps the cells whose endpoint
//! contains one of its comma-separated parts. The client runs on the same two cores as the
//! server, as `wrk` would. The server keeps the answers of costly reads until the data changes
//! (`AIDTRAIL_READ_CACHE_ENTRIES`, passed on from the bench's environment): with `=0`, every
//! request reaches the database, which is what a page costs right after a change.
//!
//! It exits with 1 when a target is missed: any panic, error or timeout; a signed-in page's
//! p99 over 50 ms at 16 connections or over 200 ms at 50.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use aidtrail_tests::{
    data_env, printed_password, server_binary, server_fn_path, start_server, workspace_root,
};

const LEVELS: [usize; 4] = [1, 4, 16, 50];
/// A request not answered by then counts as a timeout (the server's own deadline is 30 s).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
const MANAGER: &str = "manager@aidtrail.demo";

#[derive(Clone, Copy, PartialEq)]
enum Sessions {
    Anonymous,
    Shared,
    PerConnection,
}

impl Sessions {
    fn label(self) -> &'static str {
        match self {
            Sessions::Anonymous => "none",
            Sessions::Shared => "one shared",
            Sessions::PerConnection => "one each",
        }
    }
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: BTreeMap<String, usize>,
}

/// The row of one cell of the table.
struct Cell {
    path: String,
    sessions: Sessions,
    connections: usize,
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    errors: BTreeMap<String, usize>,
    panics: usize,
}

fn main() {
    let seconds: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(5);
    let filter: Option<String> =
        std::env::args().skip(1).find(|a| !a.starts_with('-') && a.parse::<u64>().is_err());
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let cells = runtime.block_on(run(Duration::from_secs(seconds), filter.as_deref()));
    let missed = verdict(&cells);
    if !missed.is_empty() {
        println!("\ntargets missed:\n  {}", missed.join("\n  "));
        std::process::exit(1);
    }
    println!(
        "\nevery target met: 0 panics, 0 errors, 0 timeouts; signed-in p99 within 50 ms at 16 and 200 ms at 50"
    );
}

async fn run(per_cell: Duration, filter: Option<&str>) -> Vec<Cell> {
    warn_if_stale(&server_binary());
    let dir = tempfile::tempdir().expect("temp dir");
    let log_path = dir.path().join("server.log");
    // `AIDTRAIL_READ_CACHE_ENTRIES=0 cargo bench …` measures every read reaching the database.
    let cache = std::env::var("AIDTRAIL_READ_CACHE_ENTRIES").unwrap_or_else(|_| "256".into());
    let env = data_env(
        dir.path(),
        &[
            ("AIDTRAIL_READ_CACHE_ENTRIES", &cache),
            // 50 sign-ins of one account from one address in a few seconds.
            ("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "1000"),
            ("AIDTRAIL_LOGIN_IP_LIMIT", "1000"),
            // A request per line in the log would be the bench's own bottleneck.
            ("AIDTRAIL_LOG", "warn"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    let mut server = start_server(&env, &[], &log_path);
    let addr = server.addr;
    let password = printed_password(&server.log_text(), MANAGER);
    println!(
        "aidtrail {} (release) on {addr}, demo data, {} s per cell, client on the same machine, \
         read cache of {cache} entries\n",
        server_binary().display(),
        per_cell.as_secs()
    );
    println!(
        "| endpoint | sessions | connections | requests | req/s | p50 ms | p99 ms | max ms | errors | panics |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");

    let overview = server_fn_path("get_overview");
    let endpoints: Vec<(String, Vec<Sessions>)> =
        std::iter::once(("/login".to_owned(), vec![Sessions::Anonymous]))
            .chain(
                ["/activities", "/dashboard", "/handovers", overview.as_str()]
                    .into_iter()
                    .map(|p| (p.to_owned(), vec![Sessions::Shared, Sessions::PerConnection])),
            )
            .filter(|(path, _)| filter.is_none_or(|f| f.split(',').any(|f| path.contains(f))))
            .collect();

    // The sessions, signed in once: one shared, and one for each of the most connections.
    let shared = sign_in(addr, &password).await;
    let mut own = Vec::new();
    for _ in 0..LEVELS[LEVELS.len() - 1] {
        own.push(sign_in(addr, &password).await);
    }

    let mut cells = Vec::new();
    for (path, modes) in &endpoints {
        for &sessions in modes {
            for &connections in &LEVELS {
                let cookies: Vec<Option<String>> = (0..connections)
                    .map(|i| match sessions {
                        Sessions::Anonymous => None,
                        Sessions::Shared => Some(shared.clone()),
                        Sessions::PerConnection => Some(own[i].clone()),
                    })
                    .collect();
                // A moment of the same load first, so that connections are open and caches warm.
                drive(addr, path, &cookies, Duration::from_millis(500)).await;
                let panics_before = panics(&server.log_text());
                let started = Instant::now();
                let tallies = drive(addr, path, &cookies, per_cell).await;
                let elapsed = started.elapsed();
                let cell = summarise(path, sessions, connections, tallies, elapsed, {
                    panics(&server.log_text()) - panics_before
                });
                print_row(&cell);
                cells.push(cell);
            }
        }
    }
    let health = reqwest::get(format!("http://{addr}/healthz")).await.map(|r| r.status().as_u16());
    println!("\n/healthz after the load: {health:?}");
    let code = server.terminate();
    let log = server.log_text();
    println!("server stopped with {code:?}; panics in its whole log: {}", panics(&log));
    for line in log.lines().filter(|l| l.contains("panicked")).take(5) {
        println!("  {line}");
    }
    cells
}

/// Signs the manager in and returns the session cookie (`name=value`).
async fn sign_in(addr: SocketAddr, password: &str) -> String {
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let response = client
        .post(format!("http://{addr}/login"))
        .form(&[("email", MANAGER), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("sign-in");
    assert_eq!(response.status().as_u16(), 303, "sign-in answered {}", response.status());
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("aidtrail_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// Keeps one keep-alive connection per cookie busy with `path` until `length` has passed.
async fn drive(addr: SocketAddr, path: &str, cookies: &[Option<String>], length: Duration) -> Vec<Tally> {
    let until = Instant::now() + length;
    let url = format!("http://{addr}{path}");
    let server_fn = path.starts_with("/api/");
    let tasks: Vec<_> = cookies
        .iter()
        .map(|cookie| {
            let mut headers = reqwest::header::HeaderMap::new();
            if let Some(cookie) = cookie {
                headers.insert("cookie", cookie.parse().expect("cookie header"));
            }
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .pool_max_idle_per_host(1)
                .timeout(CLIENT_TIMEOUT)
                .build()
                .expect("client");
            let url = url.clone();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                while Instant::now() < until {
                    let sent = Instant::now();
                    let request = if server_fn {
                        client.post(&url).form(&[] as &[(&str, &str)])
                    } else {
                        client.get(&url)
                    };
                    let outcome = match request.send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            match response.text().await {
                                Ok(_) if status != 200 => Err(format!("status {status}")),
                                Ok(body) if server_fn && !body.starts_with('{') => Err("not JSON".to_owned()),
                                Ok(body) if !server_fn && !body.contains("</html>") => {
                                    Err("incomplete page".to_owned())
                                }
                                Ok(_) => Ok(()),
                                Err(error) if error.is_timeout() => Err("timeout".to_owned()),
                                Err(_) => Err("body cut off".to_owned()),
                            }
                        }
                        Err(error) if error.is_timeout() => Err("timeout".to_owned()),
                        Err(error) if error.is_connect() => Err("connect".to_owned()),
                        Err(_) => Err("transport".to_owned()),
                    };
                    match outcome {
                        Ok(()) => tally.latencies.push(sent.elapsed()),
                        Err(kind) => *tally.errors.entry(kind).or_default() += 1,
                    }
                }
                tally
            })
        })
        .collect();
    let mut tallies = Vec::new();
    for task in tasks {
        tallies.push(task.await.expect("connection task"));
    }
    tallies
}

fn summarise(
    path: &str,
    sessions: Sessions,
    connections: usize,
    tallies: Vec<Tally>,
    elapsed: Duration,
    panics: usize,
) -> Cell {
    let mut latencies = Vec::new();
    let mut errors = BTreeMap::new();
    for tally in tallies {
        latencies.extend(tally.latencies);
        for (kind, n) in tally.errors {
            *errors.entry(kind).or_default() += n;
        }
    }
    latencies.sort();
    let at = |q: f64| -> Duration {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((latencies.len() as f64) * q).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1]
    };
    let requests = latencies.len() + errors.values().sum::<usize>();
    Cell {
        path: path.to_owned(),
        sessions,
        connections,
        requests,
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        max: latencies.last().copied().unwrap_or_default(),
        errors,
        panics,
    }
}

fn print_row(cell: &Cell) {
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let errors = if cell.errors.is_empty() {
        "0".to_owned()
    } else {
        cell.errors.iter().map(|(kind, n)| format!("{n} {kind}")).collect::<Vec<_>>().join(", ")
    };
    println!(
        "| `{}` | {} | {} | {} | {:.0} | {} | {} | {} | {} | {} |",
        cell.path,
        cell.sessions.label(),
        cell.connections,
        cell.requests,
        cell.per_second,
        ms(cell.p50),
        ms(cell.p99),
        ms(cell.max),
        errors,
        cell.panics
    );
}

/// The targets of the issue "Serving many people at once", and which cells miss them.
fn verdict(cells: &[Cell]) -> Vec<String> {
    let mut missed = Vec::new();
    for cell in cells {
        let name =
            format!("{} ({} sessions, {} connections)", cell.path, cell.sessions.label(), cell.connections);
        if cell.panics > 0 {
            missed.push(format!("{name}: {} panics", cell.panics));
        }
        if !cell.errors.is_empty() {
            missed.push(format!("{name}: errors {:?}", cell.errors));
        }
        let limit = match cell.connections {
            16 => Some(Duration::from_millis(50)),
            50 => Some(Duration::from_millis(200)),
            _ => None,
        };
        if let Some(limit) = limit
            && cell.sessions != Sessions::Anonymous
            && cell.p99 > limit
        {
            missed.push(format!("{name}: p99 {:?} over {limit:?}", cell.p99));
        }
    }
    missed
}

/// The lines of a server log that report a panic.
fn panics(log: &str) -> usize {
    log.lines().filter(|l| l.contains("panicked")).count()
}

/// Warns when the server binary is older than the code it is built from.
fn warn_if_stale(binary: &Path) {
    let built = std::fs::metadata(binary).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
    let root = workspace_root();
    let newest = ["app/src", "server/src"]
        .iter()
        .filter_map(|dir| newest_in(&root.join(dir)))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    if newest > built {
        println!(
            "warning: {} is older than the sources; build it first: cargo build --release -p aidtrail -p aidtrail-tests --bin aidtrail\n",
            binary.display()
        );
    }
}

fn newest_in(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time =
            if path.is_dir() { newest_in(&path) } else { entry.metadata().and_then(|m| m.modified()).ok() };
        newest = newest.max(time);
    }
    newest
}
