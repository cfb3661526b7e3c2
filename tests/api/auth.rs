//! Accounts, roles and permissions, enforced on the server.

use std::collections::BTreeSet;
use std::time::Duration;

use aidtrail_tests::{
    ADMIN, AUDITOR, AppOptions, DONOR_DE, DONOR_NL, INSTITUTE_BF_ENP, INSTITUTE_ML_ENP, INSTITUTE_ML_INFJ,
    TestApp, browserless_client, spawn_app, spawn_app_with,
};

use super::permissions::{snapshot, user_key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn donors_see_only_their_own_grants_and_what_they_paid_for() {
    let app = spawn_app().await;
    let nl = app.sign_in(DONOR_NL).await;
    let de = app.sign_in(DONOR_DE).await;

    let (_, grants) = app.get_with(&nl, "/grants").await;
    assert!(grants.contains("NL-1-SAHEL-2017-02") && !grants.contains("DE-11-SAHEL-2017-01"));
    let (_, grants) = app.get_with(&de, "/grants").await;
    assert!(grants.contains("DE-11-SAHEL-2017-01") && !grants.contains("NL-1-SAHEL-2017-02"));

    // Guessing the id of an activity only Germany paid for.
    assert_eq!(app.get_with(&nl, "/activities/ml_handover_2018").await.0, 403);
    assert_eq!(app.call(&nl, "get_activity", &[("id", "ml_handover_2018")]).await.0, 403);
    assert_eq!(app.get_with(&de, "/activities/ml_handover_2018").await.0, 200);
    assert_eq!(app.get_with(&de, "/activities/ml_workshop_2018").await.0, 403);

    // The Netherlands paid for no equipment; Germany for the laptops and the projector.
    let (_, equipment) = app.get_with(&nl, "/equipment").await;
    assert!(
        equipment.contains("No equipment has been recorded yet.") || !equipment.contains("Video projector")
    );
    let (status, body) =
        app.call(&nl, "list_equipment", &[("page[page]", "1"), ("page[per_page]", "20")]).await;
    assert_eq!(status, 200);
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["total"], 0);
    let (_, body) = app.call(&de, "list_equipment", &[("page[page]", "1"), ("page[per_page]", "20")]).await;
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["total"], 2);

    // Activities: the Netherlands funded the workshop and two syllabus activities.
    let (_, body) = app.call(&nl, "list_activities", &[("page[page]", "1"), ("page[per_page]", "20")]).await;
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    let ids: BTreeSet<&str> =
        page["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, BTreeSet::from(["ml_workshop_2018", "bf_syllabus_2017", "ne_syllabus_2017"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn institutes_see_only_their_own_activities_and_equipment() {
    let app = spawn_app().await;
    let enp = app.sign_in(INSTITUTE_ML_ENP).await;
    let infj = app.sign_in(INSTITUTE_ML_INFJ).await;
    let bf = app.sign_in(INSTITUTE_BF_ENP).await;

    assert_eq!(app.get_with(&enp, "/grants").await.0, 403);
    assert_eq!(app.get_with(&enp, "/activities/ml_workshop_2018").await.0, 200);
    assert_eq!(app.get_with(&bf, "/activities/ml_workshop_2018").await.0, 403);
    assert_eq!(app.call(&bf, "get_activity", &[("id", "ml_workshop_2018")]).await.0, 403);

    let total =
        |body: String| serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"].as_u64().unwrap();
    let args = [("page[page]", "1"), ("page[per_page]", "20")];
    // The projector went to the INFJ only; laptops to all three Malian institutes.
    assert_eq!(total(app.call(&enp, "list_equipment", &args).await.1), 1);
    assert_eq!(total(app.call(&infj, "list_equipment", &args).await.1), 2);
    assert_eq!(total(app.call(&bf, "list_equipment", &args).await.1), 0);
    assert_eq!(total(app.call(&bf, "list_activities", &args).await.1), 1);
    assert_eq!(total(app.call(&enp, "list_institutes", &args).await.1), 1);
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("aidtrail_session="))
        .map(str::to_owned)
}

