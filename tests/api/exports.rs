//! CSV exports: each file parsed back equals the database, its totals equal the dashboard's,
//! and each user gets only the files and rows they may see.

use aidtrail_tests::{AUDITOR, DONOR_DE, DONOR_NL, INSTITUTE_ML_ENP, TestApp, spawn_app, strip_tags};
use app::domain::exports::{ExportKind, restore};
use serde_json::Value as Json;

use crate::dashboard::{dashboard, minor, people};

mod package;
mod records;

/// Rows of the database, as JSON.
async fn select(app: &TestApp, sql: &str) -> Vec<Json> {
    app.db.query(sql).await.expect(sql).check().expect(sql).take(0).expect(sql)
}

/// The key of a record id (`table:key`), or nothing.
fn key(v: &Json) -> String {
    v.as_str().map(|s| s.split_once(':').map_or(s, |(_, k)| k).to_owned()).unwrap_or_default()
}

fn text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn date(v: &Json) -> String {
    v.as_str().map(|s| s[..10].to_owned()).unwrap_or_default()
}

fn keys(v: &Json) -> String {
    v.as_array().map(|a| a.iter().map(key).collect::<Vec<_>>().join("; ")).unwrap_or_default()
}

/// Minor units written in units of `currency`.
fn units(minor: &Json, currency: &str) -> String {
    let Some(minor) = minor.as_i64() else { return String::new() };
    if matches!(currency, "XOF" | "XAF") {
        return minor.to_string();
    }
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

/// The data rows of an export, sorted, after checking its header.
async fn export(app: &TestApp, client: &reqwest::Client, kind: ExportKind, query: &str) -> Vec<Vec<String>> {
    let (status, mut rows) = app.export(client, &format!("/exports/{}.csv{query}", kind.slug())).await;
    assert_eq!(status, 200, "{kind:?}{query}");
    let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
    assert_eq!(rows.remove(0), header, "{kind:?}");
    rows.sort();
    rows
}

fn sorted(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_export_is_valid_csv_with_its_documented_header() {
    let app = spawn_app().await;
    let auditor = app.sign_in(AUDITOR).await;
    for kind in ExportKind::ALL {
        let (status, rows) = app.export(&auditor, &format!("/exports/{}.csv", kind.slug())).await;
        assert_eq!(status, 200, "{kind:?}");
        let header: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
        assert_eq!(rows[0], header, "{kind:?}");
        for row in &rows[1..] {
            assert_eq!(row.len(), header.len(), "{kind:?}: {row:?}");
        }
        eprintln!("{kind:?}: {} rows; first: {:?}", rows.len() - 1, rows.get(1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_export_equals_the_database_row_for_row() {
    let app = spawn_app().await;
    let auditor = app.sign_in(AUDITOR).await;

    let donors = select(&app, "SELECT * FROM donor WHERE archived = false").await;
    let expected = donors
        .iter()
        .map(|d| {
            ["id", "name", "name_fr", "country", "iati_ref", "org_type", "currency"]
                .iter()
                .map(|f| if *f == "id" { key(&d[f]) } else { text(&d[f]) })
                .collect()
        })
        .collect();
    assert_eq!(export(&app, &auditor, ExportKind::Donors, "").await, sorted(expected));

    let grants = select(&app, "SELECT * FROM donor_grant WHERE archived = false").await;
    let currency_of = |grant: &Json| -> String {
        grants.iter().find(|g| g["id"] == *grant).map(|g| text(&g["currency"])).unwrap_or_default()
    };
    let donor_of = |grant: &Json| -> String {
        grants.iter().find(|g| g["id"] == *grant).map(|g| key(&g["donor"])).unwrap_or_default()
    };
    let expected = grants
        .iter()
        .map(|g| {
            let countries: Vec<String> = g["countries"].as_array().unwrap().iter().map(text).collect();
            vec![
                key(&g["id"]),
                key(&g["donor"]),
                text(&g["reference"]),
                text(&g["title"]),
                text(&g["title_fr"]),
                units(&g["amount_minor"], g["currency"].as_str().unwrap()),
                text(&g["currency"]),
                date(&g["signed_on"]),
                date(&g["start_on"]),
                date(&g["end_on"]),
                text(&g["status"]),
                countries.join("; "),
                text(&g["provider_activity_id"]),
            ]
        })
        .collect();
    assert_eq!(export(&app, &auditor, ExportKind::Grants, "").await, sorted(expected));

    let transactions = select(&app, "SELECT * FROM transaction WHERE archived = false").await;
    assert!(transactions.len() >= 9, "the demo's transactions");
    let expected = transactions
        .iter()
        .map(|t| {
            let currency = t["currency"].as_str().unwrap();
            let grant_currency = currency_of(&t["donor_grant"]);
            vec![
                key(&t["id"]),
                key(&t["donor_grant"]),
                donor_of(&t["donor_grant"]),
                text(&t["kind"]),
                date(&t["value_date"]),
                units(&t["amount_minor"], currency),
                currency.to_owned(),
                text(&t["rate_to_grant"]),
                units(&t["amount_grant_minor"], &grant_currency),
                grant_currency.clone(),
                text(&t["rate_to_eur"]),
                units(&t["amount_eur_minor"], "EUR"),
                key(&t["activity"]),
                key(&t["equipment"]),
                text(&t["activity_country"]),
                text(&t["provider"]),
                text(&t["receiver"]),
                text(&t["description"]),
            ]
        })
        .collect();
    assert_eq!(export(&app, &auditor, ExportKind::Transactions, "").await, sorted(expected));

    let activities = select(&app, "SELECT * FROM activity WHERE archived = false").await;
    let expected = activities
        .iter()
        .map(|a| {
            let p = &a["participants"];
            let services = ["police", "gendarmerie", "justice", "other"];
            let mut row = vec![key(&a["id"])];
            row.extend(["code", "title", "title_fr", "kind", "status"].iter().map(|f| text(&a[f])));
            row.extend(
                ["planned_start", "planned_end", "actual_start", "actual_end"].iter().map(|f| date(&a[f])),
            );
            row.extend(["country", "city", "venue", "theme"].iter().map(|f| text(&a[f])));
            row.push(key(&a["pillar"]));
            row.push(keys(&a["institutes"]));
            let mut grants: Vec<String> =
                a["funding"].as_array().unwrap().iter().map(|f| key(&f["donor_grant"])).collect();
            grants.dedup();
            row.push(grants.join("; "));
            let shares: Vec<String> = a["funding"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    format!(
                        "{} {}",
                        key(&f["donor_grant"]),
                        units(&f["amount_minor"], f["currency"].as_str().unwrap())
                    )
                })
                .collect();
            row.push(shares.join("; "));
            let (mut all, mut women) = (0, 0);
            for s in services {
                let (t, w) = (p[s]["total"].as_i64().unwrap(), p[s]["women"].as_i64().unwrap());
                row.push(w.to_string());
                row.push((t - w).to_string());
                all += t;
                women += w;
            }
            row.push(all.to_string());
            row.push(women.to_string());
            let instructors = a["instructors"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["supervisor"] != Json::Bool(true))
                .count();
            row.push(instructors.to_string());
            let previous: Vec<String> =
                a["previous_codes"].as_array().map(|p| p.iter().map(text).collect()).unwrap_or_default();
            row.push(previous.join("; "));
            row
        })
        .collect();
    assert_eq!(export(&app, &auditor, ExportKind::Activities, "").await, sorted(expected));

    let institutes = select(&app, "SELECT * FROM institute WHERE archived = false").await;
    let expected = institutes
        .iter()
        .map(|i| {
            let mut row = vec![key(&i["id"])];
            row.extend(["code", "name", "name_fr", "kind", "country", "city"].iter().map(|f| text(&i[f])));
            row
        })
        .collect();
    assert_eq!(export(&app, &auditor, ExportKind::Institutes, "").await, sorted(expected));

    let equipment = select(
        &app,
        "SELECT *, IF currency = 'EUR' { 1dec } ELSE { transaction.rate_to_eur } AS rate FROM equipment
             WHERE archived = false",
    )
    .await;
    let expected = equipment
        .iter()
        .map(|e| {
            let currency = e["currency"].as_str().unwrap();
            let (quantity, cost) = (e["quantity"].as_i64().unwrap(), e["unit_cost_minor"].as_i64().unwrap());
            let rate: Option<f64> = e["rate"].as_str().and_then(|r| r.parse().ok());
            let eur = rate.map(|r| Json::from((quantity as f64 * cost as f64 * r).round() as i64));
            let serials: Vec<String> = e["serials"].as_array().unwrap().iter().map(text).collect();
            vec![
                key(&e["id"]),
                key(&e["donor_grant"]),
                donor_of(&e["donor_grant"]),
                text(&e["category"]),
                text(&e["description"]),
                text(&e["description_fr"]),
                quantity.to_string(),
                units(&e["unit_cost_minor"], currency),
                units(&Json::from(quantity * cost), currency),
                currency.to_owned(),
                text(&e["rate"]),
                eur.map(|m| units(&m, "EUR")).unwrap_or_default(),
                text(&e["supplier"]),
                serials.join("; "),
                date(&e["purchase_date"]),
                key(&e["transaction"]),
                date(&e["next_verification_on"]),
            ]
        })
        .collect();
    assert_eq!(export(&app, &auditor, ExportKind::Equipment, "").await, sorted(expected));

    let handovers = select(&app, "SELECT * FROM handover WHERE archived = false").await;
    let mut expected = Vec::new();
    for h in &handovers {
        for (i, l) in h["lines"].as_array().unwrap().iter().enumerate() {
            let list = |v: &Json| {
                v.as_array().map(|a| a.iter().map(text).collect::<Vec<_>>().join("; ")).unwrap_or_default()
            };
            expected.push(vec![
                key(&h["id"]),
                text(&h["code"]),
                key(&h["institute"]),
                key(&h["activity"]),
                date(&h["handed_over_on"]),
                text(&h["handed_over_by"]),
                text(&h["status"]),
                (i + 1).to_string(),
                key(&l["equipment"]),
                text(&l["quantity"]),
                l["received"].as_i64().unwrap_or(0).to_string(),
                l["disputed"].as_i64().unwrap_or(0).to_string(),
                list(&l["serials"]),
                list(&l["serials_checked"]),
                text(&l["state"]),
                h["confirmed_at"].as_str().map(|s| s[..19].to_owned() + "Z").unwrap_or_default(),
            ]);
        }
    }
    assert!(expected.len() >= 4, "the demo's handover lines");
    assert_eq!(export(&app, &auditor, ExportKind::Handovers, "").await, sorted(expected));
}

/// The same filters as an export's address and as the dashboard's: everything, 2018, Mali.
pub(crate) const SAME_FILTERS: [(&str, &[(&str, &str)]); 3] = [
    ("", &[]),
    ("?from=2018-01-01&to=2018-12-31", &[("from_year", "2018"), ("to_year", "2018")]),
    ("?country=ML", &[("country", "ML")]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exports_add_up_to_the_dashboard_for_the_same_filter() {
    let app = spawn_app().await;
    let donor = app.sign_in(DONOR_NL).await;
    for (query, filter) in SAME_FILTERS {
        let d = dashboard(&app, &donor, filter).await;
        let spent: i64 = d["grants"].as_array().unwrap().iter().map(|g| minor(&g["spent_eur"])).sum();
        let transactions = export(&app, &donor, ExportKind::Transactions, query).await;
        let exported: i64 = transactions
            .iter()
            .filter(|t| t[3] == "4")
            .map(|t| (t[11].parse::<f64>().unwrap() * 100.0).round() as i64)
            .sum();
        assert_eq!(exported, spent, "spending in euros, {query:?}");
        let participants = export(&app, &donor, ExportKind::Participants, query).await;
        let total: u64 = participants.iter().map(|r| r[12].parse::<u64>().unwrap()).sum();
        let women: u64 = participants.iter().map(|r| r[13].parse::<u64>().unwrap()).sum();
        assert_eq!((total, women), people(&d), "people trained, {query:?}");
        let activities: u64 = participants.iter().map(|r| r[3].parse::<u64>().unwrap()).sum();
        let on_dashboard: u64 =
            d["by_country"].as_array().unwrap().iter().map(|p| p[1].as_u64().unwrap()).sum();
        assert_eq!(activities, on_dashboard, "activities, {query:?}");
        // And both against the source rows added up directly (not through the summaries the
        // dashboard and the exports share).
        let country = query.strip_prefix("?country=");
        if query.is_empty() || country.is_some() {
            let (rows_spent, rows_people, rows_women, rows_activities, _) =
                crate::dashboard::recount(&app, "nl_mfa", country).await;
            assert_eq!(
                (exported, total, women, activities),
                (rows_spent, rows_people, rows_women, rows_activities),
                "the exports against the rows, {query:?}"
            );
        }
    }
    // The May 2018 workshop in Bamako, as the browser test counts it: 20 trained, 2 women.
    let rows =
        export(&app, &donor, ExportKind::Participants, "?from=2018-01-01&to=2018-12-31&country=ML").await;
    assert_eq!(rows.iter().map(|r| (r[12].as_str(), r[13].as_str())).collect::<Vec<_>>(), [("20", "2")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donor_and_an_institute_get_only_their_own_rows_whatever_the_address() {
    let app = spawn_app().await;
    let donor = app.sign_in(DONOR_NL).await;
    let nl_grants: Vec<String> =
        select(&app, "SELECT VALUE record::id(id) FROM donor_grant WHERE donor = donor:nl_mfa")
            .await
            .iter()
            .map(text)
            .collect();
    // Another donor named in the address is ignored (the donor's own rows come); another donor's
    // grant narrows the donor's own rows to none.
    for (query, own_rows) in [("", true), ("?donor=de_ffo", true), ("?grant=de_2017", false)] {
        let rows = export(&app, &donor, ExportKind::Transactions, query).await;
        assert_eq!(!rows.is_empty(), own_rows, "{query}: {rows:?}");
        assert!(rows.iter().all(|t| nl_grants.contains(&t[1])), "{query}: {rows:?}");
        let grants = export(&app, &donor, ExportKind::Grants, query).await;
        assert_eq!(!grants.is_empty(), own_rows, "{query}: {grants:?}");
        assert!(grants.iter().all(|g| g[1] == "nl_mfa"), "{query}: {grants:?}");
        let equipment = export(&app, &donor, ExportKind::Equipment, query).await;
        assert!(equipment.is_empty(), "the Netherlands paid for no equipment: {equipment:?}");
        let handovers = export(&app, &donor, ExportKind::Handovers, query).await;
        assert!(handovers.is_empty(), "{query}: {handovers:?}");
    }
    assert!(!export(&app, &donor, ExportKind::Transactions, "").await.is_empty());
    for kind in [ExportKind::AuditLog, ExportKind::Indicators] {
        assert_eq!(app.export(&donor, &format!("/exports/{}.csv", kind.slug())).await.0, 403, "{kind:?}");
    }

    let institute = app.sign_in(INSTITUTE_ML_ENP).await;
    let rows = export(&app, &institute, ExportKind::Handovers, "").await;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|h| h[2] == "ml_enp"), "{rows:?}");
    assert_eq!(app.export(&institute, "/exports/transactions.csv").await.0, 403);
    assert_eq!(app.export(&app.client, "/exports/transactions.csv").await.0, 401);
    assert_eq!(app.export(&institute, "/exports/nothing.csv").await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_injection_corpus_round_trips_and_no_formula_survives() {
    let app = spawn_app().await;
    let corpus = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+33 1 23 45 67 89",
        "-2+3",
        "@SUM(A1:A2)",
        "\tindented",
        "\rcarriage",
        "\nnewline",
        "Say \"oui\", then \"non\"",
        "Bamako, Mali",
        "first line\r\nsecond line",
        "École nationale de la gendarmerie – Ségou",
        "מכון הכשרה",
        "المعهد الوطني للتكوين القضائي",
    ];
    let ids: Vec<String> = select(&app, "SELECT VALUE record::id(id) FROM institute ORDER BY id")
        .await
        .iter()
        .map(text)
        .collect();
    assert!(ids.len() >= 7);
    for (i, name) in corpus.iter().enumerate() {
        // Names set behind the forms' back, so that nothing but the export stands in between.
        let id = &ids[i % ids.len()];
        let field = if i < ids.len() { "name" } else { "city" };
        app.db
            .query(format!("UPDATE type::record('institute', $id) SET {field} = $name"))
            .bind(("id", id.clone()))
            .bind(("name", (*name).to_owned()))
            .await
            .unwrap()
            .check()
            .unwrap();
    }
    let auditor = app.sign_in(AUDITOR).await;
    let rows = export(&app, &auditor, ExportKind::Institutes, "").await;
    let mut found = Vec::new();
    for row in &rows {
        for cell in [&row[2], &row[6]] {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']),
                "{cell:?} would run as a formula"
            );
            found.push(restore(cell).to_owned());
        }
    }
    for name in corpus {
        assert!(found.iter().any(|f| f == name), "{name:?} did not come back");
    }

    // With a byte-order mark for Excel, only when asked.
    let raw =
        auditor.get(app.url("/exports/institutes.csv?bom=1")).send().await.unwrap().bytes().await.unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBFid,code,"));
    let raw = auditor.get(app.url("/exports/institutes.csv")).send().await.unwrap().bytes().await.unwrap();
    assert!(raw.starts_with(b"id,code,"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_of_several_batches_is_read_whole_and_once() {
    let app = spawn_app().await;
    let before =
        select(&app, "SELECT VALUE record::id(id) FROM transaction WHERE archived = false").await.len();
    let added = 2 * aidtrail::db::exports::BATCH + 321;
    app.db
        .query(
            "FOR $i IN 0..$n {
                CREATE transaction CONTENT {
                    donor_grant: donor_grant:nl_2018, kind: 3, value_date: d'2019-02-01T00:00:00Z',
                    amount_minor: 100, currency: 'EUR', rate_to_grant: 1dec, rate_to_eur: 1dec,
                    amount_grant_minor: 100, amount_eur_minor: 100, provider: 'P', receiver: 'R',
                    description: 'Batch ' + <string> $i
                };
            };",
        )
        .bind(("n", added as i64))
        .await
        .unwrap()
        .check()
        .unwrap();
    let auditor = app.sign_in(AUDITOR).await;
    let rows = export(&app, &auditor, ExportKind::Transactions, "").await;
    assert_eq!(rows.len(), before + added);
    let ids: std::collections::BTreeSet<&String> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), rows.len(), "a row written twice");
    let filtered = export(&app, &auditor, ExportKind::Transactions, "?from=2019-02-01&to=2019-02-01").await;
    assert!(filtered.len() >= added, "{}", filtered.len());
    assert!(filtered.iter().all(|r| r[4] == "2019-02-01"));
}

/// Activities brought in with keys of their own (`a0` … `a2099`: all beginning alike), more
/// than a batch: the key space is cut at their second character, and each row is the
/// activity as it stands after an edit, an archive and a change of funding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activities_of_several_batches_are_read_whole_once_and_as_they_stand() {
    let app = spawn_app().await;
    let before = select(&app, "SELECT VALUE id FROM activity WHERE archived = false").await.len();
    let added = aidtrail::db::exports::BATCH + 100;
    app.db
        .query(
            "FOR $i IN 0..$n {
                CREATE type::record('activity', 'a' + <string> $i) CONTENT {
                    code: 'IMP-' + <string> $i, title: 'Imported ' + <string> $i, title_fr: 'Importée ' + <string> $i,
                    kind: 'training', status: 4, planned_start: d'2018-03-01T00:00:00Z',
                    planned_end: d'2018-03-02T00:00:00Z', country: 'ML', city: 'Bamako', venue: '',
                    institutes: [institute:ml_enp], theme: 'tip', pillar: pillar:p2,
                    funding: [{ donor_grant: donor_grant:nl_2018, amount_minor: 1000, currency: 'EUR' }],
                    participants: { police: { total: 5, women: 2 }, gendarmerie: { total: 0, women: 0 },
                                    justice: { total: 0, women: 0 }, other: { total: 0, women: 0 } },
                    instructors: [{ institution: 'UNODC', supervisor: true }, { institution: 'ENP' }]
                };
            };
            UPDATE activity:a7 SET participants.justice = { total: 4, women: 3 }, city = 'Ségou';
            UPDATE activity:a8 SET archived = true;
            UPDATE activity:a9 SET funding += { donor_grant: donor_grant:de_2017, amount_minor: 500, currency: 'EUR' };",
        )
        .bind(("n", added as i64))
        .await
        .unwrap()
        .check()
        .unwrap();
    let auditor = app.sign_in(AUDITOR).await;
    let rows = export(&app, &auditor, ExportKind::Activities, "").await;
    assert_eq!(rows.len(), before + added - 1, "every live activity, the archived one left out");
    let ids: std::collections::BTreeSet<&String> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), rows.len(), "a row written twice");
    let row = |key: &str| rows.iter().find(|r| r[0] == key).cloned();
    assert!(row("a8").is_none(), "archived");
    let header: Vec<&str> = ExportKind::Activities.columns().iter().map(|c| c.name).collect();
    let cell = |row: &[String], name: &str| row[header.iter().position(|h| *h == name).unwrap()].clone();
    let edited = row("a7").expect("a7");
    assert_eq!(cell(&edited, "city"), "Ségou");
    assert_eq!(cell(&edited, "justice_women"), "3");
    assert_eq!(cell(&edited, "justice_men"), "1");
    assert_eq!(cell(&edited, "participants"), "9");
    assert_eq!(cell(&edited, "women"), "5");
    assert_eq!(cell(&edited, "instructors"), "1", "the supervisor is not an instructor");
    let cofunded = row("a9").expect("a9");
    assert_eq!(cell(&cofunded, "grant_ids"), "nl_2018; de_2017");
    assert_eq!(cell(&cofunded, "funding"), "nl_2018 10.00; de_2017 5.00");
    let for_germany = export(&app, &auditor, ExportKind::Activities, "?grant=de_2017").await;
    assert!(for_germany.iter().any(|r| r[0] == "a9") && !for_germany.iter().any(|r| r[0] == "a10"));
}

/// A co-funded activity (the 2017 syllabus work in Burkina Faso: Germany 24,000, the Netherlands
/// 8,000): each donor sees both co-funders and their shares, on the page and in the file, and
/// never the other donor's grant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donor_sees_its_co_funders_and_their_shares_never_their_grants() {
    let app = spawn_app().await;
    for (email, own, own_key, other, other_donor) in [
        (DONOR_NL, "NL-1-SAHEL-2017-02", "nl_2018", "DE-11-SAHEL-2017-01", "de_ffo"),
        (DONOR_DE, "DE-11-SAHEL-2017-01", "de_2017", "NL-1-SAHEL-2017-02", "nl_mfa"),
    ] {
        let donor = app.sign_in(email).await;
        let (status, html) = app.get_with(&donor, "/activities/bf_syllabus_2017").await;
        assert_eq!(status, 200, "{email}");
        let text = strip_tags(&html);
        assert!(text.contains(own) && !text.contains(other), "{email}: {text}");
        assert!(text.contains("24,000.00") && text.contains("8,000.00"), "both shares, {email}: {text}");
        assert!(text.contains("Co-funding donor"), "{email}: {text}");

        let rows = export(&app, &donor, ExportKind::Activities, "").await;
        let row = rows.iter().find(|r| r[0] == "bf_syllabus_2017").expect("the co-funded activity");
        let at = |name: &str| ExportKind::Activities.columns().iter().position(|c| c.name == name).unwrap();
        assert_eq!(row[at("grant_ids")], own_key, "{email}");
        let funding = &row[at("funding")];
        assert!(funding.contains(own_key) && funding.contains(other_donor), "{email}: {funding}");
        assert!(
            !funding.contains(if own_key == "nl_2018" { "de_2017" } else { "nl_2018" }),
            "{email}: {funding}"
        );
    }
    // Staff see both grants.
    let (_, html) = app.get("/activities/bf_syllabus_2017").await;
    let text = strip_tags(&html);
    assert!(text.contains("NL-1-SAHEL-2017-02") && text.contains("DE-11-SAHEL-2017-01"));
}
