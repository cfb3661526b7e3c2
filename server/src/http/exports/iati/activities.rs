//! `activities.xml`: an `iati-activities` file written as it is read.
//!
//! Choices (the standard leaves them to the publisher; README, "Publishing to IATI"):
//! - **each strategy is the programme activity** (`hierarchy="1"`), the parent of the grants,
//!   identified by the strategy's code. It carries the results: a `result` per pillar with its
//!   indicators, targets and actuals per year and country, the people trained by sex. It is
//!   written for those who may read the indicators, in a file not narrowed to a donor or a grant
//!   (the indicators are the whole programme's); the grants name it as their parent whatever
//!   the file (`programme`);
//! - **each grant is an activity of its own** (`hierarchy="2"`), identified as the reporting
//!   organisation's ref, a hyphen and the grant's reference. It carries the grant's budget per
//!   year, its incoming funds (`provider-org/@provider-activity-id`: the donor's own activity,
//!   when the grant records it) and every transaction of the grant paid for no activity
//!   (equipment among them);
//! - **each aidtrail activity is a child** (`hierarchy="3"`) of the grants funding it
//!   (`related-activity type="1"`), identified by its code; the codes it had before are its
//!   `other-identifier`s (type A3, previous activity identifier). Its transactions name the grant
//!   they are booked on as `provider-org/@provider-activity-id`: the money of a grant is the
//!   grant's transactions and those of its children that name it;
//! - `participating-org`: each donor funding it (role 1, Funding) and the reporting
//!   organisation (role 2, Accountable, on a grant; role 4, Implementing, on an activity). The
//!   institutes are the beneficiaries of the training, not implementers: an activity's
//!   description names them and how many people it trained;
//! - a `sector` (DAC 5-digit, vocabulary 1) from the activity's theme (settings); a grant has
//!   the sector of `both`, the whole programme;
//! - a currency on every value (co-funded activities mix currencies), no `default-currency`;
//! - an activity's result is the people it trained, by sex (`dimension`), over its dates;
//! - a `document-link` for each of its files a manager made public (none is until then:
//!   attendance sheets name the participants), at `/public/files/{key}` under the site's
//!   address (`AIDTRAIL_PUBLIC_URL`).
//!
//! Memory holds the donors and grants (tens), the transactions paid for no activity, and one
//! batch of activities with their transactions.

use std::collections::BTreeMap;

use quick_xml::events::BytesText;
use surrealdb::types::{RecordId, Value};

use app::domain::exports::{ExportFilter, ExportKind};
use app::domain::{ActivityKind, Scope};
use app::error::AppError;
use app::i18n::{Label, Locale};

use super::context::{Context, transaction};
use super::grants::grant;
use super::programme::programme;
use super::xml::{
    Xml, close_document, empty, narratives, now, open_document, reporting_org, text, write_failed,
};
use crate::config::IatiSettings;
use crate::db::Db;
use crate::db::attachments::{PublicFile, public_of};
use crate::db::exports::{Reader, indicators_within};

const ROOT: &str = "iati-activities";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Header,
    Programmes,
    Grants,
    Activities,
    Done,
}

/// The activities file, chunk by chunk: the header, the programmes, the grants, then a chunk per
/// batch of activities read.
pub struct ActivitiesFile {
    db: Db,
    filter: ExportFilter,
    scope: Scope,
    w: Xml,
    context: Context,
    activities: Reader,
    transactions: Reader,
    stage: Stage,
    items: u64,
}

impl ActivitiesFile {
    pub async fn open(
        db: &Db,
        settings: &IatiSettings,
        filter: &ExportFilter,
        scope: &Scope,
    ) -> Result<Self, AppError> {
        let context = Context::read(db, settings, filter, scope).await?;
        Ok(Self {
            db: db.clone(),
            filter: filter.clone(),
            scope: scope.clone(),
            w: Xml::new_with_indent(Vec::new(), b' ', 1),
            context,
            activities: Reader::open(db, ExportKind::Activities, filter, scope).await?,
            transactions: Reader::open(db, ExportKind::Transactions, filter, scope).await?,
            stage: Stage::Header,
            items: 0,
        })
    }

