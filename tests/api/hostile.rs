//! Hostile text: a string of script and markup breakers stored in every text field of every
//! record, then every page that shows it read as every role; the breaker must never come back
//! as markup. The browser reads `<title>` and `<textarea>` up to their closing tag whatever
//! comes before, so those are tried too.

use aidtrail_tests::{
    ADMIN, AUDITOR, DONOR_DE, DONOR_NL, INSTITUTE_ML_ENP, INSTITUTE_ML_INFJ, TestApp, spawn_app,
};

/// Closes whatever element it lands in, then tries a script, an event handler and an attribute.
const BREAKER: &str = "\"'></title></textarea></script></style><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>";

/// What only an unescaped breaker would put in a page.
const MARKUP: [&str; 3] = ["<script>alert(1)", "<img src=x onerror", "<svg onload"];

/// Every text field of every table that a user can fill, with the breaker appended (so unique
/// codes stay unique). Written directly: this is about what is read, whatever wrote it.
const POISON: &str = "
    UPDATE donor SET name += $b, name_fr += $b, iati_ref += $b;
    UPDATE strategy SET code += $b, title += $b, title_fr += $b;
    UPDATE pillar SET code += $b, title += $b, title_fr += $b;
    UPDATE indicator SET code += $b, title += $b, title_fr += $b;
    UPDATE donor_grant SET reference += $b, title += $b, title_fr += $b;
    UPDATE transaction SET provider += $b, receiver += $b, description += $b;
    UPDATE institute SET code += $b, name += $b, name_fr += $b, city += $b;
    UPDATE activity SET code += $b, title += $b, title_fr += $b, city += $b, venue += $b,
        participant_profile += $b, participant_profile_fr += $b, narrative += $b, narrative_fr += $b,
        instructors = instructors.map(|$i| object::extend($i, { institution: $i.institution + $b }));
    UPDATE equipment SET description += $b, description_fr += $b, supplier += $b, serials += $b;
    UPDATE handover SET code += $b, handed_over_by += $b, remarks += $b,
        lines = lines.map(|$l| object::extend($l, { serials: $l.serials.concat([$b]) }));
    UPDATE user SET name += $b;
    CREATE equipment_report CONTENT { equipment: equipment:ml_laptops_2018, handover: handover:ml_infj_2018,
        state: 'in_use', reported_on: d'2019-01-10T00:00:00Z', remark: $b, reported_by: (SELECT VALUE id FROM ONLY user WHERE email = 'manager@aidtrail.demo' LIMIT 1),
        at: time::now() };
";

fn assert_escaped(page: &str, who: &str, html: &str) {
    for markup in MARKUP {
        assert!(!html.contains(markup), "{who} {page}: the breaker came back as markup ({markup})");
    }
    if let Some(name) = inline_handler(html) {
        panic!("{who} {page}: an inline `{name}` handler, which the content security policy refuses");
    }
}

/// The first attribute named `on…` (an inline event handler) of any tag in `html`, reading
/// attribute names outside quoted values only, so that text such as `x onerror=` inside a value
/// does not count.
fn inline_handler(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if rest.starts_with('!') || rest.starts_with('/') {
            continue;
        }
        let (mut quote, mut name, mut at_name) = (None, String::new(), false);
        for (i, c) in rest.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    rest = &rest[i + 1..];
                    break;
                }
                (None, c) if c.is_whitespace() => {
                    at_name = true;
                    name.clear();
                }
                (None, '=') if at_name => {
                    if name.len() > 2 && name.to_ascii_lowercase().starts_with("on") {
                        return Some(name);
                    }
                    at_name = false;
                }
                (None, c) if at_name => name.push(c),
                (None, _) => {}
            }
        }
    }
    None
}

