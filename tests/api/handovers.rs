//! Equipment handed over to institutes and confirmed by them: the whole lifecycle, who may see
//! and confirm what, and a confirmation recorded once however often it is sent.

use aidtrail_tests::{
    DONOR_DE, DONOR_NL, INSTITUTE_ML_ENP, INSTITUTE_ML_INFJ, TestApp, count, spawn_app, strip_tags,
    text_of_testid,
};

pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = app.post_form(client, path, form).await;
    let status = response.status().as_u16();
    let location =
        response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, location)
}

pub(crate) async fn one(app: &TestApp, sql: &str) -> serde_json::Value {
    let value: Option<serde_json::Value> = app.db.query(sql).await.unwrap().take(0).unwrap();
    value.unwrap_or(serde_json::Value::Null)
}

pub(crate) async fn one_list(app: &TestApp, sql: &str) -> serde_json::Value {
    let value: Vec<serde_json::Value> = app.db.query(sql).await.unwrap().take(0).unwrap();
    serde_json::Value::Array(value)
}

/// The token the handover's page hands out with its confirmation form.
pub(crate) fn form_token(html: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let start = html.find(marker).expect("a token on the form") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Confirms the handover `id` as `client` (the institute): opens its page for the form's token and
/// posts `fields` with it at version 1; the answer's status.
pub(crate) async fn confirm(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    fields: &[(&str, &str)],
) -> u16 {
    let (_, html) = app.get_with(client, &format!("/handovers/{id}")).await;
    let token = form_token(&html);
    let mut form = vec![("token", token.as_str()), ("version", "1")];
    form.extend_from_slice(fields);
    post(app, client, &format!("/handovers/{id}/confirm"), &form).await.0
}

fn key_after(location: &str, prefix: &str, suffix: &str) -> String {
    assert!(location.starts_with(prefix) && location.ends_with(suffix), "{location}");
    location[prefix.len()..location.len() - suffix.len()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_hand_over_confirm_four_of_five_then_the_last_one() {
    let app = spawn_app().await;
    // Register five laptops bought with the Netherlands grant.
    let (status, location) = post(
        &app,
        &app.manager,
        "/records/equipment/new",
        &[
            ("donor_grant", "nl_2018"),
            ("category", "computer"),
            ("description", "Laptop for the judicial police course"),
            ("description_fr", "Ordinateur portable pour le cours de police judiciaire"),
            ("quantity", "5"),
            ("currency", "EUR"),
            ("unit_cost_minor", "900"),
            ("supplier", "Bamako supplier"),
            ("purchase_date", "2018-06-01"),
            ("serials", "NL-LT-1, NL-LT-2, NL-LT-3, NL-LT-4, NL-LT-5"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let item = key_after(&location, "/records/equipment/", "?saved=created");

    // Hand them over to the National Judicial Training Institute.
    let (_, location) = post(
        &app,
        &app.manager,
        "/handovers/new",
        &[
            ("code", "HO-2018-010"),
            ("institute", "ml_infj"),
            ("handed_over_on", "2018-06-15"),
            ("handed_over_by", "Awa Traoré, UNODC"),
            ("status", "handed_over"),
            ("line_0_equipment", &item),
            ("line_0_quantity", "5"),
            ("line_0_serials", "NL-LT-1, NL-LT-2, NL-LT-3, NL-LT-4, NL-LT-5"),
        ],
    )
    .await;
    let handover = key_after(&location, "/handovers/", "?saved=created");
    let page = format!("/handovers/{handover}");

    // Not one more than was bought can be handed over.
    let (_, back) = post(
        &app,
        &app.manager,
        "/handovers/new",
        &[
            ("code", "HO-2018-011"),
            ("institute", "ml_enp"),
            ("handed_over_on", "2018-06-15"),
            ("handed_over_by", "UNODC"),
            ("line_0_equipment", &item),
            ("line_0_quantity", "1"),
        ],
    )
    .await;
    assert_eq!(back, "/handovers/new");

    // The institute confirms four of the five.
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let (status, html) = app.get_with(&infj, &page).await;
    assert_eq!(status, 200);
    let token = form_token(&html);
    let version = one(&app, &format!("SELECT VALUE version FROM ONLY handover:{handover};")).await;
    let version = version.to_string();
    let (_, location) = post(
        &app,
        &infj,
        &format!("{page}/confirm"),
        &[
            ("token", &token),
            ("version", &version),
            ("line_0_received", "4"),
            ("line_0_serials", "NL-LT-1"),
            ("line_0_serials", "NL-LT-2"),
            ("line_0_serials", "NL-LT-3"),
            ("line_0_serials", "NL-LT-4"),
            ("line_0_condition", "good"),
            ("remarks", "One laptop missing from the box"),
        ],
    )
    .await;
    assert_eq!(location, format!("{page}?saved=confirmed"));
    let stored = one(&app, &format!("SELECT status, lines FROM ONLY handover:{handover};")).await;
    assert_eq!(stored["status"], "partially_received");
    assert_eq!(stored["lines"][0]["received"], 4);

    // The manager sees one outstanding, on the page and in the list.
    let (_, html) = app.get(&page).await;
    assert_eq!(text_of_testid(&html, "outstanding-total").as_deref(), Some("1"));
    let (_, list) = app.get("/handovers?status=partially_received").await;
    assert!(strip_tags(&list).contains("HO-2018-010"));

    // A dispute without a reason is refused, and records nothing.
    let confirmations = count(&app.db, "handover_confirmation").await;
    let (_, html) = app.get_with(&infj, &page).await;
    let (_, location) = post(
        &app,
        &infj,
        &format!("{page}/confirm"),
        &[("token", &form_token(&html)), ("version", "2"), ("dispute", "on"), ("line_0_received", "0")],
    )
    .await;
    assert_eq!(location, format!("{page}#confirm"));
    let (_, html) = app.get_with(&infj, &page).await;
    assert!(html.contains("id=\"reason-error\""), "the reason is asked for");
    assert_eq!(count(&app.db, "handover_confirmation").await, confirmations);

    // Later, the last one arrives.
    let (_, html) = app.get_with(&infj, &page).await;
    let (_, location) = post(
        &app,
        &infj,
        &format!("{page}/confirm"),
        &[
            ("token", &form_token(&html)),
            ("version", "2"),
            ("line_0_received", "1"),
            ("line_0_serials", "NL-LT-5"),
        ],
    )
    .await;
    assert_eq!(location, format!("{page}?saved=confirmed"));
    let stored = one(&app, &format!("SELECT status, lines FROM ONLY handover:{handover};")).await;
    assert_eq!(stored["status"], "received");
    assert_eq!(stored["lines"][0]["received"], 5);
    assert_eq!(stored["lines"][0]["serials_checked"].as_array().unwrap().len(), 5);

    // A received handover takes no further confirmation, and a confirmation cannot be edited,
    // not even directly in the database.
    let (_, location) = post(
        &app,
        &infj,
        &format!("{page}/confirm"),
        &[("token", "another-token-0123456789"), ("version", "3"), ("line_0_received", "1")],
    )
    .await;
    assert_eq!(location, format!("{page}?error=conflict"));
    let edited =
        app.db.query("UPDATE handover_confirmation SET remarks = 'rewritten';").await.unwrap().check();
    assert!(edited.is_err(), "the database refuses to change a confirmation");
    let remarks: Vec<String> = app
        .db
        .query("SELECT VALUE remarks FROM handover_confirmation ORDER BY confirmed_at;")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(remarks[0], "One laptop missing from the box");

    // Every step is in the audit trail.
    let actions: Vec<String> = app
        .db
        .query("SELECT VALUE action FROM audit_event WHERE record = $r ORDER BY seq;")
        .bind(("r", format!("handover:{handover}")))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(actions, ["create", "confirm", "confirm"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_institute_cannot_see_or_confirm_another_institutes_handover() {
    let app = spawn_app().await;
    // HO-2018-001 is the National Judicial Training Institute's; ML-ENP is the police school.
    let enp = app.sign_in(INSTITUTE_ML_ENP).await;
    assert_eq!(app.get_with(&enp, "/handovers/ml_infj_2018").await.0, 403);
    let (status, _) = post(
        &app,
        &enp,
        "/handovers/ml_infj_2018/confirm",
        &[
            ("token", "0123456789abcdef0123"),
            ("version", "1"),
            ("line_0_received", "4"),
            ("line_1_received", "1"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(one(&app, "SELECT VALUE status FROM ONLY handover:ml_infj_2018;").await, "handed_over");
    assert_eq!(count(&app.db, "handover_confirmation").await, 0);
    // Its own list shows only its own handover.
    let (_, list) = app.get_with(&enp, "/handovers").await;
    let text = strip_tags(&list);
    assert!(text.contains("HO-2018-002") && !text.contains("HO-2018-001"), "{text}");
    // A programme manager cannot confirm for an institute.
    let (status, _) = post(&app, &app.manager, "/handovers/ml_infj_2018/confirm", &[("token", "x")]).await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn donors_see_only_the_equipment_their_grants_paid_for() {
    let app = spawn_app().await;
    // The demo's computers and projector were paid by Germany.
    let germany = app.sign_in(DONOR_DE).await;
    let (status, html) = app.get_with(&germany, "/handovers/ml_infj_2018").await;
    assert_eq!(status, 200);
    assert!(strip_tags(&html).contains("DE-11"));
    let netherlands = app.sign_in(DONOR_NL).await;
    assert_eq!(app.get_with(&netherlands, "/handovers/ml_infj_2018").await.0, 403);
    let (_, list) = app.get_with(&netherlands, "/handovers").await;
    assert!(!strip_tags(&list).contains("HO-2018-001"));
    let (_, equipment) = app.get_with(&netherlands, "/equipment").await;
    assert!(!strip_tags(&equipment).contains("Video projector"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_confirmation_sent_twice_is_recorded_once() {
    let app = spawn_app().await;
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let (_, html) = app.get_with(&infj, "/handovers/ml_infj_2018").await;
    let token = form_token(&html);
    let form = [
        ("token", token.as_str()),
        ("version", "1"),
        ("line_0_received", "3"),
        ("line_1_received", "1"),
        ("remarks", "One computer missing"),
    ];
    let first = post(&app, &infj, "/handovers/ml_infj_2018/confirm", &form).await;
    // The same form again: a second click, or a retry after the network failed.
    let second = post(&app, &infj, "/handovers/ml_infj_2018/confirm", &form).await;
    assert_eq!(first.1, "/handovers/ml_infj_2018?saved=confirmed");
    assert_eq!(second.1, "/handovers/ml_infj_2018?saved=already");
    assert_eq!(count(&app.db, "handover_confirmation").await, 1);
    let stored = one(&app, "SELECT status, lines FROM ONLY handover:ml_infj_2018;").await;
    assert_eq!(stored["status"], "partially_received");
    assert_eq!(stored["lines"][0]["received"], 3);

    // Several pending handovers confirmed in one go, once even if sent twice.
    let egn = app.sign_in("ml-egn@aidtrail.demo").await;
    let (_, list) = app.get_with(&egn, "/handovers").await;
    let batch = form_token(&list);
    let form = [("token", batch.as_str()), ("handover", "ml_egn_2018")];
    assert_eq!(post(&app, &egn, "/handovers/confirm", &form).await.1, "/handovers?confirmed=1");
    assert_eq!(post(&app, &egn, "/handovers/confirm", &form).await.1, "/handovers?confirmed=0");
    assert_eq!(one(&app, "SELECT VALUE status FROM ONLY handover:ml_egn_2018;").await, "received");
    assert_eq!(count(&app.db, "handover_confirmation").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_counts_outstanding_value_states_and_overdue_verifications() {
    let app = spawn_app().await;
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let (_, html) = app.get_with(&infj, "/handovers/ml_infj_2018").await;
    let form = [
        ("token", form_token(&html)),
        ("version", "1".to_owned()),
        ("line_0_received", "3".to_owned()),
        ("line_1_received", "1".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(&app, &infj, "/handovers/ml_infj_2018/confirm", &form).await;

    // After receipt the institute reports a laptop that needs repair.
    let (_, location) = post(
        &app,
        &infj,
        "/equipment/state",
        &[
            ("handover", "ml_infj_2018"),
            ("equipment", "ml_laptops_2018"),
            ("state", "needs_repair"),
            ("reported_on", "2019-02-01"),
            ("remark", "Screen cracked"),
        ],
    )
    .await;
    assert_eq!(location, "/handovers/ml_infj_2018?saved=state#states");
    assert_eq!(
        one(&app, "SELECT VALUE lines[0].state FROM ONLY handover:ml_infj_2018;").await,
        "needs_repair"
    );
    // Another institute cannot report on it.
    let enp = app.sign_in(INSTITUTE_ML_ENP).await;
    let (status, _) = post(
        &app,
        &enp,
        "/equipment/state",
        &[
            ("handover", "ml_infj_2018"),
            ("equipment", "ml_laptops_2018"),
            ("state", "in_use"),
            ("reported_on", "2019-02-02"),
        ],
    )
    .await;
    assert_eq!(status, 403);

    // The projector's verification was due in 2019.
    let (_, edit) = app.get("/records/equipment/ml_projector_2018").await;
    assert!(edit.contains("DEMO-VP-01"));
    let (_, location) = post(
        &app,
        &app.manager,
        "/records/equipment/ml_projector_2018/edit",
        &[
            ("version", "1"),
            ("donor_grant", "de_2017"),
            ("category", "projector"),
            ("description", "Video projector"),
            ("description_fr", "Vidéoprojecteur"),
            ("quantity", "1"),
            ("currency", "EUR"),
            ("unit_cost_minor", "650"),
            ("purchase_date", "2018-04-20"),
            ("serials", "DEMO-VP-01"),
            ("next_verification_on", "2019-05-11"),
        ],
    )
    .await;
    assert_eq!(location, "/records/equipment/ml_projector_2018?saved=updated");

    let (status, html) = app.get("/handovers/report").await;
    assert_eq!(status, 200);
    let text = strip_tags(&html);
    // HO-2018-001: one laptop (EUR 850) outstanding; the other two handovers wait for all four.
    assert!(text.contains("HO-2018-001"), "{text}");
    let values = text_of_testid(&html, "grant-values").unwrap();
    // DE-11: 12 × 850 + 650 = 10,850 handed over; 3 × 850 + 650 = 3,200 confirmed.
    assert!(values.contains("10,850.00") && values.contains("3,200.00"), "{values}");
    assert!(text.contains("Needs repair"), "items by state");
    assert!(text_of_testid(&html, "overdue").unwrap().contains("Video projector"));
    // The Netherlands donor paid for none of it.
    let netherlands = app.sign_in(DONOR_NL).await;
    let (_, html) = app.get_with(&netherlands, "/handovers/report").await;
    assert!(!strip_tags(&html).contains("HO-2018-001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_filters_by_grant_category_institute_and_state_and_totals_per_grant() {
    let app = spawn_app().await;
    let (_, html) = app.get("/equipment").await;
    let totals = text_of_testid(&html, "equipment-totals").expect("totals");
    // 12 laptops at EUR 850 and a projector at EUR 650, paid by the German grant, in euros.
    assert!(totals.contains("DE-11") && totals.matches("10,850.00").count() == 2, "{totals}");

    let (_, html) = app.get("/equipment?donor=nl_mfa").await;
    assert!(text_of_testid(&html, "equipment-totals").is_none(), "the Netherlands paid for no equipment");
    let (_, html) = app.get("/equipment?donor=de_ffo").await;
    assert!(text_of_testid(&html, "equipment-totals").unwrap().contains("10,850.00"));

    let (_, html) = app.get("/equipment?category=projector").await;
    let text = strip_tags(&html);
    assert!(text.contains("Video projector") && !text.contains("Laptop computer"), "{text}");
    assert!(text_of_testid(&html, "equipment-totals").unwrap().contains("650.00"));

    // Handed to the police school: the laptops only.
    let (_, html) = app.get("/equipment?institute=ml_enp").await;
    let text = strip_tags(&html);
    assert!(text.contains("Laptop computer") && !text.contains("Video projector"), "{text}");

    // Nothing is reported as lost yet; an unknown state is ignored, not an error.
    let (_, html) = app.get("/equipment?state=lost_stolen").await;
    assert!(text_of_testid(&html, "equipment-totals").is_none());
    assert_eq!(app.get("/equipment?state=melted").await.0, 200);

    // The Netherlands donor paid for no equipment: nothing to total.
    let netherlands = app.sign_in(DONOR_NL).await;
    let (_, html) = app.get_with(&netherlands, "/equipment").await;
    assert!(text_of_testid(&html, "equipment-totals").is_none());
}

/// A tiny but real PNG (1×1 pixel).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00,
    0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01,
    0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_institute_adds_a_photo_that_only_those_who_see_the_handover_download() {
    let app = spawn_app().await;
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("boxes.png");
    let response = infj
        .post(app.url("/handovers/ml_infj_2018/photos"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/handovers/ml_infj_2018?saved=attached#photos");
    let (_, html) = app.get("/handovers/ml_infj_2018").await;
    let start = html.find("href=\"/handovers/ml_infj_2018/photos/").expect("a photo link") + "href=\"".len();
    let link = html[start..].split('"').next().unwrap().to_owned();
    let germany = app.sign_in(DONOR_DE).await;
    assert_eq!(germany.get(app.url(&link)).send().await.unwrap().bytes().await.unwrap().as_ref(), PNG);
    let netherlands = app.sign_in(DONOR_NL).await;
    assert_eq!(netherlands.get(app.url(&link)).send().await.unwrap().status(), 403);
    let enp = app.sign_in(INSTITUTE_ML_ENP).await;
    assert_eq!(enp.get(app.url(&link)).send().await.unwrap().status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planned_handover_is_marked_handed_over_before_it_can_be_confirmed() {
    let app = spawn_app().await;
    let (_, location) = post(
        &app,
        &app.manager,
        "/handovers/new",
        &[
            ("code", "HO-2019-001"),
            ("institute", "ml_infj"),
            ("handed_over_on", "2019-03-01"),
            ("handed_over_by", "UNODC"),
            ("status", "planned"),
            ("line_0_equipment", "ml_projector_2018"),
            ("line_0_quantity", "1"),
        ],
    )
    .await;
    // The demo already hands over the only projector.
    assert_eq!(location, "/handovers/new");
    let (_, location) = post(
        &app,
        &app.manager,
        "/records/equipment/new",
        &[
            ("donor_grant", "de_2017"),
            ("category", "printer"),
            ("description", "Printer"),
            ("quantity", "1"),
            ("currency", "EUR"),
            ("unit_cost_minor", "300"),
            ("purchase_date", "2019-02-01"),
        ],
    )
    .await;
    let printer = key_after(&location, "/records/equipment/", "?saved=created");
    let (_, location) = post(
        &app,
        &app.manager,
        "/handovers/new",
        &[
            ("code", "HO-2019-001"),
            ("institute", "ml_infj"),
            ("handed_over_on", "2019-03-01"),
            ("handed_over_by", "UNODC"),
            ("status", "planned"),
            ("line_0_equipment", &printer),
            ("line_0_quantity", "1"),
        ],
    )
    .await;
    let key = key_after(&location, "/handovers/", "?saved=created");
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let (_, html) = app.get_with(&infj, &format!("/handovers/{key}")).await;
    assert!(!html.contains("id=\"line_0_received\""), "nothing to confirm before it is handed over");
    let (_, location) =
        post(&app, &app.manager, &format!("/handovers/{key}/hand-over"), &[("version", "1")]).await;
    assert_eq!(location, format!("/handovers/{key}?saved=handed_over"));
    let (_, html) = app.get_with(&infj, &format!("/handovers/{key}")).await;
    assert!(html.contains("id=\"line_0_received\""), "now the institute confirms");
}
