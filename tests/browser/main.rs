//! Browser tests: headless Chromium through chromedriver against the real server and the WASM
//! bundle as released (`cargo leptos build --release --precompress`, run by scripts/test.sh).

use aidtrail_tests::browser::{in_browser, sign_in, wait_for};
use aidtrail_tests::{ADMIN, AUDITOR, DONOR_NL, INSTITUTE_ML_ENP, MANAGER, TestApp, site_root, spawn_app};
use fantoccini::{Client, Locator};

mod donor;
mod institute;
mod manager;
mod slow_bundle;

async fn text(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}")).text().await.expect("text")
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_switches_to_french_and_opens_the_workshop() {
    let app = spawn_app().await;
    let credentials = (MANAGER.to_owned(), app.password(MANAGER));
    let base = app.url("");
    in_browser(move |client| visitor_journey(client, base, credentials)).await;
}

async fn visitor_journey(client: Client, base: String, (email, password): (String, String)) {
    assert!(
        site_root().join("hash.txt").exists(),
        "{}/hash.txt is missing: run `cargo leptos build --release --precompress --frontend-only` \
         with scripts/setup.sh's environment first (scripts/test.sh does)",
        site_root().display()
    );
    sign_in(&client, &base, &email, &password).await;
    client.goto(&format!("{base}/activities")).await.expect("open activities");
    assert_eq!(text(&client, "h1").await, "Activities");
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;

    // The switch is a form: the server answers with the same page in French (islands: the
    // page's own text is server HTML, not code in the bundle).
    client
        .find(Locator::Css("button.lang-button[value='fr']"))
        .await
        .expect("FR button")
        .click()
        .await
        .expect("click");
    wait_for(&client, "return document.querySelector('h1').textContent === 'Activités';", "French title")
        .await;
    assert_eq!(client.current_url().await.expect("url").path(), "/activities");
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    let loaded = client
        .execute(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/pkg/')).length;",
            vec![],
        )
        .await
        .expect("resources");
    assert!(loaded.as_u64().unwrap_or(0) >= 2, "the bundle was not loaded: {loaded} files");
    let lang = client.execute("return document.documentElement.lang;", vec![]).await.expect("lang");
    assert_eq!(lang, "fr");
    assert_eq!(text(&client, "nav.main-nav a[aria-current='page']").await, "Activités");
    assert!(text(&client, "table.data").await.contains("8–11 mai 2018"));

    // Open the workshop from the list, still in French.
    client
        .find(Locator::XPath("//a[contains(., 'Atelier de tutorat')]"))
        .await
        .expect("workshop link")
        .click()
        .await
        .expect("click workshop");
    wait_for(
        &client,
        "return !!document.querySelector('[data-testid=participants-total]');",
        "workshop page",
    )
    .await;
    assert_eq!(text(&client, "[data-testid=participants-total]").await, "20");
    assert_eq!(text(&client, "[data-testid=participants-women]").await, "2");
    assert!(text(&client, "h1").await.starts_with("Atelier de tutorat"));

    // The cookie makes the next server render French too.
    client.goto(&format!("{base}/grants")).await.expect("open grants");
    assert_eq!(text(&client, "h1").await, "Subventions");

    // A warm visit: the bundle comes from the cache, without a byte or a revalidation on the wire.
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    let bundle = client
        .execute(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/pkg/')) \
                 .map(e => [e.name.split('/').pop(), e.transferSize]);",
            vec![],
        )
        .await
        .expect("resources");
    let bundle = bundle.as_array().expect("a list").clone();
    assert!(bundle.len() >= 2, "the page loaded no bundle: {bundle:?}");
    assert!(
        bundle.iter().all(|entry| entry[1] == serde_json::json!(0)),
        "a bundle file went over the wire on a warm visit: {bundle:?}"
    );
}

/// Each role signs in, sees the navigation it may use (in its own language), and signs out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_its_own_navigation_and_signs_out() {
    let app = spawn_app().await;
    let base = app.url("");
    let accounts = accounts(&app);
    in_browser(move |client| role_journeys(client, base, accounts)).await;
}

fn accounts(app: &TestApp) -> Vec<(String, String)> {
    [ADMIN, MANAGER, AUDITOR, DONOR_NL, INSTITUTE_ML_ENP]
        .iter()
        .map(|e| (e.to_string(), app.password(e)))
        .collect()
}

async fn role_journeys(client: Client, base: String, accounts: Vec<(String, String)>) {
    let everything = [
        "Overview",
        "Dashboard",
        "Grants",
        "Activities",
        "Institutes",
        "Equipment",
        "Handovers",
        "Indicators",
    ];
    let staff = [everything.as_slice(), &["Records"]].concat();
    let expected: Vec<Vec<&str>> = vec![
        [staff.as_slice(), &["Users", "Audit log", "Exports", "Import"]].concat(),
        [staff.as_slice(), &["Exports", "Import"]].concat(),
        [staff.as_slice(), &["Audit log", "Exports"]].concat(),
        [everything.as_slice(), &["Exports"]].concat(),
        // The institute user reads French, its preference, and sees no grants.
        vec![
            "Vue d’ensemble",
            "Activités",
            "Institutions",
            "Équipement",
            "Remises",
            "Indicateurs",
            "Exports",
        ],
    ];
    for ((email, password), nav) in accounts.iter().zip(expected) {
        sign_in(&client, &base, email, password).await;
        let links = client.find_all(Locator::Css("nav.main-nav a")).await.expect("navigation");
        let mut texts = Vec::new();
        for link in links {
            texts.push(link.text().await.expect("link text"));
        }
        assert_eq!(texts, nav, "navigation of {email}");
        client
            .find(Locator::Css("[data-testid=sign-out]"))
            .await
            .expect("sign-out")
            .click()
            .await
            .expect("sign out");
        wait_for(
            &client,
            "return location.pathname === '/login' && !document.querySelector('[data-testid=sign-out]');",
            "signed out",
        )
        .await;
        client.goto(&format!("{base}/grants")).await.expect("open grants");
        wait_for(
            &client,
            "return !!document.querySelector('a.button[href^=\\'/login\\']');",
            "sign-in prompt after sign-out",
        )
        .await;
    }
}
