//! The audit log's hash chain: any single event edited, deleted, inserted or moved directly in
//! the database is found and named; the command line gives the same verdict.

use aidtrail::db::audit_chain;
use aidtrail_tests::{
    AUDITOR, TestApp, run_server_to_exit, spawn_app, start_server, text_of_testid, workshop_edit,
};
use app::domain::audit::Tamper;

/// Five audited edits of the Bamako workshop's city, through the form.
async fn five_changes(app: &TestApp) {
    for (version, city) in ["Bamako", "Ségou", "Mopti", "Kayes", "Sikasso"].iter().enumerate() {
        let version = (version + 1).to_string();
        let form = workshop_edit(&version, &[("city", city)]);
        let response = app.post_form(&app.manager, "/activities/ml_workshop_2018/edit", &form).await;
        assert_eq!(response.headers()["location"], "/activities/ml_workshop_2018?saved=updated");
    }
}

async fn verdict(app: &TestApp) -> Option<(i64, Tamper)> {
    let report = audit_chain::verify(&app.db).await.unwrap();
    report.broken.map(|b| (b.seq, b.tamper))
}

/// Runs SurrealQL that must succeed.
async fn run(app: &TestApp, sql: &str) {
    app.db.query(sql).await.unwrap().check().unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Puts the log back as it was saved in `audit_backup`.
async fn restore(app: &TestApp) {
    run(app, "DELETE audit_event; INSERT INTO audit_event (SELECT * FROM audit_backup) RETURN NONE;").await;
    assert_eq!(verdict(app).await, None, "the log was not restored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_single_change_to_the_log_is_found_and_the_event_named() {
    let app = spawn_app().await;
    five_changes(&app).await;
    let report = audit_chain::verify(&app.db).await.unwrap();
    assert!(report.intact(), "{report:?}");
    let events = report.events;
    assert!(events >= 5, "{events}");
    let head = report.head.unwrap();
    assert_eq!(head.seq, events as i64);
    // The database refuses to change or remove an event.
    for sql in ["UPDATE audit_event SET reason = 'x' WHERE seq = 1;", "DELETE audit_event WHERE seq = 1;"] {
        let refused = app.db.query(sql).await.unwrap().check();
        assert!(refused.is_err_and(|e| e.to_string().contains("audit_append_only")), "{sql}");
    }
    // Someone with lower-level access removes that guard: the chain still tells.
    run(&app, "REMOVE EVENT audit_event_append_only ON audit_event;").await;
    run(&app, "INSERT INTO audit_backup (SELECT * FROM audit_event) RETURN NONE;").await;
    let k = events as i64 - 2;

    // Edited: one word of the record's state after the change.
    run(
        &app,
        &format!("UPDATE audit_event SET after = string::replace(after, 'Mopti', 'Gao') WHERE seq = {k};"),
    )
    .await;
    assert_eq!(verdict(&app).await, Some((k, Tamper::Edited)));
    restore(&app).await;

    // Edited, and its hash recomputed the way the server computes it.
    run(
        &app,
        &format!(
            "UPDATE audit_event SET reason = 'routine', hash = crypto::sha256(string::join('|', <string> seq,
                <string> at, <string> (actor ?? ''), action, record, before ?? '', after ?? '', 'routine', prev_hash))
             WHERE seq = {k};"
        ),
    )
    .await;
    assert_eq!(verdict(&app).await, Some((k, Tamper::Edited)));
    restore(&app).await;

    // Deleted, then deleted with the later events renumbered.
    run(&app, &format!("DELETE audit_event WHERE seq = {k};")).await;
    assert_eq!(verdict(&app).await, Some((k, Tamper::Deleted)));
    run(&app, &format!("FOR $e IN (SELECT id, seq FROM audit_event WHERE seq > {k} ORDER BY seq) {{ UPDATE $e.id SET seq = $e.seq - 1; }};"))
        .await;
    assert_eq!(verdict(&app).await, Some((k, Tamper::Deleted)));
    restore(&app).await;

    // Inserted: the later events renumbered to make room, the forged one chained to the one
    // before and hashed the server's way.
    run(
        &app,
        &format!(
            "FOR $e IN (SELECT id, seq FROM audit_event WHERE seq >= {k} ORDER BY seq DESC) {{ UPDATE $e.id SET seq = $e.seq + 1; }};
             LET $prev = (SELECT VALUE hash FROM audit_event WHERE seq = {k} - 1)[0];
             LET $at = time::now();
             CREATE audit_event:forged CONTENT {{ seq: {k}, at: $at, action: 'update', record: 'donor_grant:nl_2018',
                before: 'amount 350000', after: 'amount 35000', reason: NONE, prev_hash: $prev,
                hash: crypto::sha256(string::join('|', <string> {k}, <string> $at, '', 'update', 'donor_grant:nl_2018',
                    'amount 350000', 'amount 35000', '', $prev)) }};"
        ),
    )
    .await;
    assert_eq!(verdict(&app).await, Some((k, Tamper::Inserted)));
    restore(&app).await;

    // Reordered: two neighbours swap their numbers.
    run(
        &app,
        &format!(
            "UPDATE audit_event SET seq = 1000000 WHERE seq = {k};
             UPDATE audit_event SET seq = {k} WHERE seq = {k} + 1;
             UPDATE audit_event SET seq = {k} + 1 WHERE seq = 1000000;"
        ),
    )
    .await;
    assert_eq!(verdict(&app).await, Some((k, Tamper::Reordered)));
    restore(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditors_read_the_log_through_its_filters_and_see_the_chain_checked() {
    let app = spawn_app().await;
    five_changes(&app).await;
    let auditor = app.sign_in(AUDITOR).await;
    let (status, page) =
        app.get_with(&auditor, "/admin/audit?verify=1&record=ml_workshop_2018&action=update").await;
    assert_eq!(status, 200);
    let intact = text_of_testid(&page, "audit-intact").expect("no verdict on the page");
    assert!(intact.contains("The audit log is intact"), "{intact}");
    // The five edits of the workshop, and nothing else, each with its state after the change.
    assert_eq!(page.matches("data-seq=").count(), 5, "{page}");
    assert!(page.contains("Sikasso") && page.contains("manager@aidtrail.demo"));
    let (_, none) = app.get_with(&auditor, "/admin/audit?record=ml_workshop_2018&action=archive").await;
    assert!(none.contains("No audit events match these filters."));

    // Changed behind aidtrail's back: the page names the event.
    let k = audit_chain::verify(&app.db).await.unwrap().events as i64 - 1;
    run(
        &app,
        &format!(
            "REMOVE EVENT audit_event_append_only ON audit_event;
             UPDATE audit_event SET reason = 'routine' WHERE seq = {k};"
        ),
    )
    .await;
    let (_, page) = app.get_with(&auditor, "/admin/audit?verify=1").await;
    let broken = text_of_testid(&page, "audit-broken").expect("the change was not shown");
    assert!(broken.contains(&format!("The audit log was altered at event #{k}: edited")), "{broken}");
}

/// Opens the database folder of a stopped server, runs `sql`, and closes it again.
async fn with_stopped_database(url: &str, sql: &str) {
    let settings = aidtrail::config::Settings::from_lookup(|name| match name {
        "AIDTRAIL_DB" => Some(url.to_owned()),
        _ => None,
    })
    .unwrap();
    let (db, _) = aidtrail::db::connect(&settings).await.unwrap();
    db.query(sql).await.unwrap().check().unwrap_or_else(|e| panic!("{sql}: {e}"));
    drop(db);
    // The engine closes its files in the background: wait until it has.
    let folder = aidtrail::db::data_folder(&settings).expect("an on-disk database");
    assert!(
        aidtrail::db::wait_closed(&folder, std::time::Duration::from_secs(30)).await,
        "the database closes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_checks_the_chain_and_fails_when_it_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    let env = [("AIDTRAIL_DB", url.clone())];
    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    assert_eq!(server.terminate(), Some(0));
    // Three events written the server's way.
    let append = format!(
        "LET $actor = NONE; LET $action = 'system'; LET $before_text = NONE; LET $reason = 'cli test';
         LET $record = 'donor:nl_mfa'; LET $after_text = 'one'; {append}
         LET $record = 'donor:nl_mfa'; LET $after_text = 'two'; {append}
         LET $record = 'donor:de_ffo'; LET $after_text = 'three'; {append}",
        append = aidtrail::db::audit::APPEND_EVENT
    );
    with_stopped_database(&url, &append).await;
    let (code, output) = run_server_to_exit(&env, &["audit", "verify"]);
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("audit log intact"), "{output}");
    let head = output.lines().find_map(|l| l.strip_prefix("head: event #")).expect("head printed").to_owned();

    with_stopped_database(
        &url,
        "REMOVE EVENT audit_event_append_only ON audit_event; UPDATE audit_event SET after = 'TWO' WHERE after = 'two';",
    )
    .await;
    let (code, output) = run_server_to_exit(&env, &["audit", "verify"]);
    assert_eq!(code, Some(1), "{output}");
    let seq: i64 = head.split_whitespace().next().unwrap().parse::<i64>().unwrap() - 1;
    assert!(output.contains(&format!("audit log BROKEN at event #{seq}: it was edited")), "{output}");
}

/// What happens to accounts is in the audit log, by whom, chained like every other event, and
/// never with a password hash; the viewer names the actions in the reader's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_events_are_audited_without_password_hashes() {
    let app = spawn_app().await;
    let admin = app.sign_in(aidtrail_tests::ADMIN).await;
    let created = app
        .post_form(
            &admin,
            "/admin/users",
            &[("email", "clerk@example.org"), ("name", "Clerk"), ("role", "auditor")],
        )
        .await;
    assert_eq!(created.headers()["location"], "/admin/users");
    let key: Option<String> = app
        .db
        .query("SELECT VALUE record::id(id) FROM ONLY user WHERE email = 'clerk@example.org' LIMIT 1;")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let key = key.expect("the new user");
    for step in ["deactivate", "activate", "reset-password"] {
        let done = app.post_form(&admin, &format!("/admin/users/{key}/{step}"), &[]).await;
        assert_eq!(done.status(), 303, "{step}");
    }
    let events: Vec<serde_json::Value> = app
        .db
        .query(
            "SELECT action, actor.email AS by, after FROM audit_event WHERE record = $record ORDER BY seq;",
        )
        .bind(("record", format!("user:{key}")))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "deactivate", "reactivate", "password_reset"]);
    assert!(events.iter().all(|e| e["by"] == aidtrail_tests::ADMIN), "{events:?}");
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.contains("password_hash") && !text.contains("argon2"), "{text}");
    // The admin's own sign-in.
    let signed_in: Vec<String> = app
        .db
        .query("SELECT VALUE action FROM audit_event WHERE action = 'sign_in' AND actor.email = $email;")
        .bind(("email", aidtrail_tests::ADMIN))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(signed_in.len(), 1);
    // The chain still holds, and a French reader sees the actions named in French.
    let report = audit_chain::verify(&app.db).await.unwrap();
    assert!(report.intact(), "{report:?}");
    app.post_form(&admin, "/lang", &[("lang", "fr"), ("next", "/admin/audit")]).await;
    let (_, html) = app.get_with(&admin, "/admin/audit").await;
    assert!(html.contains("Compte désactivé") && html.contains("Connexion"), "French action names");
}
