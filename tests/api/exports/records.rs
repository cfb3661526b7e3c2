//! Confirmations, state reports, indicators and the audit log against the database.

use aidtrail_tests::{AUDITOR, spawn_app};
use app::domain::exports::ExportKind;
use serde_json::Value as Json;

use super::{date, export, key, select, sorted, text};

/// A text cell as `docs/exports.md` says an export writes it (written here from that rule, not
/// through the product's own function): a cell that starts like a formula (`=`, `+`, `-`, `@`, a
/// tab or a line break) gets a leading `'`.
fn written(v: &Json) -> String {
    let text = text(v);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) { format!("'{text}") } else { text }
}

/// An instant as an export writes it: to the second, in UTC.
fn instant(v: &Json) -> String {
    v.as_str().map(|s| format!("{}Z", &s[..19])).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmations_state_reports_indicators_and_the_audit_log_equal_the_database() {
    let app = spawn_app().await;
    // Rows the demo does not have: a confirmation and a state report (written directly, as the
    // forms would), and audit events from an edit through the form.
    app.db
        .query(
            "LET $user = (SELECT VALUE id FROM user WHERE email = 'ml-enp@aidtrail.demo')[0];
             CREATE handover_confirmation:c1 CONTENT {
                handover: handover:ml_enp_2018, token: 'test-token-000001', outcome: 'partially_received',
                remarks: 'One missing, \"box\" opened', lines: [{
                    equipment: equipment:ml_laptops_2018, received: 3,
                    serials_checked: ['DEMO-LT-05', 'DEMO-LT-06', 'DEMO-LT-07'], condition: 'good', remark: '=1+1'
                }],
                confirmed_by: $user, confirmed_at: d'2018-05-14T09:30:00Z'
             };
             CREATE equipment_report:r1 CONTENT {
                equipment: equipment:ml_laptops_2018, state: 'needs_repair', reported_on: d'2019-01-10T00:00:00Z',
                remark: '-Screen cracked', reported_by: $user, at: d'2019-01-10T08:00:00Z'
             };",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    let saved = app
        .post_form(
            &app.manager,
            "/activities/ml_workshop_2018/edit",
            &aidtrail_tests::workshop_edit("1", &[("city", "Bamako, ENP")]),
        )
        .await;
    assert_eq!(saved.status(), 303);
    let auditor = app.sign_in(AUDITOR).await;

    let confirmations =
        select(&app, "SELECT *, confirmed_by.email AS email FROM handover_confirmation").await;
    let mut expected = Vec::new();
    for c in &confirmations {
        for (i, l) in c["lines"].as_array().unwrap().iter().enumerate() {
            let serials: Vec<String> = l["serials_checked"].as_array().unwrap().iter().map(text).collect();
            expected.push(vec![
                key(&c["id"]),
                key(&c["handover"]),
                text(&c["outcome"]),
                written(&c["reason"]),
                written(&c["remarks"]),
                key(&c["corrects"]),
                written(&c["email"]),
                instant(&c["confirmed_at"]),
                (i + 1).to_string(),
                key(&l["equipment"]),
                text(&l["received"]),
                serials.join("; "),
                text(&l["condition"]),
                written(&l["remark"]),
            ]);
        }
    }
    assert_eq!(expected.len(), 1);
    assert_eq!(export(&app, &auditor, ExportKind::Confirmations, "").await, sorted(expected));

    let reports = select(&app, "SELECT *, reported_by.email AS email FROM equipment_report").await;
    let expected = reports
        .iter()
        .map(|r| {
            vec![
                key(&r["id"]),
                key(&r["equipment"]),
                key(&r["handover"]),
                text(&r["state"]),
                date(&r["reported_on"]),
                written(&r["remark"]),
                written(&r["email"]),
                instant(&r["at"]),
            ]
        })
        .collect();
    assert_eq!(export(&app, &auditor, ExportKind::StateReports, "").await, sorted(expected));

    let events = select(&app, "SELECT *, actor.email AS email FROM audit_event ORDER BY seq").await;
    assert!(!events.is_empty());
    let expected: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                text(&e["seq"]),
                instant(&e["at"]),
                written(&e["email"]),
                text(&e["action"]),
                written(&e["record"]),
                written(&e["reason"]),
                written(&e["before"]),
                written(&e["after"]),
                text(&e["prev_hash"]),
                text(&e["hash"]),
            ]
        })
        .collect();
    let (status, mut rows) = app.export(&auditor, "/exports/audit-log.csv").await;
    assert_eq!(status, 200);
    rows.remove(0);
    assert_eq!(rows, expected, "the audit log, in sequence order");

    // Indicators: a row per indicator, year and country, worked out by hand from the demo: the
    // 2017 syllabus workshops trained 15 in Burkina Faso (2 women), 15 in Mali (2) and 14 in Niger
    // (1) against targets of 15 (2 women) each; the May 2018 Bamako workshop 20 (2 women) against
    // 20 (3); three Malian institutes were equipped in 2018 (target 3); the curricula are counted
    // by hand by the programme (no actual computed).
    let officers = [
        "officers_trained",
        "IND-2.1",
        "Law enforcement officers trained on trafficking and smuggling",
        "Agents des services répressifs formés sur la traite et le trafic illicite",
        "people",
        "true",
        "0",
    ];
    let women = [
        "women_trained",
        "IND-2.2",
        "Women among the officers trained",
        "Femmes parmi les agents formés",
        "women",
        "true",
        "0",
    ];
    let curricula = [
        "curricula_adopted",
        "IND-2.3",
        "Training curricula on trafficking and smuggling adopted by police and gendarmerie schools",
        "Programmes de formation sur la traite et le trafic adoptés par les écoles de police et de gendarmerie",
        "curricula",
        "false",
        "0",
    ];
    let equipped = [
        "institutes_equipped",
        "IND-2.4",
        "Training institutes equipped",
        "Institutions de formation équipées",
        "institutes",
        "true",
        "0",
    ];
    let row = |indicator: &[&str; 7], cell: [&str; 4]| -> Vec<String> {
        indicator.iter().chain(cell.iter()).map(|c| (*c).to_owned()).collect()
    };
    let expected = vec![
        row(&officers, ["2017", "BF", "15", "15"]),
        row(&officers, ["2017", "ML", "15", "15"]),
        row(&officers, ["2017", "NE", "15", "14"]),
        row(&officers, ["2018", "ML", "20", "20"]),
        row(&women, ["2017", "BF", "2", "2"]),
        row(&women, ["2017", "ML", "2", "2"]),
        row(&women, ["2017", "NE", "2", "1"]),
        row(&women, ["2018", "ML", "3", "2"]),
        row(&curricula, ["2017", "BF", "2", ""]),
        row(&curricula, ["2017", "ML", "2", ""]),
        row(&curricula, ["2017", "NE", "2", ""]),
        row(&equipped, ["2018", "ML", "3", "3"]),
    ];
    assert_eq!(export(&app, &auditor, ExportKind::Indicators, "").await, sorted(expected));
}
