//! `GET /exports/iati/{activities,organisation}.xml`: the programme as IATI 2.03 files, for the
//! same filters, scope and rights as the CSV exports.
//!
//! They are written from the same rows as `activities.csv`, `transactions.csv`, `grants.csv` and
//! `donors.csv` (`db::exports::Reader`), so their figures are the CSVs': amounts come from the
//! stored minor units through the CSVs' own formatting, never through floating point. The
//! activities file is written as it is read, a batch of activities at a time (`activities`);
//! the organisation file holds a budget per year and currency and is written whole
//! (`organisation`).

mod activities;
mod organisation;

pub use activities::ActivitiesFile;
pub use organisation::spread_over_years;

use quick_xml::Writer;
use quick_xml::events::BytesText;
use surrealdb::types::Value;

use app::domain::Scope;
use app::domain::exports::{ColumnKind, ExportFilter, ExportKind};
use app::error::AppError;

use super::cell;
use crate::config::IatiSettings;
use crate::db::Db;
use crate::db::exports::Reader;

/// Rows of one export, with their columns looked up by name.
struct Table {
    kind: ExportKind,
    rows: Vec<Vec<Value>>,
}

impl Table {
    /// All the rows of a small export (donors, grants: tens of them).
    async fn read(db: &Db, kind: ExportKind, filter: &ExportFilter, scope: &Scope) -> Result<Self, AppError> {
        let mut reader = Reader::open(db, kind, filter, scope).await?;
        let mut rows = Vec::new();
        while let Some(batch) = reader.next().await? {
            rows.extend(batch);
        }
        Ok(Self { kind, rows })
    }

    fn column(&self, name: &str) -> usize {
        column(self.kind, name)
    }

    /// The text of `name` in `row` as the CSV writes it.
    fn text(&self, row: &[Value], name: &str) -> String {
        text(self.kind, row, name)
    }
}

/// The index of column `name` of `kind` (a mistake in a name is a bug, found by any test).
fn column(kind: ExportKind, name: &str) -> usize {
    kind.columns().iter().position(|c| c.name == name).unwrap_or_else(|| {
        panic!("{} has no column {name}", kind.slug());
    })
}

/// The text of `name` in a row of `kind` as the CSV writes it, without the spreadsheet guard
/// (XML is escaped instead).
fn text(kind: ExportKind, row: &[Value], name: &str) -> String {
    let at = column(kind, name);
    let column_kind = kind.columns()[at].kind;
    let value = row.get(at).unwrap_or(&Value::None);
    match (column_kind, value) {
        (_, Value::String(s)) if column_kind.is_text() => s.clone(),
        (ColumnKind::Amount(currency), _) => {
            let currency = text(kind, row, currency);
            cell(column_kind, value, Some(&currency)).into_owned()
        }
        _ => cell(column_kind, value, None).into_owned(),
    }
}

type Xml = Writer<Vec<u8>>;

/// Writes `<name><narrative xml:lang="en">…</narrative><narrative xml:lang="fr">…</narrative></name>`,
/// leaving out an empty language.
fn narratives(
    w: &mut Xml,
    name: &str,
    attributes: &[(&str, &str)],
    en: &str,
    fr: &str,
) -> std::io::Result<()> {
    w.create_element(name).with_attributes(attributes.iter().copied()).write_inner_content(|w| {
        for (lang, text) in [("en", en), ("fr", fr)] {
            if !text.is_empty() {
                w.create_element("narrative")
                    .with_attribute(("xml:lang", lang))
                    .write_text_content(BytesText::new(text))?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// `<reporting-org>`: the reporting organisation, as set.
fn reporting_org(w: &mut Xml, settings: &IatiSettings) -> std::io::Result<()> {
    let attributes = [("ref", settings.org_ref.as_str()), ("type", settings.org_type.as_str())];
    narratives(w, "reporting-org", &attributes, &settings.name_en, &settings.name_fr)
}

/// An empty element with attributes: `<name a="1" b="2"/>`.
fn empty(w: &mut Xml, name: &str, attributes: &[(&str, &str)]) -> std::io::Result<()> {
    w.create_element(name).with_attributes(attributes.iter().copied()).write_empty()?;
    Ok(())
}

/// The XML declaration and the opening tag of the root `root` (IATI version 2.03, generated
/// `now`).
fn open_document(w: &mut Xml, root: &str, now: &str) -> std::io::Result<()> {
    use quick_xml::events::{BytesDecl, BytesStart, Event};
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let start = BytesStart::new(root).with_attributes([("version", "2.03"), ("generated-datetime", now)]);
    w.write_event(Event::Start(start))?;
    Ok(())
}

fn close_document(w: &mut Xml, root: &str) -> std::io::Result<()> {
    use quick_xml::events::{BytesEnd, Event};
    w.write_event(Event::End(BytesEnd::new(root)))?;
    w.get_mut().push(b'\n');
    Ok(())
}

/// The time the files are generated, to the second.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn write_failed(error: std::io::Error) -> AppError {
    tracing::error!(%error, "writing an IATI file failed");
    AppError::Internal
}

/// Which IATI file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IatiKind {
    Activities,
    Organisation,
}

impl IatiKind {
    /// The file named `name` in the address (`activities.xml`).
    pub fn from_file(name: &str) -> Option<Self> {
        match name {
            "activities.xml" => Some(Self::Activities),
            "organisation.xml" => Some(Self::Organisation),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Activities => "activities",
            Self::Organisation => "organisation",
        }
    }
}

/// One IATI file, chunk by chunk, like `CsvExport`.
pub enum IatiExport {
    Activities(Box<ActivitiesFile>),
    /// Written whole at opening (a budget per year and currency); the count is of budgets.
    Organisation {
        bytes: Option<Vec<u8>>,
        items: u64,
    },
}

impl IatiExport {
    pub async fn open(
        db: &Db,
        settings: &IatiSettings,
        kind: IatiKind,
        filter: &ExportFilter,
        scope: &Scope,
    ) -> Result<Self, AppError> {
        Ok(match kind {
            IatiKind::Activities => {
                Self::Activities(Box::new(ActivitiesFile::open(db, settings, filter, scope).await?))
            }
            IatiKind::Organisation => {
                let (bytes, items) = organisation::write(db, settings, filter, scope).await?;
                Self::Organisation { bytes: Some(bytes), items }
            }
        })
    }

    /// The next bytes of the file, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        match self {
            Self::Activities(file) => file.next_chunk().await,
            Self::Organisation { bytes, .. } => Ok(bytes.take()),
        }
    }

    /// The activities (grants included) or yearly budgets written so far.
    pub fn items(&self) -> u64 {
        match self {
            Self::Activities(file) => file.items(),
            Self::Organisation { items, .. } => *items,
        }
    }
}
