//! Saves under concurrency (issue 17): many people saving different records at once all succeed,
//! each with one audit event, chained in the order the changes committed; two people saving one
//! record at one version get one save and one conflict; a save that committed is never answered
//! with an error.

use aidtrail_tests::{AppOptions, MANAGER, TestApp, spawn_app, spawn_app_with, text_of_testid};

/// Sign-ins are limited per account and per address; these tests sign in many sessions from one.
fn many_sessions() -> AppOptions {
    AppOptions {
        env: vec![("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "100".into()), ("AIDTRAIL_LOGIN_IP_LIMIT", "100".into())],
        ..AppOptions::default()
    }
}

fn donor_form(version: Option<&str>, name: &str, iati_ref: &str) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("name", name.to_owned()),
        ("name_fr", format!("{name} (fr)")),
        ("country", "NL".to_owned()),
        ("iati_ref", iati_ref.to_owned()),
        ("org_type", "10".to_owned()),
        ("currency", "EUR".to_owned()),
    ];
    if let Some(version) = version {
        form.push(("version", version.to_owned()));
    }
    form
}

/// Posts `form` and returns the status and where the answer sends the browser.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&'static str, String)],
) -> (u16, String) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.post_form(client, path, &form).await;
    let location =
        response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (response.status().as_u16(), location)
}

async fn rows(app: &TestApp, sql: &str) -> Vec<serde_json::Value> {
    app.db.query(sql).await.unwrap().take(0).unwrap()
}

/// The chain checked by the product's verifier, and nothing left waiting to be chained.
async fn assert_chained(app: &TestApp) -> i64 {
    let report = aidtrail::db::audit_chain::verify(&app.db).await.unwrap();
    assert!(report.intact(), "{report:?}");
    let pending = rows(app, "SELECT count() AS n FROM audit_pending GROUP ALL;").await;
    assert!(pending.iter().all(|p| p["n"] == 0), "events left unchained: {pending:?}");
    // Gap-free, counted directly over the rows rather than through the verifier.
    let seqs: Vec<i64> =
        app.db.query("SELECT VALUE seq FROM audit_event ORDER BY seq;").await.unwrap().take(0).unwrap();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "sequence numbers with a gap");
    seqs.len() as i64
}

/// 32 people, each in their own session, create a donor and edit it twice, all at once: every
/// save succeeds, each has exactly one event, and each donor's three events are in the order its
/// versions were saved (a change that followed another commits, and is chained, after it).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_people_saving_different_records_at_once_all_succeed_in_commit_order() {
    const PEOPLE: usize = 32;
    let app = spawn_app_with(many_sessions()).await;
    let mut clients = Vec::new();
    for _ in 0..PEOPLE {
        clients.push(app.sign_in(MANAGER).await);
    }
    let before = assert_chained(&app).await;

    let saves = clients.iter().enumerate().map(|(i, client)| {
        let app = &app;
        async move {
            let name = format!("Concurrent donor {i:02}");
            let iati = format!("NL-C{i:02}");
            let (status, location) =
                post(app, client, "/records/donors/new", &donor_form(None, &name, &iati)).await;
            assert_eq!(status, 303);
            let key = location
                .strip_prefix("/records/donors/")
                .and_then(|rest| rest.strip_suffix("?saved=created"))
                .unwrap_or_else(|| panic!("person {i}: create answered {location}"))
                .to_owned();
            for version in ["1", "2"] {
                let renamed = format!("{name} v{}", version.parse::<u8>().unwrap() + 1);
                let path = format!("/records/donors/{key}/edit");
                let (status, location) =
                    post(app, client, &path, &donor_form(Some(version), &renamed, &iati)).await;
                assert_eq!(
                    (status, location),
                    (303, format!("/records/donors/{key}?saved=updated")),
                    "person {i}"
                );
            }
            key
        }
    });
    let keys = futures::future::join_all(saves).await;

    assert_eq!(assert_chained(&app).await, before + 3 * PEOPLE as i64, "one event per save");
    for key in keys {
        let events = rows(
            &app,
            &format!("SELECT seq, action, after FROM audit_event WHERE record = 'donor:{key}' ORDER BY seq;"),
        )
        .await;
        let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "update", "update"], "donor {key}");
        let versions: Vec<bool> = [1, 2, 3]
            .iter()
            .zip(&events)
            .map(|(v, e)| e["after"].as_str().unwrap().contains(&format!("version: {v}")))
            .collect();
        assert_eq!(versions, [true, true, true], "donor {key}: events out of commit order: {events:?}");
    }
}

