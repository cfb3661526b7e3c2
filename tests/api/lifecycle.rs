//! The real binary: restart keeps data, shutdown is graceful, bad settings stop it cleanly.

use aidtrail_tests::{run_server_to_exit, start_server, text_of_testid};

fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    // A tiny blocking client keeps these tests free of a second runtime.
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn restart_keeps_the_data_and_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let env = [(
        "AIDTRAIL_DB",
        format!("surrealkv://{}", dir.path().join("db").display()),
    )];

    let mut first = start_server(&env, &[], &dir.path().join("first.log"));
    let (status, health) = get(first.addr, "/healthz");
    assert_eq!(status, 200, "{health}");
    let (_, home) = get(first.addr, "/");
    assert_eq!(
        text_of_testid(&home, "stat-activities").as_deref(),
        Some("Activities5")
    );
    assert_eq!(
        first.terminate(),
        Some(0),
        "graceful shutdown exits 0:\n{}",
        first.log_text()
    );
    let log = first.log_text();
    assert!(
        log.contains("durable commits: every commit is synced to disk"),
        "{log}"
    );
    assert!(log.contains("demo data loaded"), "{log}");
    assert!(log.contains("closing the database"), "{log}");

    let mut second = start_server(&env, &[], &dir.path().join("second.log"));
    let (_, home) = get(second.addr, "/");
    assert_eq!(
        text_of_testid(&home, "stat-activities").as_deref(),
        Some("Activities5")
    );
    assert_eq!(
        text_of_testid(&home, "stat-donors").as_deref(),
        Some("Donors2")
    );
    assert_eq!(second.terminate(), Some(0));
    let log = second.log_text();
    assert!(log.contains("demo data already present"), "{log}");
    assert!(log.contains("applied=[]"), "a migration ran twice:\n{log}");
}

#[test]
fn bad_configuration_is_refused_with_one_clear_line() {
    let (code, output) = run_server_to_exit(&[("AIDTRAIL_ADDR", "not-an-address".into())], &[]);
    assert_eq!(code, Some(2));
    assert!(
        output.contains(
            "aidtrail: configuration error: AIDTRAIL_ADDR=\"not-an-address\" is not valid"
        ),
        "{output}"
    );

    let (code, output) =
        run_server_to_exit(&[("AIDTRAIL_DB", "postgres://localhost/x".into())], &[]);
    assert_eq!(code, Some(2));
    assert!(
        output.contains("AIDTRAIL_DB=\"postgres://localhost/x\" is not valid"),
        "{output}"
    );

    let (code, output) =
        run_server_to_exit(&[("AIDTRAIL_DB", "surrealkv://./data?sync=5s".into())], &[]);
    assert_eq!(code, Some(1));
    assert!(output.contains("durable commits are required"), "{output}");
}

#[test]
fn a_database_path_that_cannot_be_opened_stops_start_up_and_overwrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"precious").unwrap();
    let (code, output) = run_server_to_exit(
        &[("AIDTRAIL_DB", format!("surrealkv://{}", file.display()))],
        &[],
    );
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains("aidtrail: cannot create the database folder"),
        "{output}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"precious");

    let (code, output) = run_server_to_exit(
        &[(
            "AIDTRAIL_DB",
            format!("surrealkv://{}/below", file.display()),
        )],
        &[],
    );
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains("cannot create the database folder"),
        "{output}"
    );
}

#[test]
fn no_demo_flag_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let env = [(
        "AIDTRAIL_DB",
        format!("surrealkv://{}", dir.path().join("db").display()),
    )];
    let mut server = start_server(&env, &["--no-demo"], &dir.path().join("server.log"));
    let (_, home) = get(server.addr, "/");
    assert_eq!(
        text_of_testid(&home, "stat-activities").as_deref(),
        Some("Activities0")
    );
    assert_eq!(server.terminate(), Some(0));
}
