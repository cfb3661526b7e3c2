//! Donor dashboards: every figure of the demo checked against a value worked out by hand from
//! the seed article's data, scoping, and currency conversion at the stored rates.

use aidtrail_tests::{
    DONOR_DE, DONOR_NL, INSTITUTE_ML_ENP, TestApp, spawn_app, text_of_testid, workshop_edit,
};

/// The dashboard as the server function returns it (JSON), called as `client`.
pub(crate) async fn dashboard(
    app: &TestApp,
    client: &reqwest::Client,
    filter: &[(&str, &str)],
) -> serde_json::Value {
    let args: Vec<(String, String)> =
        filter.iter().map(|(k, v)| (format!("filter[{k}]"), (*v).to_owned())).collect();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = app.call(client, "get_dashboard", &args).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

pub(crate) fn minor(money: &serde_json::Value) -> i64 {
    money["minor"].as_i64().unwrap_or_else(|| panic!("no minor in {money}"))
}

pub(crate) fn people(d: &serde_json::Value) -> (u64, u64) {
    d["people"].as_array().unwrap().iter().fold((0, 0), |(t, w), s| {
        let (women, men) = (s["women"].as_u64().unwrap(), s["men"].as_u64().unwrap());
        (t + women + men, w + women)
    })
}

fn counts(d: &serde_json::Value, key: &str) -> Vec<(String, u64)> {
    d[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].to_string().trim_matches('"').to_owned(), p[1].as_u64().unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_netherlands_dashboard_matches_the_demo_worked_out_by_hand() {
    let app = spawn_app().await;
    let nl = app.sign_in(DONOR_NL).await;
    let d = dashboard(&app, &nl, &[]).await;
    assert_eq!(d["donor"]["id"], "nl_mfa");
    let grants = d["grants"].as_array().unwrap();
    assert_eq!(grants.len(), 1);
    let g = &grants[0];
    assert_eq!(g["reference"], "NL-1-SAHEL-2017-02");
    // €350,000; spent €8,000 (Burkina syllabus) + €6,000 (Niger syllabus) + €38,500 (workshop).
    assert_eq!(minor(&g["amount"]), 35_000_000);
    assert_eq!(minor(&g["spent"]), 5_250_000);
    assert_eq!(minor(&g["remaining"]), 29_750_000);
    assert_eq!((minor(&g["committed"]), minor(&g["disbursed"])), (0, 0));
    assert_eq!(minor(&g["spent_eur"]), 5_250_000);
    assert_eq!(g["rates"], serde_json::json!(["1"]));
    // Burn: 2017-Q1 €8,000, 2017-Q2 +€6,000, 2018-Q2 +€38,500.
    let burn: Vec<(String, i64)> = d["burn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["period"].as_str().unwrap().to_owned(), p["spent_eur"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        burn,
        [("2017-Q1".into(), 800_000), ("2017-Q2".into(), 1_400_000), ("2018-Q2".into(), 5_250_000)]
    );
    // Activities: the Burkina and Niger syllabus work (2017) and the Bamako workshop (2018).
    assert_eq!(counts(&d, "by_country"), [("BF".into(), 1), ("ML".into(), 1), ("NE".into(), 1)]);
    assert_eq!(counts(&d, "by_year"), [("2017".into(), 2), ("2018".into(), 1)]);
    assert_eq!(counts(&d, "by_kind"), [("SyllabusDevelopment".into(), 2), ("Workshop".into(), 1)]);
    // People: 15 (2 women) + 14 (1 woman) + 20 (2 women); 4 instructors at the workshop, the
    // supervising expert not counted; institutes: BF-ENP, BF-ENG, NE-ENP, NE-EGN, ML-ENP.
    assert_eq!(people(&d), (49, 5));
    assert_eq!(d["instructors"], 4);
    assert_eq!(d["institutes_reached"], 5);
    assert_eq!(d["equipment"], serde_json::json!([]));

    // 2018 only: the May workshop, 20 people of whom 2 women.
    let d = dashboard(&app, &nl, &[("from_year", "2018"), ("to_year", "2018")]).await;
    assert_eq!(people(&d), (20, 2));
    assert_eq!(minor(&d["grants"][0]["spent"]), 3_850_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_german_dashboard_counts_its_equipment_per_institute() {
    let app = spawn_app().await;
    let de = app.sign_in(DONOR_DE).await;
    let d = dashboard(&app, &de, &[]).await;
    let g = &d["grants"][0];
    // €600,000; spent €24,000 + €22,000 + €20,000 (syllabus) + €10,850 (equipment).
    assert_eq!(minor(&g["amount"]), 60_000_000);
    assert_eq!(minor(&g["spent"]), 7_685_000);
    assert_eq!(minor(&g["remaining"]), 52_315_000);
    assert_eq!(counts(&d, "by_kind"), [("SyllabusDevelopment".into(), 3), ("EquipmentHandover".into(), 1)]);
    // 15 + 15 + 14 people, 2 + 2 + 1 women; seven institutes.
    assert_eq!(people(&d), (44, 5));
    assert_eq!(d["institutes_reached"], 7);
    // Four computers and the projector to INFJ, four computers each to ENP and EGN; none
    // confirmed yet in the demo.
    let equipment: Vec<(String, u64, u64, i64)> = d["equipment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["institute"]["id"].as_str().unwrap().to_owned(),
                e["handed_over"].as_u64().unwrap(),
                e["outstanding"].as_u64().unwrap(),
                minor(&e["value_handed_over"]),
            )
        })
        .collect();
    assert_eq!(
        equipment,
        [
            ("ml_egn".into(), 4, 4, 340_000),
            ("ml_enp".into(), 4, 4, 340_000),
            ("ml_infj".into(), 5, 5, 405_000),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donor_never_sees_another_donors_figures_whatever_the_address() {
    let app = spawn_app().await;
    let nl = app.sign_in(DONOR_NL).await;
    // Asking for Germany, or Germany's grant, still shows the Netherlands only.
    let d = dashboard(&app, &nl, &[("donor", "de_ffo")]).await;
    assert_eq!(d["donor"]["id"], "nl_mfa");
    assert_eq!(d["grants"][0]["reference"], "NL-1-SAHEL-2017-02");
    let d = dashboard(&app, &nl, &[("grant", "de_2017")]).await;
    assert_eq!(d["grants"], serde_json::json!([]));
    assert_eq!(people(&d), (0, 0));
    let (_, html) = app.get_with(&nl, "/dashboard?donor=de_ffo").await;
    assert_eq!(
        text_of_testid(&html, "dashboard-donor").unwrap(),
        "Netherlands – Ministry of Foreign Affairs"
    );
    // Institutes have no dashboard; staff pick a donor or the whole programme.
    let institute = app.sign_in(INSTITUTE_ML_ENP).await;
    assert_eq!(app.get_with(&institute, "/dashboard").await.0, 403);
    let all = dashboard(&app, &app.manager, &[]).await;
    assert_eq!(all["grants"].as_array().unwrap().len(), 2);
    // 15 + 15 + 14 + 20 (and none at the handover): co-funded activities count once.
    assert_eq!(people(&all), (64, 7));
    // Per donor: Germany spent €76,850 on 4 activities, the Netherlands €52,500 on 3.
    let by_donor: Vec<(String, u64, u64, i64)> = all["by_donor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["donor"]["id"].as_str().unwrap().to_owned(),
                t["grants"].as_u64().unwrap(),
                t["activities"].as_u64().unwrap(),
                minor(&t["spent_eur"]),
            )
        })
        .collect();
    assert_eq!(by_donor, [("de_ffo".into(), 1, 4, 7_685_000), ("nl_mfa".into(), 1, 3, 5_250_000)]);
    assert_eq!(d["by_donor"], serde_json::json!([]), "not in a donor's own view");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_usd_grant_converts_at_the_rate_stored_on_each_transaction() {
    let app = spawn_app().await;
    let post = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move {
            let response = app.post_form(&app.manager, path, &form).await;
            assert_eq!(response.status(), 303);
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    let location = post(
        "/records/grants/new",
        vec![
            ("donor", "nl_mfa"),
            ("reference", "NL-USD-1"),
            ("title", "Grant in dollars"),
            ("currency", "USD"),
            ("amount_minor", "100000"),
            ("signed_on", "2018-01-01"),
            ("start_on", "2018-01-01"),
            ("end_on", "2019-12-31"),
            ("status", "active"),
        ],
    )
    .await;
    let grant = location.trim_start_matches("/records/grants/").trim_end_matches("?saved=created").to_owned();
    let grant: &'static str = Box::leak(grant.into_boxed_str());
    for (date, amount, rate) in [("2018-03-01", "10000.00", "0.8123"), ("2018-09-01", "5000.00", "0.8571")] {
        post(
            "/records/transactions/new",
            vec![
                ("donor_grant", grant),
                ("kind", "4"),
                ("value_date", date),
                ("currency", "USD"),
                ("amount_minor", amount),
                ("rate_to_grant", "1"),
                ("rate_to_eur", rate),
                ("provider", "UNODC"),
                ("receiver", "Supplier"),
            ],
        )
        .await;
    }
    let d = dashboard(&app, &app.manager, &[("grant", grant)]).await;
    let g = &d["grants"][0];
    assert_eq!(g["amount"]["currency"], "USD");
    assert_eq!(minor(&g["spent"]), 1_500_000, "US$15,000.00");
    // 10,000.00 × 0.8123 = 8,123.00 and 5,000.00 × 0.8571 = 4,285.50: €12,408.50.
    assert_eq!(minor(&g["spent_eur"]), 1_240_850);
    assert_eq!(g["rates"], serde_json::json!(["0.8123", "0.8571"]));
}

/// What the source rows say, added up directly (not through the summary records): spent in
/// EUR, people and women, activities, institutes reached, for one donor and a country or all.
pub(crate) async fn recount(app: &TestApp, donor: &str, country: Option<&str>) -> (i64, u64, u64, u64, u64) {
    let mut response = app
        .db
        .query(
            "LET $grants = (SELECT VALUE id FROM donor_grant WHERE donor = type::record('donor', $donor));
             LET $live = (SELECT * FROM activity WHERE archived = false AND funding.donor_grant ANYINSIDE $grants
                AND ($country = NONE OR country = $country));
             RETURN math::sum((SELECT VALUE amount_eur_minor FROM transaction WHERE archived = false AND kind = 4
                AND donor_grant IN $grants AND ($country = NONE OR activity.country = $country)));
             RETURN math::sum($live.map(|$a| $a.participants.police.total + $a.participants.gendarmerie.total
                + $a.participants.justice.total + $a.participants.other.total));
             RETURN math::sum($live.map(|$a| $a.participants.police.women + $a.participants.gendarmerie.women
                + $a.participants.justice.women + $a.participants.other.women));
             RETURN array::len($live);
             RETURN array::len(array::distinct(array::flatten($live.institutes)));",
        )
        .bind(("donor", donor.to_owned()))
        .bind(("country", country.map(str::to_owned)))
        .await
        .unwrap();
    let n = |v: Option<i64>| u64::try_from(v.unwrap_or(0)).unwrap();
    let spent: Option<i64> = response.take(2).unwrap();
    let people: Option<i64> = response.take(3).unwrap();
    let women: Option<i64> = response.take(4).unwrap();
    let activities: Option<i64> = response.take(5).unwrap();
    let institutes: Option<i64> = response.take(6).unwrap();
    (spent.unwrap_or(0), n(people), n(women), n(activities), n(institutes))
}

/// The same five figures as the dashboard shows them.
fn shown(d: &serde_json::Value) -> (i64, u64, u64, u64, u64) {
    let spent = d["grants"].as_array().unwrap().iter().map(|g| minor(&g["spent_eur"])).sum();
    let (people, women) = people(d);
    let activities = counts(d, "by_country").iter().map(|(_, n)| n).sum();
    (spent, people, women, activities, d["institutes_reached"].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summaries_follow_every_change_to_activities_and_transactions() {
    let app = spawn_app().await;
    let nl = app.sign_in(DONOR_NL).await;
    // Read before the changes, twice, so that the server keeps these answers (its read cache):
    // what is read after them must still show every change.
    for _ in 0..2 {
        let before = dashboard(&app, &nl, &[]).await;
        assert_eq!(shown(&before), recount(&app, "nl_mfa", None).await);
        dashboard(&app, &nl, &[("country", "NE")]).await;
        dashboard(&app, &nl, &[("country", "ML")]).await;
    }
    let post = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move {
            let response = app.post_form(&app.manager, path, &form).await;
            assert_eq!(response.status(), 303, "{path}");
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            if !location.contains("saved=") {
                let (_, page) = app.get_with(&app.manager, &location).await;
                panic!("{path} was not saved: {}", aidtrail_tests::strip_tags(&page));
            }
        }
    };
    // The Bamako workshop was in fact held in Niamey for the Niger gendarmerie school, with 23
    // people of whom 3 women.
    post(
        "/activities/ml_workshop_2018/edit",
        workshop_edit(
            "1",
            &[
                ("country", "NE"),
                ("city", "Niamey"),
                ("institutes", "ne_egn"),
                ("police_women", "3"),
                ("police_men", "20"),
                ("instructor_0_institution", "National Police of Niger"),
            ],
        ),
    )
    .await;
    // The Niger syllabus expenditure was entered twice; the Burkina syllabus work is archived.
    post(
        "/records/transactions/nl_exp_syllabus_ne/archive",
        vec![("version", "1"), ("reason", "entered twice")],
    )
    .await;
    post("/activities/bf_syllabus_2017/archive", vec![("version", "1"), ("reason", "test")]).await;

    let all = dashboard(&app, &nl, &[]).await;
    // Spent: €52,500 − €6,000 archived. People: the Niger syllabus (14, 1 woman) and the
    // workshop (23, 3 women). Institutes: NE-ENP and NE-EGN.
    assert_eq!(shown(&all), (4_650_000, 37, 4, 2, 2));
    assert_eq!(shown(&all), recount(&app, "nl_mfa", None).await);
    assert_eq!(all["instructors"], 1);
    // The workshop's money moved with it from Mali to Niger.
    let niger = dashboard(&app, &nl, &[("country", "NE")]).await;
    assert_eq!(shown(&niger), (3_850_000, 37, 4, 2, 2));
    assert_eq!(shown(&niger), recount(&app, "nl_mfa", Some("NE")).await);
    let mali = dashboard(&app, &nl, &[("country", "ML")]).await;
    assert_eq!(shown(&mali), (0, 0, 0, 0, 0));
    assert_eq!(shown(&mali), recount(&app, "nl_mfa", Some("ML")).await);
    // The list underneath, newest first, follows too.
    let listed = |d: &serde_json::Value| -> Vec<String> {
        d["activities"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(listed(&all), ["ACT-2018-ML-WS-05", "ACT-2017-NE-SYL"]);
    assert_eq!(all["activities"][0]["participants"], 23);
    assert_eq!(listed(&niger), ["ACT-2018-ML-WS-05", "ACT-2017-NE-SYL"]);
    assert!(listed(&mali).is_empty());
    let in_2017 = dashboard(&app, &nl, &[("from_year", "2017"), ("to_year", "2017")]).await;
    assert_eq!(listed(&in_2017), ["ACT-2017-NE-SYL"]);
    let programme = dashboard(&app, &app.manager, &[("from_year", "2018"), ("to_year", "2018")]).await;
    assert_eq!(listed(&programme), ["ACT-2018-ML-EQ-05", "ACT-2018-ML-WS-05"]);
    // Unfiltered, the programme's summaries now hold keys of rows that fell to zero (the Burkina
    // syllabus work and the Niger expenditure were each alone in theirs): the dashboard, its
    // filter choices and the participants export read past them (they answered 500).
    let whole = dashboard(&app, &app.manager, &[]).await;
    assert_eq!(
        listed(&whole),
        ["ACT-2018-ML-EQ-05", "ACT-2018-ML-WS-05", "ACT-2017-NE-SYL", "ACT-2017-ML-SYL"]
    );
    assert!(!counts(&whole, "by_country").iter().any(|(c, _)| c == "BF"), "{}", whole["by_country"]);
    let (status, options) = app.call(&app.manager, "get_dashboard_options", &[]).await;
    assert_eq!(status, 200, "{options}");
    let (status, rows) = app.export(&app.manager, "/exports/participants.csv").await;
    assert_eq!(status, 200);
    assert!(rows.iter().skip(1).all(|r| !r.contains(&"BF".to_owned())), "{rows:?}");
    // Germany's figures follow the same rules.
    let de = app.sign_in(DONOR_DE).await;
    let germany = dashboard(&app, &de, &[]).await;
    assert_eq!(shown(&germany), recount(&app, "de_ffo", None).await);
}

/// The server keeps the answers of costly reads (dashboard, home counts, activity list, filter
/// choices, indicators) until the data changes: each of them, read and kept before a change,
/// shows the change right after it, for a donor and for the programme's staff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_read_before_a_change_are_not_shown_after_it() {
    let app = spawn_app().await;
    let nl = app.sign_in(DONOR_NL).await;
    let list = [("page[page]", "1"), ("page[per_page]", "50")];
    let json = |body: String| -> serde_json::Value { serde_json::from_str(&body).expect("JSON") };
    let read = |client: reqwest::Client| {
        let app = &app;
        async move {
            let overview = json(app.call(&client, "get_overview", &[]).await.1);
            let activities = json(app.call(&client, "list_activities", &list).await.1);
            let options = json(app.call(&client, "get_activity_filter_options", &[]).await.1);
            let indicators = json(app.call(&client, "list_indicators", &[]).await.1);
            let dashboard = dashboard(app, &client, &[]).await;
            (overview, activities, options, indicators, dashboard)
        }
    };
    let people_indicator = |indicators: &serde_json::Value| -> serde_json::Value {
        indicators.as_array().expect("indicators").iter().map(|i| i["cells"].clone()).collect()
    };
    for client in [nl.clone(), app.manager.clone()] {
        let first = read(client.clone()).await;
        let kept = read(client.clone()).await;
        assert_eq!(first, kept, "nothing changed, the same answers");
    }
    let nl_before = read(nl.clone()).await;
    let staff_before = read(app.manager.clone()).await;

    // The Burkina syllabus work (Dutch funded, held in 2017) is archived.
    let response = app
        .post_form(
            &app.manager,
            "/activities/bf_syllabus_2017/archive",
            &[("version", "1"), ("reason", "test")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["location"].to_str().unwrap().contains("saved="));

    // The version the cache compares moved with the audit log, in the change's transaction.
    let mut versions = app
        .db
        .query("SELECT VALUE seq FROM ONLY data_version:current; RETURN math::max(SELECT VALUE seq FROM audit_event);")
        .await
        .unwrap();
    let (version, newest): (Option<i64>, Option<i64>) =
        (versions.take(0).unwrap(), versions.take(1).unwrap());
    assert!(version.is_some_and(|v| v >= 1), "{version:?}");
    assert_eq!(version, newest);

    for (who, client, before) in [("donor", nl, nl_before), ("staff", app.manager.clone(), staff_before)] {
        let after = read(client).await;
        let activities = |v: &serde_json::Value| v["activities"].as_u64().expect("activities");
        assert_eq!(activities(&after.0), activities(&before.0) - 1, "{who}: home counts");
        let total = |v: &serde_json::Value| v["total"].as_u64().expect("total");
        assert_eq!(total(&after.1), total(&before.1) - 1, "{who}: activity list");
        let listed = |v: &serde_json::Value| -> bool {
            v["items"].as_array().unwrap().iter().any(|a| a["id"] == "bf_syllabus_2017")
        };
        assert!(listed(&before.1) && !listed(&after.1), "{who}: the archived activity left the list");
        assert_ne!(people_indicator(&after.3), people_indicator(&before.3), "{who}: indicators");
        let by_country = |d: &serde_json::Value| counts(d, "by_country");
        assert_ne!(by_country(&after.4), by_country(&before.4), "{who}: dashboard");
        assert_eq!(shown(&after.4).3, shown(&before.4).3 - 1, "{who}: dashboard activities");
        // It was Burkina Faso's only activity: the country leaves the list's filter choices.
        let has_bf = |o: &serde_json::Value| o["countries"].as_array().unwrap().iter().any(|c| c == "BF");
        assert!(has_bf(&before.2) && !has_bf(&after.2), "{who}: filter choices {}", after.2);
    }
}

/// Numbers a request can carry are bounded before any arithmetic: a year of 2147483647 in the
/// dashboard's arguments panicked the handler ("attempt to add with overflow"), and a page 0
/// would have underflowed. Each now answers as the address bar's rules read it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_numbers_in_a_request_are_read_as_no_filter_not_a_crash() {
    let app = spawn_app().await;
    let nl = app.sign_in(DONOR_NL).await;
    let whole = dashboard(&app, &nl, &[]).await;
    for (name, value) in [
        ("to_year", "2147483647"),
        ("from_year", "-2147483648"),
        ("to_year", "-2147483648"),
        ("from_year", "2147483647"),
        ("to_year", "1900"),
    ] {
        let d = dashboard(&app, &nl, &[(name, value)]).await;
        assert_eq!(shown(&d), shown(&whole), "{name}={value} is no filter");
        assert_eq!(d["filter"][name], serde_json::Value::Null, "{name}={value}");
    }
    let (status, body) = app
        .call(&app.manager, "list_activities", &[("page[page]", "0"), ("page[per_page]", "4294967295")])
        .await;
    assert_eq!(status, 200, "{body}");
}
