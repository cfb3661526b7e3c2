//! The field: what a reader in Bamako, Ouagadougou or Niamey waits for on a 256 kbit/s link
//! (a benchmark, not a test).
//!
//! ```text
//! cargo leptos build --release --precompress     (scripts/run.sh does; with scripts/setup.sh's environment)
//! cargo bench -p aidtrail-tests --bench field
//! ```
//!
//! It starts the release server on a fresh database with the demo data and, for four pages (the
//! sign-in page; a manager's activity list; the Netherlands donor's dashboard; the judicial
//! institute's handover, with its confirmation form), opens a fresh headless Chromium, signs
//! in at full speed, empties the cache and slows the link with DevTools' network emulation:
//! 256 kbit/s down, 128 kbit/s up, 300 ms latency. It then opens the page with the cache empty
//! ("cold") and once more ("warm"), and prints for each:
//! - the bytes transferred, in all and of the bundle (WASM, JS, CSS);
//! - usable: the page is drawn and its form can be submitted (no JavaScript needed): the later
//!   of `DOMContentLoaded` and the first contentful paint (which waits for the stylesheet);
//! - hydrated: the islands have taken over (`data-hydrated-at`, written by the bundle).
//!
//! All times are from the start of the navigation. It exits with 1 when a target is missed:
//! usable ≤ 3 s cold; hydrated ≤ 8 s cold and ≤ 1.5 s warm; no byte of the bundle on a warm
//! visit.

use std::time::{Duration, Instant};

use aidtrail_tests::browser::{Driver, browser, sign_in, wait_for};
use aidtrail_tests::{
    DONOR_NL, INSTITUTE_ML_INFJ, MANAGER, data_env, printed_password, server_binary, site_root, start_server,
};
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;

/// 256 kbit/s and 128 kbit/s in bytes per second, and the round trip's latency in ms.
const DOWN: f64 = 256_000.0 / 8.0;
const UP: f64 = 128_000.0 / 8.0;
const LATENCY_MS: f64 = 300.0;

/// One page to open: its name, who opens it, its address, and what makes it usable.
struct Page {
    name: &'static str,
    account: Option<&'static str>,
    path: &'static str,
    form: &'static str,
}

const PAGES: [Page; 4] = [
    Page { name: "sign-in", account: None, path: "/login", form: "form.form button[type=submit]" },
    Page {
        name: "activity list (manager)",
        account: Some(MANAGER),
        path: "/activities",
        form: "[data-testid=apply-filters]",
    },
    Page { name: "dashboard (donor NL)", account: Some(DONOR_NL), path: "/dashboard", form: "form" },
    Page {
        name: "handover confirmation (institute)",
        account: Some(INSTITUTE_ML_INFJ),
        path: "/handovers/ml_infj_2018",
        form: "[data-testid=confirm]",
    },
];

/// What one visit cost and waited for.
#[derive(Debug, serde::Deserialize)]
struct Visit {
    total: u64,
    html: u64,
    bundle: u64,
    bundle_requests: u64,
    usable: f64,
    hydrated: f64,
    form: bool,
}

/// A DevTools command through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp {
    method: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(client: &Client, method: &'static str, params: serde_json::Value) {
    client.issue_cmd(Cdp { method, params }).await.unwrap_or_else(|e| panic!("{method}: {e}"));
}

fn main() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let rows = runtime.block_on(run());
    let missed = verdict(&rows);
    if !missed.is_empty() {
        println!("\ntargets missed:\n  {}", missed.join("\n  "));
        std::process::exit(1);
    }
    println!(
        "\nevery target met: usable ≤ 3 s and hydrated ≤ 8 s cold, hydrated ≤ 1.5 s and no bundle bytes warm"
    );
}

