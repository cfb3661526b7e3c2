//! The IATI activities file: valid against the official 2.03 schema (copied unchanged into
//! `tests/fixtures/iati`), its figures those of the CSV exports, and a donor's file holding only
//! what its grants funded. `grants`: each grant as the parent activity of those it funds, and
//! the money per grant.

mod checks;
mod documents;
mod grants;
mod identifiers;
mod results;

use std::collections::BTreeMap;
use std::process::Command;

use aidtrail_tests::{AppOptions, DONOR_NL, INSTITUTE_ML_ENP, manifest_dir, spawn_app, spawn_app_with};

/// The identifier prefix of the demo's reporting organisation.
const DEMO: &str = "XI-IATI-AIDTRAIL-DEMO";

/// A transaction of the file, as the tests read it.
#[derive(Debug, Clone)]
pub(super) struct Transaction {
    pub kind: String,
    pub currency: String,
    /// As written: units with the currency's decimals (`38500.00`).
    pub amount: String,
    pub provider_ref: String,
    pub provider_activity: String,
    pub receiver_activity: String,
}

impl Transaction {
    /// The grant (its activity's identifier) the money is booked on: the receiving activity of
    /// incoming funds, the providing activity of the rest.
    pub fn grant(&self) -> &str {
        if self.kind == "1" { &self.receiver_activity } else { &self.provider_activity }
    }
}

/// An `iati-activity` of the file, as the tests read it.
#[derive(Debug, Clone)]
pub(super) struct Published {
    pub identifier: String,
    pub hierarchy: String,
    /// `related-activity type="1"`.
    pub parents: Vec<String>,
    /// `other-identifier`s: ref and type.
    pub others: Vec<(String, String)>,
    pub transactions: Vec<Transaction>,
    /// Currency and amount as written.
    pub budgets: Vec<(String, String)>,
}

/// The activities of an `iati-activities` file, read with an XML parser.
pub(super) fn published(xml: &str) -> Vec<Published> {
    fn child<'a, 'x>(node: roxmltree::Node<'a, 'x>, name: &str) -> Option<roxmltree::Node<'a, 'x>> {
        node.children().find(|c| c.has_tag_name(name))
    }
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let text_of =
        |node: Option<roxmltree::Node<'_, '_>>| node.and_then(|n| n.text()).unwrap_or("").to_owned();
    let attribute = |node: Option<roxmltree::Node<'_, '_>>, name: &str| {
        node.and_then(|n| n.attribute(name)).unwrap_or("").to_owned()
    };
    doc.root_element()
        .children()
        .filter(|n| n.has_tag_name("iati-activity"))
        .map(|a| Published {
            identifier: text_of(child(a, "iati-identifier")),
            hierarchy: a.attribute("hierarchy").unwrap_or("").to_owned(),
            parents: a
                .children()
                .filter(|r| r.has_tag_name("related-activity") && r.attribute("type") == Some("1"))
                .map(|r| r.attribute("ref").unwrap_or("").to_owned())
                .collect(),
            others: a
                .children()
                .filter(|o| o.has_tag_name("other-identifier"))
                .map(|o| (attribute(Some(o), "ref"), attribute(Some(o), "type")))
                .collect(),
            transactions: a
                .children()
                .filter(|t| t.has_tag_name("transaction"))
                .map(|t| Transaction {
                    kind: attribute(child(t, "transaction-type"), "code"),
                    currency: attribute(child(t, "value"), "currency"),
                    amount: text_of(child(t, "value")),
                    provider_ref: attribute(child(t, "provider-org"), "ref"),
                    provider_activity: attribute(child(t, "provider-org"), "provider-activity-id"),
                    receiver_activity: attribute(child(t, "receiver-org"), "receiver-activity-id"),
                })
                .collect(),
            budgets: a
                .children()
                .filter(|b| b.has_tag_name("budget"))
                .map(|b| (attribute(child(b, "value"), "currency"), text_of(child(b, "value"))))
                .collect(),
        })
        .collect()
}

