//! Reference records (donors, strategy, pillars, indicators, grants, transactions, institutes)
//! through the forms a programme manager posts: saved whole, refused field by field, versioned,
//! archived, audited in the same transaction.

mod money;

use money::expenditure;

use aidtrail_tests::{AUDITOR, DONOR_NL, MANAGER, TestApp, count, spawn_app, strip_tags};

/// Posts a form and returns where the server sent the browser.
pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> String {
    let response = app.post_form(client, path, form).await;
    assert_eq!(response.status(), 303, "{path}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The key of the record a create redirected to: `/records/grants/<key>?saved=created`.
fn created_key(location: &str, slug: &str) -> String {
    let prefix = format!("/records/{slug}/");
    assert!(location.starts_with(&prefix) && location.ends_with("?saved=created"), "{location}");
    location[prefix.len()..location.len() - "?saved=created".len()].to_owned()
}

/// The text of a field's error on a rendered form, if any.
pub(crate) fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"{field}-error\"");
    let start = html.find(&marker)?;
    let rest = &html[start..];
    let open = rest.find('>')? + 1;
    let close = rest.find("</p>")?;
    Some(strip_tags(&rest[open..close]).trim().to_owned())
}

/// The programme manager in a second browser that switched to French.
pub(crate) async fn french_manager(app: &TestApp) -> reqwest::Client {
    let client = app.sign_in(MANAGER).await;
    post(app, &client, "/lang", &[("lang", "fr"), ("next", "/")]).await;
    client
}

async fn record_one(app: &TestApp, id: &str) -> serde_json::Value {
    let value: Option<serde_json::Value> =
        app.db.query(format!("SELECT * FROM ONLY {id};")).await.unwrap().take(0).unwrap();
    value.unwrap_or(serde_json::Value::Null)
}

async fn events_for(app: &TestApp, id: &str) -> Vec<serde_json::Value> {
    app.db
        .query("SELECT seq, action, before, after, reason, actor.email AS actor FROM audit_event WHERE record = $r ORDER BY seq;")
        .bind(("r", id.to_owned()))
        .await
        .unwrap()
        .take(0)
        .unwrap()
}

