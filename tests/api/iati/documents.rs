//! A programme with every optional part the file can hold validates against the official
//! schema: co-funded activities, a dollar grant paying in CFA francs, results with baselines,
//! targets and actuals by sex, and a file made public (linked as a `document-link`; the other
//! files never are).

use aidtrail_tests::spawn_app;

use super::grants::dollar_grant_paying_francs;
use super::{DEMO, download, published, validate};
use crate::attachments::{PNG, links, upload};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_optional_part_is_published_and_the_file_validates() {
    let app = spawn_app().await;
    dollar_grant_paying_francs(&app).await;
    upload(&app, &app.manager, "ml_workshop_2018", "attendance sheet.png", PNG.to_vec()).await;
    upload(&app, &app.manager, "ml_workshop_2018", "group photo.png", PNG.to_vec()).await;
    let (_, html) = app.get("/activities/ml_workshop_2018").await;
    let keys: Vec<String> =
        links(&html, "ml_workshop_2018").iter().map(|l| l.rsplit('/').next().unwrap().to_owned()).collect();
    assert_eq!(keys.len(), 2);
    let (private, public) = (&keys[0], &keys[1]);
    let path = format!("/activities/ml_workshop_2018/attachments/{public}/public");
    assert_eq!(app.post_form(&app.manager, &path, &[("public", "true")]).await.status(), 303);

    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "xmllint: {messages}\n{xml}");
    assert!(messages.contains("validates"), "{messages}");

    let file = published(&xml);
    assert!(file.iter().any(|a| a.hierarchy == "3" && a.parents.len() > 1), "a co-funded activity");
    let currencies: Vec<&str> =
        file.iter().flat_map(|a| a.transactions.iter().map(|t| t.currency.as_str())).collect();
    assert!(currencies.contains(&"USD") && currencies.contains(&"XOF") && currencies.contains(&"EUR"));
    for part in [
        "<baseline year=\"2015\"",
        "<target value=",
        "<dimension name=\"sex\" value=\"male\"/>",
        "<dimension name=\"country\" value=\"ML\"/>",
        "provider-activity-id=\"NL-1-PPR-DEMO-USD\"",
    ] {
        assert!(xml.contains(part), "{part}");
    }

    // The public file is linked from its activity, with its type, its name and its date; the
    // other is not.
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let workshop = doc
        .root_element()
        .children()
        .find(|a| {
            a.children().any(|i| {
                i.has_tag_name("iati-identifier") && i.text() == Some(&*format!("{DEMO}-ACT-2018-ML-WS-05"))
            })
        })
        .expect("the Bamako workshop");
    let linked: Vec<_> = workshop.children().filter(|d| d.has_tag_name("document-link")).collect();
    assert_eq!(linked.len(), 1, "only the public file");
    assert_eq!(linked[0].attribute("url"), Some(&*format!("/public/files/{public}")));
    assert_eq!(linked[0].attribute("format"), Some("image/png"));
    assert!(linked[0].descendants().any(|n| n.text() == Some("group photo.png")));
    assert!(!xml.contains(private.as_str()), "a private file is never linked");
    assert!(!xml.contains("attendance sheet.png"));
    // What the file links to is what anyone downloads.
    let served = app.client.get(app.url(&format!("/public/files/{public}"))).send().await.unwrap();
    assert_eq!(served.status(), 200);
}

/// A public file's hostile name stays text in the file, which stays valid; two managers making
/// it public and private at once each save, audited, and the file ends as the last one left it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_file_name_is_escaped_and_two_managers_at_once_both_count() {
    let app = spawn_app().await;
    // No `/` nor backslash: a path's last part is kept as the name.
    let name = "<script>alert(1)&amp; ]]> x.png";
    upload(&app, &app.manager, "ml_workshop_2018", name, PNG.to_vec()).await;
    let (_, html) = app.get("/activities/ml_workshop_2018").await;
    let key = links(&html, "ml_workshop_2018")[0].rsplit('/').next().unwrap().to_owned();
    let path = format!("/activities/ml_workshop_2018/attachments/{key}/public");
    let other = app.sign_in(aidtrail_tests::MANAGER).await;
    let events = aidtrail_tests::count(&app.db, "audit_event").await;
    let (a, b) = tokio::join!(
        app.post_form(&app.manager, &path, &[("public", "true")]),
        app.post_form(&other, &path, &[("public", "true")])
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    assert_eq!(aidtrail_tests::count(&app.db, "audit_event").await, events + 2, "both audited");

    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "{messages}");
    assert!(!xml.contains("<script>"), "raw markup");
    assert!(xml.contains("&lt;script&gt;"), "the name, escaped");
    assert_eq!(xml.matches("<document-link ").count(), 1);
}
