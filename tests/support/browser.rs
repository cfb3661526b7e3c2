//! Headless Chromium through chromedriver, for the browser tests and the field bench.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::free_port;

/// A chromedriver process, stopped when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    pub fn start(log: &Path) -> Self {
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

pub async fn browser(driver: &Driver, profile: &Path) -> Client {
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
pub async fn in_browser<F, Fut>(journey: F)
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
pub async fn wait_for(client: &Client, script: &str, what: &str) {
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

/// Signs in through the form, as a person would.
pub async fn sign_in(client: &Client, base: &str, email: &str, password: &str) {
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
