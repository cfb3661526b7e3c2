//! The real binary: restart keeps the data, shutdown is graceful, bad settings stop it cleanly,
//! and the `user` commands administer accounts without the UI.

use aidtrail_tests::{
    browserless_client, printed_password, run_server_to_exit, sign_in_at as sign_in, start_server,
    text_of_testid,
};

/// The home page as `client` sees it.
async fn home(client: &reqwest::Client, addr: std::net::SocketAddr) -> String {
    client.get(format!("http://{addr}/")).send().await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_the_data_and_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("AIDTRAIL_DB", format!("surrealkv://{}", dir.path().join("db").display()))];

    let mut first = start_server(&env, &[], &dir.path().join("first.log"));
    let health = reqwest::get(format!("http://{}/healthz", first.addr)).await.unwrap();
    assert_eq!(health.status(), 200);
    let password = printed_password(&first.log_text(), "manager@aidtrail.demo");
    let manager = sign_in(first.addr, "manager@aidtrail.demo", &password).await;
    let page = home(&manager, first.addr).await;
    assert_eq!(text_of_testid(&page, "stat-activities").as_deref(), Some("Activities5"));
    assert_eq!(first.terminate(), Some(0), "graceful shutdown exits 0:\n{}", first.log_text());
    let log = first.log_text();
    assert!(log.contains("durable commits: every commit is synced to disk"), "{log}");
    assert!(log.contains("demo data loaded"), "{log}");
    assert!(log.contains("closing the database"), "{log}");
    // Waited for: the engine closes the store in a task that ends with the process otherwise.
    assert!(log.contains("database closed"), "{log}");

    let mut second = start_server(&env, &[], &dir.path().join("second.log"));
    let manager = sign_in(second.addr, "manager@aidtrail.demo", &password).await;
    let page = home(&manager, second.addr).await;
    assert_eq!(text_of_testid(&page, "stat-activities").as_deref(), Some("Activities5"));
    assert_eq!(text_of_testid(&page, "stat-donors").as_deref(), Some("Donors2"));
    assert_eq!(second.terminate(), Some(0));
    let log = second.log_text();
    assert!(log.contains("demo data already present"), "{log}");
    assert!(log.contains("applied=[]"), "a migration ran twice:\n{log}");
    assert!(!log.contains("initial account created"), "accounts created twice:\n{log}");
}

#[test]
fn bad_configuration_is_refused_with_one_clear_line() {
    let (code, output) = run_server_to_exit(&[("AIDTRAIL_ADDR", "not-an-address".into())], &[]);
    assert_eq!(code, Some(2));
    assert!(
        output.contains("aidtrail: configuration error: AIDTRAIL_ADDR=\"not-an-address\" is not valid"),
        "{output}"
    );

    let (code, output) = run_server_to_exit(&[("AIDTRAIL_DB", "postgres://localhost/x".into())], &[]);
    assert_eq!(code, Some(2));
    assert!(output.contains("AIDTRAIL_DB=\"postgres://localhost/x\" is not valid"), "{output}");

    let (code, output) = run_server_to_exit(&[("AIDTRAIL_DB", "surrealkv://./data?sync=5s".into())], &[]);
    assert_eq!(code, Some(1));
    assert!(output.contains("durable commits are required"), "{output}");
}

#[test]
fn a_database_path_that_cannot_be_opened_stops_start_up_and_overwrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"precious").unwrap();
    let (code, output) =
        run_server_to_exit(&[("AIDTRAIL_DB", format!("surrealkv://{}", file.display()))], &[]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("aidtrail: cannot create the database folder"), "{output}");
    assert_eq!(std::fs::read(&file).unwrap(), b"precious");

    let (code, output) =
        run_server_to_exit(&[("AIDTRAIL_DB", format!("surrealkv://{}/below", file.display()))], &[]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("cannot create the database folder"), "{output}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_demo_flag_starts_empty_with_one_admin() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("AIDTRAIL_DB", format!("surrealkv://{}", dir.path().join("db").display()))];
    let mut server = start_server(&env, &["--no-demo"], &dir.path().join("server.log"));
    let log = server.log_text();
    let password = printed_password(&log, "admin@aidtrail.local");
    assert!(!log.contains("manager@aidtrail.demo"), "demo users without demo data:\n{log}");
    let admin = sign_in(server.addr, "admin@aidtrail.local", &password).await;
    let page = home(&admin, server.addr).await;
    assert_eq!(text_of_testid(&page, "stat-activities").as_deref(), Some("Activities0"));
    assert_eq!(server.terminate(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_adds_users_and_resets_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let db = ("AIDTRAIL_DB", format!("surrealkv://{}", dir.path().join("db").display()));
    let admin_password = ("AIDTRAIL_ADMIN_PASSWORD", "a long admin passphrase".to_owned());
    let env = [db.clone(), admin_password.clone()];
    // A first start loads the demo institutes the new user is bound to.
    let mut first = start_server(&env, &[], &dir.path().join("first.log"));
    assert_eq!(first.terminate(), Some(0));

    let (code, output) = run_server_to_exit(
        &env,
        &[
            "user",
            "add",
            "--email",
            "Officer@Example.org",
            "--role",
            "institute",
            "--institute",
            "ML-INFJ",
            "--name",
            "INFJ officer",
        ],
    );
    assert_eq!(code, Some(0), "{output}");
    let one_time = output
        .lines()
        .find_map(|l| l.strip_prefix("one-time password: "))
        .unwrap_or_else(|| panic!("no password printed:\n{output}"))
        .trim()
        .to_owned();

    let (code, output) =
        run_server_to_exit(&env, &["user", "add", "--email", "x@example.org", "--role", "donor"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("must be bound to a donor"), "{output}");
    let (code, output) =
        run_server_to_exit(&env, &["user", "add", "--email", "officer@example.org", "--role", "auditor"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("already exists"), "{output}");

    let mut server = start_server(&env, &[], &dir.path().join("server.log"));
    let client = browserless_client();
    let response = client
        .post(format!("http://{}/login", server.addr))
        .form(&[("email", "officer@example.org"), ("password", one_time.as_str()), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/account/password", "one-time password must be changed");
    let admin = sign_in(server.addr, "admin@aidtrail.local", "a long admin passphrase").await;
    assert!(home(&admin, server.addr).await.contains("stat-activities"));
    assert_eq!(server.terminate(), Some(0));

    let (code, output) =
        run_server_to_exit(&env, &["user", "reset-password", "--email", "officer@example.org"]);
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("one-time password: "), "{output}");
    let (code, output) =
        run_server_to_exit(&env, &["user", "reset-password", "--email", "nobody@example.org"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("no user"), "{output}");
}
