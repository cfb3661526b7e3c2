//! Importing the equipment register from CSV: checked row by row, nothing saved before the
//! confirmation, then all rows or none, and the same file twice saved once.

use aidtrail_tests::{AUDITOR, DONOR_NL, TestApp, count, spawn_app};
use app::domain::exports::ExportKind;
use serde_json::Value as Json;

const HEADER: &str = "id,grant_id,category,description,description_fr,quantity,unit_cost,currency,supplier,serials,purchase_date,transaction_id,next_verification_on";

/// Uploads `csv` as `client` to import `kind`; the address of its check.
async fn upload_kind(app: &TestApp, client: &reqwest::Client, kind: &str, csv: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("register.csv");
    client
        .post(app.url(&format!("/imports/{kind}")))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

/// Uploads an equipment file as `client`; the address of its check.
async fn upload(app: &TestApp, client: &reqwest::Client, csv: &str) -> String {
    let response = upload_kind(app, client, "equipment", csv).await;
    assert_eq!(response.status(), 303, "upload");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/imports/"), "{location}");
    location
}

/// Uploads a file of `kind` as the manager; the address of its check.
async fn upload_as(app: &TestApp, kind: &str, csv: &str) -> String {
    let response = upload_kind(app, &app.manager, kind, csv).await;
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn preview(app: &TestApp, client: &reqwest::Client, location: &str) -> Json {
    let id = location.trim_start_matches("/imports/");
    let (status, body) = app.call(client, "get_import_preview", &[("id", id)]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn statuses(preview: &Json) -> Vec<String> {
    preview["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match &r["status"] {
            Json::String(s) => s.clone(),
            other => other.as_object().unwrap().keys().next().unwrap().clone(),
        })
        .collect()
}

async fn confirm(app: &TestApp, client: &reqwest::Client, location: &str) -> String {
    let response = app.post_form(client, &format!("{location}/confirm"), &[]).await;
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_file_is_saved_whole_once_and_a_file_with_one_bad_row_saves_nothing() {
    let app = spawn_app().await;
    let before = count(&app.db, "equipment").await;
    let events = count(&app.db, "audit_event").await;
    let good = format!(
        "{HEADER}\r\n\
         ,de_2017,printer,Laser printer,Imprimante laser,2,310.00,EUR,\"Bureau, Bamako\",P-1; P-2,2018-06-01,,\r\n\
         ml_screen_2018,de_2017,projector,Projection screen,Écran de projection,1,120.50,EUR,'=Shop,,2018-06-02,,2019-06-01\r\n"
    );
    let location = upload(&app, &app.manager, &good).await;
    let checked = preview(&app, &app.manager, &location).await;
    assert_eq!(statuses(&checked), ["New", "New"]);
    assert_eq!(count(&app.db, "equipment").await, before, "nothing saved before the confirmation");
    let (_, page) = app.get(&location).await;
    assert!(page.contains("data-testid=\"import-confirm\""), "the confirmation is offered");

    assert_eq!(confirm(&app, &app.manager, &location).await, location);
    assert_eq!(count(&app.db, "equipment").await, before + 2);
    assert_eq!(count(&app.db, "audit_event").await, events + 2, "each row audited");
    let saved: Vec<Json> = app
        .db
        .query("SELECT * FROM equipment WHERE description = 'Laser printer' OR id = equipment:ml_screen_2018")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(saved.len(), 2);
    let printer = saved.iter().find(|e| e["description"] == "Laser printer").unwrap();
    assert_eq!(printer["unit_cost_minor"], 31000);
    assert_eq!(printer["serials"], serde_json::json!(["P-1", "P-2"]));
    assert_eq!(printer["supplier"], "Bureau, Bamako");
    let screen = saved.iter().find(|e| e["description"] == "Projection screen").unwrap();
    assert_eq!(screen["supplier"], "=Shop", "a neutralised cell is stored as it was meant");
    assert_eq!(preview(&app, &app.manager, &location).await["saved"], 2);

    // The same file again: every row is there already, nothing new is saved.
    let again = upload(&app, &app.manager, &good).await;
    assert_eq!(statuses(&preview(&app, &app.manager, &again).await), ["Existing", "Existing"]);
    confirm(&app, &app.manager, &again).await;
    assert_eq!(count(&app.db, "equipment").await, before + 2, "the same file twice saves once");

    // One bad row among good ones: the row is named, and nothing is saved.
    let bad = format!(
        "{HEADER}\r\n\
         ,de_2017,computer,Desktop computer,Ordinateur de bureau,3,700.00,EUR,,,2018-07-01,,\r\n\
         ,de_2017,computer,Monitor,Écran,many,150.00,EUR,,,2018-07-01,,\r\n"
    );
    let location = upload(&app, &app.manager, &bad).await;
    let checked = preview(&app, &app.manager, &location).await;
    assert_eq!(statuses(&checked), ["New", "Invalid"]);
    assert_eq!(checked["rows"][1]["line"], 3);
    assert_eq!(checked["rows"][1]["status"]["Invalid"][0]["field"], "quantity");
    // A manager reading French gets the refusal in French.
    app.post_form(&app.manager, "/lang", &[("lang", "fr"), ("next", "/")]).await;
    let (_, page) = app.get(&location).await;
    assert!(
        page.contains("Rien n’est enregistré tant qu’une ligne est refusée."),
        "in French: {}",
        aidtrail_tests::strip_tags(&page)
    );
    assert!(!page.contains("data-testid=\"import-confirm\""));
    assert_eq!(confirm(&app, &app.manager, &location).await, format!("{location}?error=refused"));
    assert_eq!(count(&app.db, "equipment").await, before + 2, "the good row of a refused file is not saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exported_register_imports_as_already_there_and_others_may_not_import() {
    let app = spawn_app().await;
    let auditor = app.sign_in(AUDITOR).await;
    let (_, rows) = app.export(&auditor, "/exports/equipment.csv").await;
    let csv: String = rows
        .iter()
        .map(|r| {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record(r).unwrap();
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        })
        .collect();
    let location = upload(&app, &app.manager, &csv).await;
    let checked = preview(&app, &app.manager, &location).await;
    let seen = statuses(&checked);
    assert!(!seen.is_empty() && seen.iter().all(|s| s == "Existing"), "{checked}");
    let (_, page) = app.get(&location).await;
    assert!(page.contains("import-nothing-new"));

    // The template is the export's header.
    let (status, template) = app.get("/imports/templates/equipment.csv").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = ExportKind::Equipment.columns().iter().map(|c| c.name).collect();
    assert_eq!(template.trim_end(), names.join(","));

    // Only editors import, and an upload is its uploader's.
    for email in [AUDITOR, DONOR_NL] {
        let client = app.sign_in(email).await;
        assert_eq!(upload_kind(&app, &client, "equipment", &csv).await.status(), 403, "{email}");
        assert_eq!(app.post_form(&client, &format!("{location}/confirm"), &[]).await.status(), 403);
    }
    let admin = app.sign_in(aidtrail_tests::ADMIN).await;
    let id = location.trim_start_matches("/imports/");
    assert_eq!(app.call(&admin, "get_import_preview", &[("id", id)]).await.0, 404, "another editor's upload");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activities_import_by_their_code_with_funding_and_a_refused_row_saves_none() {
    let app = spawn_app().await;
    let before = count(&app.db, "activity").await;
    let header = "id,code,title,title_fr,kind,status,planned_start,planned_end,actual_start,actual_end,country,city,venue,theme,pillar_id,institute_ids,grant_ids,funding,police_women,police_men,gendarmerie_women,gendarmerie_men,justice_women,justice_men,other_women,other_men,participants,women,instructors";
    let file = format!(
        "{header}\r\n\
         ,ACT-2019-NE-TR-01,Training of border police,Formation de la police des frontières,training,2,2019-03-04,2019-03-08,,,NE,Niamey,,tip,p2,,,nl_2018 12000.00,3,17,0,0,0,0,0,0,20,3,0\r\n\
         ,ACT-2019-ML-TR-02,Refresher for gendarmes,Recyclage des gendarmes,training,1,2019-04-01,2019-04-03,,,ML,Ségou,\"Camp, Ségou\",both,,ml_egn,,de_2017 5000.00,0,0,4,11,0,0,0,0,15,4,0\r\n\
         ,ACT-2018-ML-WS-05,Tutoring workshop for judicial police officers,,workshop,4,2018-05-08,2018-05-11,,,ML,Bamako,,both,p2,ml_enp,,nl_2018 38500.00,2,18,0,0,0,0,0,0,20,2,0\r\n"
    );
    let location = upload_as(&app, "activities", &file).await;
    let checked = preview(&app, &app.manager, &location).await;
    assert_eq!(statuses(&checked), ["New", "New", "Existing"], "{checked}");
    assert_eq!(confirm(&app, &app.manager, &location).await, location);
    assert_eq!(count(&app.db, "activity").await, before + 2);
    let saved: Vec<Json> = app
        .db
        .query("SELECT * FROM activity WHERE code = 'ACT-2019-ML-TR-02'")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(saved[0]["venue"], "Camp, Ségou");
    assert_eq!(saved[0]["participants"]["gendarmerie"]["total"], 15);
    assert_eq!(saved[0]["funding"][0]["amount_minor"], 500000);
    assert_eq!(saved[0]["institutes"], serde_json::json!(["institute:ml_egn"]));

    // The same file again saves nothing new.
    let again = upload_as(&app, "activities", &file).await;
    assert_eq!(statuses(&preview(&app, &app.manager, &again).await), ["Existing", "Existing", "Existing"]);

    // A grant that does not exist is refused by the same checks as the form, and the good row
    // next to it is not saved either.
    let bad = format!(
        "{header}\r\n\
         ,ACT-2019-BF-TR-03,Training in Bobo-Dioulasso,,training,1,2019-05-06,2019-05-08,,,BF,Bobo-Dioulasso,,tip,,,,nl_2018 1000.00,1,1,0,0,0,0,0,0,2,1,0\r\n\
         ,ACT-2019-BF-TR-04,Training in Ouahigouya,,training,1,2019-05-06,2019-05-08,,,BF,Ouahigouya,,tip,,,,xx_9999 1000.00,1,1,0,0,0,0,0,0,2,1,0\r\n"
    );
    let location = upload_as(&app, "activities", &bad).await;
    let checked = preview(&app, &app.manager, &location).await;
    assert_eq!(statuses(&checked), ["New", "Invalid"]);
    assert_eq!(checked["rows"][1]["status"]["Invalid"][0]["field"], "funding_0_grant");
    confirm(&app, &app.manager, &location).await;
    assert_eq!(count(&app.db, "activity").await, before + 2);

    // An export of the activities comes back as already there.
    let auditor = app.sign_in(AUDITOR).await;
    let (_, rows) = app.export(&auditor, "/exports/activities.csv").await;
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    for row in &rows {
        w.write_record(row).unwrap();
    }
    let exported = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let location = upload_as(&app, "activities", &exported).await;
    let seen = statuses(&preview(&app, &app.manager, &location).await);
    assert_eq!(seen.len(), rows.len() - 1, "one status per exported activity");
    assert!(seen.iter().all(|s| s == "Existing"), "{seen:?}");
}
