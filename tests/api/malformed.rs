//! Malformed arguments to every server function: a 400 with a plain message, never a 500,
//! whoever calls.

use aidtrail_tests::{DONOR_NL, spawn_app};

/// Bodies no page sends: undecodable escapes, wrong types, absurd numbers, deep nesting, NUL.
const BODIES: &[&str] = &[
    "%ZZ=%&&=",
    "page=abc&per_page=-1",
    "page[page]=99999999999999999999999&page[per_page]=x",
    "id[]=1&id[]=2",
    "filter[from]=notadate&filter[to_year]=2147483648&filter[country]=%00",
    "query[kind]=nonsense&query[page]=-5",
    "locale=klingon",
    "form=%FF%FE",
    "a[a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a]=1",
    "\u{0}\u{1}\u{2}",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_arguments_to_every_server_function_answer_400_never_500() {
    let app = spawn_app().await;
    let donor = app.sign_in(DONOR_NL).await;
    let functions: Vec<(String, String)> = aidtrail::startup::endpoints()
        .into_iter()
        .filter(|(_, _, kind)| *kind == "server_fn")
        .map(|(method, path, _)| (method, path))
        .collect();
    assert!(functions.len() >= 30, "{functions:?}");
    let mut refused = 0;
    for (method, path) in &functions {
        for client in [&app.manager, &donor] {
            for body in BODIES {
                let request = match method.as_str() {
                    "GET" => client.get(format!("{}?{body}", app.url(path))),
                    _ => client
                        .post(app.url(path))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.to_string()),
                };
                let response = request.send().await.expect("an answer");
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                assert!(status < 500, "{method} {path} with {body:?}: {status} {text}");
                assert!(!text.contains("Transport"), "{method} {path} with {body:?}: {text}");
                if status == 400 {
                    refused += 1;
                    assert!(text.contains("BadRequest"), "{method} {path} with {body:?}: {text}");
                }
            }
        }
    }
    assert!(refused > 50, "malformed arguments refused {refused} times");
    // Calls with arguments the function can read still work afterwards.
    let (status, _) = app.get("/records/grants").await;
    assert_eq!(status, 200);
}
