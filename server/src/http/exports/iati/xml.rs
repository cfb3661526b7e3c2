//! What both IATI files are written with: the rows of the CSV exports by column name, and the
//! XML elements every part of the standard repeats.

use quick_xml::Writer;
use quick_xml::events::BytesText;
use surrealdb::types::Value;

use app::domain::Scope;
use app::domain::exports::{ColumnKind, ExportFilter, ExportKind};
use app::error::AppError;

use crate::config::IatiSettings;
use crate::db::Db;
use crate::db::exports::Reader;
use crate::http::exports::cells::cell;

/// Rows of one export, with their columns looked up by name.
pub(super) struct Table {
    pub(super) kind: ExportKind,
    pub(super) rows: Vec<Vec<Value>>,
}

impl Table {
    /// All the rows of a small export (donors, grants: tens of them).
    pub(super) async fn read(
        db: &Db,
        kind: ExportKind,
        filter: &ExportFilter,
        scope: &Scope,
    ) -> Result<Self, AppError> {
        let mut reader = Reader::open(db, kind, filter, scope).await?;
        let mut rows = Vec::new();
        while let Some(batch) = reader.next().await? {
            rows.extend(batch);
        }
        Ok(Self { kind, rows })
    }

    pub(super) fn column(&self, name: &str) -> usize {
        column(self.kind, name)
    }

    /// The text of `name` in `row` as the CSV writes it.
    pub(super) fn text(&self, row: &[Value], name: &str) -> String {
        text(self.kind, row, name)
    }
}

/// The index of column `name` of `kind` (a mistake in a name is a bug, found by any test).
pub(super) fn column(kind: ExportKind, name: &str) -> usize {
    kind.columns().iter().position(|c| c.name == name).unwrap_or_else(|| {
        panic!("{} has no column {name}", kind.slug());
    })
}

/// The text of `name` in a row of `kind` as the CSV writes it, without the spreadsheet guard
/// (XML is escaped instead).
pub(super) fn text(kind: ExportKind, row: &[Value], name: &str) -> String {
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

pub(super) type Xml = Writer<Vec<u8>>;

/// Writes `<name><narrative xml:lang="en">…</narrative><narrative xml:lang="fr">…</narrative></name>`,
/// leaving out an empty language.
pub(super) fn narratives(
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
pub(super) fn reporting_org(w: &mut Xml, settings: &IatiSettings) -> std::io::Result<()> {
    let attributes = [("ref", settings.org_ref.as_str()), ("type", settings.org_type.as_str())];
    narratives(w, "reporting-org", &attributes, &settings.name_en, &settings.name_fr)
}

/// An empty element with attributes: `<name a="1" b="2"/>`.
pub(super) fn empty(w: &mut Xml, name: &str, attributes: &[(&str, &str)]) -> std::io::Result<()> {
    w.create_element(name).with_attributes(attributes.iter().copied()).write_empty()?;
    Ok(())
}

/// The XML declaration and the opening tag of the root `root` (IATI version 2.03, generated
/// `now`).
pub(super) fn open_document(w: &mut Xml, root: &str, now: &str) -> std::io::Result<()> {
    use quick_xml::events::{BytesDecl, BytesStart, Event};
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let start = BytesStart::new(root).with_attributes([("version", "2.03"), ("generated-datetime", now)]);
    w.write_event(Event::Start(start))?;
    Ok(())
}

pub(super) fn close_document(w: &mut Xml, root: &str) -> std::io::Result<()> {
    use quick_xml::events::{BytesEnd, Event};
    w.write_event(Event::End(BytesEnd::new(root)))?;
    w.get_mut().push(b'\n');
    Ok(())
}

/// The time the files are generated, to the second.
pub(super) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(super) fn write_failed(error: std::io::Error) -> AppError {
    tracing::error!(%error, "writing an IATI file failed");
    AppError::Internal
}