    /// Activities written so far, grants included.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// The next bytes of the file, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        let (w, context) = (&mut self.w, &self.context);
        match self.stage {
            Stage::Header => {
                open_document(w, ROOT, &now()).map_err(write_failed)?;
                self.stage = Stage::Programmes;
            }
            Stage::Programmes => {
                // Counted after the header is sent: the people trained are a pass over the
                // activities.
                if context.with_programmes {
                    let results = indicators_within(&self.db, &self.filter, &self.scope).await?;
                    for f in &context.programmes {
                        programme(w, context, f, &results).map_err(write_failed)?;
                        self.items += 1;
                    }
                }
                self.stage = Stage::Grants;
            }
            Stage::Grants => {
                let mut of_grant: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
                for t in self.transactions.transactions_of(None).await? {
                    of_grant.entry(text(ExportKind::Transactions, &t, "grant_id")).or_default().push(t);
                }
                for g in &context.grants.rows {
                    let mut spent = of_grant.remove(&context.grants.text(g, "id")).unwrap_or_default();
                    in_order(&mut spent);
                    grant(w, context, g, &spent).map_err(write_failed)?;
                    self.items += 1;
                }
                self.stage = Stage::Activities;
            }
            Stage::Activities => match self.activities.next().await? {
                None => {
                    close_document(w, ROOT).map_err(write_failed)?;
                    self.stage = Stage::Done;
                }
                Some(batch) => {
                    let ids: Vec<RecordId> = batch
                        .iter()
                        .map(|a| RecordId::new("activity", text(ExportKind::Activities, a, "id").as_str()))
                        .collect();
                    let mut files: BTreeMap<String, Vec<PublicFile>> = BTreeMap::new();
                    for file in public_of(&self.db, ids.clone()).await.map_err(crate::db::query::internal)? {
                        files.entry(file.activity.clone()).or_default().push(file);
                    }
                    let mut of_activity: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
                    for t in self.transactions.transactions_of(Some(ids)).await? {
                        of_activity
                            .entry(text(ExportKind::Transactions, &t, "activity_id"))
                            .or_default()
                            .push(t);
                    }
                    for a in &batch {
                        let key = text(ExportKind::Activities, a, "id");
                        let mut spent = of_activity.remove(&key).unwrap_or_default();
                        in_order(&mut spent);
                        let public = files.remove(&key).unwrap_or_default();
                        activity(w, context, a, &spent, &public).map_err(write_failed)?;
                        self.items += 1;
                    }
                }
            },
            Stage::Done => return Ok(None),
        }
        Ok(Some(std::mem::take(self.w.get_mut())))
    }
}

/// Transactions by value date, then by key: the same order for the same data.
fn in_order(transactions: &mut [Vec<Value>]) {
    let key = |t: &Vec<Value>| {
        (text(ExportKind::Transactions, t, "value_date"), text(ExportKind::Transactions, t, "id"))
    };
    transactions.sort_by_cached_key(key);
}

