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

use aidtrail::config::Settings;
use aidtrail::db::{self, Db};
use app::domain::dashboard::DashboardFilter;

const COUNTRIES: [&str; 3] = ["BF", "ML", "NE"];
const KINDS: [&str; 4] = ["training", "workshop", "syllabus_development", "meeting"];
const BATCH: usize = 2_000;

fn arg(n: usize, default: usize) -> usize {
    std::env::args().filter(|a| !a.starts_with('-')).nth(n).and_then(|a| a.parse().ok()).unwrap_or(default)
}

/// Peak resident memory of this process, from `/proc/self/status`, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(0.0, |kib| kib / 1024.0)
}

async fn generate(db: &Db, activities: usize, transactions: usize) {
    let mut sql = String::from(
        "CREATE strategy:s CONTENT { code: 'S', title: 'Strategy', title_fr: 'Stratégie',
            period_start: d'2015-01-01T00:00:00Z', period_end: d'2020-12-31T00:00:00Z', countries: ['BF', 'ML', 'NE'] };
         CREATE pillar:p CONTENT { strategy: strategy:s, code: 'P', title: 'Pillar', title_fr: 'Axe' };",
    );
    for d in 0..10 {
        sql.push_str(&format!(
            "CREATE donor:d{d} CONTENT {{ name: 'Donor {d}', name_fr: 'Bailleur {d}', country: 'DE', iati_ref: 'XX-{d}',
                org_type: 10, currency: 'EUR' }};"
        ));
        for g in 0..3 {
            sql.push_str(&format!(
                "CREATE donor_grant:g{d}_{g} CONTENT {{ donor: donor:d{d}, reference: 'G-{d}-{g}', title: 'Grant', title_fr: 'Subvention',
                    amount_minor: 100000000000, currency: 'EUR', signed_on: d'2015-01-01T00:00:00Z',
                    start_on: d'2015-01-01T00:00:00Z', end_on: d'2020-12-31T00:00:00Z', status: 'active' }};"
            ));
        }
    }
    db.query(sql).await.expect("reference data").check().expect("reference data");

    let started = Instant::now();
    for chunk in (0..activities).collect::<Vec<_>>().chunks(BATCH) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let (d, g) = (i % 10, (i / 10) % 3);
                let year = 2015 + (i % 6);
                let month = 1 + (i % 12);
                format!(
                    "{{ id: activity:a{i}, code: 'A{i}', title: 'Activity {i}', title_fr: 'Activité {i}', kind: '{kind}',
                       status: 4, planned_start: d'{year}-{month:02}-01T00:00:00Z', planned_end: d'{year}-{month:02}-03T00:00:00Z',
                       country: '{country}', city: 'City', venue: '', institutes: {institutes}, theme: 'both', pillar: pillar:p,
                       funding: [{{ donor_grant: donor_grant:g{d}_{g}, amount_minor: 100000, currency: 'EUR' }}],
                       participants: {{ police: {{ total: {p}, women: {w} }}, gendarmerie: {{ total: 3, women: 1 }},
                                        justice: {{ total: 0, women: 0 }}, other: {{ total: 0, women: 0 }} }},
                       participant_profile: '', participant_profile_fr: '', instructors: [], narrative: '', narrative_fr: '' }}",
                    kind = KINDS[i % 4],
                    country = COUNTRIES[i % 3],
                    institutes = institutes(*i),
                    p = 10 + i % 7,
                    w = i % 5,
                )
            })
            .collect();
        db.query(format!("INSERT INTO activity [{}] RETURN NONE;", rows.join(",")))
            .await
            .expect("activities")
            .check()
            .expect("activities");
    }
    println!("  {activities} activities in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    for chunk in (0..transactions).collect::<Vec<_>>().chunks(BATCH) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let (d, g) = (i % 10, (i / 10) % 3);
                let year = 2015 + (i % 6);
                let month = 1 + (i % 12);
                let activity = i % activities.max(1);
                format!(
                    "{{ donor_grant: donor_grant:g{d}_{g}, kind: {kind}, value_date: d'{year}-{month:02}-15T00:00:00Z',
                       amount_minor: 1000, currency: 'EUR', rate_to_grant: 1dec, rate_to_eur: 1dec,
                       amount_grant_minor: 1000, amount_eur_minor: 1000, activity: activity:a{activity},
                       provider: 'P', receiver: 'R', description: 'T' }}",
                    kind = 1 + i % 4,
                )
            })
            .collect();
        db.query(format!("INSERT INTO transaction [{}] RETURN NONE;", rows.join(",")))
            .await
            .expect("transactions")
            .check()
            .expect("transactions");
    }
    println!("  {transactions} transactions in {:.1} s", started.elapsed().as_secs_f64());
}

/// One or two of the ten institutes of the activity's country.
fn institutes(i: usize) -> String {
    let country = i % 3;
    let first = country * 10 + (i / 3) % 10;
    if i.is_multiple_of(2) {
        format!("[institute:i{first}]")
    } else {
        format!("[institute:i{first}, institute:i{}]", country * 10 + (i / 3 + 1) % 10)
    }
}

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
    let temp = tempfile::tempdir().expect("temp dir");
    let kept = std::env::var_os("AIDTRAIL_BENCH_DB").map(std::path::PathBuf::from);
    let folder = kept.clone().unwrap_or_else(|| temp.path().to_owned());
    // The size a kept database was generated with; another size starts afresh.
    let size = format!("{activities} {transactions}");
    let marker = folder.join("generated");
    let reuse = kept.is_some() && std::fs::read_to_string(&marker).is_ok_and(|s| s == size);
    if kept.is_some() && !reuse {
        let _ = std::fs::remove_dir_all(folder.join("db"));
        let _ = std::fs::remove_file(&marker);
        std::fs::create_dir_all(&folder).expect("bench folder");
    }
    let url = format!("surrealkv://{}", folder.join("db").display());
    let settings = Settings::from_lookup(|name| match name {
        "AIDTRAIL_DB" => Some(url.clone()),
        "AIDTRAIL_DEMO" => Some("false".into()),
        _ => None,
    })
    .expect("settings");
    let (db, _) = db::connect(&settings).await.expect("database");
    db::migrations::apply(&db).await.expect("migrations");
    if reuse {
        println!(
            "reusing the database of {activities} activities and {transactions} transactions in {}",
            folder.display()
        );
    } else {
        println!("generating {activities} activities and {transactions} transactions across 10 donors…");
        generate(&db, activities, transactions).await;
        if kept.is_some() {
            std::fs::write(&marker, &size).expect("bench marker");
        }
        // A programme grows by a few rows a day, not by a million at once: let the storage
        // engine finish compacting the bulk load before measuring, as it would have in use.
        let settle =
            std::env::var("AIDTRAIL_BENCH_SETTLE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
        println!("  letting the storage settle for {settle} s…");
        tokio::time::sleep(Duration::from_secs(settle)).await;
    }
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