/// An amount as written (`1234.50`, or `150000` in a currency without decimals) in minor units.
pub(super) fn minor(amount: &str) -> i64 {
    amount.replace('.', "").parse().unwrap_or_else(|_| panic!("not an amount: {amount:?}"))
}

/// The identifiers a file must hold for `client`: the programme's if it is published in the
/// file (`programme`), its grants' (`grants.csv`) and its activities' (`activities.csv`),
/// sorted.
async fn expected_identifiers(
    app: &aidtrail_tests::TestApp,
    client: &reqwest::Client,
    query: &str,
    programme: bool,
) -> Vec<String> {
    let (_, grants) = app.export(client, &format!("/exports/grants.csv{query}")).await;
    let (_, activities) = app.export(client, &format!("/exports/activities.csv{query}")).await;
    let mut expected: Vec<String> = grants[1..]
        .iter()
        .map(|g| format!("{DEMO}-{}", g[2]))
        .chain(activities[1..].iter().map(|a| format!("{DEMO}-{}", a[1])))
        .chain(programme.then(|| format!("{DEMO}-RS-TIP-SOM-2015-2020")))
        .collect();
    expected.sort();
    expected
}

/// Downloads the IATI activities file at `path` with `client`.
pub(super) async fn download(
    app: &aidtrail_tests::TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.expect("request");
    let status = response.status().as_u16();
    if status == 200 {
        assert_eq!(response.headers()["content-type"], "application/xml; charset=utf-8");
    }
    (status, response.text().await.expect("body"))
}

/// The codes of one of the shipped codelists (`tests/fixtures/iati/2.03/codelists/NAME.xml`).
fn codelist(name: &str) -> Vec<String> {
    let path = manifest_dir().join("fixtures/iati/2.03/codelists").join(format!("{name}.xml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    all_of(&text, "code")
}

/// The values of `attribute` on every `<element …>` of `xml`.
fn attribute_values(xml: &str, element: &str, attribute: &str) -> Vec<String> {
    xml.split(&format!("<{element} "))
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            tag.split(&format!(" {attribute}=\""))
                .nth(1)
                .or_else(|| tag.strip_prefix(&format!("{attribute}=\"")))
        })
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// `xmllint --schema` on `xml`: the tool's verdict and its messages.
pub(super) fn validate(xml: &str, schema: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("activities.xml");
    std::fs::write(&file, xml).expect("write");
    let schema = manifest_dir().join("fixtures/iati/2.03").join(schema);
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint must be installed (scripts/test.sh installs Debian's libxml2-utils)");
    let messages =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), messages)
}

