//! Typing before the bundle arrives: on a slow link the page is there seconds before its WASM.
//! What the user typed in the meantime must still be there when it hydrates, and be saved.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aidtrail_tests::browser::{in_browser, sign_in, wait_for};
use aidtrail_tests::{INSTITUTE_ML_INFJ, spawn_app};
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use fantoccini::Client;
use tokio::sync::watch;

use crate::institute::{ONE_MISSING, confirm_one_computer_missing, fill_in_one_computer_missing};
use crate::text;

/// A proxy in front of the app that holds every request for a `.wasm` file until released, and
/// passes everything else through unchanged (cookies, encodings, redirects).
#[derive(Clone)]
struct HeldBundle {
    upstream: String,
    client: reqwest::Client,
    release: Arc<watch::Sender<bool>>,
    held: Arc<AtomicUsize>,
}

impl HeldBundle {
    /// Starts the proxy; returns it and its address.
    async fn start(upstream: String) -> (Self, String) {
        let proxy = HeldBundle {
            upstream,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            release: Arc::new(watch::channel(false).0),
            held: Arc::new(AtomicUsize::new(0)),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let app = axum::Router::new().fallback(forward).with_state(proxy.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("proxy") });
        (proxy, format!("http://{addr}"))
    }

    fn release(&self) {
        self.release.send_replace(true);
    }
}

async fn forward(State(proxy): State<HeldBundle>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.uri.path().ends_with(".wasm") {
        proxy.held.fetch_add(1, Ordering::SeqCst);
        let mut released = proxy.release.subscribe();
        let _ = released.wait_for(|r| *r).await;
    }
    let target = format!("{}{}", proxy.upstream, parts.uri.path_and_query().map_or("/", |p| p.as_str()));
    let body = axum::body::to_bytes(body, usize::MAX).await.expect("request body");
    let mut upstream = proxy.client.request(parts.method, target).body(body);
    for (name, value) in &parts.headers {
        if name != header::CONNECTION && name != header::CONTENT_LENGTH {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream.send().await.expect("the app answers");
    let status = answer.status();
    let headers = answer.headers().clone();
    let body = answer.bytes().await.expect("response body");
    let mut response = (status, body).into_response();
    for (name, value) in &headers {
        if name != header::CONNECTION && name != header::TRANSFER_ENCODING && name != header::CONTENT_LENGTH {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}

/// The institute fills in the confirmation while the WASM is still on its way; when it lands,
/// nothing typed is lost, and the confirmation saves what was typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_before_the_bundle_arrives_is_kept_and_saved() {
    let app = spawn_app().await;
    let institute = (INSTITUTE_ML_INFJ.to_owned(), app.password(INSTITUTE_ML_INFJ));
    let (proxy, base) = HeldBundle::start(app.url("")).await;
    in_browser(move |client| typing_journey(client, base, proxy, institute)).await;
}

async fn typing_journey(
    client: Client,
    base: String,
    proxy: HeldBundle,
    (email, password): (String, String),
) {
    // Signing in works without the bundle: it is a form.
    sign_in(&client, &base, &email, &password).await;
    client.goto(&format!("{base}/handovers/ml_infj_2018")).await.expect("open the handover");
    wait_for(&client, "return !!document.querySelector('#line_0_received');", "the confirmation form").await;
    // The page has asked for its WASM, which the proxy holds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while proxy.held.load(Ordering::SeqCst) == 0 {
        assert!(std::time::Instant::now() < deadline, "the page never asked for its WASM");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    fill_in_one_computer_missing(&client).await;
    let hydrated = client.execute("return document.documentElement.dataset.hydrated || null;", vec![]).await;
    assert_eq!(
        hydrated.expect("script"),
        serde_json::Value::Null,
        "hydrated before the WASM was let through"
    );

    proxy.release();
    wait_for(&client, "return document.documentElement.dataset.hydrated === 'true';", "hydration").await;
    let kept = client
        .execute(
            "return [document.querySelector('#line_0_received').value, \
                     document.querySelector('#remarks').value, \
                     [...document.querySelectorAll('input[type=checkbox]:checked')].map(e => e.value).join(',')];",
            vec![],
        )
        .await
        .expect("read the form");
    assert_eq!(
        kept,
        serde_json::json!(["3", ONE_MISSING, "DEMO-LT-01,DEMO-LT-02,DEMO-LT-03,DEMO-VP-01"]),
        "what was typed before hydration"
    );

    confirm_one_computer_missing(&client).await;
    assert!(text(&client, "main").await.contains(ONE_MISSING));
}
