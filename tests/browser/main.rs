//! Browser tests: headless Chromium through chromedriver against the real server and the WASM
//! bundle built by `cargo leptos build`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aidtrail_tests::{
    ADMIN, AUDITOR, DONOR_NL, INSTITUTE_ML_ENP, MANAGER, TestApp, free_port, site_root, spawn_app,
};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

mod donor;
mod institute;
mod manager;

/// A chromedriver process, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(log: &Path) -> Self {
        let port = free_port();
        let log = std::fs::File::create(log).expect("driver log");
        let child = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("chromedriver must be installed (scripts/test.sh installs Debian's chromium-driver)");
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("browser session")
}

/// Runs a journey in a fresh headless Chromium and always ends the browser session, even when
/// the journey panics (the panic is then passed on).
async fn in_browser<F, Fut>(journey: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let scratch = tempfile::tempdir().expect("scratch");
    let driver = Driver::start(&scratch.path().join("chromedriver.log"));
    let client = browser(&driver, &scratch.path().join("profile")).await;
    let outcome = tokio::spawn(journey(client.clone())).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Waits until `script` returns true in the page.
async fn wait_for(client: &Client, script: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = client.execute(script, vec![]).await.expect("script");
        if value == serde_json::Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            let html = client.source().await.unwrap_or_default();
            panic!("timed out waiting for {what}; page:\n{}", &html[..html.len().min(4000)]);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}")).text().await.expect("text")
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_switches_to_french_after_hydration_and_opens_the_workshop() {
    let app = spawn_app().await;
    let credentials = (MANAGER.to_owned(), app.password(MANAGER));
    let base = app.url("");
    in_browser(move |client| visitor_journey(client, base, credentials)).await;
}

/// Signs in through the form, as a person would.
async fn sign_in(client: &Client, base: &str, email: &str, password: &str) {
    client.goto(&format!("{base}/login")).await.expect("open sign-in");
    client
        .find(Locator::Css("#email"))
        .await
        .expect("email field")
        .send_keys(email)
        .await
        .expect("type email");
    client
        .find(Locator::Css("#password"))
        .await
        .expect("password field")
        .send_keys(password)
        .await
        .expect("type password");
    client
        .find(Locator::Css("form.form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("submit");
    wait_for(client, "return !!document.querySelector('[data-testid=sign-out]');", "signed-in page").await;
}

async fn visitor_journey(client: Client, base: String, (email, password): (String, String)) {
    assert!(
        site_root().join("pkg/aidtrail.wasm").exists(),
        "{}/pkg/aidtrail.wasm is missing: run `cargo leptos build --frontend-only` first (scripts/test.sh does)",
        site_root().display()
    );
    sign_in(&client, &base, &email, &password).await;
    client.goto(&format!("{base}/activities")).await.expect("open activities");
    assert_eq!(text(&client, "h1").await, "Activities");
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;

    // Marks this page load: a full reload (the no-JavaScript path) would wipe it.
    client.execute("window.__sameDocument = true; return true;", vec![]).await.expect("mark");
    client
        .find(Locator::Css("button.lang-button[value='fr']"))
        .await
        .expect("FR button")
        .click()
        .await
        .expect("click");
    wait_for(&client, "return document.querySelector('h1').textContent === 'Activités';", "French title")
        .await;
    let same_document =
        client.execute("return window.__sameDocument === true;", vec![]).await.expect("check");
    assert_eq!(
        same_document,
        serde_json::Value::Bool(true),
        "the switch reloaded the page: WASM did not take over"
    );
    let lang = client.execute("return document.documentElement.lang;", vec![]).await.expect("lang");
    assert_eq!(lang, "fr");
    assert_eq!(text(&client, "nav.main-nav a[aria-current='page']").await, "Activités");
    assert!(text(&client, "table.data").await.contains("8–11 mai 2018"));

    // Open the workshop from the list: a client-side navigation, still in French.
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
