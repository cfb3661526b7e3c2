//! An institute confirms a handover with one item missing.

use aidtrail_tests::browser::{in_browser, sign_in, wait_for};
use aidtrail_tests::{INSTITUTE_ML_INFJ, MANAGER, spawn_app};
use fantoccini::{Client, Locator};

use crate::{text, type_into};

/// The National Judicial Training Institute confirms the demo handover of computers and the
/// video projector with one computer missing; the programme manager then sees one item
/// outstanding, and the certificate names both sides, in French.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_judicial_institute_confirms_with_one_computer_missing() {
    let app = spawn_app().await;
    let institute = (INSTITUTE_ML_INFJ.to_owned(), app.password(INSTITUTE_ML_INFJ));
    let manager = (MANAGER.to_owned(), app.password(MANAGER));
    let base = app.url("");
    in_browser(move |client| handover_journey(client, base, institute, manager)).await;
}

/// The remark the institute writes when one computer is missing.
pub(crate) const ONE_MISSING: &str = "Un ordinateur manquant à la livraison";

/// Fills in the confirmation form of the demo handover: three of the four computers arrived,
/// and the projector did.
pub(crate) async fn fill_in_one_computer_missing(client: &Client) {
    type_into(client, "#line_0_received", "3").await;
    for serial in ["DEMO-LT-01", "DEMO-LT-02", "DEMO-LT-03", "DEMO-VP-01"] {
        let css = format!("input[type=checkbox][value='{serial}']");
        client.find(Locator::Css(&css)).await.expect("serial").click().await.expect("tick");
    }
    type_into(client, "#remarks", ONE_MISSING).await;
}

/// Sends the filled-in form; the handover then has one item outstanding.
pub(crate) async fn confirm_one_computer_missing(client: &Client) {
    client
        .find(Locator::Css("[data-testid=confirm]"))
        .await
        .expect("confirm")
        .click()
        .await
        .expect("confirm");
    wait_for(client, "return !!document.querySelector('[data-testid=saved]');", "the confirmation").await;
    assert_eq!(text(client, "[data-testid=outstanding-total]").await, "1");
}

async fn handover_journey(
    client: Client,
    base: String,
    institute: (String, String),
    manager: (String, String),
) {
    sign_in(&client, &base, &institute.0, &institute.1).await;
    client.goto(&format!("{base}/handovers")).await.expect("open handovers");
    assert_eq!(text(&client, "h1").await, "Remises de matériel", "the institute reads French");
    client.find(Locator::LinkText("HO-2018-001")).await.expect("the handover").click().await.expect("open");
    wait_for(&client, "return !!document.querySelector('#line_0_received');", "the confirmation form").await;
    fill_in_one_computer_missing(&client).await;
    confirm_one_computer_missing(&client).await;

    client.goto(&format!("{base}/handovers/ml_infj_2018/certificate")).await.expect("certificate");
    wait_for(&client, "return !!document.querySelector('[data-testid=certificate]');", "the certificate")
        .await;
    assert_eq!(text(&client, "h1").await, "Certificat de remise de matériel");
    assert_eq!(text(&client, "[data-testid=handed-over-by]").await, "UNODC programme officer");
    assert!(
        text(&client, "[data-testid=received-by]")
            .await
            .contains("Institut national de formation judiciaire")
    );
    assert_eq!(text(&client, "[data-testid=status]").await, "Reçue en partie");

    client.goto(&format!("{base}/")).await.expect("home");
    client
        .find(Locator::Css("[data-testid=sign-out]"))
        .await
        .expect("sign-out")
        .click()
        .await
        .expect("sign out");
    wait_for(&client, "return !document.querySelector('[data-testid=sign-out]');", "signed out").await;
    sign_in(&client, &base, &manager.0, &manager.1).await;
    client.goto(&format!("{base}/handovers?status=partially_received")).await.expect("open handovers");
    let table = text(&client, "[data-testid=handovers]").await;
    assert!(table.contains("HO-2018-001"), "{table}");
    assert_eq!(text(&client, "[data-testid=handovers] [data-testid=outstanding]").await, "1");
}