#[test]
fn inline_handlers_are_found_and_text_is_not_taken_for_one() {
    assert_eq!(
        inline_handler(r#"<p><button type="button" onclick="window.print()">x</button>"#).as_deref(),
        Some("onclick")
    );
    assert_eq!(inline_handler(r#"<img src=x onerror=alert(1)>"#).as_deref(), Some("onerror"));
    assert_eq!(inline_handler(r#"<input value="x onerror=alert(1)"><td data-label='a onload=b'>"#), None);
    assert_eq!(inline_handler("<p>once onerror=x</p><!-- on=1 -->"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_every_field_is_escaped_on_every_page_for_every_role() {
    let app = spawn_app().await;
    // One change through the form, so that the audit log holds the breaker too.
    let name = format!("Netherlands MFA {BREAKER}");
    let form = [
        ("version", "1"),
        ("name", name.as_str()),
        ("name_fr", "Pays-Bas"),
        ("country", "NL"),
        ("iati_ref", "NL-1"),
        ("org_type", "10"),
        ("currency", "EUR"),
    ];
    let response = app.post_form(&app.manager, "/records/donors/nl_mfa/edit", &form).await;
    assert_eq!(response.headers()["location"], "/records/donors/nl_mfa?saved=updated");
    app.db.query(POISON).bind(("b", BREAKER)).await.unwrap().check().unwrap();

    let ids = |table: &'static str| {
        let db = app.db.clone();
        async move {
            let keys: Vec<String> = db
                .query(format!("SELECT VALUE record::id(id) FROM {table};"))
                .await
                .unwrap()
                .take(0)
                .unwrap();
            keys
        }
    };
    let mut pages: Vec<String> = [
        "/",
        "/activities",
        "/activities/new",
        "/institutes",
        "/indicators",
        "/equipment",
        "/grants",
        "/dashboard",
        "/dashboard?donor=nl_mfa",
        "/dashboard?donor=de_ffo",
        "/handovers",
        "/handovers/new",
        "/handovers/report",
        "/admin/audit",
        "/admin/users",
        "/exports",
        "/imports",
        "/records",
        "/account/password",
        "/login",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for key in ids("activity").await {
        pages.push(format!("/activities/{key}"));
        pages.push(format!("/activities/{key}/edit"));
    }
    for key in ids("handover").await {
        pages.push(format!("/handovers/{key}"));
        pages.push(format!("/handovers/{key}/certificate"));
    }
    for (slug, table) in [
        ("donors", "donor"),
        ("strategies", "strategy"),
        ("pillars", "pillar"),
        ("indicators", "indicator"),
        ("grants", "donor_grant"),
        ("transactions", "transaction"),
        ("institutes", "institute"),
        ("equipment", "equipment"),
    ] {
        pages.push(format!("/records/{slug}"));
        pages.push(format!("/records/{slug}/new"));
        for key in ids(table).await {
            pages.push(format!("/records/{slug}/{key}"));
        }
    }

    let mut read = 0;
    let roles = [
        ("manager", app.manager.clone()),
        ("admin", app.sign_in(ADMIN).await),
        ("auditor", app.sign_in(AUDITOR).await),
        ("donor DE", app.sign_in(DONOR_DE).await),
        ("donor NL", app.sign_in(DONOR_NL).await),
        ("institute ML-INFJ", app.sign_in(INSTITUTE_ML_INFJ).await),
        ("institute ML-ENP", app.sign_in(INSTITUTE_ML_ENP).await),
    ];
    for (who, client) in &roles {
        for page in &pages {
            let (status, html) = app.get_with(client, page).await;
            assert!(status < 500, "{who} {page}: {status}");
            if status == 200 {
                read += 1;
                assert_escaped(page, who, &html);
            }
        }
    }
    // The breaker did reach the pages (escaped): the test reads what it means to.
    let (_, html) = app.get("/records/donors/nl_mfa").await;
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the escaped breaker on the page");
    assert!(read > 100, "{read} pages read");
    check_edit_forms(&app).await;
}

/// A narrative holding `</textarea>` stays inside its text area on the edit page.
async fn check_edit_forms(app: &TestApp) {
    let (_, html) = app.get("/activities/ml_workshop_2018/edit").await;
    let start = html.find("name=\"narrative\"").expect("the narrative's text area");
    let area = &html[start..];
    let end = area.find("</textarea>").expect("its end");
    assert!(area[..end].contains("&lt;/textarea&gt;"), "{}", &area[..end]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_carries_a_content_security_policy_with_the_nonce_of_its_scripts() {
    let app = spawn_app().await;
    let response = app.manager.get(app.url("/activities")).send().await.unwrap();
    let headers = response.headers().clone();
    let html = response.text().await.unwrap();
    let policy = headers["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect("a nonce");
    // Every inline script carries it; none without.
    let scripts: Vec<&str> =
        html.split("<script").skip(1).map(|rest| rest.split('>').next().unwrap_or_default()).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        assert!(script.contains(&format!("nonce=\"{nonce}\"")), "<script{script}> without the nonce");
    }
    assert_eq!(headers["referrer-policy"], "same-origin");
    // A fresh nonce each time.
    let again = app.manager.get(app.url("/activities")).send().await.unwrap();
    assert!(!again.headers()["content-security-policy"].to_str().unwrap().contains(nonce));
    // Responses not rendered by leptos: no inline script at all.
    let response = app.manager.get(app.url("/healthz")).send().await.unwrap();
    let policy = response.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'") && !policy.contains("nonce"), "{policy}");
}
