//! The permission matrix: every endpoint × every role (and anonymous), from one table.

use std::collections::BTreeSet;

use aidtrail_tests::{
    ADMIN, AUDITOR, DONOR_DE, DONOR_NL, INSTITUTE_ML_ENP, INSTITUTE_ML_INFJ, MANAGER, TestApp,
    browserless_client, server_fn_name, spawn_app,
};

mod matrix;

use matrix::matrix;

/// Who calls, in the order of the expectation columns of `matrix`: two of each tenant, so that
/// what one donor or institute may reach is checked against another of its kind too.
const CALLERS: [Option<&str>; 8] = [
    None,
    Some(ADMIN),
    Some(MANAGER),
    Some(AUDITOR),
    Some(DONOR_NL),
    Some(DONOR_DE),
    Some(INSTITUTE_ML_ENP),
    Some(INSTITUTE_ML_INFJ),
];

/// What an endpoint is, and how the matrix calls it.
enum Call {
    Page(&'static str),
    ServerFn(&'static str, &'static [(&'static str, &'static str)]),
    Get(&'static str),
    Post(&'static str, &'static [(&'static str, &'static str)]),
}

/// One row: the endpoint as the server lists it (method, path), how to call it, and the
/// expected status for anonymous, admin, manager, auditor, donor NL, donor DE, institute ML-ENP,
/// institute ML-INFJ.
struct Row {
    method: &'static str,
    path: &'static str,
    call: Call,
    expect: [u16; 8],
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

/// Every table but sessions (and the read cache's version, which only follows the audit log), as
/// JSON text: what a denied call must leave unchanged. The tables are those the database has, so
/// that a new one is in the snapshot without anyone remembering to add it.
pub(crate) async fn snapshot(app: &TestApp) -> String {
    let info: Option<serde_json::Value> = app.db.query("INFO FOR DB;").await.unwrap().take(0).unwrap();
    let info = info.expect("INFO FOR DB");
    let mut tables: Vec<String> =
        info["tables"].as_object().expect("INFO FOR DB lists tables").keys().cloned().collect();
    tables.retain(|t| !matches!(t.as_str(), "session" | "data_version"));
    tables.sort();
    for expected in [
        "attachment",
        "handover_confirmation",
        "equipment_report",
        "import_upload",
        "indicator",
        "pillar",
        "strategy",
    ] {
        assert!(tables.iter().any(|t| t == expected), "{expected} in {tables:?}");
    }
    let mut all = String::new();
    for table in tables {
        let rows: Vec<serde_json::Value> =
            app.db.query(format!("SELECT * FROM `{table}` ORDER BY id;")).await.unwrap().take(0).unwrap();
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

    // Denied calls first, all of them, and the data must not move; then the allowed ones.
    // Every difference is listed before the test fails, so that one run shows them all.
    let before = snapshot(&app).await;
    let rows = matrix();
    let mut wrong = Vec::new();
    for denied in [true, false] {
        for row in &rows {
            for (i, client) in clients.iter().enumerate() {
                if matches!(row.expect[i], 401 | 403) == denied {
                    let got = call(&app, client, &row.call, &target).await;
                    if got != row.expect[i] {
                        wrong.push(format!(
                            "{} {} as {:?}: {got}, expected {}",
                            row.method, row.path, CALLERS[i], row.expect[i]
                        ));
                    }
                }
            }
        }
        if denied {
            assert_eq!(snapshot(&app).await, before, "a denied call changed the data");
        }
    }
    assert!(wrong.is_empty(), "{} calls answered otherwise:\n{}", wrong.len(), wrong.join("\n"));
}

/// The keys a list server function returns on one page of 100.
async fn listed(app: &TestApp, client: &reqwest::Client, function: &str) -> BTreeSet<String> {
    let (status, body) = app.call(client, function, &[("page[page]", "1"), ("page[per_page]", "100")]).await;
    assert_eq!(status, 200, "{function}: {body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

/// The keys a query selects.
async fn keys(app: &TestApp, sql: &str, tenant: &str, table: &str) -> BTreeSet<String> {
    let keys: Vec<String> = app
        .db
        .query(sql)
        .bind(("tenant", surrealdb::types::RecordId::new(table, tenant)))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    keys.into_iter().collect()
}

/// Two of each tenant kind: what each donor and each institute lists is exactly what it may see
/// (compared with the database), and reading the other's records one by one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_donors_and_two_institutes_each_see_their_own_and_nothing_of_the_other() {
    let app = spawn_app().await;
    let every = "SELECT VALUE record::id(id) FROM type::table($table) WHERE archived = false;";
    let all = |table: &'static str| {
        let db = app.db.clone();
        async move {
            let keys: Vec<String> = db.query(every).bind(("table", table)).await.unwrap().take(0).unwrap();
            keys.into_iter().collect::<BTreeSet<String>>()
        }
    };
    let (all_activities, all_handovers) = (all("activity").await, all("handover").await);
    for (email, donor) in [(DONOR_NL, "nl_mfa"), (DONOR_DE, "de_ffo")] {
        let client = app.sign_in(email).await;
        let activities = keys(
            &app,
            "SELECT VALUE record::id(id) FROM activity WHERE archived = false AND $tenant IN funding.donor_grant.donor;",
            donor,
            "donor",
        )
        .await;
        assert!(!activities.is_empty() && activities != all_activities, "{donor}: {activities:?}");
        assert_eq!(listed(&app, &client, "list_activities").await, activities, "{donor}");
        let equipment = keys(
            &app,
            "SELECT VALUE record::id(id) FROM equipment WHERE archived = false AND donor_grant.donor = $tenant;",
            donor,
            "donor",
        )
        .await;
        assert_eq!(listed(&app, &client, "list_equipment").await, equipment, "{donor}");
        let handovers = keys(
            &app,
            "SELECT VALUE record::id(id) FROM handover WHERE archived = false AND $tenant IN lines.equipment.donor_grant.donor;",
            donor,
            "donor",
        )
        .await;
        assert_eq!(listed(&app, &client, "list_handovers").await, handovers, "{donor}");
        for other in all_activities.difference(&activities) {
            let (status, _) = app.call(&client, "get_activity", &[("id", other.as_str())]).await;
            assert_eq!(status, 403, "{donor} reads activity {other}");
        }
        for other in all_handovers.difference(&handovers) {
            let (status, _) = app.call(&client, "get_handover", &[("id", other.as_str())]).await;
            assert_eq!(status, 403, "{donor} reads handover {other}");
        }
    }
    for (email, institute) in [(INSTITUTE_ML_ENP, "ml_enp"), (INSTITUTE_ML_INFJ, "ml_infj")] {
        let client = app.sign_in(email).await;
        let activities = keys(
            &app,
            "SELECT VALUE record::id(id) FROM activity WHERE archived = false AND $tenant IN institutes;",
            institute,
            "institute",
        )
        .await;
        assert!(!activities.is_empty(), "{institute}");
        assert_eq!(listed(&app, &client, "list_activities").await, activities, "{institute}");
        let handovers = keys(
            &app,
            "SELECT VALUE record::id(id) FROM handover WHERE archived = false AND institute = $tenant;",
            institute,
            "institute",
        )
        .await;
        assert_eq!(listed(&app, &client, "list_handovers").await, handovers, "{institute}");
        let equipment = keys(
            &app,
            "SELECT VALUE record::id(id) FROM equipment WHERE archived = false AND id IN array::flatten(
                 (SELECT VALUE lines.equipment FROM handover WHERE archived = false AND institute = $tenant));",
            institute,
            "institute",
        )
        .await;
        assert_eq!(listed(&app, &client, "list_equipment").await, equipment, "{institute}");
        for other in all_activities.difference(&activities) {
            let (status, _) = app.call(&client, "get_activity", &[("id", other.as_str())]).await;
            assert_eq!(status, 403, "{institute} reads activity {other}");
        }
        for other in all_handovers.difference(&handovers) {
            let (status, _) = app.call(&client, "get_handover", &[("id", other.as_str())]).await;
            assert_eq!(status, 403, "{institute} reads handover {other}");
        }
    }
}