/// Two people save the same donor at the same version at the same moment, five times over: each
/// time exactly one is saved, and the other is told that someone saved a newer version, in their
/// own language, with what they typed kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_people_saving_one_record_at_one_version_one_saves_and_the_other_is_told() {
    let app = spawn_app_with(many_sessions()).await;
    let english = app.sign_in(MANAGER).await;
    let french = aidtrail_tests::browserless_client();
    app.post_form(&french, "/lang", &[("lang", "fr"), ("next", "/login")]).await;
    let password = app.password(MANAGER);
    app.post_form(&french, "/login", &[("email", MANAGER), ("password", password.as_str()), ("next", "/")])
        .await;
    // The French session was the last sign-in: the stored preference is French; the English one
    // keeps English through its cookie.
    let saved = "/records/donors/nl_mfa?saved=updated";
    for round in 1..=5_i64 {
        let version = round.to_string();
        let (a, b) = (format!("Round {round} English"), format!("Round {round} français"));
        let (form_a, form_b) =
            (donor_form(Some(&version), &a, "XM-DAC-7"), donor_form(Some(&version), &b, "XM-DAC-7"));
        let (first, second) = tokio::join!(
            post(&app, &english, "/records/donors/nl_mfa/edit", &form_a),
            post(&app, &french, "/records/donors/nl_mfa/edit", &form_b),
        );
        let outcomes = [first.1.as_str(), second.1.as_str()];
        assert_eq!(outcomes.iter().filter(|l| **l == saved).count(), 1, "round {round}: {outcomes:?}");
        let (loser, typed, message) = if first.1 == saved {
            (&french, b, "Quelqu’un a enregistré")
        } else {
            (&english, a, "Someone saved")
        };
        let location = if first.1 == saved { &second.1 } else { &first.1 };
        assert_eq!((first.0, second.0), (303, 303));
        let (_, html) = app.get_with(loser, location).await;
        let conflict =
            text_of_testid(&html, "conflict").unwrap_or_else(|| panic!("round {round}: no conflict message"));
        assert!(conflict.contains(message), "round {round}: {conflict}");
        assert!(html.contains(&format!("value=\"{typed}\"")), "round {round}: the typing was lost");
        let stored: Vec<serde_json::Value> = rows(&app, "SELECT version, name FROM donor:nl_mfa;").await;
        assert_eq!(stored[0]["version"], round + 1, "round {round}: exactly one save");
        assert_ne!(stored[0]["name"], typed, "round {round}: the refused save was stored");
    }
    assert_chained(&app).await;
}

/// The session is stored after the answer is made: if that fails once a change has committed,
/// the answer is still the saved page, and the change is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_whose_session_write_fails_afterwards_is_still_answered_as_saved() {
    let app = spawn_app().await;
    let client = app.sign_in(MANAGER).await;
    // The next request will move the idle deadline on (its last move is over a minute old), and
    // every session write fails from now on.
    let sessions = rows(&app, "SELECT record::id(id) AS key, data FROM session;").await;
    for session in &sessions {
        let mut data: serde_json::Value = serde_json::from_str(session["data"].as_str().unwrap()).unwrap();
        data["touched"] = serde_json::json!(0);
        app.db
            .query("UPDATE $id SET data = $data;")
            .bind(("id", surrealdb::types::RecordId::new("session", session["key"].as_str().unwrap())))
            .bind(("data", data.to_string()))
            .await
            .unwrap()
            .check()
            .unwrap();
    }
    app.db
        .query("DEFINE EVENT forced_failure ON session WHEN $event = 'UPDATE' THEN { THROW 'forced session failure' };")
        .await
        .unwrap()
        .check()
        .unwrap();
    let (status, location) = post(
        &app,
        &client,
        "/records/donors/nl_mfa/edit",
        &donor_form(Some("1"), "Saved anyway", "XM-DAC-7"),
    )
    .await;
    assert_eq!((status, location.as_str()), (303, "/records/donors/nl_mfa?saved=updated"));
    let stored = rows(&app, "SELECT name, version FROM donor:nl_mfa;").await;
    assert_eq!((stored[0]["name"].as_str(), stored[0]["version"].as_i64()), (Some("Saved anyway"), Some(2)));
    // The failure was real: without the change, the same request is an error.
    let (status, _) = app.get_with(&client, "/records/donors/nl_mfa").await;
    assert_eq!(status, 500, "a page view whose session write fails, with nothing saved, is an error");
    app.db.query("REMOVE EVENT forced_failure ON session;").await.unwrap().check().unwrap();
    assert_eq!(app.get_with(&client, "/records/donors/nl_mfa?saved=updated").await.0, 200);
    assert_chained(&app).await;
}