/// The text between each `<tag>` and `</tag>`.
pub(super) fn all_of(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open).skip(1).filter_map(|s| s.split(&close).next().map(str::to_owned)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_programme_validates_against_the_official_schema() {
    let app = spawn_app().await;
    let (status, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    assert_eq!(status, 200, "{xml}");
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "xmllint: {messages}\n{xml}");
    assert!(messages.contains("validates"), "{messages}");

    // One activity per grant and per activity of the CSVs, identified by the reporting
    // organisation's ref.
    let mut identifiers = all_of(&xml, "iati-identifier");
    identifiers.sort();
    assert_eq!(identifiers, expected_identifiers(&app, &app.manager, "", true).await);
    assert!(xml.contains(r#"<narrative xml:lang="fr">Atelier de tutorat"#), "French titles");
    assert!(xml.contains(r#"<dimension name="sex" value="female"/>"#), "participants by sex");
    // The institutes whose people were trained are named as beneficiaries, in both languages.
    assert!(xml.contains("Beneficiary institutes: ") && xml.contains("Institutions bénéficiaires : "));
}

/// The file's transactions are those of `transactions.csv`, amount for amount and activity by
/// activity: those of an activity in its own `iati-activity`, the others in their grant's; for
/// the staff, a donor, and a country.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_transactions_are_those_of_the_csv_export() {
    let app = spawn_app().await;
    let donor = app.sign_in(DONOR_NL).await;
    for (client, query) in [(&app.manager, ""), (&donor, ""), (&app.manager, "?country=ML&from=2018-01-01")] {
        let (_, xml) = download(&app, client, &format!("/exports/iati/activities.xml{query}")).await;
        let (_, rows) = app.export(client, &format!("/exports/transactions.csv{query}")).await;
        let (_, activities) = app.export(client, "/exports/activities.csv").await;
        let (_, grants) = app.export(client, "/exports/grants.csv").await;
        let code_of: BTreeMap<&str, &str> =
            activities[1..].iter().map(|a| (a[0].as_str(), a[1].as_str())).collect();
        let reference_of: BTreeMap<&str, &str> =
            grants[1..].iter().map(|g| (g[0].as_str(), g[2].as_str())).collect();
        let header = &rows[0];
        let at = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (activity, grant) = (at("activity_id"), at("grant_id"));
        let (amount, currency, kind) = (at("amount"), at("currency"), at("kind"));
        let mut from_csv: Vec<String> = rows[1..]
            .iter()
            .map(|r| {
                let owner = if r[activity].is_empty() {
                    reference_of[r[grant].as_str()]
                } else {
                    code_of[r[activity].as_str()]
                };
                format!("{DEMO}-{owner} {} {} {}", r[kind], r[currency], r[amount])
            })
            .collect();
        let mut from_xml: Vec<String> = published(&xml)
            .iter()
            .flat_map(|a| a.transactions.iter().map(move |t| (a, t)))
            .map(|(a, t)| format!("{} {} {} {}", a.identifier, t.kind, t.currency, t.amount))
            .collect();
        from_csv.sort();
        from_xml.sort();
        assert_eq!(from_xml, from_csv, "{query}");
        if query.is_empty() {
            let grant_level = rows[1..].iter().filter(|r| r[activity].is_empty()).count();
            assert!(grant_level > 0, "the demo has transactions of no activity (incoming funds, equipment)");
            assert!(from_csv.len() > grant_level, "the demo has transactions of activities");
        }
        // Every narrative says its language.
        assert!(!xml.contains("<narrative>"), "{query}: a narrative without xml:lang");
    }
}

/// A donor's file holds only the activities its grants funded, whatever the address asks; an
/// institute gets none; without a session, nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donor_gets_only_what_its_grants_funded() {
    let app = spawn_app().await;
    let netherlands = app.sign_in(DONOR_NL).await;
    let (status, xml) = download(&app, &netherlands, "/exports/iati/activities.xml?donor=de_ffo").await;
    assert_eq!(status, 200);
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "{messages}");
    let mine = expected_identifiers(&app, &netherlands, "", false).await;
    let mut listed = all_of(&xml, "iati-identifier");
    listed.sort();
    assert!(listed.contains(&format!("{DEMO}-NL-1-SAHEL-2017-02")), "its grant");
    assert!(!listed.iter().any(|l| l.contains("DE-11-SAHEL")), "another donor's grant");
    assert_eq!(listed, mine);
    assert!(!xml.contains("Federal Foreign Office"), "another donor named in the Netherlands' file");

    let institute = app.sign_in(INSTITUTE_ML_ENP).await;
    assert_eq!(download(&app, &institute, "/exports/iati/activities.xml").await.0, 403);
    assert_eq!(download(&app, &app.client, "/exports/iati/activities.xml").await.0, 401);
    assert_eq!(download(&app, &app.manager, "/exports/iati/other.xml").await.0, 404);
}

/// Every code the files write is one of the standard's codelists, as shipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_code_written_is_in_the_shipped_codelist() {
    let app = spawn_app().await;
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let (_, organisation) = download(&app, &app.manager, "/exports/iati/organisation.xml").await;
    let both = format!("{xml}{organisation}");
    for (element, attribute, list) in [
        ("transaction-type", "code", "TransactionType"),
        ("activity-status", "code", "ActivityStatus"),
        ("activity-date", "type", "ActivityDateType"),
        ("participating-org", "role", "OrganisationRole"),
        ("participating-org", "type", "OrganisationType"),
        ("reporting-org", "type", "OrganisationType"),
        ("sector", "code", "Sector"),
        ("sector", "vocabulary", "SectorVocabulary"),
        ("recipient-country", "code", "Country"),
        ("value", "currency", "Currency"),
        ("narrative", "xml:lang", "Language"),
        ("description", "type", "DescriptionType"),
        ("result", "type", "ResultType"),
        ("indicator", "measure", "IndicatorMeasure"),
    ] {
        let allowed = codelist(list);
        let written = attribute_values(&both, element, attribute);
        assert!(!written.is_empty(), "no {element}/@{attribute} written");
        for code in written {
            // Codelists write language codes in lower case, as the files do.
            assert!(allowed.contains(&code), "{element}/@{attribute} = {code:?} is not in {list}.xml");
        }
    }
}

/// The organisation file: valid, and its yearly budgets add up to the grants of the CSV.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organisation_file_validates_and_its_budgets_add_up_to_the_grants() {
    let app = spawn_app().await;
    let (status, xml) = download(&app, &app.manager, "/exports/iati/organisation.xml").await;
    assert_eq!(status, 200, "{xml}");
    let (valid, messages) = validate(&xml, "iati-organisations-schema.xsd");
    assert!(valid, "xmllint: {messages}\n{xml}");
    assert!(xml.contains("<organisation-identifier>XI-IATI-AIDTRAIL-DEMO</organisation-identifier>"));

    // Per currency, the yearly budgets add up to the grants' amounts, to the cent.
    let cents = |amount: &str| -> i64 {
        let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
        whole.parse::<i64>().unwrap() * 10_i64.pow(fraction.len() as u32)
            + fraction.parse::<i64>().unwrap_or(0)
    };
    let mut from_xml: BTreeMap<String, i64> = BTreeMap::new();
    for budget in xml.split("<total-budget").skip(1) {
        let currency = budget.split("currency=\"").nth(1).and_then(|s| s.split('"').next()).unwrap();
        let amount = budget
            .split("<value ")
            .nth(1)
            .and_then(|v| v.split_once('>'))
            .and_then(|(_, r)| r.split('<').next())
            .unwrap();
        *from_xml.entry(currency.to_owned()).or_default() += cents(amount);
    }
    let (_, rows) = app.export(&app.manager, "/exports/grants.csv").await;
    let header = &rows[0];
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let mut from_csv: BTreeMap<String, i64> = BTreeMap::new();
    for row in &rows[1..] {
        *from_csv.entry(row[at("currency")].clone()).or_default() += cents(&row[at("amount")]);
    }
    assert_eq!(from_xml, from_csv);

    let netherlands = app.sign_in(DONOR_NL).await;
    let (_, theirs) = download(&app, &netherlands, "/exports/iati/organisation.xml").await;
    assert!(validate(&theirs, "iati-organisations-schema.xsd").0);
}

