//! Browser tests: headless Chromium through chromedriver against the real server and the WASM
//! bundle built by `cargo leptos build`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aidtrail_tests::{
    ADMIN, AUDITOR, DONOR_NL, INSTITUTE_ML_ENP, INSTITUTE_ML_INFJ, MANAGER, TestApp, free_port, site_root,
    spawn_app,
};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

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

/// In French, a programme manager records the May 2018 workshop from scratch, opens it, edits
/// it, and sees the edit in its history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_records_and_edits_the_workshop_in_french() {
    let app = spawn_app().await;
    let credentials = (MANAGER.to_owned(), app.password(MANAGER));
    let base = app.url("");
    in_browser(move |client| record_journey(client, base, credentials)).await;
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn record_journey(client: Client, base: String, (email, password): (String, String)) {
    sign_in(&client, &base, &email, &password).await;
    client.goto(&format!("{base}/activities")).await.expect("open activities");
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    client
        .find(Locator::Css("button.lang-button[value='fr']"))
        .await
        .expect("FR")
        .click()
        .await
        .expect("click");
    wait_for(&client, "return document.querySelector('h1').textContent === 'Activités';", "French").await;

    client
        .find(Locator::Css("[data-testid=new-activity]"))
        .await
        .expect("new activity")
        .click()
        .await
        .expect("click");
    wait_for(&client, "return !!document.querySelector('#code');", "the activity form").await;
    assert_eq!(text(&client, "h1").await, "Nouvelle activité");
    type_into(&client, "#code", "ACT-2018-ML-WS-05-FR").await;
    type_into(&client, "#title", "Tutoring workshop on trafficking and smuggling").await;
    type_into(&client, "#title_fr", "Atelier de tutorat sur la traite et le trafic illicite").await;
    client.find(Locator::Css("#kind")).await.expect("kind").select_by_value("workshop").await.expect("kind");
    client.find(Locator::Css("#status")).await.expect("status").select_by_value("4").await.expect("status");
    client.find(Locator::Css("#pillar")).await.expect("pillar").select_by_value("p2").await.expect("pillar");
    client
        .execute(
            "for (const [id, v] of [['planned_start','2018-05-08'],['planned_end','2018-05-11'],['actual_start','2018-05-08'],['actual_end','2018-05-11']]) { document.getElementById(id).value = v; } return true;",
            vec![],
        )
        .await
        .expect("dates");
    type_into(&client, "#country", "ML").await;
    type_into(&client, "#city", "Bamako").await;
    type_into(&client, "#venue", "École nationale de police").await;
    client
        .find(Locator::Css("input[name=institutes][value=ml_enp]"))
        .await
        .expect("institute")
        .click()
        .await
        .expect("tick");
    type_into(&client, "#police_women", "2").await;
    type_into(&client, "#police_men", "18").await;
    client
        .find(Locator::Css("#funding_0_grant"))
        .await
        .expect("grant")
        .select_by_value("nl_2018")
        .await
        .expect("grant");
    type_into(&client, "#funding_0_amount", "38 500,00").await;
    for (i, institution) in [
        "Police nationale du Mali",
        "Police nationale du Mali",
        "Gendarmerie nationale du Mali",
        "Gendarmerie nationale du Mali",
    ]
    .iter()
    .enumerate()
    {
        type_into(&client, &format!("#instructor_{i}_institution"), institution).await;
    }
    client.find(Locator::Css("[data-testid=save]")).await.expect("save").click().await.expect("save");

    wait_for(&client, "return !!document.querySelector('[data-testid=saved]');", "saved activity page").await;
    assert_eq!(text(&client, "[data-testid=saved]").await, "L’activité a été enregistrée.");
    assert_eq!(text(&client, "[data-testid=participants-total]").await, "20");
    assert_eq!(text(&client, "[data-testid=participants-women]").await, "2");
    assert_eq!(text(&client, "h1").await, "Atelier de tutorat sur la traite et le trafic illicite");

    client.find(Locator::Css("[data-testid=edit]")).await.expect("edit").click().await.expect("edit");
    wait_for(&client, "return !!document.querySelector('#city');", "the edit form").await;
    assert_eq!(text(&client, "h1").await, "Modifier l’activité");
    type_into(&client, "#city", "Bamako, Mali").await;
    type_into(&client, "#reason", "ville précisée").await;
    client.find(Locator::Css("[data-testid=save]")).await.expect("save").click().await.expect("save");
    wait_for(&client, "return !!document.querySelector('[data-testid=saved]');", "saved edit").await;
    assert_eq!(text(&client, "[data-testid=saved]").await, "Vos modifications ont été enregistrées.");
    let history = text(&client, "[data-testid=history]").await;
    assert!(
        history.contains("modification")
            && history.contains("ville précisée")
            && history.contains("création"),
        "{history}"
    );

    // It is in the list, found with the filters.
    client.goto(&format!("{base}/activities")).await.expect("open activities");
    type_into(&client, "#filter-q", "WS-05-FR").await;
    client
        .find(Locator::Css("#filter-year"))
        .await
        .expect("year")
        .select_by_value("2018")
        .await
        .expect("year");
    client
        .find(Locator::Css("[data-testid=apply-filters]"))
        .await
        .expect("apply")
        .click()
        .await
        .expect("apply");
    wait_for(&client, "return location.search.includes('q=WS-05-FR');", "filtered list").await;
    let table = text(&client, "table.data").await;
    assert!(table.contains("Atelier de tutorat sur la traite et le trafic illicite"), "{table}");
    assert_eq!(client.find_all(Locator::Css("table.data tbody tr")).await.expect("rows").len(), 1);

    // With JavaScript, a field is checked as soon as the user leaves it, before any submit.
    client.goto(&format!("{base}/records/transactions/new")).await.expect("open the transaction form");
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    assert!(client.find_all(Locator::Css("#currency-error")).await.expect("errors").is_empty());
    type_into(&client, "#currency", "EURO").await;
    client.find(Locator::Css("#rate_to_grant")).await.expect("next field").click().await.expect("leave");
    wait_for(&client, "return !!document.querySelector('#currency-error');", "the inline currency error")
        .await;
    assert!(text(&client, "#currency-error").await.contains("ISO 4217"));
    assert!(
        client.find_all(Locator::Css("#amount_minor-error")).await.expect("errors").is_empty(),
        "untouched fields stay quiet"
    );
    assert!(client.current_url().await.expect("url").path().ends_with("/records/transactions/new"));
}

