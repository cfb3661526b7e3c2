//! A programme manager records and edits the May 2018 workshop, in French.

use aidtrail_tests::browser::{in_browser, sign_in, wait_for};
use aidtrail_tests::{MANAGER, spawn_app};
use fantoccini::{Client, Locator};

use crate::{text, type_into};

/// In French, a programme manager records the May 2018 workshop from scratch, opens it, edits
/// it, and sees the edit in its history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_records_and_edits_the_workshop_in_french() {
    let app = spawn_app().await;
    let credentials = (MANAGER.to_owned(), app.password(MANAGER));
    let base = app.url("");
    in_browser(move |client| record_journey(client, base, credentials)).await;
}

async fn record_journey(client: Client, base: String, (email, password): (String, String)) {
    sign_in(&client, &base, &email, &password).await;
    client.goto(&format!("{base}/activities")).await.expect("open activities");
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    client
        .find(Locator::Css("button.lang-button[value='fr']"))
        .await
        .expect("FR")
        .click()
        .await
        .expect("click");
    wait_for(&client, "return document.querySelector('h1').textContent === 'Activités';", "French").await;

    client
        .find(Locator::Css("[data-testid=new-activity]"))
        .await
        .expect("new activity")
        .click()
        .await
        .expect("click");
    wait_for(&client, "return !!document.querySelector('#code');", "the activity form").await;
    assert_eq!(text(&client, "h1").await, "Nouvelle activité");
    type_into(&client, "#code", "ACT-2018-ML-WS-05-FR").await;
    type_into(&client, "#title", "Tutoring workshop on trafficking and smuggling").await;
    type_into(&client, "#title_fr", "Atelier de tutorat sur la traite et le trafic illicite").await;
    client.find(Locator::Css("#kind")).await.expect("kind").select_by_value("workshop").await.expect("kind");
    client.find(Locator::Css("#status")).await.expect("status").select_by_value("4").await.expect("status");
    client.find(Locator::Css("#pillar")).await.expect("pillar").select_by_value("p2").await.expect("pillar");
    client
        .execute(
            "for (const [id, v] of [['planned_start','2018-05-08'],['planned_end','2018-05-11'],['actual_start','2018-05-08'],['actual_end','2018-05-11']]) { document.getElementById(id).value = v; } return true;",
            vec![],
        )
        .await
        .expect("dates");
    type_into(&client, "#country", "ML").await;
    type_into(&client, "#city", "Bamako").await;
    type_into(&client, "#venue", "École nationale de police").await;
    client
        .find(Locator::Css("input[name=institutes][value=ml_enp]"))
        .await
        .expect("institute")
        .click()
        .await
        .expect("tick");
    type_into(&client, "#police_women", "2").await;
    type_into(&client, "#police_men", "18").await;
    client
        .find(Locator::Css("#funding_0_grant"))
        .await
        .expect("grant")
        .select_by_value("nl_2018")
        .await
        .expect("grant");
    type_into(&client, "#funding_0_amount", "38 500,00").await;
    for (i, institution) in [
        "Police nationale du Mali",
        "Police nationale du Mali",
        "Gendarmerie nationale du Mali",
        "Gendarmerie nationale du Mali",
    ]
    .iter()
    .enumerate()
    {
        type_into(&client, &format!("#instructor_{i}_institution"), institution).await;
    }
    client.find(Locator::Css("[data-testid=save]")).await.expect("save").click().await.expect("save");

    wait_for(&client, "return !!document.querySelector('[data-testid=saved]');", "saved activity page").await;
    assert_eq!(text(&client, "[data-testid=saved]").await, "L’activité a été enregistrée.");
    assert_eq!(text(&client, "[data-testid=participants-total]").await, "20");
    assert_eq!(text(&client, "[data-testid=participants-women]").await, "2");
    assert_eq!(text(&client, "h1").await, "Atelier de tutorat sur la traite et le trafic illicite");

    client.find(Locator::Css("[data-testid=edit]")).await.expect("edit").click().await.expect("edit");
    wait_for(&client, "return !!document.querySelector('#city');", "the edit form").await;
    assert_eq!(text(&client, "h1").await, "Modifier l’activité");
    type_into(&client, "#city", "Bamako, Mali").await;
    type_into(&client, "#reason", "ville précisée").await;
    client.find(Locator::Css("[data-testid=save]")).await.expect("save").click().await.expect("save");
    wait_for(&client, "return !!document.querySelector('[data-testid=saved]');", "saved edit").await;
    assert_eq!(text(&client, "[data-testid=saved]").await, "Vos modifications ont été enregistrées.");
    let history = text(&client, "[data-testid=history]").await;
    assert!(
        history.contains("modification")
            && history.contains("ville précisée")
            && history.contains("création"),
        "{history}"
    );

    // It is in the list, found with the filters.
    client.goto(&format!("{base}/activities")).await.expect("open activities");
    type_into(&client, "#filter-q", "WS-05-FR").await;
    client
        .find(Locator::Css("#filter-year"))
        .await
        .expect("year")
        .select_by_value("2018")
        .await
        .expect("year");
    client
        .find(Locator::Css("[data-testid=apply-filters]"))
        .await
        .expect("apply")
        .click()
        .await
        .expect("apply");
    wait_for(&client, "return location.search.includes('q=WS-05-FR');", "filtered list").await;
    let table = text(&client, "table.data").await;
    assert!(table.contains("Atelier de tutorat sur la traite et le trafic illicite"), "{table}");
    assert_eq!(client.find_all(Locator::Css("table.data tbody tr")).await.expect("rows").len(), 1);

    // With JavaScript, a field is checked as soon as the user leaves it, before any submit.
    client.goto(&format!("{base}/records/transactions/new")).await.expect("open the transaction form");
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    assert!(client.find_all(Locator::Css("#currency-error")).await.expect("errors").is_empty());
    type_into(&client, "#currency", "EURO").await;
    client.find(Locator::Css("#rate_to_grant")).await.expect("next field").click().await.expect("leave");
    wait_for(&client, "return !!document.querySelector('#currency-error');", "the inline currency error")
        .await;
    assert!(text(&client, "#currency-error").await.contains("ISO 4217"));
    assert!(
        client.find_all(Locator::Css("#amount_minor-error")).await.expect("errors").is_empty(),
        "untouched fields stay quiet"
    );
    let invalid = "return document.querySelector('#currency').getAttribute('aria-invalid');";
    assert_eq!(client.execute(invalid, vec![]).await.expect("aria"), serde_json::json!("true"));
    // Corrected, the error goes as soon as the field is left.
    type_into(&client, "#currency", "XOF").await;
    client.find(Locator::Css("#rate_to_grant")).await.expect("next field").click().await.expect("leave");
    wait_for(&client, "return !document.querySelector('#currency-error');", "the error cleared").await;
    assert_eq!(client.execute(invalid, vec![]).await.expect("aria"), serde_json::Value::Null);
    assert!(client.current_url().await.expect("url").path().ends_with("/records/transactions/new"));
}