/// Text that means something in XML is written as text: the file stays valid and says what was
/// typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_escaped_and_the_file_stays_valid() {
    let app = spawn_app().await;
    let title = r#"</narrative></title><script>alert("x")</script> & ]]> <!-- 'é'"#;
    let title_fr = "<![CDATA[ &amp; <narrative xml:lang=\"de\">";
    let form: Vec<(&str, &str)> = aidtrail_tests::workshop_edit(
        "",
        &[
            ("code", "ACT-2018-ML-XSS"),
            ("title", title),
            ("title_fr", title_fr),
            ("venue", "<b>École</b> & co"),
        ],
    )
    .into_iter()
    .filter(|(k, _)| *k != "version")
    .collect();
    let response = app.post_form(&app.manager, "/activities/new", &form).await;
    assert_eq!(response.status(), 303, "saved, and sent to the activity");
    let (_, csv) = app.get_with(&app.manager, "/exports/activities.csv").await;
    assert!(csv.contains("ACT-2018-ML-XSS"), "the activity was saved");

    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
    assert!(valid, "xmllint: {messages}");
    assert!(!xml.contains("<script>") && !xml.contains("<b>") && !xml.contains("<![CDATA["), "raw markup");
    assert!(xml.contains("&lt;/narrative&gt;&lt;/title&gt;&lt;script&gt;"), "the title, escaped");
    assert!(xml.contains("&lt;![CDATA[ &amp;amp; &lt;narrative"), "the French title, escaped");
}