const GRANT: &[(&str, &str)] = &[
    ("donor", "nl_mfa"),
    ("reference", "NL-1-SAHEL-2019-03"),
    ("title", "Strengthening police training in Niger"),
    ("title_fr", "Renforcement de la formation policière au Niger"),
    ("currency", "EUR"),
    ("amount_minor", "125 000,00"),
    ("notation", "fr"),
    ("signed_on", "2018-11-20"),
    ("start_on", "2019-01-01"),
    ("end_on", "2020-12-31"),
    ("status", "active"),
    ("pillars", "p2"),
    ("pillars", "p3"),
    ("countries", "NE"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_is_saved_whole_listed_and_audited_in_the_same_transaction() {
    let app = spawn_app().await;
    let key = created_key(&post(&app, &app.manager, "/records/grants/new", GRANT).await, "grants");
    let id = format!("donor_grant:{key}");
    let grant = record_one(&app, &id).await;
    assert_eq!(grant["reference"], "NL-1-SAHEL-2019-03");
    assert_eq!(grant["title_fr"], "Renforcement de la formation policière au Niger");
    assert_eq!(grant["amount_minor"], 12_500_000);
    assert_eq!(grant["currency"], "EUR");
    assert_eq!(grant["donor"], "donor:nl_mfa");
    assert_eq!(grant["pillars"], serde_json::json!(["pillar:p2", "pillar:p3"]));
    assert_eq!(grant["countries"], serde_json::json!(["NE"]));
    assert_eq!(grant["version"], 1);
    assert!(grant["start_on"].as_str().unwrap().starts_with("2019-01-01"));

    let events = events_for(&app, &id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["action"], "create");
    assert_eq!(events[0]["actor"], "manager@aidtrail.demo");
    assert!(events[0]["after"].as_str().unwrap().contains("NL-1-SAHEL-2019-03"));

    // The list finds it by its title, in French too, filtered by its donor.
    let french = french_manager(&app).await;
    let (status, html) = app.get_with(&french, "/records/grants?q=niger&parent=nl_mfa").await;
    assert_eq!(status, 200);
    let text = strip_tags(&html);
    assert!(text.contains("NL-1-SAHEL-2019-03") && text.contains("125\u{202f}000,00"), "{text}");
    let (_, other_donor) = app.get("/records/grants?q=niger&parent=de_ffo").await;
    assert!(!strip_tags(&other_donor).contains("NL-1-SAHEL-2019-03"));

    // The page says what was saved: a record, not an activity (it said "The activity was
    // recorded." for every kind of record), in the reader's language.
    let (_, saved) = app.get_with(&french, &format!("/records/grants/{key}?saved=created")).await;
    let notice = aidtrail_tests::text_of_testid(&saved, "saved").expect("a saved notice");
    assert_eq!(notice, "La fiche a été créée.");
    let (_, saved) = app.get(&format!("/records/grants/{key}?saved=created")).await;
    assert_eq!(aidtrail_tests::text_of_testid(&saved, "saved").as_deref(), Some("The record was created."));
    let (_, archived) = app.get("/records/grants?saved=archived").await;
    let notice = aidtrail_tests::text_of_testid(&archived, "saved").expect("an archived notice");
    assert!(notice.starts_with("The record was archived"), "{notice}");

    // A filter that matches nothing says so, and does not say that nothing was ever recorded
    // (nor speak of activities).
    let (_, none) = app.get("/records/grants?q=zzzz").await;
    assert!(strip_tags(&none).contains("No record matches these filters."), "{}", strip_tags(&none));
    let (_, none) = app.get("/equipment?grant=zz_no_such_grant").await;
    let text = strip_tags(&none);
    assert!(text.contains("No equipment matches these filters."), "{text}");
    assert!(!text.contains("No equipment has been recorded yet."), "{text}");

    // The form reads back what was saved.
    let (_, form) = app.get(&format!("/records/grants/{key}")).await;
    assert!(form.contains("value=\"125000.00\""), "amount shown back");
    assert!(form.contains("value=\"2019-01-01\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_grant_rule_is_refused_next_to_its_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    // Signed in before counting: a sign-in is an audit event of its own.
    let french = french_manager(&app).await;
    let (grants, events) = (count(&app.db, "donor_grant").await, count(&app.db, "audit_event").await);
    let mut bad: Vec<(&str, &str)> = GRANT.to_vec();
    for (name, value) in
        [("currency", "EURO"), ("end_on", "2018-12-31"), ("status", "dreaming"), ("countries", "Niger")]
    {
        bad.retain(|(n, _)| *n != name);
        bad.push((name, value));
    }
    bad.retain(|(n, _)| *n != "donor");
    bad.push(("donor", "nobody"));
    assert_eq!(post(&app, &app.manager, "/records/grants/new", &bad).await, "/records/grants/new");
    let (_, html) = app.get("/records/grants/new").await;
    assert!(field_error(&html, "currency").unwrap().contains("ISO 4217"), "currency");
    let says = |field: &str, text: &str| {
        let error = field_error(&html, field).unwrap_or_default();
        assert!(error.contains(text), "{field}: {error:?} should say {text:?}");
    };
    says("end_on", "The end is before the start.");
    says("status", "Choose one of the options.");
    says("countries", "Use the two-letter country code");
    // What was typed is kept.
    assert!(html.contains("value=\"EURO\"") && html.contains("value=\"NL-1-SAHEL-2019-03\""));

    // With the form's own rules met, the server's: the donor must exist, the reference be unique.
    let mut unknown: Vec<(&str, &str)> = GRANT.iter().filter(|(n, _)| *n != "donor").copied().collect();
    unknown.push(("donor", "nobody"));
    post(&app, &app.manager, "/records/grants/new", &unknown).await;
    let (_, html) = app.get("/records/grants/new").await;
    let error = field_error(&html, "donor").unwrap_or_default();
    assert!(error.contains("This no longer exists; choose again."), "unknown donor: {error:?}");
    let mut duplicate: Vec<(&str, &str)> = GRANT.iter().filter(|(n, _)| *n != "reference").copied().collect();
    duplicate.push(("reference", "NL-1-SAHEL-2017-02"));
    post(&app, &french, "/records/grants/new", &duplicate).await;
    let (_, html) = app.get_with(&french, "/records/grants/new").await;
    let error = field_error(&html, "reference").unwrap_or_default();
    assert!(
        error.contains("Une autre fiche utilise déjà cette valeur"),
        "duplicate reference, in French: {error:?}"
    );

    assert_eq!(count(&app.db, "donor_grant").await, grants);
    assert_eq!(count(&app.db, "audit_event").await, events, "a refused write leaves no event");
}

/// A record type's slug and table, a valid form, and fields expected back.
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [(&'a str, serde_json::Value)]);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn donors_institutes_strategy_pillars_and_indicators_are_saved_whole() {
    let app = spawn_app().await;
    let cases: &[Case] = &[
        (
            "donors",
            "donor",
            &[
                ("name", "Kingdom of Denmark – Ministry of Foreign Affairs"),
                ("name_fr", "Royaume du Danemark – Ministère des Affaires étrangères"),
                ("iati_ref", "DK-1"),
                ("org_type", "10"),
                ("country", "dk"),
                ("currency", "DKK"),
            ],
            &[
                ("iati_ref", serde_json::json!("DK-1")),
                ("country", serde_json::json!("DK")),
                ("org_type", serde_json::json!(10)),
            ],
        ),
        (
            "institutes",
            "institute",
            &[
                ("code", "NE-EJ"),
                ("name", "Judicial Training School of Niger"),
                ("name_fr", "École de formation judiciaire du Niger"),
                ("kind", "judicial_training_institute"),
                ("country", "NE"),
                ("city", "Niamey"),
            ],
            &[
                ("kind", serde_json::json!("judicial_training_institute")),
                ("city", serde_json::json!("Niamey")),
            ],
        ),
        (
            "strategies",
            "strategy",
            &[
                ("code", "RS-2021-2025"),
                ("title", "Regional Strategy 2021–2025"),
                ("period_start", "2021-01-01"),
                ("period_end", "2025-12-31"),
                ("countries", "BF, ML, NE, TD"),
            ],
            &[("countries", serde_json::json!(["BF", "ML", "NE", "TD"]))],
        ),
        (
            "pillars",
            "pillar",
            &[("strategy", "sahel_2015_2020"), ("code", "P5"), ("title", "Cooperation between countries")],
            &[("code", serde_json::json!("P5"))],
        ),
        (
            "indicators",
            "indicator",
            &[
                ("pillar", "p2"),
                ("code", "IND-2.9"),
                ("title", "Trainers certified"),
                ("unit", "people"),
                ("baseline", "0"),
                ("target_0_year", "2019"),
                ("target_0_country", "ML"),
                ("target_0_value", "12"),
                ("target_1_year", "2019"),
                ("target_1_country", "NE"),
                ("target_1_value", "8"),
            ],
            &[(
                "targets",
                serde_json::json!([{"year": 2019, "country": "ML", "value": 12}, {"year": 2019, "country": "NE", "value": 8}]),
            )],
        ),
    ];
    for (slug, table, form, expected) in cases {
        let location = post(&app, &app.manager, &format!("/records/{slug}/new"), form).await;
        let key = created_key(&location, slug);
        let saved = record_one(&app, &format!("{table}:{key}")).await;
        for (field, value) in *expected {
            assert_eq!(&saved[*field], value, "{slug}.{field}");
        }
        assert_eq!(events_for(&app, &format!("{table}:{key}")).await.len(), 1, "{slug}");
        let (status, html) = app.get(&format!("/records/{slug}")).await;
        assert_eq!(status, 200, "{slug}");
        assert!(html.contains(&format!("/records/{slug}/{key}")), "{slug} listed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_keeps_unformed_fields_refuses_stale_versions_and_archiving_keeps_the_record_readable() {
    let app = spawn_app().await;
    // The indicator's computed flag is not on the form: an edit keeps it.
    let before = record_one(&app, "indicator:officers_trained").await;
    let form: &[(&str, &str)] = &[
        ("version", "1"),
        ("pillar", "p2"),
        ("code", "IND-2.1"),
        ("title", "Officers trained (revised)"),
        ("unit", "people"),
        ("baseline", "0"),
        ("target_0_year", "2018"),
        ("target_0_country", "ML"),
        ("target_0_value", "60"),
        ("reason", "Target revised with the donors"),
    ];
    let location = post(&app, &app.manager, "/records/indicators/officers_trained/edit", form).await;
    assert_eq!(location, "/records/indicators/officers_trained?saved=updated");
    let after = record_one(&app, "indicator:officers_trained").await;
    assert_eq!(after["computed"], before["computed"]);
    assert_eq!(after["version"], 2);
    assert_eq!(after["targets"], serde_json::json!([{"year": 2018, "country": "ML", "value": 60}]));
    let events = events_for(&app, "indicator:officers_trained").await;
    assert_eq!(events.last().unwrap()["reason"], "Target revised with the donors");
    assert!(events.last().unwrap()["before"].as_str().unwrap().contains("IND-2.1"));

    // A second editor still on version 1 gets the conflict, with what they typed kept.
    let stale = post(&app, &app.manager, "/records/indicators/officers_trained/edit", form).await;
    assert_eq!(stale, "/records/indicators/officers_trained");
    let (_, html) = app.get("/records/indicators/officers_trained").await;
    assert!(html.contains("data-testid=\"conflict\""));
    assert_eq!(record_one(&app, "indicator:officers_trained").await["version"], 2);

    // Archive an institute: out of the list, still readable, back with "include archived".
    let location = post(
        &app,
        &app.manager,
        "/records/institutes/ne_egn/archive",
        &[("version", "1"), ("reason", "Merged")],
    )
    .await;
    assert_eq!(location, "/records/institutes?saved=archived");
    let (_, list) = app.get("/records/institutes").await;
    assert!(!list.contains("/records/institutes/ne_egn\""));
    let (_, archived) = app.get("/records/institutes?archived=1").await;
    assert!(archived.contains("/records/institutes/ne_egn\""));
    let (status, page) = app.get("/records/institutes/ne_egn").await;
    assert_eq!(status, 200);
    assert!(!page.contains("data-testid=\"save\""), "archived records are read-only");
    assert_eq!(events_for(&app, "institute:ne_egn").await.last().unwrap()["action"], "archive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditors_read_records_but_change_nothing_and_donors_do_not_see_them() {
    let app = spawn_app().await;
    let auditor = app.sign_in(AUDITOR).await;
    let (status, html) = app.get_with(&auditor, "/records/grants/nl_2018").await;
    assert_eq!(status, 200);
    assert!(!html.contains("data-testid=\"save\"") && html.contains("disabled"));
    let response = app.post_form(&auditor, "/records/grants/nl_2018/archive", &[("version", "1")]).await;
    assert_eq!(response.status(), 403);
    let donor = app.sign_in(DONOR_NL).await;
    assert_eq!(app.get_with(&donor, "/records/transactions").await.0, 403);
    assert_eq!(record_one(&app, "donor_grant:nl_2018").await["archived"], false);
}

/// An amount is read in the language of the page it was typed on, one way only: `10.125` EUR is
/// neither ten thousand nor ten euros and a bit, and nothing is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amount_is_read_in_the_language_of_its_form_one_way_only() {
    let app = spawn_app().await;
    let french = french_manager(&app).await;
    // A French edit form shows the stored amount the French way, and says which way it is.
    let (_, html) = app.get_with(&french, "/records/grants/nl_2018").await;
    assert!(html.contains("value=\"350000,00\""), "the amount in French notation");
    assert!(html.contains("name=\"notation\" value=\"fr\""));
    let (_, html) = app.get("/records/grants/nl_2018").await;
    assert!(html.contains("value=\"350000.00\"") && html.contains("name=\"notation\" value=\"en\""));

    let transactions = count(&app.db, "transaction").await;
    let mut form = expenditure("10.125");
    form.push(("notation", "fr"));
    assert_eq!(post(&app, &french, "/records/transactions/new", &form).await, "/records/transactions/new");
    let (_, html) = app.get_with(&french, "/records/transactions/new").await;
    let error = field_error(&html, "amount_minor").expect("an error on the amount");
    assert!(error.contains("virgule"), "{error}");
    assert!(html.contains("value=\"10.125\""), "what was typed is kept");

    assert_eq!(
        post(&app, &app.manager, "/records/transactions/new", &expenditure("10.125")).await,
        "/records/transactions/new"
    );
    let (_, html) = app.get("/records/transactions/new").await;
    let error = field_error(&html, "amount_minor").expect("an error on the amount");
    assert!(error.contains("3 decimals") && error.contains("EUR has 2"), "{error}");

    let mut form = expenditure("1 500,50");
    form.push(("notation", "fr"));
    form.retain(|(n, _)| *n != "currency");
    form.push(("currency", "XOF"));
    post(&app, &french, "/records/transactions/new", &form).await;
    let (_, html) = app.get_with(&french, "/records/transactions/new").await;
    let error = field_error(&html, "amount_minor").expect("an error on the amount");
    assert!(error.contains("entiers"), "{error}");
    assert_eq!(count(&app.db, "transaction").await, transactions, "nothing saved");
}

/// `amount_minor=100&amount_minor=200` became 100,200.00. Only checkbox groups may repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_posted_twice_is_refused_and_nothing_is_saved() {
    let app = spawn_app().await;
    let (transactions, events) = (count(&app.db, "transaction").await, count(&app.db, "audit_event").await);
    let mut form = expenditure("100");
    form.push(("amount_minor", "200"));
    let response = app.post_form(&app.manager, "/records/transactions/new", &form).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("\"amount_minor\" more than once"));
    for (path, form) in [
        ("/records/grants/nl_2018/edit", vec![("version", "1"), ("title", "A"), ("title", "B")]),
        ("/activities/ml_workshop_2018/edit", vec![("version", "1"), ("code", "A"), ("code", "B")]),
        ("/activities/new", vec![("funding_0_amount", "1"), ("funding_0_amount", "2")]),
        ("/handovers/new", vec![("institute", "ml_enp"), ("institute", "ml_egn")]),
    ] {
        let response = app.post_form(&app.manager, path, &form).await;
        assert_eq!(response.status(), 400, "{path}");
    }
    assert_eq!(count(&app.db, "transaction").await, transactions);
    assert_eq!(count(&app.db, "audit_event").await, events);
    // A checkbox group repeats as it always did: the grant's two pillars (see GRANT).
    let location = post(&app, &app.manager, "/records/grants/new", GRANT).await;
    let key = created_key(&location, "grants");
    let saved = record_one(&app, &format!("donor_grant:{key}")).await;
    assert_eq!(saved["pillars"].as_array().map(Vec::len), Some(2));
}

/// Names with a right-to-left override, NUL or nothing visible, and dates in 1900 or 2999, are
/// refused next to their fields; nothing is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_characters_blank_names_and_absurd_dates_are_refused() {
    let app = spawn_app().await;
    let (donors, grants) = (count(&app.db, "donor").await, count(&app.db, "donor_grant").await);
    for (name, expected) in [
        ("\u{202e}gnp.exe", "invisible"),
        ("Donor\u{0}", "invisible"),
        ("\u{200b}\u{200b}", "invisible"),
        ("\u{200c} \u{200d}", "required"),
    ] {
        let form = [
            ("name", name),
            ("name_fr", "Bailleur"),
            ("country", "NL"),
            ("iati_ref", "NL-9"),
            ("org_type", "10"),
            ("currency", "EUR"),
        ];
        assert_eq!(post(&app, &app.manager, "/records/donors/new", &form).await, "/records/donors/new");
        let (_, html) = app.get("/records/donors/new").await;
        let error = field_error(&html, "name").unwrap_or_default().to_lowercase();
        assert!(error.contains(expected), "{name:?}: {error}");
    }
    // Any two capitals are not a country, nor three a currency.
    let form =
        [("name", "Donor"), ("country", "XX"), ("iati_ref", "XX-1"), ("org_type", "10"), ("currency", "XXX")];
    post(&app, &app.manager, "/records/donors/new", &form).await;
    let (_, html) = app.get("/records/donors/new").await;
    let (country, currency) = (
        field_error(&html, "country").unwrap_or_default(),
        field_error(&html, "currency").unwrap_or_default(),
    );
    assert!(country.contains("two-letter country code"), "{country:?}");
    assert!(currency.contains("ISO 4217"), "{currency:?}");

    let mut grant: Vec<(&str, &str)> = GRANT.to_vec();
    grant.retain(|(n, _)| !matches!(*n, "start_on" | "end_on"));
    grant.extend([("start_on", "1900-01-01"), ("end_on", "2999-12-31")]);
    post(&app, &app.manager, "/records/grants/new", &grant).await;
    let (_, html) = app.get("/records/grants/new").await;
    for field in ["start_on", "end_on"] {
        assert!(field_error(&html, field).unwrap_or_default().contains("2000 and 2099"), "{field}");
    }
    assert_eq!((count(&app.db, "donor").await, count(&app.db, "donor_grant").await), (donors, grants));
}
