//! What each side sees and holds of a handover's lines: an institute's state reports on its own
//! lines only, a donor's own lines of a handover holding another donor's items, and disputed
//! quantities counted as disputed everywhere.

use aidtrail_tests::{
    DONOR_DE, DONOR_NL, INSTITUTE_ML_ENP, INSTITUTE_ML_INFJ, spawn_app, strip_tags, text_of_testid,
};

use crate::handovers::{confirm, one, one_list, post};

/// An item's state belongs to what one institute holds: the police school (ML-ENP) reporting its
/// four laptops lost changes its own handover line, not the same record's laptops at the judicial
/// institute or the gendarmerie school, and they never see the police school's remark.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_institute_reports_the_state_of_what_it_holds_only() {
    let app = spawn_app().await;
    let enp = app.sign_in(INSTITUTE_ML_ENP).await;
    let report = |handover: &'static str, day: &'static str| {
        [
            ("handover", handover),
            ("equipment", "ml_laptops_2018"),
            ("state", "lost_stolen"),
            ("reported_on", day),
            ("remark", "Stolen from the ENP store"),
        ]
    };
    // Before it confirmed receipt, the school reports nothing.
    let (_, location) = post(&app, &enp, "/equipment/state", &report("ml_enp_2018", "2019-02-01")).await;
    assert_eq!(location, "/handovers/ml_enp_2018?error=state#states", "a report before receipt");
    let lines = "SELECT VALUE lines.state FROM handover ORDER BY id;";
    assert_eq!(one_list(&app, lines).await, serde_json::json!([[null], [null], [null, null]]));

    assert_eq!(confirm(&app, &enp, "ml_enp_2018", &[("line_0_received", "4")]).await, 303);
    let (_, location) = post(&app, &enp, "/equipment/state", &report("ml_enp_2018", "2019-02-01")).await;
    assert_eq!(location, "/handovers/ml_enp_2018?saved=state#states");
    // Its own handover of another institute's: refused, nothing written.
    let (status, _) = post(&app, &enp, "/equipment/state", &report("ml_infj_2018", "2019-02-02")).await;
    assert_eq!(status, 403);
    // handover ids in order: ml_egn_2018, ml_enp_2018, ml_infj_2018.
    assert_eq!(
        one_list(&app, lines).await,
        serde_json::json!([[null], ["lost_stolen"], [null, null]]),
        "only the police school's line changed"
    );
    assert_eq!(one(&app, "RETURN count(SELECT id FROM equipment_report);").await, 1);

    // The judicial institute sees neither the state nor the remark on its handover, the report
    // or the register; the programme manager sees 4 lost, not 12.
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    for page in ["/handovers/ml_infj_2018", "/handovers/report", "/equipment?state=lost_stolen"] {
        let (_, html) = app.get_with(&infj, page).await;
        assert!(!strip_tags(&html).contains("Stolen from the ENP"), "{page}");
    }
    let (_, html) = app.get_with(&infj, "/handovers/report").await;
    let states = text_of_testid(&html, "items-by-state").unwrap();
    assert!(!states.contains("Lost") && !states.contains("Perdu"), "{states}");
    let (_, html) = app.get_with(&infj, "/equipment?state=lost_stolen").await;
    assert!(
        !strip_tags(&html).contains("Laptop computer"),
        "none of the judicial institute's laptops is lost"
    );
    let (_, html) = app.get("/handovers/report").await;
    let states = text_of_testid(&html, "items-by-state").unwrap();
    assert!(states.contains("Lost or stolen4") && states.contains("Not reported yet9"), "{states}");
    let (_, html) = app.get("/equipment?state=lost_stolen").await;
    assert!(strip_tags(&html).contains("Laptop computer"));
}

