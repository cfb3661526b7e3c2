//! CSV export throughput and memory on a large synthetic programme (a benchmark, not a test:
//! `cargo bench -p aidtrail-tests --bench exports -- [activities] [transactions]`, with
//! `AIDTRAIL_BENCH_DB=<folder>` to reuse the database the dashboard bench generated).
//!
//! It writes, through the server's own export code and into a sink that only counts and hashes
//! the bytes, the activities of one donor (a tenth of them), all activities and all
//! transactions, and reports rows per second and the resident memory during each export
//! against the memory before the first one.

mod programme;

use std::time::Instant;

use aidtrail::http::exports::CsvExport;
use app::domain::Scope;
use app::domain::exports::{ExportFilter, ExportKind};
use programme::{arg, memory_mib};

#[tokio::main]
async fn main() {
    let (activities, transactions) = (arg(1, 100_000), arg(2, 1_000_000));
    let programme = programme::open(activities, transactions).await;
    let db = &programme.db;
    let count = |table: &'static str| async move {
        let n: Option<i64> = db
            .query(format!("RETURN count(SELECT VALUE id FROM {table});"))
            .await
            .expect("count")
            .take(0)
            .expect("count");
        n.unwrap_or(0) as u64
    };
    let (activity_rows, transaction_rows) = (count("activity").await, count("transaction").await);
    let cold = memory_mib("VmRSS:");
    // The database's share: the same reads without writing CSV. Reading both tables once also
    // fills the storage engine's block cache (its own bound: half the machine's memory less
    // 1 GiB), which would otherwise show as growth of the first export's memory.
    let started = Instant::now();
    let mut read = 0;
    for kind in [ExportKind::Activities, ExportKind::Transactions] {
        let mut reader = aidtrail::db::exports::Reader::open(db, kind, &ExportFilter::default(), &Scope::All)
            .await
            .expect("reader");
        while let Some(rows) = reader.next().await.expect("batch") {
            read += rows.len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "  reading activities and transactions without writing CSV: {read} rows in {seconds:.2} s = {:.0} rows/s",
        read as f64 / seconds
    );
    let before = memory_mib("VmRSS:");
    println!(
        "resident memory: {cold:.0} MiB before reading, {before:.0} MiB after (the storage engine's cache)"
    );
    let one_donor = ExportFilter { donor: Some("d0".into()), ..Default::default() };
    let runs = [
        ("activities of one donor", ExportKind::Activities, one_donor, activity_rows / 10),
        ("all activities", ExportKind::Activities, ExportFilter::default(), activity_rows),
        ("all transactions", ExportKind::Transactions, ExportFilter::default(), transaction_rows),
    ];
    for (name, kind, filter, expected) in runs {
        let started = Instant::now();
        let mut export = CsvExport::open(db, kind, &filter, &Scope::All).await.expect("export");
        let (mut bytes, mut highest) = (0_usize, 0.0_f64);
        while let Some(chunk) = export.next_chunk().await.expect("chunk") {
            bytes += chunk.len();
            std::hint::black_box(&chunk);
            highest = highest.max(memory_mib("VmRSS:"));
        }
        let seconds = started.elapsed().as_secs_f64();
        let rows = export.rows();
        assert_eq!(rows, expected, "{name}: every row, once");
        println!(
            "  {name}: {rows} rows, {:.1} MB in {seconds:.2} s = {:.0} rows/s; resident memory at most {highest:.0} MiB ({:+.0} MiB)",
            bytes as f64 / 1e6,
            rows as f64 / seconds,
            highest - before,
        );
    }
}
