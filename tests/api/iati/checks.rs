//! The checks before publishing, on the exports page: each activity, grant or transaction of
//! the file that breaks a rule of the standard, named, with a link to the record to fix, in the
//! reader's language.

use aidtrail_tests::{AppOptions, spawn_app, spawn_app_with};

use super::{download, validate};

/// Before publishing, the exports page names each activity that breaks a rule of the standard,
/// with a link to fix it, in the reader's language; with every theme given a sector, none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checks_name_each_activity_that_breaks_a_rule() {
    let app = spawn_app().await;
    let (_, page) = app.get_with(&app.manager, "/exports").await;
    assert!(page.contains("Every activity and grant of these files meets the standard"), "{page}");
    assert!(!page.contains("data-testid=\"iati-problem\""));

    // Only trafficking has a sector: every activity on both themes has none.
    let app = spawn_app_with(AppOptions {
        env: vec![("AIDTRAIL_IATI_SECTORS", "tip=15190".to_owned())],
        ..AppOptions::default()
    })
    .await;
    let (_, rows) = app.export(&app.manager, "/exports/activities.csv").await;
    let theme = rows[0].iter().position(|h| h == "theme").unwrap();
    let without: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[theme] != "tip").collect();
    assert!(!without.is_empty(), "the demo has activities on other themes");
    // Nor has any grant: a grant is published with the sector of both themes.
    let (_, grants) = app.export(&app.manager, "/exports/grants.csv").await;
    let (_, page) = app.get_with(&app.manager, "/exports").await;
    let named = aidtrail_tests::texts_of_testid(&page, "iati-problem");
    assert_eq!(named.len(), without.len() + grants.len() - 1, "{named:?}");
    for grant in &grants[1..] {
        assert!(named.iter().any(|n| n.contains(grant[2].as_str()) && n.contains("no sector")), "{named:?}");
        assert!(
            page.contains(&format!("href=\"/records/grants/{}\"", grant[0])),
            "a link to fix {}",
            grant[2]
        );
    }
    for row in &without {
        let (id, code) = (&row[0], &row[1]);
        assert!(
            named.iter().any(|n| n.contains(code.as_str()) && n.contains("no sector")),
            "{code}: {named:?}"
        );
        assert!(page.contains(&format!("href=\"/activities/{id}/edit\"")), "a link to fix {code}");
    }
    // The file itself leaves the sector out rather than inventing one, and stays valid.
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    assert!(validate(&xml, "iati-activities-schema.xsd").0);
    // The manager switches to French (the switch also stores the preference).
    app.post_form(&app.manager, "/lang", &[("lang", "fr"), ("next", "/exports")]).await;
    let (_, french) = app.get_with(&app.manager, "/exports").await;
    assert!(
        french.contains("aucun secteur"),
        "in the reader's language: {}",
        aidtrail_tests::texts_of_testid(&french, "iati-problem").join(" / ")
    );
}

/// A transaction dated after today is money that has not moved (rules 11.2.1 and 11.2.2): the
/// checks name it by its activity's code, or its grant's reference, with a link to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_dated_after_today_is_named() {
    let app = spawn_app().await;
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).format("%Y-%m-%d").to_string();
    let mut keys = Vec::new();
    for activity in ["ml_workshop_2018", ""] {
        let form = [
            ("donor_grant", "nl_2018"),
            ("kind", "3"),
            ("value_date", tomorrow.as_str()),
            ("currency", "EUR"),
            ("amount_minor", "1200.00"),
            ("rate_to_grant", "1"),
            ("rate_to_eur", "1"),
            ("activity", activity),
            ("provider", "Programme office"),
            ("receiver", "Hotel"),
        ];
        let response = app.post_form(&app.manager, "/records/transactions/new", &form).await;
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.ends_with("?saved=created"), "{location}");
        keys.push(
            location
                .trim_start_matches("/records/transactions/")
                .trim_end_matches("?saved=created")
                .to_owned(),
        );
    }
    let (_, page) = app.get_with(&app.manager, "/exports").await;
    let named = aidtrail_tests::texts_of_testid(&page, "iati-problem");
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(
        named
            .iter()
            .any(|n| n.contains("ACT-2018-ML-WS-05") && n.contains("a transaction dated after today"))
    );
    assert!(
        named
            .iter()
            .any(|n| n.contains("NL-1-SAHEL-2017-02") && n.contains("a transaction dated after today"))
    );
    for key in &keys {
        assert!(page.contains(&format!("href=\"/records/transactions/{key}\"")), "a link to fix {key}");
    }
    // A file of the years before names none.
    let (_, before) = app.get_with(&app.manager, "/exports?to=2020-12-31").await;
    assert!(aidtrail_tests::texts_of_testid(&before, "iati-problem").is_empty());
}