/// The National Judicial Training Institute confirms the demo handover of computers and the
/// video projector with one computer missing; the programme manager then sees one item
/// outstanding, and the certificate names both sides, in French.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_judicial_institute_confirms_with_one_computer_missing() {
    let app = spawn_app().await;
    let institute = (INSTITUTE_ML_INFJ.to_owned(), app.password(INSTITUTE_ML_INFJ));
    let manager = (MANAGER.to_owned(), app.password(MANAGER));
    let base = app.url("");
    in_browser(move |client| handover_journey(client, base, institute, manager)).await;
}

async fn handover_journey(
    client: Client,
    base: String,
    institute: (String, String),
    manager: (String, String),
) {
    sign_in(&client, &base, &institute.0, &institute.1).await;
    client.goto(&format!("{base}/handovers")).await.expect("open handovers");
    assert_eq!(text(&client, "h1").await, "Remises de matériel", "the institute reads French");
    client.find(Locator::LinkText("HO-2018-001")).await.expect("the handover").click().await.expect("open");
    wait_for(&client, "return !!document.querySelector('#line_0_received');", "the confirmation form").await;
    // Three of the four computers arrived; the projector did.
    type_into(&client, "#line_0_received", "3").await;
    for serial in ["DEMO-LT-01", "DEMO-LT-02", "DEMO-LT-03", "DEMO-VP-01"] {
        let css = format!("input[type=checkbox][value='{serial}']");
        client.find(Locator::Css(&css)).await.expect("serial").click().await.expect("tick");
    }
    type_into(&client, "#remarks", "Un ordinateur manquant à la livraison").await;
    client
        .find(Locator::Css("[data-testid=confirm]"))
        .await
        .expect("confirm")
        .click()
        .await
        .expect("confirm");
    wait_for(&client, "return !!document.querySelector('[data-testid=saved]');", "the confirmation").await;
    assert_eq!(text(&client, "[data-testid=outstanding-total]").await, "1");

    client.goto(&format!("{base}/handovers/ml_infj_2018/certificate")).await.expect("certificate");
    wait_for(&client, "return !!document.querySelector('[data-testid=certificate]');", "the certificate")
        .await;
    assert_eq!(text(&client, "h1").await, "Certificat de remise de matériel");
    assert_eq!(text(&client, "[data-testid=handed-over-by]").await, "UNODC programme officer");
    assert!(
        text(&client, "[data-testid=received-by]")
            .await
            .contains("Institut national de formation judiciaire")
    );
    assert_eq!(text(&client, "[data-testid=status]").await, "Reçue en partie");

    client.goto(&format!("{base}/")).await.expect("home");
    client
        .find(Locator::Css("[data-testid=sign-out]"))
        .await
        .expect("sign-out")
        .click()
        .await
        .expect("sign out");
    wait_for(&client, "return !document.querySelector('[data-testid=sign-out]');", "signed out").await;
    sign_in(&client, &base, &manager.0, &manager.1).await;
    client.goto(&format!("{base}/handovers?status=partially_received")).await.expect("open handovers");
    let table = text(&client, "[data-testid=handovers]").await;
    assert!(table.contains("HO-2018-001"), "{table}");
    assert_eq!(text(&client, "[data-testid=handovers] [data-testid=outstanding]").await, "1");
}

