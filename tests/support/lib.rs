//! Helpers shared by the integration and browser tests: a real server on port 0 with a fresh
//! embedded database in a temporary folder, and the real `aidtrail` binary for restart tests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aidtrail::db::Db;
use aidtrail::{Application, Settings};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub mod browser;
pub mod crash;
pub mod forms;

/// The May 2018 Bamako workshop's edit form as a programme manager posts it, at `version`, with
/// `changes` replacing or adding fields.
pub fn workshop_edit<'a>(version: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = std::collections::BTreeMap::from([
        ("version", version),
        ("code", "ACT-2018-ML-WS-05"),
        ("title", "Tutoring workshop for judicial police officers"),
        ("kind", "workshop"),
        ("status", "4"),
        ("theme", "both"),
        ("pillar", "p2"),
        ("planned_start", "2018-05-08"),
        ("planned_end", "2018-05-11"),
        ("country", "ML"),
        ("city", "Bamako"),
        ("institutes", "ml_enp"),
        ("police_women", "2"),
        ("police_men", "18"),
        ("funding_0_grant", "nl_2018"),
        ("funding_0_amount", "38500.00"),
        ("instructor_0_institution", "National Police of Mali"),
    ]);
    form.extend(changes.iter().copied());
    form.into_iter().collect()
}

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    manifest_dir().parent().expect("tests/ has a parent").to_path_buf()
}

/// This package's folder in the checkout being tested. Cargo sets `CARGO_MANIFEST_DIR` when it
/// runs a test as well as when it compiles one, and the two can differ: with a target folder
/// shared between checkouts (CI's clean clones), an unchanged test binary built in another
/// checkout is reused, and the path compiled into it may no longer exist. The path of the run
/// wins; the compiled one is for a binary started by hand.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// Where `cargo leptos build` put the site (`pkg/` with the hashed WASM, JS and CSS; `hash.txt`).
pub fn site_root() -> PathBuf {
    std::env::var_os("LEPTOS_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/site"))
}

/// A running server and what it needs to stay alive.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    /// A visitor who is not signed in.
    pub client: reqwest::Client,
    /// A signed-in programme manager (sees everything, changes nothing here).
    pub manager: reqwest::Client,
    pub data_dir: TempDir,
    pub accounts: Vec<(String, String)>,
    shutdown: Option<oneshot::Sender<()>>,
}

/// The demo accounts the tests sign in as, by role.
pub const ADMIN: &str = "admin@aidtrail.local";
pub const MANAGER: &str = "manager@aidtrail.demo";
pub const AUDITOR: &str = "auditor@aidtrail.demo";
pub const DONOR_NL: &str = "donor.nl@aidtrail.demo";
pub const DONOR_DE: &str = "donor.de@aidtrail.demo";
pub const INSTITUTE_ML_ENP: &str = "ml-enp@aidtrail.demo";
pub const INSTITUTE_ML_INFJ: &str = "ml-infj@aidtrail.demo";
pub const INSTITUTE_BF_ENP: &str = "bf-enp@aidtrail.demo";

/// A client that keeps cookies and does not follow redirects.
pub fn browserless_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        // A request that hangs fails its test instead of stalling the whole run
        // (`AIDTRAIL_TEST_REQUEST_TIMEOUT_SECS` lengthens it, to take a thread dump of a stall).
        .timeout(Duration::from_secs(
            std::env::var("AIDTRAIL_TEST_REQUEST_TIMEOUT_SECS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(30),
        ))
        .build()
        .expect("client")
}

/// Options for [`spawn_app_with`].
#[derive(Default)]
pub struct AppOptions {
    pub no_demo: bool,
    /// Extra `AIDTRAIL_*` variables, e.g. the language cookie is sent by the client instead.
    pub env: Vec<(&'static str, String)>,
}

/// Starts the server with demo data on a fresh on-disk database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions::default()).await
}

