//! Every page is rendered whole on the server, in English and French.

use aidtrail_tests::{spawn_app, strip_tags, text_of_testid};

const ACTIVITY_TITLES: [&str; 5] = [
    "Tutoring workshop on combating trafficking in persons and smuggling of migrants for judicial police officers",
    "Handover of computers and a video projector to three Malian training institutes",
    "Syllabus development on trafficking and smuggling with the police and gendarmerie schools of Burkina Faso",
    "Syllabus development on trafficking and smuggling with the police and gendarmerie schools of Mali",
    "Syllabus development on trafficking and smuggling with the police and gendarmerie schools of Niger",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_a_healthy_database() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_list_is_server_rendered_newest_first() {
    let app = spawn_app().await;
    let (status, body) = app.get("/activities").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("<!DOCTYPE html>"), "not a full document");
    assert!(body.contains("<html lang=\"en\""));
    let positions: Vec<usize> =
        ACTIVITY_TITLES.iter().map(|t| body.find(t).unwrap_or_else(|| panic!("missing {t:?}"))).collect();
    // Workshop (8 May) before handover (11 May)? Newest first: handover then workshop.
    assert!(positions[1] < positions[0], "11 May handover should come before the 8 May workshop");
    assert!(positions[0] < positions[4] && positions[4] < positions[3] && positions[3] < positions[2]);
    assert!(body.contains("8–11 May 2018"));
    assert!(body.contains("Showing 1–5 of 5"));
    assert!(body.contains("Page 1 of 1"));
    assert!(body.contains("/pkg/aidtrail."), "hydration script missing");
}

/// The bundle's files named in a page: its script, WASM and stylesheet.
fn bundle_files(page: &str) -> Vec<String> {
    let mut files: Vec<String> = page
        .match_indices("/pkg/aidtrail.")
        .map(|(at, _)| page[at..].split(['"', '\'', '`']).next().unwrap_or_default().to_owned())
        .collect();
    files.sort();
    files.dedup();
    files
}