/// An aidtrail activity, as a child of the grants funding it.
fn activity(
    w: &mut Xml,
    c: &Context,
    a: &[Value],
    spent: &[Vec<Value>],
    public: &[PublicFile],
) -> std::io::Result<()> {
    let get = |name: &str| text(ExportKind::Activities, a, name);
    let identifier = format!("{}-{}", c.settings.org_ref, get("code"));
    // The grants funding it that the file holds (a donor's file: its own).
    let grants: Vec<&Vec<Value>> =
        get("grant_ids").split(';').map(str::trim).filter_map(|g| c.grant_row(g)).collect();
    let mut donors: Vec<String> = grants.iter().map(|g| c.grants.text(g, "donor_id")).collect();
    donors.sort();
    donors.dedup();
    // Free text of unknown language (a transaction's description) is read as English.
    w.create_element("iati-activity")
        .with_attributes([("xml:lang", "en"), ("hierarchy", "3")])
        .write_inner_content(|w| {
            w.create_element("iati-identifier").write_text_content(BytesText::new(&identifier))?;
            reporting_org(w, &c.settings)?;
            narratives(w, "title", &[], &get("title"), &get("title_fr"))?;
            let place = [get("city"), get("venue")]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            let (people, women) = (get("participants"), get("women"));
            let kind = ActivityKind::from_code(&get("kind")).ok();
            let kind = |locale| kind.map_or("", |k| k.label(locale));
            // The institutes whose people it trained: beneficiaries, not implementers.
            let institutes: Vec<&(String, String)> =
                get("institute_ids").split(';').map(str::trim).filter_map(|i| c.institutes.get(i)).collect();
            let beneficiaries = |lead: &str, locale: Locale| {
                if institutes.is_empty() {
                    return String::new();
                }
                let names: Vec<&str> = institutes
                    .iter()
                    .map(
                        |(en, fr)| {
                            if locale == Locale::Fr && !fr.is_empty() { fr.as_str() } else { en.as_str() }
                        },
                    )
                    .collect();
                let separator = if locale == Locale::Fr { " ; " } else { "; " };
                format!("{lead}{}.", names.join(separator))
            };
            narratives(
                w,
                "description",
                &[("type", "1")],
                &format!(
                    "{} ({place}). {people} participants, of whom {women} women.{}",
                    kind(Locale::En),
                    beneficiaries(" Beneficiary institutes: ", Locale::En)
                ),
                &format!(
                    "{} ({place}). {people} participants, dont {women} femmes.{}",
                    kind(Locale::Fr),
                    beneficiaries(" Institutions bénéficiaires : ", Locale::Fr)
                ),
            )?;
            for donor in &donors {
                if let Some(d) = c.donor_row(donor) {
                    c.funder(w, d)?;
                }
            }
            c.ourselves(w, "4")?;
            // The identifiers it was published under before its code changed (A3: previous
            // activity identifier).
            for code in get("previous_codes").split(';').map(str::trim).filter(|c| !c.is_empty()) {
                let previous = format!("{}-{code}", c.settings.org_ref);
                empty(w, "other-identifier", &[("ref", &previous), ("type", "A3")])?;
            }
            empty(w, "activity-status", &[("code", &get("status"))])?;
            c.dates(
                w,
                [
                    ("1", get("planned_start")),
                    ("2", get("actual_start")),
                    ("3", get("planned_end")),
                    ("4", get("actual_end")),
                ],
            )?;
            let country = get("country");
            if !country.is_empty() {
                empty(w, "recipient-country", &[("code", &country)])?;
            }
            c.sector(w, &get("theme"))?;
            for t in spent {
                transaction(w, c, t)?;
            }
            for file in public {
                document_link(w, c, file)?;
            }
            for g in &grants {
                empty(w, "related-activity", &[("ref", &c.grant_identifier(g)), ("type", "1")])?;
            }
            participants_result(
                w,
                &get("planned_start"),
                &get("planned_end"),
                &get("actual_start"),
                &get("actual_end"),
                &women,
                &people,
            )?;
            Ok(())
        })?;
    Ok(())
}

/// A file a manager made public: photos and reports of what the activity did (category A08,
/// results, outcomes and outputs), dated by its upload.
fn document_link(w: &mut Xml, c: &Context, file: &PublicFile) -> std::io::Result<()> {
    let url = c.settings.public_file_url(&file.key);
    w.create_element("document-link")
        .with_attributes([("format", file.content_type.as_str()), ("url", url.as_str())])
        .write_inner_content(|w| {
            narratives(w, "title", &[], &file.name, "")?;
            empty(w, "category", &[("code", "A08")])?;
            empty(w, "document-date", &[("iso-date", &file.uploaded_on)])?;
            Ok(())
        })?;
    Ok(())
}

/// People trained, by sex, over the activity's dates (actual when known, else planned).
fn participants_result(
    w: &mut Xml,
    planned_start: &str,
    planned_end: &str,
    actual_start: &str,
    actual_end: &str,
    women: &str,
    people: &str,
) -> std::io::Result<()> {
    let (start, end) = if actual_start.is_empty() || actual_end.is_empty() {
        (planned_start, planned_end)
    } else {
        (actual_start, actual_end)
    };
    if start.is_empty() || end.is_empty() {
        return Ok(());
    }
    let (women, people) = (women.parse::<u64>().unwrap_or(0), people.parse::<u64>().unwrap_or(0));
    let men = people.saturating_sub(women);
    w.create_element("result").with_attribute(("type", "1")).write_inner_content(|w| {
        narratives(w, "title", &[], "People trained", "Personnes formées")?;
        w.create_element("indicator")
            .with_attributes([("measure", "1"), ("ascending", "1")])
            .write_inner_content(|w| {
                narratives(w, "title", &[], "Participants, by sex", "Participants, par sexe")?;
                w.create_element("period").write_inner_content(|w| {
                    empty(w, "period-start", &[("iso-date", start)])?;
                    empty(w, "period-end", &[("iso-date", end)])?;
                    for (value, sex) in [(women, "female"), (men, "male")] {
                        w.create_element("actual")
                            .with_attribute(("value", value.to_string().as_str()))
                            .write_inner_content(|w| {
                                empty(w, "dimension", &[("name", "sex"), ("value", sex)])
                            })?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(())
}