/// A client without a cookie jar, carrying exactly `cookie`.
async fn get_with_cookie(app: &TestApp, cookie: &str, path: &str) -> u16 {
    let value = cookie.split(';').next().unwrap();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header("cookie", value)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn login_response(app: &TestApp, client: &reqwest::Client, email: &str) -> reqwest::Response {
    let password = app.password(email);
    app.post_form(client, "/login", &[("email", email), ("password", &password), ("next", "/")]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_safe_cookies_rotated_at_sign_in_and_ended_on_the_server() {
    let app = spawn_app().await;
    let client = browserless_client();
    let first = session_cookie(&login_response(&app, &client, AUDITOR).await).expect("session cookie");
    assert!(
        first.contains("HttpOnly") && first.contains("SameSite=Lax") && first.contains("Path=/"),
        "{first}"
    );
    assert!(!first.contains("Secure"), "no Secure over plain http: {first}");
    assert_eq!(get_with_cookie(&app, &first, "/grants").await, 200);

    // Signing in again (with the old session) gives a new id; the old one stops working.
    let second = session_cookie(&login_response(&app, &client, AUDITOR).await).expect("session cookie");
    assert_ne!(first.split(';').next(), second.split(';').next(), "session id not rotated");
    assert_eq!(get_with_cookie(&app, &first, "/grants").await, 401);
    assert_eq!(get_with_cookie(&app, &second, "/grants").await, 200);

    // Signing out ends the session on the server: replaying the cookie fails.
    let out = app.post_form(&client, "/logout", &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(get_with_cookie(&app, &second, "/grants").await, 401);

    // A deactivated user's open session stops working at once.
    let donor = app.sign_in(DONOR_DE).await;
    assert_eq!(app.get_with(&donor, "/grants").await.0, 200);
    let admin = app.sign_in(ADMIN).await;
    let key = user_key(&app, DONOR_DE).await;
    let done = app.post_form(&admin, &format!("/admin/users/{key}/deactivate"), &[]).await;
    assert_eq!(done.headers()["location"], "/admin/users?done=deactivated");
    assert_eq!(app.get_with(&donor, "/grants").await.0, 401);
    let again = login_response(&app, &browserless_client(), DONOR_DE).await;
    assert!(again.headers()["location"].to_str().unwrap().starts_with("/login?error=invalid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_absolute_session_limits_are_enforced() {
    let idle = spawn_app_with(AppOptions {
        env: vec![("AIDTRAIL_SESSION_IDLE_SECS", "1".into())],
        ..Default::default()
    })
    .await;
    let client = idle.sign_in(AUDITOR).await;
    assert_eq!(idle.get_with(&client, "/grants").await.0, 200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(idle.get_with(&client, "/grants").await.0, 401, "idle session still open");

    let absolute = spawn_app_with(AppOptions {
        env: vec![("AIDTRAIL_SESSION_MAX_SECS", "2".into())],
        ..Default::default()
    })
    .await;
    let client = absolute.sign_in(AUDITOR).await;
    for _ in 0..3 {
        assert_eq!(absolute.get_with(&client, "/grants").await.0, 200);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(absolute.get_with(&client, "/grants").await.0, 401, "session outlived its absolute lifetime");

    let secure = spawn_app_with(AppOptions {
        env: vec![("AIDTRAIL_SECURE_COOKIES", "true".into())],
        ..Default::default()
    })
    .await;
    let cookie = session_cookie(&login_response(&secure, &browserless_client(), AUDITOR).await).unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_and_oversized_bodies_are_refused() {
    let app = spawn_app_with(AppOptions {
        env: vec![("AIDTRAIL_MAX_BODY_BYTES", "4096".into())],
        ..Default::default()
    })
    .await;
    let admin = app.sign_in(ADMIN).await;
    let before = snapshot(&app).await;
    let foreign = admin
        .post(app.url("/admin/users"))
        .header("origin", "https://evil.example")
        .form(&[("email", "csrf@example.org"), ("role", "admin"), ("language", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let fetch_meta = admin
        .post(app.url("/admin/users"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "csrf@example.org"), ("role", "admin"), ("language", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_meta.status(), 403);
    let server_fn = admin
        .post(app.url(&aidtrail_tests::server_fn_path("list_users")))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status(), 403);
    assert_eq!(snapshot(&app).await, before);

    let same = admin
        .post(app.url("/lang"))
        .header("origin", app.url(""))
        .form(&[("lang", "fr"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 303, "same-origin POST refused");

    let big = "x".repeat(8192);
    let oversized = admin
        .post(app.url("/login"))
        .form(&[("email", "a@example.org"), ("password", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(oversized.status(), 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_then_released_and_say_nothing_about_accounts() {
    let app = spawn_app_with(AppOptions {
        env: vec![("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "2".into()), ("AIDTRAIL_LOGIN_WINDOW_SECS", "2".into())],
        ..Default::default()
    })
    .await;
    let client = browserless_client();
    let attempt = |email: &'static str, password: &'static str| {
        let (app, client) = (&app, &client);
        async move {
            let response = app
                .post_form(client, "/login", &[("email", email), ("password", password), ("next", "/")])
                .await;
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    // Unknown account and wrong password read the same.
    let unknown = attempt("nobody@example.org", "whatever").await;
    let wrong = attempt(AUDITOR, "not the password").await;
    assert_eq!(unknown.replace("nobody%40example.org", "X"), wrong.replace("auditor%40aidtrail.demo", "X"));
    assert!(wrong.starts_with("/login?error=invalid"), "{wrong}");

    let _ = attempt(AUDITOR, "not the password").await;
    let limited = attempt(AUDITOR, "not the password").await;
    assert!(limited.starts_with("/login?error=rate&wait="), "{limited}");
    let (_, page) = app.get_with(&client, &limited).await;
    assert!(page.contains("Too many sign-in attempts. Try again in"), "no clear message");

    // No permanent lock-out: after the window, the right password works.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let password = app.password(AUDITOR);
    let ok =
        app.post_form(&client, "/login", &[("email", AUDITOR), ("password", &password), ("next", "/")]).await;
    assert_eq!(ok.headers()["location"], "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_create_users_with_one_time_passwords_and_reset_them() {
    let app = spawn_app().await;
    let admin = app.sign_in(ADMIN).await;
    let created = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("email", "New.Officer@Example.org"),
                ("name", "New officer"),
                ("role", "institute"),
                ("institute", "ml_infj"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(created.headers()["location"], "/admin/users");
    let (_, page) = app.get_with(&admin, "/admin/users").await;
    let one_time =
        aidtrail_tests::text_of_testid(&page, "one-time-password").expect("one-time password shown");
    assert_eq!(one_time.len(), 20);
    let (_, page) = app.get_with(&admin, "/admin/users").await;
    assert!(aidtrail_tests::text_of_testid(&page, "one-time-password").is_none(), "shown twice");

    // Bad input is refused with a reason, nothing created.
    let users_before = aidtrail_tests::count(&app.db, "user").await;
    for (form, code) in [
        (vec![("email", "new.officer@example.org"), ("role", "auditor")], "duplicate"),
        (vec![("email", "nobody"), ("role", "auditor")], "email"),
        (vec![("email", "d@example.org"), ("role", "donor")], "binding_missing"),
        (vec![("email", "d@example.org"), ("role", "superuser")], "role"),
    ] {
        let response = app.post_form(&admin, "/admin/users", &form).await;
        assert_eq!(response.headers()["location"], format!("/admin/users?error={code}").as_str());
    }
    assert_eq!(aidtrail_tests::count(&app.db, "user").await, users_before);

    // The new user must change the one-time password before anything else.
    let officer = browserless_client();
    let first = app
        .post_form(
            &officer,
            "/login",
            &[("email", "new.officer@example.org"), ("password", &one_time), ("next", "/")],
        )
        .await;
    assert_eq!(first.headers()["location"], "/account/password");
    assert_eq!(
        app.get_with(&officer, "/activities").await.0,
        303,
        "one-time password users are sent to change it"
    );
    assert_eq!(
        app.call(&officer, "list_activities", &[("page[page]", "1"), ("page[per_page]", "20")]).await.0,
        403
    );
    let short = app
        .post_form(
            &officer,
            "/account/password",
            &[("current", &one_time), ("new", "short"), ("confirm", "short")],
        )
        .await;
    assert_eq!(short.headers()["location"], "/account/password?error=too_short");
    let changed = app
        .post_form(
            &officer,
            "/account/password",
            &[
                ("current", &one_time),
                ("new", "un mot de passe solide"),
                ("confirm", "un mot de passe solide"),
            ],
        )
        .await;
    assert_eq!(changed.headers()["location"], "/?password=changed");
    let (status, _) = app.get_with(&officer, "/activities").await;
    assert_eq!(status, 200, "the browser that changed the password stays signed in");

    // Changing one's password ends the user's other sessions (another browser, a stolen
    // cookie), and the one that changed it goes on under a new id.
    let elsewhere = browserless_client();
    let signed_in = app
        .post_form(
            &elsewhere,
            "/login",
            &[("email", "new.officer@example.org"), ("password", "un mot de passe solide"), ("next", "/")],
        )
        .await;
    assert_eq!(signed_in.headers()["location"], "/");
    assert_eq!(app.get_with(&elsewhere, "/activities").await.0, 200);
    let again = app
        .post_form(
            &officer,
            "/account/password",
            &[
                ("current", "un mot de passe solide"),
                ("new", "une phrase encore plus solide"),
                ("confirm", "une phrase encore plus solide"),
            ],
        )
        .await;
    assert_eq!(again.headers()["location"], "/?password=changed");
    let renewed =
        again.headers().get_all("set-cookie").iter().any(|c| {
            c.to_str().is_ok_and(|c| c.starts_with("aidtrail_session=") && !c.contains("Max-Age=0"))
        });
    assert!(renewed, "a new session id for the browser that changed it");
    assert_eq!(app.get_with(&elsewhere, "/activities").await.0, 401, "the other browser is signed out");
    assert_eq!(app.get_with(&officer, "/activities").await.0, 200, "this one is not");

    // A reset gives a new one-time password and ends the user's sessions.
    let key = user_key(&app, "new.officer@example.org").await;
    let reset = app.post_form(&admin, &format!("/admin/users/{key}/reset-password"), &[]).await;
    assert_eq!(reset.headers()["location"], "/admin/users");
    assert_eq!(app.get_with(&officer, "/activities").await.0, 401);
    let (_, page) = app.get_with(&admin, "/admin/users").await;
    assert!(
        aidtrail_tests::text_of_testid(&page, "admin-flash").unwrap().contains("new.officer@example.org")
    );
}

/// After signing in or switching language the browser goes back only to a path of this site,
/// whatever `next` says: a tab or newline, which browsers drop from a URL, or a backslash, which
/// they read as `/`, turned `/\t/evil.example/` into another site (an open redirect).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_the_language_switch_never_send_the_browser_to_another_site() {
    // Six sign-ins of one account in a moment: more than the default limit allows.
    let env = vec![("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", "20".to_owned())];
    let app = spawn_app_with(AppOptions { env, ..Default::default() }).await;
    let location = |response: &reqwest::Response| response.headers()["location"].to_str().unwrap().to_owned();
    for (next, expected) in [
        ("/\t/evil.example/", "/"),
        ("/\n/evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("/.\\/evil.example/", "/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/activities?country=ML", "/activities?country=ML"),
    ] {
        let client = browserless_client();
        let password = app.password(AUDITOR);
        let response = app
            .post_form(&client, "/login", &[("email", AUDITOR), ("password", &password), ("next", next)])
            .await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), expected, "sign-in with next={next:?}");
        let response = client
            .post(app.url("/lang"))
            .header("origin", app.url(""))
            .form(&[("lang", "fr"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), expected, "language switch with next={next:?}");
    }
}

/// A language chosen on the sign-in page is kept after signing in and becomes the user's
/// preference; without a choice there the account's language applies, and the page says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_keeps_a_chosen_language_and_says_when_the_accounts_applies() {
    let app = spawn_app().await;
    let stored = || async {
        let language: Option<String> = app
            .db
            .query("SELECT VALUE language FROM ONLY user WHERE email = $email LIMIT 1;")
            .bind(("email", DONOR_NL))
            .await
            .unwrap()
            .take(0)
            .unwrap();
        language
    };
    assert_eq!(stored().await.as_deref(), Some("en"));
    let password = app.password(DONOR_NL);
    let sign_in = |client: reqwest::Client, accept: &'static str| {
        let (url, password) = (app.url("/login"), password.clone());
        async move {
            client
                .post(url)
                .header("accept-language", accept)
                .form(&[("email", DONOR_NL), ("password", password.as_str()), ("next", "/dashboard")])
                .send()
                .await
                .unwrap()
        }
    };

    // French chosen with the switch on the sign-in page: kept, and stored.
    let french = browserless_client();
    app.post_form(&french, "/lang", &[("lang", "fr"), ("next", "/login")]).await;
    let response = sign_in(french.clone(), "en").await;
    assert_eq!(response.headers()["location"], "/dashboard");
    let (_, html) = app.get_with(&french, "/dashboard").await;
    assert!(html.contains("<html lang=\"fr\""), "still in French");
    assert_eq!(stored().await.as_deref(), Some("fr"));

    // Read in English only because the browser asks for it: the account's French applies, and
    // the next page says so.
    let english = browserless_client();
    let response = sign_in(english.clone(), "en-GB,en;q=0.9").await;
    assert_eq!(response.headers()["location"], "/dashboard?language_kept=1");
    let (_, html) = app.get_with(&english, "/dashboard?language_kept=1").await;
    assert!(html.contains("<html lang=\"fr\""));
    let notice = aidtrail_tests::text_of_testid(&html, "language-kept").expect("the notice");
    assert!(notice.contains("la langue de votre compte"), "{notice}");
    assert_eq!(stored().await.as_deref(), Some("fr"), "a browser's default is no choice");

    // A shared computer: the last person signed in in English and out again. The page's English
    // was left by them, not chosen by whoever signs in next: the account's French applies.
    let shared = browserless_client();
    let de_password = app.password(aidtrail_tests::DONOR_DE);
    let response = shared
        .post(app.url("/login"))
        .form(&[("email", aidtrail_tests::DONOR_DE), ("password", de_password.as_str()), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/");
    app.post_form(&shared, "/logout", &[]).await;
    let (_, html) = app.get_with(&shared, "/login").await;
    assert!(html.contains("<html lang=\"en\""), "the sign-in page in the last user's English");
    let response = sign_in(shared.clone(), "en").await;
    assert_eq!(response.headers()["location"], "/dashboard?language_kept=1");
    assert_eq!(stored().await.as_deref(), Some("fr"), "a cookie left by another sign-in is no choice");
    // The switch's choice is spent at sign-in: chosen once, not forever on this browser.
    app.post_form(&shared, "/logout", &[]).await;
    app.post_form(&shared, "/lang", &[("lang", "en"), ("next", "/login")]).await;
    let response = sign_in(shared.clone(), "fr").await;
    assert_eq!(response.headers()["location"], "/dashboard", "English chosen with the switch");
    assert_eq!(stored().await.as_deref(), Some("en"));
    app.post_form(&shared, "/logout", &[]).await;
    app.db
        .query("UPDATE user SET language = 'fr' WHERE email = $email;")
        .bind(("email", DONOR_NL))
        .await
        .unwrap();
    let response = sign_in(shared.clone(), "en").await;
    assert_eq!(response.headers()["location"], "/dashboard?language_kept=1", "the earlier choice was spent");
}
