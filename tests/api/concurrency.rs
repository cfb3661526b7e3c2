//! Many people at once, against the real binary (its multi-threaded runtime, its log): every page
//! kind answered whole under concurrent load, no panic in the server's log.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aidtrail_tests::{
    browserless_client, data_env, printed_password, server_fn_path, sign_in_at as sign_in, spawn_app,
    start_server,
};

/// One request: its path, status and body (or the transport error).
async fn fetch(
    client: reqwest::Client,
    addr: SocketAddr,
    path: String,
) -> (String, Result<(u16, String), String>) {
    let request = if path.starts_with("/api/") {
        client.post(format!("http://{addr}{path}")).form(&[] as &[(&str, &str)])
    } else {
        client.get(format!("http://{addr}{path}"))
    };
    let outcome = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            response.text().await.map(|body| (status, body)).map_err(|e| e.to_string())
        }
        Err(error) => Err(error.to_string()),
    };
    (path, outcome)
}

/// For each path in turn, sends `at_once` requests of it at the same time, spread over
/// `clients`, and returns what did not answer 200 with a whole page (or, for a server function,
/// a JSON body).
async fn burst(
    clients: &[reqwest::Client],
    addr: SocketAddr,
    paths: &[String],
    at_once: usize,
) -> Vec<String> {
    let mut problems = Vec::new();
    for path in paths {
        let tasks: Vec<_> = (0..at_once)
            .map(|i| tokio::spawn(fetch(clients[i % clients.len()].clone(), addr, path.clone())))
            .collect();
        for task in tasks {
            let (path, outcome) = task.await.expect("request task");
            match outcome {
                Ok((200, body)) if path.starts_with("/api/") && body.starts_with('{') => {}
                // Leptos writes its resource scripts after the document's end.
                Ok((200, body)) if body.contains("</html>") => {}
                Ok((status, body)) => problems.push(format!("{path}: {status}, {} bytes", body.len())),
                Err(error) => problems.push(format!("{path}: {error}")),
            }
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_kind_answers_whole_under_concurrent_load_without_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Ten sign-ins of one account in a few seconds.
    let env = data_env(dir.path(), &[("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "50"), ("RUST_BACKTRACE", "1")]);
    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    let log = server.log_text();
    let addr = server.addr;
    let manager_password = printed_password(&log, "manager@aidtrail.demo");
    let donor_password = printed_password(&log, "donor.nl@aidtrail.demo");

    // An activity's page and a handover's, found in their lists.
    let manager = sign_in(addr, "manager@aidtrail.demo", &manager_password).await;
    let find = |body: &str, prefix: &str| -> String {
        body.split("href=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').expect("closing quote")])
            .find(|link| link.starts_with(prefix) && !link.ends_with("/new") && !link.ends_with("/report"))
            .unwrap_or_else(|| panic!("no link to {prefix}…"))
            .to_owned()
    };
    let activities =
        manager.get(format!("http://{addr}/activities")).send().await.unwrap().text().await.unwrap();
    let handovers =
        manager.get(format!("http://{addr}/handovers")).send().await.unwrap().text().await.unwrap();
    let activity = find(&activities, "/activities/ml_");
    let handover = find(&handovers, "/handovers/");

    let signed_in: Vec<String> = [
        "/",
        "/activities",
        "/activities?country=ML&sort=start",
        activity.as_str(),
        "/dashboard",
        "/handovers",
        handover.as_str(),
        "/handovers/report",
        "/equipment",
        "/records/donors",
        "/records/grants",
        "/exports",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .chain([server_fn_path("get_current_user")])
    .collect();

    let anonymous = vec![browserless_client()];
    let mut problems =
        burst(&anonymous, addr, &["/login".to_owned(), "/login?next=/dashboard".to_owned()], 64).await;
    // One session shared by every request, as the tabs of one browser share it.
    problems.extend(burst(std::slice::from_ref(&manager), addr, &signed_in, 64).await);
    // A session per connection.
    let mut sessions = Vec::new();
    for _ in 0..8 {
        sessions.push(sign_in(addr, "manager@aidtrail.demo", &manager_password).await);
    }
    problems.extend(burst(&sessions, addr, &signed_in, 64).await);
    let donor = sign_in(addr, "donor.nl@aidtrail.demo", &donor_password).await;
    problems.extend(burst(&[donor], addr, &["/dashboard".to_owned(), "/activities".to_owned()], 64).await);
    let auditor =
        sign_in(addr, "auditor@aidtrail.demo", &printed_password(&log, "auditor@aidtrail.demo")).await;
    problems.extend(burst(&[auditor], addr, &["/admin/audit".to_owned()], 64).await);

    let health = reqwest::get(format!("http://{addr}/healthz")).await.expect("health");
    assert_eq!(health.status(), 200, "the server stays healthy");
    assert_eq!(server.terminate(), Some(0));
    let log = server.log_text();
    let panics: Vec<&str> = log.lines().filter(|l| l.contains("panicked")).take(5).collect();
    assert!(panics.is_empty(), "panics in the server log:\n{}", panics.join("\n"));
    assert!(
        problems.is_empty(),
        "{} requests failed, e.g.:\n{}",
        problems.len(),
        problems[..problems.len().min(10)].join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_requests_of_one_session_at_once_never_fail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = data_env(dir.path(), &[]);
    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    let addr = server.addr;
    let password = printed_password(&server.log_text(), "manager@aidtrail.demo");
    let manager = sign_in(addr, "manager@aidtrail.demo", &password).await;
    let mut failures = Vec::new();
    for _ in 0..200 {
        let (a, b) = tokio::join!(
            fetch(manager.clone(), addr, "/activities".to_owned()),
            fetch(manager.clone(), addr, "/dashboard".to_owned())
        );
        for (path, outcome) in [a, b] {
            match outcome {
                Ok((200, _)) => {}
                Ok((status, _)) => failures.push(format!("{path}: {status}")),
                Err(error) => failures.push(format!("{path}: {error}")),
            }
        }
    }
    assert_eq!(server.terminate(), Some(0));
    let log = server.log_text();
    assert!(
        failures.is_empty(),
        "{} of 400 failed: {:?}\n{log}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert!(!log.contains("panicked") && !log.contains("failed to save session"), "{log}");
}

#[tokio::test]
async fn a_page_view_does_not_write_the_session() {
    let app = spawn_app().await;
    let stored = || async {
        let rows: Vec<serde_json::Value> = app
            .db
            .query("SELECT data, <string> expires_at AS expires FROM session ORDER BY expires;")
            .await
            .expect("query")
            .take(0)
            .expect("rows");
        rows
    };
    // The sign-in stored the session once; the first view within a minute writes nothing more.
    let before = stored().await;
    assert_eq!(before.len(), 1, "one signed-in session: {before:?}");
    for path in ["/activities", "/dashboard", "/activities", "/"] {
        assert_eq!(app.get_with(&app.manager, path).await.0, 200, "{path}");
    }
    assert_eq!(stored().await, before, "a page view rewrote the session");

    // Once its idle deadline was last moved over a minute ago, the next view moves it on: one
    // write, with the new time.
    let keys: Vec<String> =
        app.db.query("SELECT VALUE record::id(id) FROM session;").await.unwrap().take(0).unwrap();
    let mut data: serde_json::Value = serde_json::from_str(before[0]["data"].as_str().unwrap()).unwrap();
    data["touched"] = serde_json::json!(data["touched"].as_i64().unwrap() - 61);
    app.db
        .query("UPDATE $id SET data = $data;")
        .bind(("id", surrealdb::types::RecordId::new("session", keys[0].as_str())))
        .bind(("data", data.to_string()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let aged = stored().await;
    assert_eq!(app.get_with(&app.manager, "/activities").await.0, 200);
    let moved = stored().await;
    assert_ne!(moved, aged, "a view after a minute did not move the idle deadline on");
    let touched: serde_json::Value = serde_json::from_str(moved[0]["data"].as_str().unwrap()).unwrap();
    assert!(touched["touched"].as_i64() > data["touched"].as_i64(), "{touched}");
}

/// Sends the head of a form post whose body never comes, so that its handler waits for it: a
/// stuck request, as a client on a dead connection leaves one. Returns the open connection.
fn stuck_post(addr: SocketAddr, cookie: &str) -> std::net::TcpStream {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a"
    )
    .expect("send the head");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("read timeout");
    stream
}

/// Reads what the server answers on `stream`, up to the end of its page (or of the connection).
fn answer_on(mut stream: std::net::TcpStream) -> String {
    use std::io::Read;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&bytes).contains("</html>") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_request_is_cut_short_and_overload_is_turned_away_with_a_503_page_in_the_readers_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Room for one request at a time: the stuck one takes it.
    let env =
        data_env(dir.path(), &[("AIDTRAIL_REQUEST_TIMEOUT_MS", "6000"), ("AIDTRAIL_MAX_IN_FLIGHT", "1")]);
    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    let addr = server.addr;
    let client = browserless_client();
    assert_eq!(client.get(format!("http://{addr}/login")).send().await.expect("page").status(), 200);

    let started = Instant::now();
    let stuck = stuck_post(addr, "aidtrail_lang=fr");
    let stuck = tokio::task::spawn_blocking(move || answer_on(stuck));
    tokio::time::sleep(Duration::from_millis(500)).await;

    // While it holds the only room: a health check answers at once, a page waits a moment for
    // room and is then turned away, in the language its reader asked for.
    let health = client.get(format!("http://{addr}/healthz")).send().await.expect("health");
    assert_eq!(health.status(), 200, "the health check is not bounded");
    let sent = Instant::now();
    let busy = client
        .get(format!("http://{addr}/activities"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("an answer, not a hang");
    let waited = sent.elapsed();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "5");
    assert!(busy.text().await.expect("body").contains("The server is busy."));
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_secs(5),
        "turned away after its 2 s wait for room, not at once nor after the stuck request: {waited:?}"
    );

    // The stuck request itself is cut short at its deadline, with the French page.
    let answer = stuck.await.expect("reader");
    let elapsed = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("<html lang=\"fr\">"), "{answer}");
    assert!(answer.contains("Cette page a mis trop de temps à se préparer."), "{answer}");
    assert!(elapsed >= Duration::from_millis(5900) && elapsed < Duration::from_secs(20), "{elapsed:?}");

    // Its room is given back: pages are served again.
    assert_eq!(client.get(format!("http://{addr}/login")).send().await.expect("page").status(), 200);
    assert_eq!(server.terminate(), Some(0), "a clean stop after cut-short requests");
    let log = server.log_text();
    assert!(log.contains("request timed out") && log.contains("turned away"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}