/// A handover holding items of two donors: each donor sees its own lines, their confirmations
/// and counts only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donor_sees_its_own_lines_of_a_handover_that_holds_another_donors_items() {
    let app = spawn_app().await;
    // Dutch-funded chairs join the judicial institute's handover (written directly: the form
    // refuses nothing here, and the point is what is read).
    app.db
        .query(
            "CREATE equipment:nl_chairs CONTENT { donor_grant: donor_grant:nl_2018, category: 'furniture',
                 description: 'Training-room chairs', description_fr: 'Chaises de salle de formation', quantity: 20,
                 unit_cost_minor: 4500, currency: 'EUR', supplier: 'Bamako Mobilier', serials: ['NL-CH-SERIAL'],
                 purchase_date: d'2018-04-25T00:00:00Z' };
             UPDATE handover:ml_infj_2018 SET lines += { equipment: equipment:nl_chairs, quantity: 20,
                 serials: ['NL-CH-SERIAL'], received: 0, serials_checked: [] };",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let fields = [
        ("line_0_received", "4"),
        ("line_0_serials", "DEMO-LT-01"),
        ("line_0_remark", "German laptops fine"),
        ("line_1_received", "1"),
        ("line_2_received", "20"),
        ("line_2_remark", "Dutch chairs fine"),
    ];
    assert_eq!(confirm(&app, &infj, "ml_infj_2018", &fields).await, 303);

    let netherlands = app.sign_in(DONOR_NL).await;
    let (status, html) = app.get_with(&netherlands, "/handovers/ml_infj_2018").await;
    assert_eq!(status, 200);
    let text = strip_tags(&html);
    assert!(text.contains("Training-room chairs") && text.contains("Dutch chairs fine"), "{text}");
    for other in ["Laptop", "DEMO-LT-01", "German laptops fine", "DEMO-VP-01", "DE-11"] {
        assert!(!text.contains(other), "the Netherlands donor sees {other}: {text}");
    }
    let (_, html) = app.get_with(&netherlands, "/handovers").await;
    // The table as shown, not the page's serialized data (whose random ids may hold any digits).
    let table = &html[html.find("<table").expect("a table")..html.find("</table>").expect("a table's end")];
    assert!(strip_tags(table).contains("HO-2018-001"), "{table}");
    let quantity = table.split("data-label=\"Quantity\"").nth(1).and_then(|cell| cell.split("</td>").next());
    assert_eq!(
        quantity
            .and_then(|cell| cell.split_once('>'))
            .map(|(_, text)| strip_tags(text).trim().to_owned())
            .as_deref(),
        Some("20"),
        "its own 20 chairs, not the 25 items of both donors: {table}"
    );

    let germany = app.sign_in(DONOR_DE).await;
    let (_, html) = app.get_with(&germany, "/handovers/ml_infj_2018").await;
    let text = strip_tags(&html);
    assert!(text.contains("German laptops fine") && text.contains("DEMO-LT-01"), "{text}");
    for other in ["Training-room chairs", "Dutch chairs fine", "NL-CH-SERIAL", "NL-1-"] {
        assert!(!text.contains(other), "the German donor sees {other}: {text}");
    }
    let (_, html) = app.get_with(&germany, "/handovers/ml_infj_2018/certificate").await;
    assert!(!strip_tags(&html).contains("Training-room chairs"));
}

/// A damaged projector confirmed in a dispute, its quantity left at 1: it arrived, and it is
/// disputed, not confirmed, in the report, on the dashboard, in the export and on the
/// certificate. The four laptops of the same confirmation, marked good, are confirmed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disputed_quantity_is_disputed_everywhere() {
    let app = spawn_app().await;
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let fields = [
        ("line_0_received", "4"),
        ("line_1_received", "1"),
        ("line_1_condition", "damaged"),
        ("line_1_remark", "Lamp broken"),
        ("dispute", "on"),
        ("reason", "The projector arrived broken"),
    ];
    assert_eq!(confirm(&app, &infj, "ml_infj_2018", &fields).await, 303);
    let lines = "SELECT status, lines.received AS received, lines.disputed AS disputed FROM ONLY handover:ml_infj_2018;";
    let expected = serde_json::json!({ "status": "disputed", "received": [4, 1], "disputed": [0, 1] });
    assert_eq!(one(&app, lines).await, expected);

    // The report: 4 laptops confirmed (3,400.00 of DE-11), not the projector.
    let (_, html) = app.get("/handovers/report").await;
    let values = text_of_testid(&html, "grant-values").unwrap();
    assert!(values.contains("10,850.00") && values.contains("3,400.00"), "{values}");
    // The dashboard: the judicial institute has 4 confirmed and 1 disputed.
    let d = crate::dashboard::dashboard(&app, &app.manager, &[]).await;
    let infj_row =
        d["equipment"].as_array().unwrap().iter().find(|e| e["institute"]["id"] == "ml_infj").unwrap();
    assert_eq!(
        (infj_row["confirmed"].as_u64(), infj_row["disputed"].as_u64()),
        (Some(4), Some(1)),
        "{infj_row}"
    );
    // The page and the certificate.
    let (_, html) = app.get("/handovers/ml_infj_2018").await;
    assert_eq!(
        aidtrail_tests::texts_of_testid(&html, "line-disputed"),
        ["0", "1"],
        "one disputed projector on the page"
    );
    let (_, html) = app.get("/handovers/ml_infj_2018/certificate").await;
    assert_eq!(
        aidtrail_tests::texts_of_testid(&html, "certificate-disputed"),
        ["0", "1"],
        "on the certificate"
    );
    // The export.
    let (_, rows) = app.export(&app.manager, "/exports/handovers.csv").await;
    let header = &rows[0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let projector = rows.iter().find(|r| r[at("equipment_id")] == "ml_projector_2018").unwrap();
    assert_eq!((projector[at("received")].as_str(), projector[at("disputed")].as_str()), ("1", "1"));

    // Migration 0016 reads a dispute recorded before it the same way.
    app.db
        .query(
            "UPDATE handover:ml_infj_2018 SET lines = lines.map(|$l| object::extend($l, { disputed: 0 }));",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    let migration = include_str!("../../server/src/db/migrations/0016_disputed_units.surql");
    let backfill = &migration[migration.find("FOR $h").unwrap()..];
    app.db.query(backfill).await.unwrap().check().unwrap();
    assert_eq!(one(&app, lines).await, expected);
}