async fn run() -> Vec<(&'static str, Visit, Visit)> {
    assert!(
        site_root().join("hash.txt").exists(),
        "no release site in {}: run `cargo leptos build --release --precompress` with scripts/setup.sh's environment",
        site_root().display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let env = data_env(dir.path(), &[("AIDTRAIL_LOG", "warn")]);
    let server = start_server(&env, &[], &dir.path().join("server.log"));
    let base = format!("http://{}", server.addr);
    println!(
        "aidtrail {} on {base}, demo data; Chromium with DevTools network emulation: {} kbit/s down, {} kbit/s up, {} ms latency\n",
        server_binary().display(),
        DOWN * 8.0 / 1000.0,
        UP * 8.0 / 1000.0,
        LATENCY_MS
    );
    println!("| page | visit | transferred | of which bundle (requests) | HTML | usable s | hydrated s |");
    println!("|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for page in &PAGES {
        let password = page.account.map(|a| printed_password(&server.log_text(), a));
        let (cold, warm) = visit_twice(&base, page, password.as_deref()).await;
        for (label, visit) in [("cold", &cold), ("warm", &warm)] {
            println!(
                "| {} | {label} | {:.1} KB | {:.1} KB ({}) | {:.1} KB | {:.2} | {:.2} |",
                page.name,
                visit.total as f64 / 1000.0,
                visit.bundle as f64 / 1000.0,
                visit.bundle_requests,
                visit.html as f64 / 1000.0,
                visit.usable / 1000.0,
                visit.hydrated / 1000.0,
            );
        }
        rows.push((page.name, cold, warm));
    }
    let log = server.log_text();
    let panics = log.matches("panicked").count();
    println!("\nserver log: {panics} panics");
    assert_eq!(panics, 0, "{log}");
    rows
}

/// Opens `page` in a fresh browser, cold then warm, on the slow link.
async fn visit_twice(base: &str, page: &Page, password: Option<&str>) -> (Visit, Visit) {
    let scratch = tempfile::tempdir().expect("scratch");
    let driver = Driver::start(&scratch.path().join("chromedriver.log"));
    let client = browser(&driver, &scratch.path().join("profile")).await;
    if let (Some(account), Some(password)) = (page.account, password) {
        sign_in(&client, base, account, password).await;
    }
    cdp(&client, "Network.enable", serde_json::json!({})).await;
    cdp(&client, "Network.clearBrowserCache", serde_json::json!({})).await;
    cdp(
        &client,
        "Network.emulateNetworkConditions",
        serde_json::json!({
            "offline": false,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN,
            "uploadThroughput": UP,
        }),
    )
    .await;
    let url = format!("{base}{}", page.path);
    let cold = visit(&client, &url, page.form).await;
    let warm = visit(&client, &url, page.form).await;
    let _ = client.close().await;
    drop(driver);
    (cold, warm)
}

async fn visit(client: &Client, url: &str, form: &str) -> Visit {
    let started = Instant::now();
    client.goto(url).await.expect("open the page");
    wait_for(client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    let script = format!(
        r#"const nav = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource');
        const bundle = resources.filter(r => r.name.includes('/pkg/'));
        const paint = performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint');
        return {{
            total: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
            html: nav.transferSize,
            bundle: bundle.reduce((sum, r) => sum + r.transferSize, 0),
            bundle_requests: bundle.filter(r => r.transferSize > 0).length,
            usable: Math.max(nav.domContentLoadedEventEnd, paint ? paint.startTime : 0),
            hydrated: Number(document.documentElement.dataset.hydratedAt),
            form: !!document.querySelector({form:?}),
        }};"#
    );
    let value = client.execute(&script, vec![]).await.expect("read the timings");
    let visit: Visit = serde_json::from_value(value).expect("timings");
    assert!(visit.form, "{url}: no {form} on the page");
    assert!(started.elapsed() < Duration::from_secs(120), "{url} took {:?}", started.elapsed());
    visit
}

fn verdict(rows: &[(&'static str, Visit, Visit)]) -> Vec<String> {
    let mut missed = Vec::new();
    for (name, cold, warm) in rows {
        if cold.usable > 3000.0 {
            missed.push(format!("{name}: usable after {:.2} s cold (target 3)", cold.usable / 1000.0));
        }
        if cold.hydrated > 8000.0 {
            missed.push(format!("{name}: hydrated after {:.2} s cold (target 8)", cold.hydrated / 1000.0));
        }
        if warm.hydrated > 1500.0 {
            missed.push(format!("{name}: hydrated after {:.2} s warm (target 1.5)", warm.hydrated / 1000.0));
        }
        if warm.bundle > 0 {
            missed.push(format!("{name}: {} bytes of the bundle on a warm visit (target 0)", warm.bundle));
        }
    }
    missed
}
