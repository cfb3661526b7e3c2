//! Programme managers record and maintain activities: validation, versions, archive, audit.

use std::collections::BTreeMap;

use aidtrail_tests::{ADMIN, AUDITOR, MANAGER, TestApp, count, spawn_app, strip_tags, text_of_testid};

/// The May 2018 Bamako workshop as a programme manager types it.
fn workshop_form() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("code", "ACT-2018-ML-WS-05-BIS"),
        ("title", "Tutoring workshop for judicial police officers (re-entered)"),
        ("title_fr", "Atelier de tutorat pour les officiers de police judiciaire (ressaisi)"),
        ("kind", "workshop"),
        ("status", "4"),
        ("theme", "both"),
        ("pillar", "p2"),
        ("planned_start", "2018-05-08"),
        ("planned_end", "2018-05-11"),
        ("actual_start", "2018-05-08"),
        ("actual_end", "2018-05-11"),
        ("country", "ML"),
        ("city", "Bamako"),
        ("venue", "École nationale de police"),
        ("institutes", "ml_enp"),
        ("police_women", "2"),
        ("police_men", "18"),
        ("funding_0_grant", "nl_2018"),
        ("funding_0_amount", "38 500,00"),
        ("notation", "fr"),
        ("instructor_0_institution", "National Police of Mali"),
        ("instructor_1_institution", "National Police of Mali"),
        ("instructor_2_institution", "National Gendarmerie of Mali"),
        ("instructor_3_institution", "National Gendarmerie of Mali"),
        ("instructor_4_institution", "UNODC"),
        ("instructor_4_supervisor", "on"),
        ("narrative", "Four days of lessons and exercises."),
    ])
}

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, form: &BTreeMap<&str, &str>) -> String {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, *v)).collect();
    let response = app.post_form(client, path, &pairs).await;
    assert_eq!(response.status(), 303, "{path}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn events(app: &TestApp) -> Vec<serde_json::Value> {
    app.db
        .query("SELECT seq, action, record, before, after, reason, prev_hash, hash, actor.email AS actor FROM audit_event ORDER BY seq;")
        .await
        .unwrap()
        .take(0)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_records_an_activity_and_it_reads_back_whole_with_its_audit_event() {
    let app = spawn_app().await;
    let before = count(&app.db, "activity").await;
    let location = post(&app, &app.manager, "/activities/new", &workshop_form()).await;
    let key = location
        .strip_prefix("/activities/")
        .and_then(|l| l.strip_suffix("?saved=created"))
        .expect(&location)
        .to_owned();
    assert_eq!(count(&app.db, "activity").await, before + 1);

    let stored: Vec<serde_json::Value> = app
        .db
        .query("SELECT code, kind, status, city, country, participants, funding.amount_minor AS amounts, funding.currency AS currencies, record::id(pillar) AS pillar, instructors, version, archived FROM $id;")
        .bind(("id", surrealdb::types::RecordId::new("activity", key.as_str())))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let a = &stored[0];
    assert_eq!(a["code"], "ACT-2018-ML-WS-05-BIS");
    assert_eq!(a["participants"]["police"], serde_json::json!({"total": 20, "women": 2}));
    assert_eq!(a["amounts"], serde_json::json!([3_850_000]));
    assert_eq!(a["currencies"], serde_json::json!(["EUR"]));
    assert_eq!(a["pillar"], "p2");
    assert_eq!(a["instructors"].as_array().unwrap().len(), 5);
    assert_eq!(a["instructors"][4]["supervisor"], true);
    assert_eq!((a["version"].as_i64(), a["archived"].as_bool()), (Some(1), Some(false)));

    let (status, page) = app.get(&location).await;
    assert_eq!(status, 200);
    assert_eq!(text_of_testid(&page, "participants-total").as_deref(), Some("20"));
    assert_eq!(text_of_testid(&page, "participants-women").as_deref(), Some("2"));
    assert_eq!(text_of_testid(&page, "instructors-total").as_deref(), Some("4"));
    assert!(text_of_testid(&page, "history").unwrap().contains("created"));

    let log = events(&app).await;
    let last = log.last().unwrap();
    assert_eq!(last["action"], "create");
    assert_eq!(last["record"], format!("activity:{key}"));
    assert_eq!(last["actor"], MANAGER);
    assert!(last["before"].is_null());
    assert!(last["after"].as_str().unwrap().contains("ACT-2018-ML-WS-05-BIS"));
    // Chained: gap-free sequence, each event pointing at the previous hash.
    for (i, pair) in log.windows(2).enumerate() {
        assert_eq!(pair[1]["seq"].as_i64(), Some(i as i64 + 2));
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    assert_eq!(last["hash"].as_str().unwrap().len(), 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_is_refused_with_its_field_error_and_nothing_is_saved() {
    let app = spawn_app().await;
    let activities = count(&app.db, "activity").await;
    let audit = count(&app.db, "audit_event").await;
    let cases: Vec<Case> = vec![
        (vec![("title", "")], "title", "This field is required."),
        (
            vec![("planned_end", "2018-05-01"), ("actual_end", "2018-05-01")],
            "planned_end",
            "The end is before the start.",
        ),
        (vec![("police_women", "two")], "police_women", "Enter a whole number, 0 or more."),
        (vec![("funding_0_amount", "a lot")], "funding_0_amount", "Enter an amount such as"),
        (vec![("country", "Mali")], "country", "Use the two-letter country code"),
        (
            vec![
                ("planned_start", "2021-03-01"),
                ("planned_end", "2021-03-02"),
                ("actual_start", ""),
                ("actual_end", ""),
            ],
            "planned_start",
            "outside the strategy period",
        ),
        (
            vec![
                ("planned_start", "2016-03-01"),
                ("planned_end", "2016-03-02"),
                ("actual_start", ""),
                ("actual_end", ""),
            ],
            "funding_0_grant",
            "outside this grant’s period",
        ),
        (vec![("code", "ACT-2018-ML-WS-05")], "code", "Another activity has, or once had, this code"),
    ];
    for (changes, field, message) in cases {
        let mut form = workshop_form();
        for (k, v) in &changes {
            form.insert(k, v);
        }
        let location = post(&app, &app.manager, "/activities/new", &form).await;
        assert_eq!(location, "/activities/new", "{changes:?}");
        let (status, page) = app.get("/activities/new").await;
        assert_eq!(status, 200);
        let error = text_of_testid_like(&page, &format!("{field}-error"));
        assert!(error.contains(message), "{changes:?}: {field} says {error:?}");
        // What was typed is still there.
        assert!(page.contains("value=\"Bamako\""), "typed values lost");
        // Shown once: a reload gives a fresh form.
        let (_, again) = app.get("/activities/new").await;
        assert!(!again.contains(&format!("id=\"{field}-error\"")));
    }
    assert_eq!(count(&app.db, "activity").await, activities);
    assert_eq!(count(&app.db, "audit_event").await, audit);
}

/// Changes to the valid form, the field that must complain, and what it must say.
type Case = (Vec<(&'static str, &'static str)>, &'static str, &'static str);

/// The text of the element with the given id.
fn text_of_testid_like(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let Some(start) = html.find(&marker) else {
        return String::new();
    };
    let open_end = start + html[start..].find('>').unwrap() + 1;
    let end = open_end + html[open_end..].find("</p>").unwrap();
    strip_tags(&html[open_end..end])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_editors_saving_the_same_version_one_wins_the_other_is_told() {
    let app = spawn_app().await;
    let admin = app.sign_in(ADMIN).await;
    let mut first = workshop_form();
    first.insert("code", "ACT-2018-ML-WS-05");
    first.insert("version", "1");
    first.insert("city", "Bamako (first editor)");
    let mut second = first.clone();
    second.insert("city", "Bamako (second editor)");

    let won = post(&app, &app.manager, "/activities/ml_workshop_2018/edit", &first).await;
    assert_eq!(won, "/activities/ml_workshop_2018?saved=updated");
    let lost = post(&app, &admin, "/activities/ml_workshop_2018/edit", &second).await;
    assert_eq!(lost, "/activities/ml_workshop_2018/edit");
    let (_, page) = app.get_with(&admin, "/activities/ml_workshop_2018/edit").await;
    assert!(text_of_testid(&page, "conflict").is_some(), "no conflict message");
    assert!(page.contains("Bamako (second editor)"), "the loser's typing was lost");

    let stored: Vec<serde_json::Value> =
        app.db.query("SELECT city, version FROM activity:ml_workshop_2018;").await.unwrap().take(0).unwrap();
    assert_eq!(stored[0], serde_json::json!({"city": "Bamako (first editor)", "version": 2}));
    let updates = events(&app).await.into_iter().filter(|e| e["action"] == "update").count();
    assert_eq!(updates, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archived_activities_leave_the_lists_but_stay_readable_with_their_history() {
    let app = spawn_app().await;
    let stale =
        post(&app, &app.manager, "/activities/ne_syllabus_2017/archive", &BTreeMap::from([("version", "7")]))
            .await;
    assert_eq!(stale, "/activities/ne_syllabus_2017?error=conflict");
    let done = post(
        &app,
        &app.manager,
        "/activities/ne_syllabus_2017/archive",
        &BTreeMap::from([("version", "1"), ("reason", "entered twice")]),
    )
    .await;
    assert_eq!(done, "/activities?saved=archived");
    let (_, list) = app.get("/activities").await;
    assert!(!list.contains("police and gendarmerie schools of Niger"));
    assert!(list.contains("Showing 1–4 of 4"));
    let (status, page) = app.get("/activities/ne_syllabus_2017").await;
    assert_eq!(status, 200);
    let text = strip_tags(&page);
    assert!(text.contains("This activity is archived.") && text.contains("entered twice"), "{text}");
    let last = events(&app).await.pop().unwrap();
    assert_eq!(last["action"], "archive");
    assert_eq!(last["reason"], "entered twice");

    // Auditors read, and change nothing.
    let auditor = app.sign_in(AUDITOR).await;
    let refused = app.post_form(&auditor, "/activities/ml_workshop_2018/archive", &[("version", "1")]).await;
    assert_eq!(refused.status(), 403);
}

/// The ids of the activities a list page shows, in order.
fn listed(page: &str) -> Vec<String> {
    page.match_indices("href=\"/activities/")
        .filter_map(|(i, _)| {
            let rest = &page[i + "href=\"/activities/".len()..];
            let id: String = rest.chars().take_while(|c| *c != '"').collect();
            (id != "new" && !id.contains('/') && !id.contains('?')).then_some(id)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_sorts_and_searches_from_the_url() {
    let app = spawn_app().await;
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("country=BF", vec!["bf_syllabus_2017"]),
        ("year=2017", vec!["ne_syllabus_2017", "ml_syllabus_2017", "bf_syllabus_2017"]),
        ("type=workshop", vec!["ml_workshop_2018"]),
        ("q=TUTORING", vec!["ml_workshop_2018"]),
        ("q=atelier", vec!["ml_workshop_2018"]),
        (
            "grant=de_2017",
            vec!["ml_handover_2018", "ne_syllabus_2017", "ml_syllabus_2017", "bf_syllabus_2017"],
        ),
        ("donor=nl_mfa", vec!["ml_workshop_2018", "ne_syllabus_2017", "bf_syllabus_2017"]),
        ("country=ML&year=2018&sort=oldest", vec!["ml_workshop_2018", "ml_handover_2018"]),
        (
            "sort=title",
            vec![
                "ml_handover_2018",
                "bf_syllabus_2017",
                "ml_syllabus_2017",
                "ne_syllabus_2017",
                "ml_workshop_2018",
            ],
        ),
        (
            "country=Mali&year=nonsense",
            vec![
                "ml_handover_2018",
                "ml_workshop_2018",
                "ne_syllabus_2017",
                "ml_syllabus_2017",
                "bf_syllabus_2017",
            ],
        ),
    ];
    for (query, expected) in cases {
        let (status, page) = app.get(&format!("/activities?{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(listed(&page), expected, "{query}");
    }
    let (_, none) = app.get("/activities?q=no-such-words").await;
    assert!(none.contains("No activity matches these filters."));

    // Filters never widen a scope: the Netherlands asking for Germany's grant sees only the
    // co-funded activities it paid for too, not Germany's own.
    let nl = app.sign_in(aidtrail_tests::DONOR_NL).await;
    let (_, page) = app.get_with(&nl, "/activities?grant=de_2017").await;
    assert_eq!(listed(&page), vec!["ne_syllabus_2017", "bf_syllabus_2017"]);
}

/// (year, country, target, actual) cells of one indicator from the server function.
fn cells(indicators: &serde_json::Value, code: &str) -> Vec<(i64, String, Option<i64>, Option<i64>)> {
    let indicator = indicators.as_array().unwrap().iter().find(|i| i["code"] == code).unwrap();
    indicator["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["year"].as_i64().unwrap(),
                c["country"].as_str().unwrap().to_owned(),
                c["target"].as_i64(),
                c["actual"].as_i64(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indicator_actuals_are_counted_from_the_records_within_the_scope() {
    let app = spawn_app().await;
    let (status, body) = app.call(&app.manager, "list_indicators", &[]).await;
    assert_eq!(status, 200, "{body}");
    let all: serde_json::Value = serde_json::from_str(&body).unwrap();
    let c = |y: i64, k: &str, t: Option<i64>, a: Option<i64>| (y, k.to_owned(), t, a);
    // 15 + 15 + 14 trainers in 2017, 20 officers in Bamako in May 2018.
    assert_eq!(
        cells(&all, "IND-2.1"),
        vec![
            c(2017, "BF", Some(15), Some(15)),
            c(2017, "ML", Some(15), Some(15)),
            c(2017, "NE", Some(15), Some(14)),
            c(2018, "ML", Some(20), Some(20))
        ]
    );
    assert_eq!(
        cells(&all, "IND-2.2"),
        vec![
            c(2017, "BF", Some(2), Some(2)),
            c(2017, "ML", Some(2), Some(2)),
            c(2017, "NE", Some(2), Some(1)),
            c(2018, "ML", Some(3), Some(2))
        ]
    );
    assert_eq!(cells(&all, "IND-2.4"), vec![c(2018, "ML", Some(3), Some(3))]);
    assert_eq!(
        cells(&all, "IND-2.3"),
        vec![c(2017, "BF", Some(2), None), c(2017, "ML", Some(2), None), c(2017, "NE", Some(2), None)]
    );

    // The Netherlands sees what its own money did.
    let nl = app.sign_in(aidtrail_tests::DONOR_NL).await;
    let (_, body) = app.call(&nl, "list_indicators", &[]).await;
    let mine: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        cells(&mine, "IND-2.1"),
        vec![
            c(2017, "BF", Some(15), Some(15)),
            c(2017, "ML", Some(15), None),
            c(2017, "NE", Some(15), Some(14)),
            c(2018, "ML", Some(20), Some(20))
        ]
    );
    assert_eq!(cells(&mine, "IND-2.4"), vec![c(2018, "ML", Some(3), None)]);

    let (status, page) = app.get("/indicators").await;
    assert_eq!(status, 200);
    assert!(text_of_testid(&page, "indicator-IND-2.1").unwrap().contains("93%"), "14 of 15 in Niger");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn funding_shares_above_the_cost_are_refused_by_how_much_and_the_cost_reads_back() {
    let app = spawn_app().await;
    let before = count(&app.db, "activity").await;
    let mut form = workshop_form();
    form.insert("cost", "30 000");
    assert_eq!(post(&app, &app.manager, "/activities/new", &form).await, "/activities/new");
    let (_, html) = app.get("/activities/new").await;
    let start = html.find("id=\"cost-error\"").expect("cost error");
    let error = strip_tags(&html[start..start + html[start..].find("</p>").unwrap()]);
    assert!(error.contains("8,500.00"), "{error}");
    assert_eq!(count(&app.db, "activity").await, before);

    form.insert("cost", "38 500");
    let location = post(&app, &app.manager, "/activities/new", &form).await;
    assert!(location.ends_with("?saved=created"), "{location}");
    let (_, page) = app.get(location.trim_end_matches("?saved=created")).await;
    assert!(text_of_testid(&page, "cost").unwrap().contains("38,500.00"));
}
