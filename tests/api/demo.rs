//! Migrations and demo data: applied once, with exactly the records of the seed article.

use aidtrail::db::demo::{DemoOutcome, load_if_empty};
use aidtrail::db::migrations::{MIGRATIONS, apply};
use aidtrail_tests::{AppOptions, count, spawn_app, spawn_app_with};

const TABLES: [(&str, u64); 11] = [
    ("strategy", 1),
    ("pillar", 4),
    ("indicator", 4),
    ("donor", 2),
    ("donor_grant", 2),
    ("transaction", 9),
    ("institute", 7),
    ("activity", 5),
    ("equipment", 2),
    ("handover", 3),
    ("user", 12),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_is_loaded_exactly_once_with_the_article_counts() {
    let app = spawn_app().await;
    for (table, expected) in TABLES {
        assert_eq!(count(&app.db, table).await, expected, "records in {table}");
    }
    // Applying again changes nothing: no migration re-runs, the demo is not loaded twice.
    assert_eq!(apply(&app.db).await.unwrap(), Vec::<u32>::new());
    assert_eq!(load_if_empty(&app.db).await.unwrap(), DemoOutcome::AlreadyLoaded);
    for (table, expected) in TABLES {
        assert_eq!(count(&app.db, table).await, expected, "records in {table} after a second pass");
    }
    let versions: Vec<serde_json::Value> = app
        .db
        .query("SELECT version, name FROM schema_migration ORDER BY version;")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let expected: Vec<serde_json::Value> =
        MIGRATIONS.iter().map(|m| serde_json::json!({"version": m.version, "name": m.name})).collect();
    assert_eq!(versions, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_may_2018_workshop_is_stored_as_the_article_tells_it() {
    let app = spawn_app().await;
    let rows: Vec<serde_json::Value> = app
        .db
        .query(
            "SELECT participants, array::len(instructors[WHERE supervisor = false]) AS instructors,
                    array::len(instructors[WHERE supervisor = true]) AS supervisors,
                    funding.donor_grant.donor.iati_ref AS donors, city, country
             FROM activity:ml_workshop_2018;",
        )
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let w = &rows[0];
    assert_eq!(w["participants"]["police"], serde_json::json!({"total": 20, "women": 2}));
    assert_eq!(w["instructors"], 4);
    assert_eq!(w["supervisors"], 1);
    assert_eq!(w["donors"], serde_json::json!(["NL-1"]));
    assert_eq!((w["city"].as_str(), w["country"].as_str()), (Some("Bamako"), Some("ML")));

    // Germany paid for the computers and the projector handed to the three Malian institutes.
    let handed: Vec<serde_json::Value> = app
        .db
        .query("SELECT institute.code AS institute, math::sum(lines.quantity) AS items FROM handover ORDER BY institute;")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(
        handed,
        vec![
            serde_json::json!({"institute": "ML-EGN", "items": 4}),
            serde_json::json!({"institute": "ML-ENP", "items": 4}),
            serde_json::json!({"institute": "ML-INFJ", "items": 5}),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_refuses_records_that_break_its_rules() {
    let app = spawn_app_with(AppOptions { no_demo: true, ..Default::default() }).await;
    let bad = [
        // more women than participants
        "CREATE activity CONTENT { code: 'X1', title: 't', title_fr: '', kind: 'workshop', status: 2,
            planned_start: d'2018-01-02T00:00:00Z', planned_end: d'2018-01-03T00:00:00Z', country: 'ML', city: 'c', venue: 'v', theme: 'tip',
            participants: { police: { total: 1, women: 2 }, gendarmerie: { total: 0, women: 0 }, justice: { total: 0, women: 0 }, other: { total: 0, women: 0 } } };",
        // end before start
        "CREATE activity CONTENT { code: 'X2', title: 't', title_fr: '', kind: 'workshop', status: 2,
            planned_start: d'2018-01-03T00:00:00Z', planned_end: d'2018-01-02T00:00:00Z', country: 'ML', city: 'c', venue: 'v', theme: 'tip',
            participants: { police: { total: 1, women: 0 }, gendarmerie: { total: 0, women: 0 }, justice: { total: 0, women: 0 }, other: { total: 0, women: 0 } } };",
        // negative amount, bad currency
        "CREATE donor CONTENT { name: 'D', name_fr: '', country: 'DE', iati_ref: 'DE-X', org_type: 10, currency: 'EUR' };
         CREATE donor_grant CONTENT { donor: donor:x, reference: 'R', title: 't', title_fr: '', amount_minor: -1, currency: 'EUR',
            signed_on: d'2018-01-01T00:00:00Z', start_on: d'2018-01-01T00:00:00Z', end_on: d'2018-12-31T00:00:00Z', status: 'active' };",
        "CREATE donor CONTENT { name: 'D', name_fr: '', country: 'DE', iati_ref: 'DE-Y', org_type: 10, currency: 'euro' };",
        // unknown IATI activity status
        "CREATE activity CONTENT { code: 'X3', title: 't', title_fr: '', kind: 'workshop', status: 9,
            planned_start: d'2018-01-02T00:00:00Z', planned_end: d'2018-01-03T00:00:00Z', country: 'ML', city: 'c', venue: 'v', theme: 'tip',
            participants: { police: { total: 1, women: 0 }, gendarmerie: { total: 0, women: 0 }, justice: { total: 0, women: 0 }, other: { total: 0, women: 0 } } };",
    ];
    for sql in bad {
        let result = app.db.query(format!("BEGIN; {sql} COMMIT;")).await.and_then(|r| r.check());
        assert!(result.is_err(), "accepted: {sql}");
    }
    assert_eq!(count(&app.db, "activity").await, 0);
    assert_eq!(count(&app.db, "donor_grant").await, 0);

    // Natural keys are unique.
    let donor = "CREATE donor CONTENT { name: 'D', name_fr: '', country: 'DE', iati_ref: 'DE-1', org_type: 10, currency: 'EUR' };";
    app.db.query(donor).await.unwrap().check().unwrap();
    assert!(app.db.query(donor).await.and_then(|r| r.check()).is_err(), "duplicate IATI reference accepted");
    assert_eq!(count(&app.db, "donor").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_demo_starts_empty() {
    let app = spawn_app_with(AppOptions { no_demo: true, ..Default::default() }).await;
    for (table, _) in TABLES {
        let expected = if table == "user" { 1 } else { 0 };
        assert_eq!(count(&app.db, table).await, expected, "records in {table}");
    }
    let admin = app.sign_in(aidtrail_tests::ADMIN).await;
    let (status, body) = app.get_with(&admin, "/activities").await;
    assert_eq!(status, 200);
    assert!(body.contains("No activities have been recorded yet."), "{body}");
}
