//! The permission matrix: every endpoint × every role (and anonymous), from one table.

use std::collections::BTreeSet;

use aidtrail_tests::{
    ADMIN, AUDITOR, DONOR_NL, INSTITUTE_ML_ENP, MANAGER, TestApp, browserless_client, server_fn_name,
    spawn_app,
};

mod matrix;

use matrix::matrix;

/// Who calls, in the order of the expectation columns of `matrix`.
const CALLERS: [Option<&str>; 6] =
    [None, Some(ADMIN), Some(MANAGER), Some(AUDITOR), Some(DONOR_NL), Some(INSTITUTE_ML_ENP)];

/// What an endpoint is, and how the matrix calls it.
enum Call {
    Page(&'static str),
    ServerFn(&'static str, &'static [(&'static str, &'static str)]),
    Get(&'static str),
    Post(&'static str, &'static [(&'static str, &'static str)]),
}

/// One row: the endpoint as the server lists it (method, path), how to call it, and the
/// expected status for anonymous, admin, manager, auditor, donor (NL), institute (ML-ENP).
struct Row {
    method: &'static str,
    path: &'static str,
    call: Call,
    expect: [u16; 6],
}

pub(crate) async fn user_key(app: &TestApp, email: &str) -> String {
    let rows: Vec<serde_json::Value> = app
        .db
        .query("SELECT VALUE record::id(id) FROM user WHERE email = $email;")
        .bind(("email", email.to_owned()))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    rows[0].as_str().unwrap().to_owned()
}

async fn call(app: &TestApp, client: &reqwest::Client, call: &Call, user: &str) -> u16 {
    match call {
        Call::Page(path) | Call::Get(path) => app.get_with(client, path).await.0,
        Call::ServerFn(name, args) => app.call(client, name, args).await.0,
        Call::Post(path, form) => {
            app.post_form(client, &path.replace("{user}", user), form).await.status().as_u16()
        }
    }
}

/// Everything but sessions, as JSON text: what a denied call must leave unchanged.
pub(crate) async fn snapshot(app: &TestApp) -> String {
    let mut all = String::new();
    for table in [
        "user",
        "donor",
        "donor_grant",
        "activity",
        "institute",
        "equipment",
        "handover",
        "transaction",
        "audit_event",
    ] {
        let rows: Vec<serde_json::Value> =
            app.db.query(format!("SELECT * FROM {table} ORDER BY id;")).await.unwrap().take(0).unwrap();
        all.push_str(&serde_json::to_string(&rows).unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_matrix_covers_every_endpoint_and_role() {
    let app = spawn_app().await;

    // Every endpoint the server answers is in the table, and nothing else.
    let listed: BTreeSet<(String, String)> = aidtrail::startup::endpoints()
        .into_iter()
        .map(|(method, path, kind)| {
            let path = if kind == "server_fn" { server_fn_name(&path).to_owned() } else { path };
            (method, path)
        })
        .collect();
    let table: BTreeSet<(String, String)> =
        matrix().iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    assert_eq!(listed, table, "the permission matrix and the server's endpoints differ");

    let target = user_key(&app, "bf-eng@aidtrail.demo").await;
    let mut clients = Vec::new();
    for caller in CALLERS {
        clients.push(match caller {
            None => browserless_client(),
            Some(email) => app.sign_in(email).await,
        });
    }

    // Denied calls first, all of them, and the data must not move.
    let before = snapshot(&app).await;
    let rows = matrix();
    for row in &rows {
        for (i, client) in clients.iter().enumerate() {
            if matches!(row.expect[i], 401 | 403) {
                let got = call(&app, client, &row.call, &target).await;
                assert_eq!(got, row.expect[i], "{} {} as {:?}", row.method, row.path, CALLERS[i]);
            }
        }
    }
    assert_eq!(snapshot(&app).await, before, "a denied call changed the data");

    // Then the allowed ones.
    for row in &rows {
        for (i, client) in clients.iter().enumerate() {
            if !matches!(row.expect[i], 401 | 403) {
                let got = call(&app, client, &row.call, &target).await;
                assert_eq!(got, row.expect[i], "{} {} as {:?}", row.method, row.path, CALLERS[i]);
            }
        }
    }
}
