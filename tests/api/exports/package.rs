//! The exports page and the audit package.

use aidtrail_tests::{AUDITOR, DONOR_NL, INSTITUTE_ML_ENP, spawn_app};
use app::domain::exports::ExportKind;
use serde_json::Value as Json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exports_page_offers_each_user_their_files_with_the_filters_in_every_link() {
    let app = spawn_app().await;
    let donor = app.sign_in(DONOR_NL).await;
    let (status, html) = app.get_with(&donor, "/exports?from=2018-01-01&to=2018-12-31&bom=1").await;
    assert_eq!(status, 200);
    assert!(html.contains("Your files hold only what your own grants paid for."));
    assert!(
        html.contains(r#"href="/exports/transactions.csv?from=2018-01-01&amp;to=2018-12-31&amp;bom=1""#),
        "{html}"
    );
    assert!(!html.contains("audit-log.csv"), "no audit log for a donor");
    assert!(!html.contains("package.zip"), "no audit package for a donor");
    assert!(
        html.contains(r#"href="/exports/iati/activities.xml?from=2018-01-01&amp;to=2018-12-31&amp;bom=1""#),
        "the donor's IATI file, with the filters"
    );

    let institute = app.sign_in(INSTITUTE_ML_ENP).await;
    let (status, html) = app.get_with(&institute, "/exports").await;
    assert_eq!(status, 200);
    let offered: Vec<&str> = ExportKind::ALL
        .iter()
        .map(|k| k.slug())
        .filter(|s| html.contains(&format!("export-{s}\"")))
        .collect();
    assert_eq!(offered, ["handovers", "confirmations"]);
    assert!(!html.contains("/exports/iati/"), "no IATI file for an institute");
    assert!(
        html.contains("Vos fichiers ne contiennent que le matériel remis à votre institut."),
        "in French, the institute's language"
    );

    let auditor = app.sign_in(AUDITOR).await;
    let (_, html) = app.get_with(&auditor, "/exports").await;
    assert_eq!(
        ExportKind::ALL.iter().filter(|k| html.contains(&format!("export-{}\"", k.slug()))).count(),
        12
    );
    assert!(html.contains(r#"href="/exports/package.zip""#), "the audit package for auditors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_package_holds_every_file_and_a_manifest_that_proves_it() {
    use sha2::{Digest, Sha256};
    use std::io::Read;

    let app = spawn_app().await;
    // An edit, so that the audit log has a head to show.
    let saved = app
        .post_form(
            &app.manager,
            "/activities/ml_workshop_2018/edit",
            &aidtrail_tests::workshop_edit("1", &[("city", "Bamako (ENP)")]),
        )
        .await;
    assert_eq!(saved.status(), 303);
    let auditor = app.sign_in(AUDITOR).await;
    let response =
        auditor.get(app.url("/exports/package.zip?from=2017-01-01&to=2018-12-31")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a valid zip");
    let mut manifest = String::new();
    zip.by_name("manifest.json").unwrap().read_to_string(&mut manifest).unwrap();
    let manifest: Json = serde_json::from_str(&manifest).unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), ExportKind::ALL.len() + 2, "the CSVs and the two IATI files");
    for entry in files {
        let name = entry["name"].as_str().unwrap();
        let mut content = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut content).unwrap();
        let digest: String = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(entry["sha256"], digest, "{name}");
        assert_eq!(entry["bytes"], content.len() as u64, "{name}");
        if let Some(iati) = name.strip_prefix("iati-") {
            // The file as downloaded on its own, but for the time it was written.
            let text = String::from_utf8(content).unwrap();
            let items = text
                .matches(if iati == "activities.xml" { "<iati-activity " } else { "<total-budget " })
                .count();
            assert_eq!(entry["rows"], items as u64, "{name}");
            let alone = auditor
                .get(app.url(&format!("/exports/iati/{iati}?from=2017-01-01&to=2018-12-31")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let timeless = |xml: &str| {
                xml.split("datetime=\"")
                    .map(|part| part.split_once('"').map_or(part, |(_, rest)| rest))
                    .collect::<String>()
            };
            assert_eq!(timeless(&alone), timeless(&text), "{name}");
            continue;
        }
        let rows = csv::ReaderBuilder::new().from_reader(content.as_slice()).records().count();
        assert_eq!(entry["rows"], rows as u64, "{name}");
        // The same file as downloaded on its own, byte for byte.
        let alone = auditor
            .get(app.url(&format!("/exports/{name}?from=2017-01-01&to=2018-12-31")))
            .send()
            .await
            .unwrap();
        assert_eq!(alone.bytes().await.unwrap().as_ref(), content.as_slice(), "{name}");
    }
    assert_eq!(manifest["exported_by"], AUDITOR);
    assert_eq!(manifest["filters"]["from"], "2017-01-01");
    assert_eq!(manifest["audit_log"]["intact"], true);
    // The newest event as the table holds it, read directly (not through the verifier).
    let newest: Vec<serde_json::Value> = app
        .db
        .query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1;")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let events: Option<i64> =
        app.db.query("RETURN count(SELECT id FROM audit_event);").await.unwrap().take(0).unwrap();
    assert_eq!(manifest["audit_log"]["head_seq"], newest[0]["seq"]);
    assert_eq!(
        manifest["audit_log"]["head_seq"].as_i64(),
        events,
        "gap-free: the head's number is the count"
    );
    assert_eq!(manifest["audit_log"]["head_hash"], newest[0]["hash"]);
    assert_eq!(manifest["audit_log"]["head_hash"].as_str().map(str::len), Some(64), "a SHA-256 in hex");
    assert!(newest[0]["seq"].as_i64().unwrap() >= 1, "the edit was logged");

    let donor = app.sign_in(DONOR_NL).await;
    assert_eq!(donor.get(app.url("/exports/package.zip")).send().await.unwrap().status(), 403);
}
