//! A donor sees what its money did.

use aidtrail_tests::browser::{in_browser, sign_in, wait_for};
use aidtrail_tests::{DONOR_NL, spawn_app};
use fantoccini::{Client, Locator};

use crate::text;

/// The Netherlands donor sees the May 2018 workshop counted in people trained (20, of whom 2
/// women) and no German-funded equipment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_netherlands_donor_sees_what_its_money_did() {
    let app = spawn_app().await;
    let donor = (DONOR_NL.to_owned(), app.password(DONOR_NL));
    let base = app.url("");
    in_browser(move |client| donor_journey(client, base, donor)).await;
}

async fn donor_journey(client: Client, base: String, (email, password): (String, String)) {
    sign_in(&client, &base, &email, &password).await;
    client.find(Locator::LinkText("Dashboard")).await.expect("dashboard link").click().await.expect("open");
    wait_for(&client, "return !!document.querySelector('[data-testid=dash-people]');", "the dashboard").await;
    assert!(text(&client, "[data-testid=dashboard-donor]").await.contains("Netherlands"));
    client.find(Locator::Css("#dash-from")).await.expect("from").select_by_value("2018").await.expect("from");
    client.find(Locator::Css("#dash-to")).await.expect("to").select_by_value("2018").await.expect("to");
    client
        .find(Locator::Css("[data-testid=apply-filters]"))
        .await
        .expect("apply")
        .click()
        .await
        .expect("apply");
    wait_for(&client, "return location.search.includes('from=2018');", "the filtered dashboard").await;
    wait_for(&client, "return !!document.querySelector('[data-testid=dash-people]');", "the figures").await;
    assert_eq!(text(&client, "[data-testid=dash-people] dd").await, "20");
    let women = text(&client, "[data-testid=dash-women] dd").await;
    assert!(women.starts_with("2 (10"), "{women}");
    let activities = text(&client, "[data-testid=dash-activity-list]").await;
    assert!(activities.contains("Tutoring workshop"), "{activities}");
    assert!(
        client.find(Locator::Css("[data-testid=dash-no-equipment]")).await.is_ok(),
        "no German equipment"
    );
    let svg = text(&client, "[data-testid=chart-people] figcaption").await;
    assert!(!svg.is_empty(), "the people chart is drawn");
}
