//! Each grant is published as the parent activity of those it funds, with its budget, its
//! incoming funds (naming the donor's own activity once the grant records it) and the
//! transactions of no activity; the money per grant in the file is the CSV's and the
//! dashboard's.

use std::collections::BTreeMap;

use aidtrail_tests::{DONOR_DE, DONOR_NL, TestApp, spawn_app};

use super::{DEMO, download, minor, published, validate};
use crate::dashboard::dashboard;
use crate::records::{field_error, french_manager, post};

/// The columns of an export's header, by name.
fn columns(header: &[String]) -> impl Fn(&str) -> usize + '_ {
    move |name| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_grant_is_the_parent_of_the_activities_it_funds() {
    let app = spawn_app().await;
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "xmllint: {messages}");
    let file = published(&xml);
    let by_identifier: BTreeMap<&str, &super::Published> =
        file.iter().map(|a| (a.identifier.as_str(), a)).collect();

    let (_, grants) = app.export(&app.manager, "/exports/grants.csv").await;
    let g = columns(&grants[0]);
    let reference_of: BTreeMap<&str, &str> =
        grants[1..].iter().map(|r| (r[g("id")].as_str(), r[g("reference")].as_str())).collect();
    for row in &grants[1..] {
        let grant = by_identifier[format!("{DEMO}-{}", row[g("reference")]).as_str()];
        assert_eq!(grant.hierarchy, "2", "{}", grant.identifier);
        assert_eq!(grant.parents, [format!("{DEMO}-RS-TIP-SOM-2015-2020")], "the programme");
        // Its budget, year by year, adds up to the agreement, to the cent.
        let budget: i64 = grant.budgets.iter().map(|(_, amount)| minor(amount)).sum();
        assert_eq!(budget, minor(&row[g("amount")]), "{}", grant.identifier);
        assert!(grant.budgets.iter().all(|(currency, _)| *currency == row[g("currency")]));
        assert!(grant.budgets.len() >= 3, "a budget per calendar year of 2017–2019");
    }

    let (_, activities) = app.export(&app.manager, "/exports/activities.csv").await;
    let a = columns(&activities[0]);
    let mut cofunded = 0;
    for row in &activities[1..] {
        let activity = by_identifier[format!("{DEMO}-{}", row[a("code")]).as_str()];
        assert_eq!(activity.hierarchy, "3");
        let mut parents: Vec<String> = row[a("grant_ids")]
            .split(';')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| format!("{DEMO}-{}", reference_of[k]))
            .collect();
        parents.sort();
        let mut written = activity.parents.clone();
        written.sort();
        assert_eq!(written, parents, "{}: the grants funding it", activity.identifier);
        for parent in &written {
            assert!(by_identifier.contains_key(parent.as_str()), "{parent} is in the file");
        }
        cofunded += usize::from(written.len() > 1);
    }
    assert!(cofunded > 0, "the demo has co-funded activities, children of both grants");
}

/// The money of each grant in the file (its own transactions and those of its children that
/// name it) is `transactions.csv`'s, type by type and currency by currency, and what the
/// dashboard shows committed, disbursed and spent on it, for the same filters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_money_of_each_grant_is_the_csvs_and_the_dashboards() {
    let app = spawn_app().await;
    for donor in [DONOR_NL, DONOR_DE] {
        let client = app.sign_in(donor).await;
        for (query, filter) in crate::exports::SAME_FILTERS {
            money_reconciles(&app, &client, query, filter).await;
        }
    }
}

/// Checks, for `client`'s file at `query`, the money per grant against the CSV and the
/// dashboard at `filter`; returns the file.
async fn money_reconciles(
    app: &TestApp,
    client: &reqwest::Client,
    query: &str,
    filter: &[(&str, &str)],
) -> Vec<super::Published> {
    let (status, xml) = download(app, client, &format!("/exports/iati/activities.xml{query}")).await;
    assert_eq!(status, 200);
    let file = published(&xml);
    let mut from_xml: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for t in file.iter().flat_map(|a| a.transactions.iter()) {
        assert!(t.grant().starts_with(DEMO), "{t:?} names its grant");
        *from_xml.entry((t.grant().to_owned(), t.kind.clone(), t.currency.clone())).or_default() +=
            minor(&t.amount);
    }

    let (_, grants) = app.export(client, &format!("/exports/grants.csv{query}")).await;
    let g = columns(&grants[0]);
    let reference_of: BTreeMap<String, String> =
        grants[1..].iter().map(|r| (r[g("id")].clone(), r[g("reference")].clone())).collect();
    let (_, rows) = app.export(client, &format!("/exports/transactions.csv{query}")).await;
    let t = columns(&rows[0]);
    let mut from_csv: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    // In the grant's currency, per grant and type: what the dashboard adds up.
    let mut in_grant_currency: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in &rows[1..] {
        let reference = &reference_of[&r[t("grant_id")]];
        let grant = format!("{DEMO}-{reference}");
        *from_csv.entry((grant, r[t("kind")].clone(), r[t("currency")].clone())).or_default() +=
            minor(&r[t("amount")]);
        *in_grant_currency.entry((reference.clone(), r[t("kind")].clone())).or_default() +=
            minor(&r[t("amount_grant")]);
    }
    assert!(!from_csv.is_empty(), "{query:?}");
    assert_eq!(from_xml, from_csv, "{query:?}: per grant, type and currency");

    let d = dashboard(app, client, filter).await;
    for grant in d["grants"].as_array().unwrap() {
        let reference = grant["reference"].as_str().unwrap().to_owned();
        let csv = |kind: &str| in_grant_currency.get(&(reference.clone(), kind.to_owned())).copied();
        for (kind, figure) in [("2", "committed"), ("3", "disbursed"), ("4", "spent")] {
            let shown = crate::dashboard::minor(&grant[figure]);
            assert_eq!(csv(kind).unwrap_or(0), shown, "{query:?} {reference} {figure}");
        }
    }
    file
}