pub async fn spawn_app_with(options: AppOptions) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("surrealkv://{}", data_dir.path().join("db").display());
    let site_root = site_root().display().to_string();
    let files_dir = data_dir.path().join("files").display().to_string();
    let settings = Settings::from_lookup(|name| {
        if let Some((_, v)) = options.env.iter().find(|(k, _)| *k == name) {
            return Some(v.clone());
        }
        match name {
            "AIDTRAIL_DB" => Some(db_url.clone()),
            "AIDTRAIL_ADDR" => Some("127.0.0.1:0".into()),
            "AIDTRAIL_SITE_ROOT" => Some(site_root.clone()),
            "AIDTRAIL_FILES_DIR" => Some(files_dir.clone()),
            "AIDTRAIL_DEMO" => Some((!options.no_demo).to_string()),
            // Pages read at the current version, as the tests' expectations are written: a
            // change of one user is on the next page of every other. The window pages are given
            // while others save (`db::cache`) has its own tests, which set it.
            "AIDTRAIL_READ_STALE_MS" => Some("0".into()),
            // Lengthened with the tests' own timeout, to take a thread dump of a stall.
            "AIDTRAIL_REQUEST_TIMEOUT_MS" => std::env::var("AIDTRAIL_REQUEST_TIMEOUT_MS").ok(),
            _ => None,
        }
    })
    .expect("test settings are valid");
    aidtrail::telemetry::init("error,surrealdb=off,surrealkv=off", aidtrail::config::LogFormat::Text);
    let app = Application::build(&settings).await.expect("server starts");
    let addr = app.local_addr();
    let db = app.db();
    let app_accounts: Vec<(String, String)> =
        app.initial_accounts().iter().map(|a| (a.email.clone(), a.password.clone())).collect();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    let client = browserless_client();
    let mut test_app = TestApp {
        addr,
        db,
        client: client.clone(),
        manager: client,
        data_dir,
        accounts: app_accounts,
        shutdown: Some(tx),
    };
    if !options.no_demo {
        test_app.manager = test_app.sign_in(MANAGER).await;
    }
    test_app
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The password printed at start for `email`.
    pub fn password(&self, email: &str) -> String {
        self.accounts
            .iter()
            .find(|(e, _)| e == email)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| panic!("no initial account {email}"))
    }

    /// Downloads an export (`/exports/...`) as `client`: its status and its rows, header first,
    /// after checking that it is CSV and dropping a byte-order mark.
    pub async fn export(&self, client: &reqwest::Client, path: &str) -> (u16, Vec<Vec<String>>) {
        let response = client.get(self.url(path)).send().await.expect("request");
        let status = response.status().as_u16();
        if status != 200 {
            return (status, Vec::new());
        }
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8", "{path}");
        let bytes = response.bytes().await.expect("body");
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&bytes);
        let rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body)
            .records()
            .map(|r| r.expect("a valid CSV record").iter().map(str::to_owned).collect())
            .collect();
        (status, rows)
    }

    /// Signs in as `email` (one of the initial accounts) and returns the client holding the
    /// session cookie.
    pub async fn sign_in(&self, email: &str) -> reqwest::Client {
        let client = browserless_client();
        let password = self.password(email);
        let response = self
            .post_form(&client, "/login", &[("email", email), ("password", &password), ("next", "/")])
            .await;
        assert_eq!(response.status(), 303, "sign-in as {email}");
        assert_eq!(response.headers()["location"], "/", "sign-in as {email} failed");
        client
    }

    /// POSTs a form with `client`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client.post(self.url(path)).form(form).send().await.expect("request")
    }

    /// GETs a page with `client` and returns its status and body.
    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(self.url(path)).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// GETs a page as the signed-in programme manager.
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.get_with(&self.manager, path).await
    }

    /// GETs a page as the programme manager whose browser asks for `lang`.
    pub async fn get_in(&self, path: &str, lang: &str) -> (u16, String) {
        let response = self
            .manager
            .get(self.url(path))
            .header("cookie", format!("aidtrail_lang={lang}"))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Calls the server function `name` with a form-encoded body; returns status and body.
    pub async fn call(&self, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> (u16, String) {
        let response = client.post(self.url(&server_fn_path(name))).form(form).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// The URL path of the server function `name` (paths may carry a hash suffix).
pub fn server_fn_path(name: &str) -> String {
    aidtrail::startup::endpoints()
        .into_iter()
        .filter(|(_, _, kind)| *kind == "server_fn")
        .map(|(_, path, _)| path)
        .find(|path| server_fn_name(path) == name)
        .unwrap_or_else(|| panic!("no server function {name}"))
}

/// The function name in a server function path: `/api/list_grants123` → `list_grants`.
pub fn server_fn_name(path: &str) -> &str {
    path.trim_start_matches("/api/").trim_end_matches(|c: char| c.is_ascii_digit())
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The `aidtrail` binary built next to the test executables (`cargo build --workspace`).
pub fn server_binary() -> PathBuf {
    // A bench may measure another build (the one before a change) with the same harness.
    if let Some(other) = std::env::var_os("AIDTRAIL_SERVER_BINARY") {
        return PathBuf::from(other);
    }
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(Path::parent).expect("target/debug");
    let bin = dir.join("aidtrail");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --workspace` before the tests (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// A real `aidtrail` process, killed if the test ends without stopping it.
pub struct ServerProcess {
    pub child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

/// Whether the server at `addr` answers `/healthz` with 200.
fn healthy(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if write!(stream, "GET /healthz HTTP/1.0\r\nHost: {addr}\r\n\r\n").is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200")
}

/// A free local port (bound then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The environment of a server whose database and attached files are kept in `dir`, followed by
/// `extra` settings.
pub fn data_env(dir: &Path, extra: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("AIDTRAIL_DB", format!("surrealkv://{}", dir.join("db").display())),
        ("AIDTRAIL_FILES_DIR", dir.join("files").display().to_string()),
    ];
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    env
}

/// Starts the binary with `env` and waits until `/healthz` answers.
pub fn start_server(env: &[(&str, String)], args: &[&str], log: &Path) -> ServerProcess {
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let log_file = std::fs::File::create(log).expect("log file");
    let mut command = Command::new(server_binary());
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AIDTRAIL_ADDR", addr.to_string())
        .env("AIDTRAIL_SITE_ROOT", site_root())
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("log"))
        .stderr(log_file);
    for (k, v) in env {
        command.env(k, v);
    }
    let child = command.spawn().expect("spawn aidtrail");
    let mut server = ServerProcess { child, addr, log: log.to_path_buf() };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("aidtrail exited early with {status}:\n{}", server.log_text());
        }
        if healthy(addr) {
            return server;
        }
        assert!(Instant::now() < deadline, "aidtrail did not start:\n{}", server.log_text());
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl ServerProcess {
    /// Sends SIGTERM and waits for the process; returns its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs the binary to completion (for start-up failures) and returns (exit code, output).
pub fn run_server_to_exit(env: &[(&str, String)], args: &[&str]) -> (Option<i32>, String) {
    let mut command = Command::new(server_binary());
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AIDTRAIL_ADDR", format!("127.0.0.1:{}", free_port()))
        .stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().expect("run aidtrail");
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code(), text)
}

/// Counts the records of `table` straight from the database.
pub async fn count(db: &Db, table: &str) -> u64 {
    let rows: Vec<serde_json::Value> = db
        .query(format!("SELECT count() AS n FROM {table} GROUP ALL;"))
        .await
        .expect("count query")
        .check()
        .expect("count ok")
        .take(0)
        .expect("count rows");
    rows.first().and_then(|r| r["n"].as_u64()).unwrap_or(0)
}

/// The text inside the first element carrying `data-testid="{id}"`, with tags and hydration
/// comments removed.
pub fn text_of_testid(html: &str, id: &str) -> Option<String> {
    let marker = format!("data-testid=\"{id}\"");
    let start = html.find(&marker)?;
    let open_end = start + html[start..].find('>')? + 1;
    let tag_start = html[..start].rfind('<')? + 1;
    let tag: String = html[tag_start..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let close = format!("</{tag}>");
    let end = open_end + html[open_end..].find(&close)?;
    Some(strip_tags(&html[open_end..end]).trim().to_owned())
}

/// The texts inside every element carrying `data-testid="{id}"`, in page order, as
/// [`text_of_testid`] reads one.
pub fn texts_of_testid(html: &str, id: &str) -> Vec<String> {
    let marker = format!("data-testid=\"{id}\"");
    let mut texts = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(&marker) {
        // Read from the start of this element's tag, so that the first match is this one.
        let tag_start = html[..from + at].rfind('<').unwrap_or(from + at);
        match text_of_testid(&html[tag_start..], id) {
            Some(text) => texts.push(text),
            None => break,
        }
        from += at + marker.len();
    }
    texts
}

/// Drops tags and comments, keeping text.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The password a first start printed in its log for `email`.
pub fn printed_password(log: &str, email: &str) -> String {
    log.lines()
        .find(|l| l.contains("initial account created") && l.contains(&format!("email={email} ")))
        .and_then(|l| l.split("password=").nth(1))
        .map(|p| p.split_whitespace().next().unwrap_or_default().to_owned())
        .unwrap_or_else(|| panic!("no password printed for {email}:\n{log}"))
}

/// Signs in against a running binary at `addr` and returns the signed-in client.
pub async fn sign_in_at(addr: SocketAddr, email: &str, password: &str) -> reqwest::Client {
    let client = browserless_client();
    let response = client
        .post(format!("http://{addr}/login"))
        .form(&[("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("sign-in request");
    assert_eq!(response.headers()["location"], "/", "sign-in as {email}");
    client
}
