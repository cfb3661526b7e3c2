//! The strategy is published as the programme activity above the grants, with the results of
//! its indicators: baseline, and per year targets and actuals by country, the people trained
//! by sex. Its figures are `indicators.csv`'s for the same filters.

use std::collections::BTreeMap;

use aidtrail_tests::{DONOR_NL, spawn_app};

use super::{DEMO, download, published, validate};

/// The demo strategy's programme activity.
const PROGRAMME: &str = "XI-IATI-AIDTRAIL-DEMO-RS-TIP-SOM-2015-2020";

/// A figure of an indicator for a year and a country: target, actual, and the women of the
/// actual where it is given by sex.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Figures {
    target: Option<u64>,
    actual: Option<u64>,
    women: Option<u64>,
}

/// Figures by indicator code, year and country.
type ByCell = BTreeMap<(String, String, String), Figures>;

/// The programme's indicators in the file: (indicator code, year, country) → figures, and the
/// baseline of each code.
fn results(xml: &str) -> (ByCell, BTreeMap<String, String>) {
    let doc = roxmltree::Document::parse(xml).expect("xml");
    let programme = doc
        .root_element()
        .children()
        .find(|a| a.has_tag_name("iati-activity") && a.attribute("hierarchy") == Some("1"))
        .expect("a programme activity");
    let (mut figures, mut baselines) = (BTreeMap::new(), BTreeMap::new());
    let indicators = programme
        .children()
        .filter(|r| r.has_tag_name("result"))
        .flat_map(|r| r.children().filter(|i| i.has_tag_name("indicator")));
    for indicator in indicators {
        let title = indicator.descendants().find(|n| n.has_tag_name("narrative")).unwrap().text().unwrap();
        let code = title.split(':').next().unwrap().trim().to_owned();
        let baseline = indicator.children().find(|b| b.has_tag_name("baseline")).expect("a baseline");
        assert_eq!(baseline.attribute("year"), Some("2015"), "the strategy's start");
        baselines.insert(code.clone(), baseline.attribute("value").unwrap().to_owned());
        for period in indicator.children().filter(|p| p.has_tag_name("period")) {
            let start = period.children().find(|p| p.has_tag_name("period-start")).unwrap();
            let year = start.attribute("iso-date").unwrap()[..4].to_owned();
            for value in period.children().filter(|v| v.has_tag_name("target") || v.has_tag_name("actual")) {
                let dimension = |name: &str| {
                    value
                        .children()
                        .find(|d| d.has_tag_name("dimension") && d.attribute("name") == Some(name))
                        .map(|d| d.attribute("value").unwrap().to_owned())
                };
                let country = dimension("country").expect("a country");
                let n: u64 = value.attribute("value").unwrap().parse().unwrap();
                let cell: &mut Figures = figures.entry((code.clone(), year.clone(), country)).or_default();
                if value.has_tag_name("target") {
                    assert!(cell.target.is_none(), "one target per year and country");
                    cell.target = Some(n);
                } else {
                    *cell.actual.get_or_insert(0) += n;
                    match dimension("sex").as_deref() {
                        Some("female") => *cell.women.get_or_insert(0) += n,
                        Some("male") | None => {}
                        Some(other) => panic!("sex {other:?}"),
                    }
                }
            }
        }
    }
    (figures, baselines)
}

/// The programme's targets and actuals are `indicators.csv`'s, for the same filters; the people
/// trained are given by sex, their women those of the women's indicator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_programmes_results_are_the_indicators_csvs() {
    let app = spawn_app().await;
    for query in ["", "?country=ML", "?from=2018-01-01&to=2018-12-31", "?country=NE&from=2019-01-01"] {
        let (status, xml) =
            download(&app, &app.manager, &format!("/exports/iati/activities.xml{query}")).await;
        assert_eq!(status, 200);
        let (valid, messages) = validate(&xml, "iati-activities-schema.xsd");
        assert!(valid, "{query}: {messages}");
        let (written, baselines) = results(&xml);

        let (_, rows) = app.export(&app.manager, &format!("/exports/indicators.csv{query}")).await;
        let at = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
        let number = |cell: &str| (!cell.is_empty()).then(|| cell.parse::<u64>().unwrap());
        let mut expected = BTreeMap::new();
        for row in &rows[1..] {
            let figures = Figures {
                target: number(&row[at("target")]),
                actual: number(&row[at("actual")]),
                women: None,
            };
            if figures.target.is_some() || figures.actual.is_some() {
                expected.insert(
                    (row[at("code")].clone(), row[at("year")].clone(), row[at("country")].clone()),
                    figures,
                );
            }
            assert_eq!(baselines[&row[at("code")]], row[at("baseline")], "{query}");
        }
        let without_sex: BTreeMap<_, _> =
            written.iter().map(|(k, f)| (k.clone(), Figures { women: None, ..f.clone() })).collect();
        assert_eq!(without_sex, expected, "{query}");

        // The officers trained (IND-2.1) by sex: their women are the women trained (IND-2.2).
        let mut by_sex = 0;
        for ((code, year, country), f) in &written {
            if code != "IND-2.1" || f.actual.is_none() {
                continue;
            }
            let women =
                written.get(&("IND-2.2".to_owned(), year.clone(), country.clone())).and_then(|w| w.actual);
            assert_eq!(f.women, Some(women.unwrap_or(0)), "{query}: {year} {country}");
            assert!(f.women <= f.actual);
            by_sex += 1;
        }
        if query.is_empty() {
            assert!(by_sex > 0, "the demo trained people");
            assert!(
                written.values().any(|f| f.target.is_some() && f.actual.is_some()),
                "targets and actuals"
            );
        }
    }
}

/// Grants are the programme's children and the parents of the activities; a donor's file (or
/// one narrowed to a donor) holds no programme, whose indicators are the whole programme's, but
/// its grants still name it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grants_are_the_programmes_children() {
    let app = spawn_app().await;
    let (_, xml) = download(&app, &app.manager, "/exports/iati/activities.xml").await;
    let file = published(&xml);
    let programme = file.iter().find(|a| a.identifier == PROGRAMME).expect("the programme");
    assert_eq!(programme.hierarchy, "1");
    assert!(programme.transactions.is_empty() && programme.budgets.is_empty(), "its money is its grants'");
    let grants: Vec<_> = file.iter().filter(|a| a.hierarchy == "2").collect();
    assert!(grants.len() >= 2);
    for grant in &grants {
        assert_eq!(grant.parents, [PROGRAMME], "{}", grant.identifier);
    }
    for activity in file.iter().filter(|a| a.hierarchy == "3") {
        assert!(!activity.parents.is_empty());
        assert!(activity.parents.iter().all(|p| grants.iter().any(|g| &g.identifier == p)));
    }
    assert_eq!(file.len(), 1 + grants.len() + file.iter().filter(|a| a.hierarchy == "3").count());

    let donor = app.sign_in(DONOR_NL).await;
    for (client, path) in [
        (&donor, "/exports/iati/activities.xml"),
        (&app.manager, "/exports/iati/activities.xml?donor=nl_mfa"),
    ] {
        let (_, xml) = download(&app, client, path).await;
        let file = published(&xml);
        assert!(file.iter().all(|a| a.hierarchy != "1"), "{path}");
        assert!(!xml.contains("<result type=\"2\">"), "{path}: no programme results");
        let grant = file.iter().find(|a| a.identifier == format!("{DEMO}-NL-1-SAHEL-2017-02")).unwrap();
        assert_eq!(grant.parents, [PROGRAMME]);
    }
}
