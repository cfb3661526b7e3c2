//! Dashboard latency on a large synthetic programme (a benchmark, not a test: run it with
//! `cargo bench -p aidtrail-tests --bench dashboard -- [activities] [transactions]`).
//!
//! It builds a fresh on-disk database in a temporary folder with 10 donors, 30 grants, the
//! given number of activities (default 100,000) and transactions (default 1,000,000), then asks
//! for dashboards (each donor, with and without year and country filters, and the whole
//! programme), each with the choices of its filters as the page asks for them, and reports p50
//! and p99 latency and the process's peak resident memory. The summary records (migration
//! 0008) are kept up to date by the database while the rows are generated, as in use.
//!
//! Generating the full size takes a quarter of an hour. With `AIDTRAIL_BENCH_DB=<folder>` the
//! database is kept in that folder and reused by the next run asking for the same size, so
//! that a change to the reads can be measured in seconds.

use std::time::{Duration, Instant};

mod programme;

use aidtrail::db::{self, Db};
use app::domain::dashboard::DashboardFilter;
use programme::{COUNTRIES, arg, peak_rss_mib};

/// The time of each read of the whole-programme dashboard on its own (median of five), to see
/// which of them grows with the data.
async fn profile(db: &Db) {
    let reads = [
        ("grants", "SELECT id FROM donor_grant WHERE archived = false;"),
        ("money summary, scanned", "SELECT grant, kind, year FROM transaction_summary;"),
        (
            "money summary, by key",
            "SELECT grant, kind, year FROM (SELECT VALUE type::record('transaction_summary', record::id(id)) FROM money_key);",
        ),
        (
            "activity summary, by key",
            "SELECT grants, country, year FROM (SELECT VALUE type::record('activity_summary', record::id(id)) FROM activity_key);",
        ),
        (
            "institutes reached, by key",
            "RETURN array::len(array::distinct((SELECT VALUE institute FROM (SELECT VALUE type::record('activity_reach', record::id(id)) FROM reach_key) WHERE n > 0)));",
        ),
        ("handovers", "SELECT id FROM handover WHERE archived = false;"),
        (
            "recent, all, as a range",
            "SELECT VALUE activity FROM activity_recent:['all', -9999999999]..['all', 9999999999] LIMIT 100;",
        ),
        (
            "recent, all",
            "SELECT VALUE activity FROM type::record('activity_recent', ['all', -9999999999]..['all', 9999999999]) LIMIT 100;",
        ),
        (
            "recent, one grant",
            "SELECT VALUE activity FROM type::record('activity_recent', [donor_grant:g0_0, -9999999999]..[donor_grant:g0_0, 9999999999]) LIMIT 100;",
        ),
        (
            "100 activities",
            "SELECT id, code, title FROM (SELECT VALUE activity FROM type::record('activity_recent', ['all', -9999999999]..['all', 9999999999]) LIMIT 100);",
        ),
        ("donors", "SELECT id, name FROM donor WHERE archived = false;"),
    ];
    println!("  each read of the whole-programme dashboard (median of 5):");
    for (name, sql) in reads {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let mut response = db.query(sql).await.expect(name);
            times.push(started.elapsed());
            let value: surrealdb::types::Value = response.take(0).expect(name);
            rows = match value {
                surrealdb::types::Value::Array(a) => a.len(),
                _ => 1,
            };
        }
        times.sort();
        println!("    {name}: {:.1} ms ({rows} rows)", times[2].as_secs_f64() * 1000.0);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let (activities, transactions) = (arg(1, 100_000), arg(2, 1_000_000));
    let programme = programme::open(activities, transactions).await;
    let db = programme.db.clone();
    profile(&db).await;

    let mut filters = Vec::new();
    for d in 0..10 {
        let donor = Some(format!("d{d}"));
        filters.push(DashboardFilter { donor: donor.clone(), ..Default::default() });
        filters.push(DashboardFilter {
            donor: donor.clone(),
            from_year: Some(2018),
            to_year: Some(2018),
            ..Default::default()
        });
        filters.push(DashboardFilter { donor, country: Some(COUNTRIES[d % 3].into()), ..Default::default() });
    }
    filters.push(DashboardFilter::default());
    // One warm-up pass, then three measured passes.
    for filter in &filters {
        db::dashboard::dashboard(&db, filter).await.expect("dashboard");
    }
    let mut times = Vec::new();
    let mut by_view: Vec<(&str, Vec<Duration>)> =
        ["donor", "donor, one year", "donor, one country", "whole programme"].map(|v| (v, Vec::new())).into();
    for _ in 0..3 {
        for (i, filter) in filters.iter().enumerate() {
            let started = Instant::now();
            // What the page asks for: the figures and the filters' choices.
            let dashboard = db::dashboard::dashboard(&db, filter).await.expect("dashboard");
            let options = db::dashboard::options(&db, filter.donor.as_deref(), filter.donor.is_none())
                .await
                .expect("options");
            let elapsed = started.elapsed();
            times.push(elapsed);
            by_view[if filter.donor.is_none() { 3 } else { i % 3 }].1.push(elapsed);
            std::hint::black_box((dashboard, options));
        }
    }
    for (view, mut times) in by_view {
        times.sort();
        println!(
            "  {view}: p50 {:.0} ms, max {:.0} ms",
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            times.last().map_or(0.0, |t| t.as_secs_f64() * 1000.0)
        );
    }
    times.sort();
    println!(
        "dashboard latency over {} requests: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; peak RSS {:.0} MiB",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1000.0),
        peak_rss_mib(),
    );
}
