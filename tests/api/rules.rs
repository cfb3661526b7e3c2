//! The rules checked inside the writing transaction hold when the requests that would break them
//! arrive at the same moment (issue 18): expenditure within the grant, no more handed over than
//! bought, one confirmation per form token. Expected values are counted over the rows here, not
//! through the product's own sums.

use aidtrail_tests::{INSTITUTE_ML_INFJ, TestApp, spawn_app};

use crate::handovers::{form_token, one, post};

/// Sends every form at once (each from its own task) and returns the places the answers send to.
async fn all_at_once(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    forms: Vec<Vec<(String, String)>>,
) -> Vec<String> {
    let sends = forms.into_iter().map(|form| async move {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post(app, client, path, &form).await
    });
    let answers = futures::future::join_all(sends).await;
    answers
        .into_iter()
        .map(|(status, location)| {
            assert_eq!(status, 303, "every request is answered with a redirect: {location}");
            location
        })
        .collect()
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_expenditures_never_take_a_grant_past_its_amount() {
    let app = spawn_app().await;
    let sum = "math::sum(SELECT VALUE amount_grant_minor FROM transaction
                WHERE donor_grant = donor_grant:nl_2018 AND kind = 4 AND archived = false)";
    let ceiling =
        one(&app, "SELECT VALUE amount_minor FROM ONLY donor_grant:nl_2018;").await.as_i64().unwrap();
    let spent = one(&app, &format!("RETURN {sum};")).await.as_i64().unwrap();
    let left = ceiling - spent;
    assert!(left > 2, "the demo grant has room left: {ceiling} - {spent}");
    // Each alone fits; any two together do not.
    let each = left / 2 + 1;
    let amount = format!("{}.{:02}", each / 100, each % 100);
    let forms: Vec<_> = (0..8)
        .map(|i| {
            owned(&[
                ("donor_grant", "nl_2018"),
                ("kind", "4"),
                ("value_date", "2018-06-15"),
                ("currency", "EUR"),
                ("amount_minor", &amount),
                ("rate_to_grant", "1"),
                ("rate_to_eur", "1"),
                ("provider", "UNODC"),
                ("receiver", "Supplier, Bamako"),
                ("description", &format!("Simultaneous expenditure {i}")),
                ("notation", "en"),
            ])
        })
        .collect();
    let answers = all_at_once(&app, &app.manager, "/records/transactions/new", forms).await;
    let saved = answers.iter().filter(|l| l.contains("saved=created")).count();
    assert_eq!(saved, 1, "{answers:?}");
    assert!(
        answers.iter().filter(|l| !l.contains("saved=")).all(|l| l == "/records/transactions/new"),
        "the others are sent back to their form: {answers:?}"
    );
    let after = one(&app, &format!("RETURN {sum};")).await.as_i64().unwrap();
    assert_eq!(after, spent + each, "exactly one expenditure more");
    assert!(after <= ceiling);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_handovers_never_give_more_than_was_bought() {
    let app = spawn_app().await;
    let (_, location) = post(
        &app,
        &app.manager,
        "/records/equipment/new",
        &[
            ("donor_grant", "nl_2018"),
            ("category", "computer"),
            ("description", "Laptop bought five times"),
            ("description_fr", "Ordinateur acheté cinq fois"),
            ("quantity", "5"),
            ("currency", "EUR"),
            ("unit_cost_minor", "900"),
            ("supplier", "Bamako supplier"),
            ("purchase_date", "2018-06-01"),
        ],
    )
    .await;
    let item =
        location.strip_prefix("/records/equipment/").and_then(|l| l.strip_suffix("?saved=created")).unwrap();
    // Six handovers of two at once: two fit (4 of 5), a third would not.
    let forms: Vec<_> = (0..6)
        .map(|i| {
            owned(&[
                ("code", &format!("HO-2018-SIM-{i}")),
                ("institute", "ml_infj"),
                ("handed_over_on", "2018-06-15"),
                ("handed_over_by", "UNODC"),
                ("status", "handed_over"),
                ("line_0_equipment", item),
                ("line_0_quantity", "2"),
            ])
        })
        .collect();
    let answers = all_at_once(&app, &app.manager, "/handovers/new", forms).await;
    let saved = answers.iter().filter(|l| l.contains("saved=created")).count();
    assert_eq!(saved, 2, "{answers:?}");
    let given = one(
        &app,
        &format!(
            "RETURN math::sum((SELECT VALUE lines FROM handover WHERE archived = false).flatten()
                .filter(|$l| $l.equipment = equipment:{item}).map(|$l| $l.quantity));"
        ),
    )
    .await;
    assert_eq!(given, 4, "units handed over, counted over the rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_confirmation_form_sent_many_times_at_once_is_recorded_once() {
    let app = spawn_app().await;
    // A handover of the demo awaiting confirmation by the judicial training institute.
    let handover = one(
        &app,
        "RETURN (SELECT VALUE record::id(id) FROM handover
            WHERE institute = institute:ml_infj AND status = 'handed_over' LIMIT 1)[0];",
    )
    .await;
    let handover = handover.as_str().expect("a demo handover awaiting the institute").to_owned();
    let page = format!("/handovers/{handover}");
    let version =
        one(&app, &format!("SELECT VALUE version FROM ONLY handover:{handover};")).await.to_string();
    let lines =
        one(&app, &format!("RETURN {{ lines: (SELECT VALUE lines FROM ONLY handover:{handover}) }};")).await;
    let lines = &lines["lines"];
    let institute = app.sign_in(INSTITUTE_ML_INFJ).await;
    let (_, html) = app.get_with(&institute, &page).await;
    let token = form_token(&html);
    let mut form = vec![("token".to_owned(), token), ("version".to_owned(), version)];
    for (i, line) in lines.as_array().unwrap().iter().enumerate() {
        form.push((format!("line_{i}_received"), line["quantity"].to_string()));
        form.push((format!("line_{i}_condition"), "good".to_owned()));
    }
    let count =
        format!("RETURN count(SELECT id FROM handover_confirmation WHERE handover = handover:{handover});");
    let before = one(&app, &count).await.as_i64().unwrap();
    let answers = all_at_once(&app, &institute, &format!("{page}/confirm"), vec![form; 6]).await;
    assert!(answers.iter().all(|l| l.starts_with(&page)), "{answers:?}");
    assert_eq!(
        one(&app, &count).await.as_i64().unwrap(),
        before + 1,
        "one confirmation recorded: {answers:?}"
    );
    assert_eq!(one(&app, &format!("SELECT VALUE status FROM ONLY handover:{handover};")).await, "received");
}
