//! `kill -9` in the middle of saves, then count what survived (issue 18; a benchmark binary, not
//! a test: the suite runs a few cycles in `tests/api/crash.rs`).
//!
//! ```text
//! cargo build --release -p aidtrail --bin aidtrail
//! cargo bench -p aidtrail-tests --bench crash -- [CYCLES] [LONGEST_RUN_MS]
//! AIDTRAIL_BENCH_WRITERS=8 AIDTRAIL_BENCH_IMPORT_ROWS=2000 AIDTRAIL_BENCH_DB_PARAMS=key=value …
//! AIDTRAIL_BENCH_ENGINE=rocksdb (with --features aidtrail/rocksdb) …
//! ```
//!
//! Runs `CYCLES` (default 100) cycles of the harness in `aidtrail_tests::crash` on one data
//! folder, with 8 writers and an importer of 2,000 rows per transaction, and prints one line:
//! acknowledged, lost, duplicated, refused but saved, the chain, cycles. Exits with 1 unless
//! nothing acknowledged was lost, nothing was saved twice, nothing refused was saved and the chain
//! verifies.

use std::time::{Duration, Instant};

use aidtrail_tests::crash::{CrashOptions, run};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let cycles = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let longest_ms = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3_000);
    let number =
        |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let dir = tempfile::tempdir().expect("temp dir");
    // `AIDTRAIL_BENCH_ENGINE=rocksdb` measures RocksDB instead (a build with
    // `--features aidtrail/rocksdb`, server and bench alike).
    let mut env = Vec::new();
    if let Ok(engine) = std::env::var("AIDTRAIL_BENCH_ENGINE") {
        env.push(("AIDTRAIL_DB", format!("{engine}://{}", dir.path().join("db").display())));
    }
    let options = CrashOptions {
        cycles,
        writers: number("AIDTRAIL_BENCH_WRITERS", 8),
        import_rows: number("AIDTRAIL_BENCH_IMPORT_ROWS", 2_000),
        longest_run: Duration::from_millis(longest_ms),
        env,
        db_params: std::env::var("AIDTRAIL_BENCH_DB_PARAMS").ok(),
        // With a small memtable set, every kill comes after a rotation of its cycle.
        after_rotation: std::env::var("AIDTRAIL_BENCH_DB_PARAMS")
            .is_ok_and(|p| p.contains("max_memtable_size")),
    };
    println!(
        "{} writers, imports of {} rows, kill within {longest_ms} ms, engine parameters {:?}",
        options.writers, options.import_rows, options.db_params
    );
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let started = Instant::now();
    let report = runtime.block_on(run(dir.path(), &options));
    println!("{} ({:.0} s)", report.line(), started.elapsed().as_secs_f64());
    for what in report.lost.iter().chain(&report.duplicated).chain(&report.refused_but_saved).take(20) {
        println!("  {what}");
    }
    if !report.passed() {
        std::process::exit(1);
    }
}
