//! Money records: expenditure never above its grant (refused with the excess) and amounts in
//! another currency converted at their own stored rates.

use aidtrail_tests::{count, spawn_app};

use super::{created_key, field_error, french_manager, post, record_one};

pub(super) fn expenditure(amount: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("donor_grant", "nl_2018"),
        ("kind", "4"),
        ("value_date", "2018-06-15"),
        ("currency", "EUR"),
        ("amount_minor", amount),
        ("rate_to_grant", "1"),
        ("rate_to_eur", "1"),
        ("activity", "ml_workshop_2018"),
        ("provider", "UNODC"),
        ("receiver", "Hotel, Bamako"),
        ("description", "Follow-up session"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expenditure_above_the_grant_is_refused_with_how_much_too_much() {
    let app = spawn_app().await;
    // The NL grant is €350,000; the demo records €8,000 + €6,000 + €38,500 spent on it.
    let (transactions, events) = (count(&app.db, "transaction").await, count(&app.db, "audit_event").await);
    let location = post(&app, &app.manager, "/records/transactions/new", &expenditure("300 000")).await;
    assert_eq!(location, "/records/transactions/new");
    let (_, html) = app.get("/records/transactions/new").await;
    let error = field_error(&html, "amount_minor").expect("amount error");
    assert!(error.contains("2,500.00"), "{error}");
    assert_eq!(count(&app.db, "transaction").await, transactions);
    assert_eq!(count(&app.db, "audit_event").await, events);

    // Exactly up to the amount is fine, and then not one cent more.
    let key = created_key(
        &post(&app, &app.manager, "/records/transactions/new", &expenditure("297 500.00")).await,
        "transactions",
    );
    let saved = record_one(&app, &format!("transaction:{key}")).await;
    assert_eq!(
        (saved["amount_grant_minor"].as_i64(), saved["amount_eur_minor"].as_i64()),
        (Some(29_750_000), Some(29_750_000))
    );
    post(&app, &app.manager, "/records/transactions/new", &expenditure("0.01")).await;
    let (_, html) = app.get("/records/transactions/new").await;
    assert!(field_error(&html, "amount_minor").unwrap().contains("0.01"));

    // Lowering the grant below what was spent is refused the same way.
    let mut grant: Vec<(&str, &str)> = vec![
        ("version", "1"),
        ("donor", "nl_mfa"),
        ("reference", "NL-1-SAHEL-2017-02"),
        ("title", "Netherlands contribution"),
        ("currency", "EUR"),
        ("amount_minor", "349 000"),
        ("signed_on", "2017-01-15"),
        ("start_on", "2017-02-01"),
        ("end_on", "2019-06-30"),
        ("status", "active"),
    ];
    assert_eq!(
        post(&app, &app.manager, "/records/grants/nl_2018/edit", &grant).await,
        "/records/grants/nl_2018"
    );
    let (_, html) = app.get("/records/grants/nl_2018").await;
    assert!(field_error(&html, "amount_minor").unwrap().contains("1,000.00"));
    grant.retain(|(n, _)| *n != "currency");
    grant.push(("currency", "USD"));
    grant.retain(|(n, _)| *n != "amount_minor");
    grant.push(("amount_minor", "400 000"));
    post(&app, &app.manager, "/records/grants/nl_2018/edit", &grant).await;
    let (_, html) = app.get("/records/grants/nl_2018").await;
    let error = field_error(&html, "currency").unwrap_or_default();
    assert!(error.contains("its currency cannot change"), "currency locked under transactions: {error:?}");
    assert_eq!(record_one(&app, "donor_grant:nl_2018").await["amount_minor"], 35_000_000);

    // In French, the same refusal in French, with the amount written the French way.
    let french = french_manager(&app).await;
    post(&app, &french, "/records/transactions/new", &expenditure("1")).await;
    let (_, html) = app.get_with(&french, "/records/transactions/new").await;
    let error = field_error(&html, "amount_minor").expect("amount error");
    assert!(error.contains("dépasser") && error.contains("1,00"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_in_another_currency_is_converted_with_its_own_rates() {
    let app = spawn_app().await;
    // Typed on a French page: a decimal comma in the amount and in both rates.
    let mut form = expenditure("10 000,00");
    form.retain(|(n, _)| !matches!(*n, "currency" | "rate_to_grant" | "rate_to_eur"));
    form.extend([
        ("currency", "USD"),
        ("rate_to_grant", "0,8765"),
        ("rate_to_eur", "0,8765"),
        ("notation", "fr"),
    ]);
    let key =
        created_key(&post(&app, &app.manager, "/records/transactions/new", &form).await, "transactions");
    let saved = record_one(&app, &format!("transaction:{key}")).await;
    assert_eq!(saved["amount_minor"], 1_000_000);
    assert_eq!(saved["currency"], "USD");
    assert_eq!(saved["amount_grant_minor"], 876_500);
    assert_eq!(saved["amount_eur_minor"], 876_500);

    // A rate other than 1 into the same currency is a typing mistake.
    let mut same = expenditure("10");
    same.retain(|(n, _)| *n != "rate_to_grant");
    same.push(("rate_to_grant", "1.2"));
    assert_eq!(
        post(&app, &app.manager, "/records/transactions/new", &same).await,
        "/records/transactions/new"
    );
    let (_, html) = app.get("/records/transactions/new").await;
    let error = field_error(&html, "rate_to_grant").unwrap_or_default();
    assert!(error.contains("the rate must be 1"), "{error:?}");
}