/// Two sequencers on one database, as two server processes on one SurrealDB server have: saves
/// handed to either, and a sweep of one running meanwhile, all end up in one gap-free chain, each
/// event exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sequencers_on_one_database_keep_one_chain() {
    let app = spawn_app().await;
    let before = assert_chained(&app).await;
    let sign_ins = || async {
        let n: Vec<i64> = app
            .db
            .query("SELECT VALUE count() FROM audit_event WHERE action = 'sign_in' GROUP ALL;")
            .await
            .unwrap()
            .take(0)
            .unwrap();
        n.first().copied().unwrap_or(0)
    };
    let signed_in_before = sign_ins().await;
    let other = aidtrail::db::Db::new((*app.db).clone());
    let users: Vec<String> =
        app.db.query("SELECT VALUE record::id(id) FROM user ORDER BY email;").await.unwrap().take(0).unwrap();
    let saves = (0..60_usize).map(|i| {
        let db = if i.is_multiple_of(2) { app.db.clone() } else { other.clone() };
        let user = users[i % users.len()].clone();
        async move { aidtrail::db::users::record_sign_in(&db, &user).await }
    });
    let (results, swept) = tokio::join!(futures::future::join_all(saves), other.sequencer().sweep());
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    swept.expect("the sweep");
    assert_eq!(assert_chained(&app).await, before + 60, "each event once");
    assert_eq!(sign_ins().await, signed_in_before + 60);
}

/// While others save, a page may be given an answer a moment old (here the window is an hour, so
/// that the test does not depend on time), but never older than its reader's own last save; an
/// export is always current.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_may_be_a_moment_old_but_never_older_than_its_readers_own_save() {
    let mut options = many_sessions();
    options.env.push(("AIDTRAIL_READ_STALE_MS", "3600000".into()));
    let app = spawn_app_with(options).await;
    let reader = app.sign_in(MANAGER).await;
    let (code, title) = ("ACT-2019-ML-FRESH", "AAA Fresh workshop");
    let listed = |html: &str| html.contains(title);
    // Sorted by title, the new activity comes first.
    let list = "/activities?sort=title";
    let (_, before) = app.get_with(&reader, list).await;
    assert!(!listed(&before));

    let form: Vec<(&'static str, String)> =
        aidtrail_tests::workshop_edit("", &[("code", code), ("title", title)])
            .into_iter()
            .filter(|(k, _)| *k != "version")
            .map(|(k, v)| (k, v.to_owned()))
            .collect();
    let (status, location) = post(&app, &app.manager, "/activities/new", &form).await;
    assert_eq!((status, location.ends_with("?saved=created")), (303, true), "{location}");

    let (_, other) = app.get_with(&reader, list).await;
    assert!(!listed(&other), "another reader is given the answer kept a moment ago");
    let (_, csv) = app.get_with(&reader, "/exports/activities.csv").await;
    assert!(csv.contains(code), "an export reads the current version");

    // The reader saves something else: from then on the reader's pages are at least as new.
    let donor = donor_form(None, "Fresh donor", "XM-DAC-FRESH");
    let (status, _) = post(&app, &reader, "/records/donors/new", &donor).await;
    assert_eq!(status, 303);
    let (_, after) = app.get_with(&reader, list).await;
    assert!(listed(&after), "the reader's own save brings the page up to date");
    let (_, own) = app.get(list).await;
    assert!(listed(&own), "and the one who saved the activity sees it");
}