/// Records a grant of US$100,000 from the Netherlands (reference `NL-USD-XOF-1`, the donor's
/// activity `NL-1-PPR-DEMO-USD`) that received its dollars and paid 1,000,000 and 3,000,000 CFA
/// francs; returns its key.
pub(super) async fn dollar_grant_paying_francs(app: &TestApp) -> String {
    let post = async |path: &str, form: &[(&str, &str)]| {
        let response = app.post_form(&app.manager, path, form).await;
        assert_eq!(response.status(), 303, "{path}");
        response.headers()["location"].to_str().unwrap().to_owned()
    };
    let grant = [
        ("donor", "nl_mfa"),
        ("reference", "NL-USD-XOF-1"),
        ("title", "Grant in dollars, paid in francs"),
        ("title_fr", "Subvention en dollars, payée en francs"),
        ("currency", "USD"),
        ("amount_minor", "100000.00"),
        ("signed_on", "2018-01-01"),
        ("start_on", "2018-01-01"),
        ("end_on", "2019-06-30"),
        ("status", "active"),
        ("countries", "ML"),
        ("provider_activity_id", "NL-1-PPR-DEMO-USD"),
    ];
    let location = post("/records/grants/new", &grant).await;
    let key = location.trim_start_matches("/records/grants/").trim_end_matches("?saved=created").to_owned();
    for (kind, date, currency, amount, rate) in [
        ("1", "2018-01-15", "USD", "100000.00", "1"),
        ("2", "2018-03-01", "XOF", "1000000", "0.0018"),
        ("4", "2018-05-18", "XOF", "3000000", "0.0018"),
    ] {
        let rate_to_eur = if currency == "USD" { "0.85" } else { "0.0015245" };
        let form = [
            ("donor_grant", key.as_str()),
            ("kind", kind),
            ("value_date", date),
            ("currency", currency),
            ("amount_minor", amount),
            ("rate_to_grant", rate),
            ("rate_to_eur", rate_to_eur),
            ("provider", "Netherlands"),
            ("receiver", "Hôtel de l’Amitié, Bamako"),
        ];
        let saved = post("/records/transactions/new", &form).await;
        assert!(saved.ends_with("?saved=created"), "{kind} {currency}: {saved}");
    }
    key
}

/// A grant in US dollars whose money is paid in CFA francs: its budget is in dollars, each
/// transaction in its own currency (francs have no decimals), and the dashboard's dollars are
/// the CSV's conversions at the stored rates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dollar_grant_paying_in_cfa_francs_is_published_in_each_currency() {
    let app = spawn_app().await;
    let key = dollar_grant_paying_francs(&app).await;

    let file = money_reconciles(&app, &app.manager, "", &[]).await;
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "xmllint: {messages}");
    let parent = file.iter().find(|a| a.identifier == format!("{DEMO}-NL-USD-XOF-1")).expect("the grant");
    assert_eq!(parent.budgets.iter().map(|(_, v)| minor(v)).sum::<i64>(), 10_000_000);
    assert!(parent.budgets.iter().all(|(c, _)| c == "USD"), "{:?}", parent.budgets);
    assert_eq!(parent.budgets.len(), 2, "2018 and the first half of 2019");
    let written: Vec<(&str, &str, &str)> = parent
        .transactions
        .iter()
        .map(|t| (t.kind.as_str(), t.currency.as_str(), t.amount.as_str()))
        .collect();
    assert_eq!(written, [("1", "USD", "100000.00"), ("2", "XOF", "1000000"), ("4", "XOF", "3000000")]);
    assert_eq!(parent.transactions[0].provider_activity, "NL-1-PPR-DEMO-USD");
    let d = crate::dashboard::dashboard(&app, &app.manager, &[("grant", key.as_str())]).await;
    // 3,000,000 francs at 0.0018: US$5,400.00.
    assert_eq!(crate::dashboard::minor(&d["grants"][0]["spent"]), 540_000);
}

