//! An activity's IATI identifier keeps meaning that activity: after its code changes, the old
//! identifier is its `other-identifier`, and no other activity may take the old code.

use aidtrail_tests::{spawn_app, workshop_edit};

use super::{DEMO, download, published, validate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_code_leaves_the_old_identifier_as_another() {
    let app = spawn_app().await;
    let edit = |version: &'static str, code: &'static str| workshop_edit(version, &[("code", code)]);
    let path = "/activities/ml_workshop_2018/edit";
    assert_eq!(app.post_form(&app.manager, path, &edit("1", "ACT-2018-ML-WS-05B")).await.status(), 303);

    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "xmllint: {messages}");
    let file = published(&xml);
    let renamed =
        file.iter().find(|a| a.identifier == format!("{DEMO}-ACT-2018-ML-WS-05B")).expect("renamed");
    assert_eq!(renamed.others, [(format!("{DEMO}-ACT-2018-ML-WS-05"), "A3".to_owned())]);
    assert!(file.iter().all(|a| a.identifier != format!("{DEMO}-ACT-2018-ML-WS-05")));
    let (_, rows) = app.export(&app.manager, "/exports/activities.csv").await;
    let at = rows[0].iter().position(|h| h == "previous_codes").unwrap();
    let row = rows.iter().find(|r| r[0] == "ml_workshop_2018").unwrap();
    assert_eq!(row[at], "ACT-2018-ML-WS-05");

    // The old code is taken: a new activity may not have it, so that the old identifier never
    // means another activity.
    let new: Vec<(&str, &str)> = workshop_edit("", &[("code", "ACT-2018-ML-WS-05")])
        .into_iter()
        .filter(|(k, _)| *k != "version")
        .collect();
    let response = app.post_form(&app.manager, "/activities/new", &new).await;
    assert_eq!(response.headers()["location"], "/activities/new", "refused");
    let (_, page) = app.get_with(&app.manager, "/activities/new").await;
    assert!(page.contains("Another activity has, or once had, this code"), "named");

    // Taking the old code back leaves it out of the previous ones and puts the other in.
    assert_eq!(app.post_form(&app.manager, path, &edit("2", "ACT-2018-ML-WS-05")).await.status(), 303);
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let file = published(&xml);
    let back = file.iter().find(|a| a.identifier == format!("{DEMO}-ACT-2018-ML-WS-05")).expect("back");
    assert_eq!(back.others, [(format!("{DEMO}-ACT-2018-ML-WS-05B"), "A3".to_owned())]);
}