/// Admins see the settings the files are written with, and what to fix: the demo identifier
/// is named as such; set properly, nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_see_the_settings_and_what_to_fix() {
    let app = spawn_app().await;
    let admin = app.sign_in(aidtrail_tests::ADMIN).await;
    let (status, page) = app.get_with(&admin, "/admin/iati").await;
    assert_eq!(status, 200);
    let problems = aidtrail_tests::texts_of_testid(&page, "iati-setting-problem");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("demo"), "{problems:?}");
    assert!(page.contains("XI-IATI-AIDTRAIL-DEMO") && page.contains("15130"));
    let (_, exports) = app.get_with(&admin, "/exports").await;
    assert!(exports.contains("href=\"/admin/iati\""), "the exports page links to the settings");
    assert_eq!(app.get_with(&app.manager, "/admin/iati").await.0, 403);

    let app = spawn_app_with(AppOptions {
        env: vec![
            ("AIDTRAIL_IATI_ORG_REF", "XM-DAC-99999".to_owned()),
            ("AIDTRAIL_IATI_ORG_TYPE", "41".to_owned()),
            ("AIDTRAIL_IATI_SECTORS", "tip=15130".to_owned()),
        ],
        ..AppOptions::default()
    })
    .await;
    let admin = app.sign_in(aidtrail_tests::ADMIN).await;
    let (_, page) = app.get_with(&admin, "/admin/iati").await;
    let problems = aidtrail_tests::texts_of_testid(&page, "iati-setting-problem");
    assert_eq!(problems.len(), 3, "type 41, and no sector for som and both: {problems:?}");
    assert!(problems.iter().any(|p| p.contains("OrganisationType")));
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    assert!(xml.contains("<iati-identifier>XM-DAC-99999-ACT-2018-ML-WS-05</iati-identifier>"));
}

/// The organisation types the settings accept are those of the shipped codelist.
#[test]
fn the_organisation_types_are_the_codelists() {
    assert_eq!(
        codelist("OrganisationType"),
        app::domain::iati::ORGANISATION_TYPES.map(str::to_owned).to_vec()
    );
}

/// The people trained in a donor's file, women and men, are the dashboard's for the same filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_people_trained_are_the_dashboards() {
    let app = spawn_app().await;
    let donor = app.sign_in(DONOR_NL).await;
    for (query, filter) in crate::exports::SAME_FILTERS {
        let d = crate::dashboard::dashboard(&app, &donor, filter).await;
        let (_, xml) = download(&app, &donor, &format!("/exports/iati/activities.xml{query}")).await;
        let (mut total, mut women) = (0_u64, 0_u64);
        for actual in xml.split("<actual value=\"").skip(1) {
            let (value, rest) = actual.split_once('"').unwrap();
            let value: u64 = value.parse().unwrap();
            total += value;
            if rest.split("</actual>").next().unwrap().contains(r#"value="female""#) {
                women += value;
            }
        }
        assert_eq!((total, women), crate::dashboard::people(&d), "people trained, {query:?}");
    }
}

/// Two donors download their files at the same moment: each gets its own activities only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_donors_at_once_each_get_their_own_file() {
    let app = spawn_app().await;
    let (netherlands, germany) = (app.sign_in(DONOR_NL).await, app.sign_in(aidtrail_tests::DONOR_DE).await);
    let path = "/exports/iati/activities.xml";
    let ((s1, nl), (s2, de)) =
        tokio::join!(download(&app, &netherlands, path), download(&app, &germany, path));
    assert_eq!((s1, s2), (200, 200));
    for (client, xml, other) in
        [(&netherlands, &nl, "Federal Foreign Office"), (&germany, &de, "Ministry of Foreign Affairs")]
    {
        assert!(validate(xml, "iati-activities-schema.xsd").0);
        let mut listed = all_of(xml, "iati-identifier");
        listed.sort();
        assert_eq!(listed, expected_identifiers(&app, client, "", false).await);
        assert!(!xml.contains(other), "another donor named: {other}");
    }
}