/// Incoming funds name the donor as provider, with the donor's activity when the grant records
/// it; a manager records it on the grant's form, where an identifier that IATI would refuse is
/// refused in the manager's language, and nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incoming_funds_name_the_donors_activity_once_the_grant_records_it() {
    let app = spawn_app().await;
    let incoming = |xml: &str, grant: &str| {
        let file = published(xml);
        let parent = file.iter().find(|a| a.identifier == format!("{DEMO}-{grant}")).expect(grant).clone();
        parent.transactions.into_iter().filter(|t| t.kind == "1").collect::<Vec<_>>()
    };
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let netherlands = incoming(&xml, "NL-1-SAHEL-2017-02");
    assert!(!netherlands.is_empty());
    for t in &netherlands {
        assert_eq!(t.provider_ref, "NL-1");
        assert_eq!(t.provider_activity, "NL-1-PPR-DEMO-SAHEL-2017", "the demo grant records it");
        assert_eq!(t.receiver_activity, format!("{DEMO}-NL-1-SAHEL-2017-02"));
    }
    let germany = incoming(&xml, "DE-11-SAHEL-2017-01");
    assert!(!germany.is_empty());
    assert!(germany.iter().all(|t| t.provider_ref == "DE-11" && t.provider_activity.is_empty()));

    let form = |provider: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("version", "1"),
            ("donor", "de_ffo"),
            ("reference", "DE-11-SAHEL-2017-01"),
            ("title", "Strengthening law enforcement training institutes in the Sahel"),
            ("currency", "EUR"),
            ("amount_minor", "600 000,00"),
            ("notation", "fr"),
            ("signed_on", "2016-12-12"),
            ("start_on", "2017-01-01"),
            ("end_on", "2019-12-31"),
            ("status", "closed"),
            ("pillars", "p2"),
            ("countries", "BF, ML, NE"),
            ("provider_activity_id", provider),
        ]
    };
    let french = french_manager(&app).await;
    let path = "/records/grants/de_2017/edit";
    assert_eq!(post(&app, &french, path, &form("DE-11 SAHEL/2017")).await, "/records/grants/de_2017");
    let (_, html) = app.get_with(&french, "/records/grants/de_2017").await;
    let error = field_error(&html, "provider_activity_id").unwrap_or_default();
    assert!(error.contains("Un identifiant IATI ne contient ni espace"), "in French: {error:?}");
    assert!(html.contains("value=\"DE-11 SAHEL/2017\""), "what was typed is kept");
    let recorded = async || {
        let (_, grants) = app.export(&app.manager, "/exports/grants.csv").await;
        let g = columns(&grants[0]);
        grants.iter().find(|r| r[0] == "de_2017").unwrap()[g("provider_activity_id")].clone()
    };
    assert_eq!(recorded().await, "", "nothing saved");

    let saved = post(&app, &french, path, &form("DE-11-2016-SAHEL-DEMO")).await;
    assert_eq!(saved, "/records/grants/de_2017?saved=updated");
    assert_eq!(recorded().await, "DE-11-2016-SAHEL-DEMO");
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    assert!(validate(&xml, "iati-activities-schema.xsd").0);
    let germany = incoming(&xml, "DE-11-SAHEL-2017-01");
    assert!(germany.iter().all(|t| t.provider_activity == "DE-11-2016-SAHEL-DEMO"));
}

/// A grant whose reference cannot end an identifier is named by the checks, with a link to
/// its form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_whose_reference_cannot_end_an_identifier_is_named() {
    let app: TestApp = spawn_app().await;
    let form = [
        ("donor", "nl_mfa"),
        ("reference", "NL 1/SAHEL 2019"),
        ("title", "Police training in Niger"),
        ("currency", "EUR"),
        ("amount_minor", "125000.00"),
        ("notation", "en"),
        ("signed_on", "2018-11-20"),
        ("start_on", "2019-01-01"),
        ("end_on", "2020-12-31"),
        ("status", "active"),
        ("countries", "NE"),
    ];
    let location = post(&app, &app.manager, "/records/grants/new", &form).await;
    let key = location.trim_start_matches("/records/grants/").trim_end_matches("?saved=created");
    let (_, page) = app.get_with(&app.manager, "/exports").await;
    let named = aidtrail_tests::texts_of_testid(&page, "iati-problem");
    assert_eq!(named.len(), 1, "{named:?}");
    assert!(named[0].contains("NL 1/SAHEL 2019") && named[0].contains("cannot end an identifier"));
    assert!(page.contains(&format!("href=\"/records/grants/{key}\"")), "a link to fix it");
}