/// The Netherlands donor sees the May 2018 workshop counted in people trained (20, of whom 2
/// women) and no German-funded equipment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_netherlands_donor_sees_what_its_money_did() {
    let app = spawn_app().await;
    let donor = (DONOR_NL.to_owned(), app.password(DONOR_NL));
    let base = app.url("");
    in_browser(move |client| donor_journey(client, base, donor)).await;
}

async fn donor_journey(client: Client, base: String, (email, password): (String, String)) {
    sign_in(&client, &base, &email, &password).await;
    client.find(Locator::LinkText("Dashboard")).await.expect("dashboard link").click().await.expect("open");
    wait_for(&client, "return !!document.querySelector('[data-testid=dash-people]');", "the dashboard").await;
    assert!(text(&client, "[data-testid=dashboard-donor]").await.contains("Netherlands"));
    client.find(Locator::Css("#dash-from")).await.expect("from").select_by_value("2018").await.expect("from");
    client.find(Locator::Css("#dash-to")).await.expect("to").select_by_value("2018").await.expect("to");
    client
        .find(Locator::Css("[data-testid=apply-filters]"))
        .await
        .expect("apply")
        .click()
        .await
        .expect("apply");
    wait_for(&client, "return location.search.includes('from=2018');", "the filtered dashboard").await;
    wait_for(&client, "return !!document.querySelector('[data-testid=dash-people]');", "the figures").await;
    assert!(text(&client, "[data-testid=dash-people]").await.ends_with("20"));
    assert!(text(&client, "[data-testid=dash-women]").await.contains("2 (10"));
    let activities = text(&client, "[data-testid=dash-activity-list]").await;
    assert!(activities.contains("Tutoring workshop"), "{activities}");
    assert!(
        client.find(Locator::Css("[data-testid=dash-no-equipment]")).await.is_ok(),
        "no German equipment"
    );
    let svg = text(&client, "[data-testid=chart-people] figcaption").await;
    assert!(!svg.is_empty(), "the people chart is drawn");
}
