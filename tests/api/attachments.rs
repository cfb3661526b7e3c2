//! Photos and attendance sheets attached to activities: type checked from the bytes, size
//! capped, stored once by hash, served only to users who may see the activity, or to anyone
//! once a programme manager made it public.

use aidtrail_tests::{DONOR_DE, DONOR_NL, INSTITUTE_BF_ENP, TestApp, count, spawn_app};

/// A tiny but real PNG (1×1 pixel).
pub(crate) const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00,
    0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01,
    0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

pub(crate) async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    activity: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let part =
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str("image/jpeg").unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    client
        .post(app.url(&format!("/activities/{activity}/attachments")))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The attachment links on an activity's page.
pub(crate) fn links(html: &str, activity: &str) -> Vec<String> {
    let prefix = format!("href=\"/activities/{activity}/attachments/");
    html.match_indices(&prefix)
        .map(|(i, _)| {
            let start = i + "href=\"".len();
            html[start..].split('"').next().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attendance_sheet_is_attached_and_served_only_to_those_who_see_the_activity() {
    let app = spawn_app().await;
    let events = count(&app.db, "audit_event").await;
    let response = upload(&app, &app.manager, "ml_workshop_2018", "attendance 8 May.png", PNG.to_vec()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/activities/ml_workshop_2018?saved=attached#attachments");
    assert_eq!(count(&app.db, "audit_event").await, events + 1, "audited");

    let (_, html) = app.get("/activities/ml_workshop_2018").await;
    let found = links(&html, "ml_workshop_2018");
    assert_eq!(found.len(), 1, "listed on the activity");
    assert!(html.contains("attendance 8 May.png"));

    // The manager and the Netherlands donor (whose grant paid for the workshop) download it.
    let file = app.manager.get(app.url(&found[0])).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/png", "the sniffed type, not the browser's");
    assert!(file.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(file.bytes().await.unwrap().as_ref(), PNG);
    let netherlands = app.sign_in(DONOR_NL).await;
    assert_eq!(netherlands.get(app.url(&found[0])).send().await.unwrap().status(), 200);

    // The German donor did not fund it, a Burkinabe institute was not involved, a visitor is
    // not signed in.
    let germany = app.sign_in(DONOR_DE).await;
    assert_eq!(germany.get(app.url(&found[0])).send().await.unwrap().status(), 403);
    let institute = app.sign_in(INSTITUTE_BF_ENP).await;
    assert_eq!(institute.get(app.url(&found[0])).send().await.unwrap().status(), 403);
    assert_eq!(app.client.get(app.url(&found[0])).send().await.unwrap().status(), 401);
    // Its id does not open it through another activity either.
    let elsewhere = found[0].replace("ml_workshop_2018", "bf_syllabus_2017");
    assert_eq!(app.manager.get(app.url(&elsewhere)).send().await.unwrap().status(), 404);

    // The same bytes uploaded again are stored once on disk (beside the server's own `.control`
    // file for `aidtrail backup`).
    upload(&app, &app.manager, "ml_workshop_2018", "copy.png", PNG.to_vec()).await;
    let stored: Vec<_> = walk(&app.data_dir.path().join("files"))
        .into_iter()
        .filter(|p| !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')))
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_executable_and_an_oversize_file_are_refused() {
    let app = spawn_app().await;
    let before = count(&app.db, "attachment").await;
    // A Windows program named like a photo.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 4096));
    let response = upload(&app, &app.manager, "ml_workshop_2018", "photo.jpg", exe).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/activities/ml_workshop_2018?error=file_type#attachments");
    let (_, html) = app.get("/activities/ml_workshop_2018?error=file_type").await;
    assert!(html.contains("data-testid=\"file-error\""));

    // A real JPEG header, but 10 MiB and one byte.
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    big.resize(10 * 1024 * 1024 + 1, 0);
    let response = upload(&app, &app.manager, "ml_workshop_2018", "big.jpg", big).await;
    assert_eq!(response.status(), 413);

    // Only editors upload.
    let donor = app.sign_in(DONOR_NL).await;
    assert_eq!(upload(&app, &donor, "ml_workshop_2018", "x.png", PNG.to_vec()).await.status(), 403);
    assert_eq!(count(&app.db, "attachment").await, before, "nothing attached");
}

/// A file a manager made public is anyone's, at `/public/files/{key}`, until it is made
/// private again; only editors may change that, through the file's own activity, audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_made_public_is_anyones_until_made_private_again() {
    let app = spawn_app().await;
    upload(&app, &app.manager, "ml_workshop_2018", "workshop room.png", PNG.to_vec()).await;
    let (_, html) = app.get("/activities/ml_workshop_2018").await;
    let key = links(&html, "ml_workshop_2018")[0].rsplit('/').next().unwrap().to_owned();
    let public = format!("/public/files/{key}");
    assert!(!html.contains("data-testid=\"public\""), "private when attached");
    assert_eq!(app.client.get(app.url(&public)).send().await.unwrap().status(), 404);

    let path = format!("/activities/ml_workshop_2018/attachments/{key}/public");
    let netherlands = app.sign_in(DONOR_NL).await;
    let refused = app.post_form(&netherlands, &path, &[("public", "true")]).await;
    assert_eq!(refused.status(), 403, "a donor may not publish");
    let elsewhere = path.replace("ml_workshop_2018", "bf_syllabus_2017");
    assert_eq!(app.post_form(&app.manager, &elsewhere, &[("public", "true")]).await.status(), 404);
    assert_eq!(app.post_form(&app.manager, &path, &[("public", "yes")]).await.status(), 400);

    let events = count(&app.db, "audit_event").await;
    let made = app.post_form(&app.manager, &path, &[("public", "true")]).await;
    assert_eq!(made.status(), 303);
    assert_eq!(location(&made), "/activities/ml_workshop_2018?saved=published#attachments");
    assert_eq!(count(&app.db, "audit_event").await, events + 1, "audited");
    let (_, html) = app.get("/activities/ml_workshop_2018?saved=published").await;
    assert!(html.contains("data-testid=\"public\""), "marked on the page");
    assert!(html.contains("The file is public"), "{html}");
    let file = app.client.get(app.url(&public)).send().await.unwrap();
    assert_eq!(file.status(), 200, "anyone, signed in or not");
    assert_eq!(file.headers()["cache-control"], "public, no-cache");
    assert_eq!(file.bytes().await.unwrap().as_ref(), PNG);

    let back = app.post_form(&app.manager, &path, &[("public", "false")]).await;
    assert_eq!(location(&back), "/activities/ml_workshop_2018?saved=unpublished#attachments");
    assert_eq!(app.client.get(app.url(&public)).send().await.unwrap().status(), 404);
    assert_eq!(count(&app.db, "audit_event").await, events + 2);
}