/// The release bundle (scripts/test.sh builds it as users get it): every file is named after
/// its content and kept a year without asking again; brotli or gzip as written at build time;
/// the old unhashed names are gone; pages are asked for again every time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_is_hashed_immutable_and_precompressed_and_pages_are_not_cached() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let (_, page) = app.get_with(&client, "/activities").await;
    let files = bundle_files(&page);
    for ext in [".js", ".wasm", ".css"] {
        assert!(files.iter().any(|f| f.ends_with(ext)), "no {ext} in {files:?}");
    }
    for file in &files {
        let name = file.rsplit('/').next().unwrap();
        let hash = name.split('.').nth(1).unwrap_or_default();
        assert_eq!(hash.len(), 22, "{file} is not named after its content (built without hash-files?)");
        for (accept, encoding) in [("br, gzip", Some("br")), ("gzip", Some("gzip")), ("identity", None)] {
            let response = client.get(app.url(file)).header("accept-encoding", accept).send().await.unwrap();
            assert_eq!(response.status(), 200, "{file}");
            let headers = response.headers().clone();
            assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable", "{file}");
            assert_eq!(headers["vary"], "accept-encoding", "{file}");
            assert_eq!(
                headers.get("content-encoding").map(|v| v.to_str().unwrap()),
                encoding,
                "{file} asked with {accept} (precompressed by `cargo leptos build --release --precompress`)"
            );
            let body = response.bytes().await.unwrap();
            if encoding.is_none() && file.ends_with(".wasm") {
                assert_eq!(&body[..4], b"\0asm", "{file}");
            }
        }
    }
    for old in ["/pkg/aidtrail.js", "/pkg/aidtrail.wasm", "/pkg/aidtrail.css"] {
        let response = client.get(app.url(old)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{old}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{old}");
    }
    let response = client.get(app.url("/activities")).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "private, no-cache", "pages are asked for each time");
    let response = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "private, no-cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_institutes_and_equipment_pages_list_the_demo_rows() {
    let app = spawn_app().await;

    let (status, grants) = app.get("/grants").await;
    assert_eq!(status, 200);
    for text in [
        "DE-11-SAHEL-2017-01",
        "NL-1-SAHEL-2017-02",
        "Germany – Federal Foreign Office",
        "EUR 600,000.00",
        "EUR 350,000.00",
        "demo figures",
        "Showing 1–2 of 2",
    ] {
        assert!(grants.contains(text), "grants page lacks {text:?}");
    }

    let (status, institutes) = app.get("/institutes").await;
    assert_eq!(status, 200);
    for text in [
        "National Judicial Training Institute",
        "National Police and Continuing Training School",
        "Ouagadougou",
        "Showing 1–7 of 7",
    ] {
        assert!(institutes.contains(text), "institutes page lacks {text:?}");
    }

    let (status, equipment) = app.get("/equipment").await;
    assert_eq!(status, 200);
    for text in [
        "Laptop computer for teaching",
        "Video projector",
        "EUR 10,200.00",
        "EUR 650.00",
        "DE-11-SAHEL-2017-01",
    ] {
        assert!(equipment.contains(text), "equipment page lacks {text:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overview_counts_match_the_records() {
    let app = spawn_app().await;
    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    let stat = |id: &str| text_of_testid(&body, id).unwrap_or_else(|| panic!("no {id}"));
    assert_eq!(stat("stat-donors"), "Donors2");
    assert_eq!(stat("stat-grants"), "Grants2");
    assert_eq!(stat("stat-activities"), "Activities5");
    assert_eq!(stat("stat-institutes"), "Institutes7");
    assert_eq!(stat("stat-equipment"), "Equipment items13");
    // 15 + 15 + 14 trainers in the syllabus work, 20 officers in May 2018; 7 women.
    assert_eq!(stat("stat-people"), "People trained64of whom women 7 (11%)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workshop_page_shows_its_participants_and_instructors() {
    let app = spawn_app().await;
    let (status, body) = app.get("/activities/ml_workshop_2018").await;
    assert_eq!(status, 200);
    assert_eq!(text_of_testid(&body, "participants-total").as_deref(), Some("20"));
    assert_eq!(text_of_testid(&body, "participants-women").as_deref(), Some("2"));
    assert_eq!(text_of_testid(&body, "instructors-total").as_deref(), Some("4"));
    let text = strip_tags(&body);
    for fragment in [
        "8–11 May 2018",
        "École nationale de police, Bamako, Mali",
        "Supervising expert",
        "2 instructors",
        "National Gendarmerie of Mali",
        "NL-1-SAHEL-2017-02",
        "EUR 38,500.00",
        "borders, mining areas, specialised brigades",
    ] {
        assert!(text.contains(fragment), "workshop page lacks {fragment:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_the_language_cookie_and_accept_language() {
    let app = spawn_app().await;
    // The manager picks French (no JavaScript): cookie and preference are set.
    let switched = app.post_form(&app.manager, "/lang", &[("lang", "fr"), ("next", "/activities")]).await;
    assert_eq!(switched.status(), 303);
    let (status, body) = app.get("/activities").await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"fr\""));
    for text in [
        "Activités",
        "Atelier de tutorat sur la lutte contre la traite",
        "8–11 mai 2018",
        "Lignes 1 à 5 sur 5",
        "Clôturée",
    ] {
        assert!(body.contains(text), "French page lacks {text:?}");
    }
    let (_, grants) = app.get("/grants").await;
    assert!(grants.contains("600\u{202f}000,00\u{a0}EUR"), "French money format");
    assert!(grants.contains("Allemagne – Office fédéral des affaires étrangères"), "French donor name");

    let response = app
        .client
        .get(app.url("/login"))
        .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    let body = response.text().await.unwrap();
    assert!(body.contains("<html lang=\"fr\"") && body.contains("Connexion à aidtrail"));

    // The preference was saved: signing in again later brings French back.
    let again = app.sign_in(aidtrail_tests::MANAGER).await;
    let (_, body) = app.get_with(&again, "/activities").await;
    assert!(body.contains("<html lang=\"fr\""), "preference not kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_form_works_without_javascript() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/lang"))
        .form(&[("lang", "fr"), ("next", "/activities?page=1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/activities?page=1");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("aidtrail_lang=fr;") && cookie.contains("SameSite=Lax"), "{cookie}");

    let offsite = app
        .client
        .post(app.url("/lang"))
        .form(&[("lang", "en"), ("next", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(offsite.headers()["location"], "/");
    let unknown =
        app.client.post(app.url("/lang")).form(&[("lang", "xx"), ("next", "/")]).send().await.unwrap();
    assert_eq!(unknown.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_and_records_get_a_404_in_the_users_language() {
    let app = spawn_app().await;
    let (status, body) = app.get("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    let (status, body) = app.get_in("/no/such/page", "fr").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page introuvable"));
    let (status, body) = app.get("/activities/no_such_activity").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    let (status, _) = app.get("/activities/bad%20id%3B%20DELETE").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_beyond_the_end_say_so() {
    let app = spawn_app().await;
    let (status, body) = app.get("/activities?page=9").await;
    assert_eq!(status, 200);
    assert!(body.contains("This page is beyond the end of the list."), "{}", strip_tags(&body));
    let (status, body) = app.get("/activities?page=abc").await;
    assert_eq!(status, 200);
    assert!(body.contains("Showing 1–5 of 5"));
}
