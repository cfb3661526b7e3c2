// Shared by the two bench binaries; each uses a part of it.
#![allow(dead_code)]

//! The synthetic programme the benchmarks measure: 10 donors, 30 grants, and the given number
//! of activities and transactions, generated into an on-disk database, or reused from
//! `AIDTRAIL_BENCH_DB=<folder>` when it was generated there at the same size (generating the
//! full size takes a quarter of an hour).

use std::time::{Duration, Instant};

use aidtrail::config::Settings;
use aidtrail::db::{self, Db};

pub const COUNTRIES: [&str; 3] = ["BF", "ML", "NE"];
const KINDS: [&str; 4] = ["training", "workshop", "syllabus_development", "meeting"];
const BATCH: usize = 2_000;

/// The `n`th argument after `--`, or `default`.
pub fn arg(n: usize, default: usize) -> usize {
    std::env::args().filter(|a| !a.starts_with('-')).nth(n).and_then(|a| a.parse().ok()).unwrap_or(default)
}

/// A line of `/proc/self/status` (`VmHWM` peak or `VmRSS` current resident memory), in MiB.
pub fn memory_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Peak resident memory of this process, in MiB.
pub fn peak_rss_mib() -> f64 {
    memory_mib("VmHWM:")
}

/// The database of the programme: kept in its folder when one is given.
pub struct Programme {
    pub db: Db,
    /// The folder holding the database (`<folder>/db`), a temporary one unless kept.
    pub folder: std::path::PathBuf,
    pub temp: tempfile::TempDir,
}

/// Opens (or generates) a programme of `activities` and `transactions`.
pub async fn open(activities: usize, transactions: usize) -> Programme {
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
    Programme { db, folder, temp }
}

/// Inserts `n` rows into `table`, `BATCH` per statement, each written by `row`. Each statement
/// returns the ids it stored: a batch that stored fewer rows than it was given is reported, and
/// one that stored none is sent again (the full-size bench once lost a batch of 2,000 rows
/// without an error).
async fn insert(db: &Db, table: &str, n: usize, row: impl Fn(usize) -> String) {
    let started = Instant::now();
    for first in (0..n).step_by(BATCH) {
        let rows: Vec<String> = (first..(first + BATCH).min(n)).map(&row).collect();
        let sql = format!("INSERT INTO {table} [{}] RETURN VALUE id;", rows.join(","));
        for attempt in 1..=2 {
            let stored: Vec<surrealdb::types::RecordId> =
                db.query(sql.as_str()).await.expect(table).check().expect(table).take(0).expect(table);
            if stored.len() != rows.len() {
                println!(
                    "  {table}: the INSERT of rows {first}..{} stored {} of {} (attempt {attempt})",
                    first + rows.len(),
                    stored.len(),
                    rows.len()
                );
            }
            if !stored.is_empty() {
                break;
            }
        }
    }
    println!("  {n} rows of {table} in {:.1} s", started.elapsed().as_secs_f64());
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

    insert(db, "activity", activities, |i| {
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
                    institutes = institutes(i),
                    p = 10 + i % 7,
                    w = i % 5,
                )
    })
    .await;

    insert(db, "transaction", transactions, |i| {
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
    .await;
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
