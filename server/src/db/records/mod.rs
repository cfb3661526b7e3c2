//! Reference records (donors, strategy, pillars, indicators, grants, transactions, institutes):
//! the server's own checks, audited saves with versions, their forms' values and their lists.
//!
//! The record types are described once in `app::domain::records`; this module turns a checked
//! draft into stored content field by field, so a new field needs no new code here.

use std::collections::BTreeMap;

use app::domain::form_values::FormValues;
use app::domain::records::{
    Input, RecordForm, RecordKind, RecordQuery, RecordRow, Source, Target, target_values,
};
use app::domain::{Currency, Money, NamedRef, Page, PageRequest, Text};
use app::error::AppError;
use app::i18n::{Locale, fmt_date, fmt_money};
use chrono::NaiveDate;
use surrealdb::types::{Number, Object, RecordId, SurrealValue, Value};

use super::Db;
use super::rows::key_of;

mod save;

pub use save::{archive, check, create, create_all, update};

/// The field shown to name a record of `source` in lists and choices.
fn display_field(source: Source) -> &'static str {
    match source {
        Source::Donors | Source::Institutes => "name",
        Source::Grants => "reference",
        Source::Strategies | Source::Pillars | Source::Activities => "code",
        Source::Equipment | Source::Transactions => "description",
    }
}

/// The (English, French) name of a record of `source`, in SurrealQL.
fn display_sql(source: Source) -> &'static str {
    match source {
        Source::Donors | Source::Institutes => "name AS en, name_fr AS fr",
        Source::Grants => "reference AS en, reference AS fr",
        Source::Strategies | Source::Pillars | Source::Activities => {
            "string::concat(code, ' – ', title) AS en, string::concat(code, ' – ', title_fr ?: title) AS fr"
        }
        Source::Equipment => "description AS en, description_fr ?: description AS fr",
        Source::Transactions => {
            "string::concat(<string> value_date, ' – ', description) AS en, string::concat(<string> value_date, ' – ', description) AS fr"
        }
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Choice {
    id: RecordId,
    en: String,
    fr: Option<String>,
}

/// The records a reference field may point to (not archived), by name.
pub(crate) async fn choices(db: &Db, source: Source) -> Result<Vec<NamedRef>, AppError> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE archived = false ORDER BY en LIMIT 1000;",
        display_sql(source),
        source.table()
    );
    let rows: Vec<Choice> =
        db.query(sql).await.map_err(super::query::internal)?.take(0).map_err(super::query::internal)?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let fr = c.fr.filter(|f| !f.is_empty()).unwrap_or_else(|| c.en.clone());
            NamedRef { id: key_of(&c.id), name: Text::new(c.en, fr) }
        })
        .collect())
}

/// A stored value as the form shows it.
fn form_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(Number::Int(n)) => n.to_string(),
        Value::Number(Number::Decimal(d)) => d.normalize().to_string(),
        Value::Number(Number::Float(f)) => f.to_string(),
        Value::Datetime(d) => (*d).into_inner().date_naive().to_string(),
        Value::RecordId(id) => key_of(id),
        Value::Array(items) => items.iter().map(form_text).collect::<Vec<_>>().join(","),
        _ => String::new(),
    }
}

fn int_of(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::Number(Number::Int(n))) => Some(*n),
        _ => None,
    }
}

/// The form values of a stored record (archived ones included), its version and archived flag.
pub async fn form_values(
    db: &Db,
    kind: RecordKind,
    key: &str,
) -> Result<Option<(FormValues, i64, bool)>, AppError> {
    let record: Option<Value> = db
        .query("SELECT * FROM ONLY $id;")
        .bind(("id", RecordId::new(kind.table(), key)))
        .await
        .map_err(super::query::internal)?
        .take(0)
        .map_err(super::query::internal)?;
    let Some(Value::Object(record)) = record else {
        return Ok(None);
    };
    let mut values = FormValues::new();
    for f in kind.fields() {
        let Some(value) = record.get(f.name) else { continue };
        match f.input {
            Input::Amount { currency } => {
                let currency = record.get(currency).map(form_text).unwrap_or_default();
                if let (Some(minor), Ok(currency)) = (int_of(Some(value)), Currency::parse(&currency))
                    && let Ok(money) = Money::new(minor, currency)
                {
                    values.insert(f.name.to_owned(), money.plain());
                }
            }
            Input::Targets => {
                let targets: Vec<Target> = match value {
                    Value::Array(items) => items
                        .iter()
                        .filter_map(|item| match item {
                            Value::Object(o) => Some(Target {
                                year: int_of(o.get("year")).and_then(|y| i32::try_from(y).ok())?,
                                country: o.get("country").map(form_text)?,
                                value: int_of(o.get("value"))?,
                            }),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                target_values(&targets, &mut values);
            }
            _ => {
                values.insert(f.name.to_owned(), form_text(value));
            }
        }
    }
    let version = int_of(record.get("version")).unwrap_or(1);
    let archived = matches!(record.get("archived"), Some(Value::Bool(true)));
    values.insert("version".into(), version.to_string());
    Ok(Some((values, version, archived)))
}

/// The choices of each reference field of `kind`.
pub async fn options(db: &Db, kind: RecordKind) -> Result<BTreeMap<String, Vec<NamedRef>>, AppError> {
    let mut options = BTreeMap::new();
    for f in kind.fields() {
        if let Input::Reference(source) | Input::References(source) = f.input {
            options.insert(f.name.to_owned(), choices(db, source).await?);
        }
    }
    if let Some((parent, source)) = kind.parent()
        && !options.contains_key(parent)
    {
        options.insert(parent.to_owned(), choices(db, source).await?);
    }
    Ok(options)
}

/// An empty form for a new record, with sensible defaults.
pub fn new_values(kind: RecordKind) -> FormValues {
    let defaults: &[(&str, &str)] = match kind {
        RecordKind::Grant => &[("currency", "EUR"), ("status", "pipeline")],
        RecordKind::Transaction => {
            &[("currency", "EUR"), ("rate_to_grant", "1"), ("rate_to_eur", "1"), ("provider", "UNODC")]
        }
        RecordKind::Donor => &[("currency", "EUR"), ("org_type", "10")],
        RecordKind::Indicator => &[("baseline", "0"), ("unit", "people")],
        _ => &[],
    };
    defaults.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A stored value as a list cell, in both languages.
fn cell(record: &Object, f: &app::domain::records::Field) -> Text {
    let value = record.get(f.name).unwrap_or(&Value::None);
    let same = |s: String| Text::new(s.clone(), s);
    let both = |format: &dyn Fn(Locale) -> String| Text::new(format(Locale::En), format(Locale::Fr));
    match f.input {
        Input::Amount { currency } => {
            let currency = record.get(currency).map(form_text).unwrap_or_default();
            match (int_of(Some(value)), Currency::parse(&currency)) {
                (Some(minor), Ok(currency)) => match Money::new(minor, currency) {
                    Ok(money) => both(&|l| fmt_money(l, &money)),
                    Err(_) => same(String::new()),
                },
                _ => same(String::new()),
            }
        }
        Input::Date => match value {
            Value::Datetime(d) => {
                let date: NaiveDate = (*d).into_inner().date_naive();
                both(&|l| fmt_date(l, date))
            }
            _ => same(String::new()),
        },
        Input::Choice(choices) => {
            let (en, fr) = choices.label_of(&form_text(value));
            Text::new(en, fr)
        }
        Input::Reference(_) => {
            let name = record.get(&format!("{}__name", f.name)).map(form_text).unwrap_or_default();
            same(name)
        }
        Input::Text { .. } if record.contains_key(&format!("{}_fr", f.name)) => {
            let fr = record.get(&format!("{}_fr", f.name)).map(form_text).unwrap_or_default();
            Text::new(form_text(value), fr)
        }
        Input::Integer => {
            let n = u64::try_from(int_of(Some(value)).unwrap_or_default()).unwrap_or_default();
            both(&|l| app::i18n::fmt_int(l, n))
        }
        _ => same(form_text(value).replace(',', ", ")),
    }
}

/// One page of records of `kind`.
pub async fn list(
    db: &Db,
    kind: RecordKind,
    query: &RecordQuery,
    page: PageRequest,
) -> Result<Page<RecordRow>, AppError> {
    let page = page.clamped();
    let mut conditions = Vec::new();
    if !query.archived {
        conditions.push("archived = false".to_owned());
    }
    let search = query.q.trim().to_lowercase();
    if !search.is_empty() {
        let mut searched = vec![kind.title_field()];
        searched.extend(kind.unique());
        let any: Vec<String> =
            searched.iter().map(|f| format!("string::contains(string::lowercase({f}), $q)")).collect();
        conditions.push(format!("({})", any.join(" OR ")));
    }
    let parent = match (kind.parent(), &query.parent) {
        (Some((field, source)), Some(key)) if app::services::valid_key(key) => {
            conditions.push(format!("{field} = $parent"));
            Some(RecordId::new(source.table(), key.as_str()))
        }
        _ => None,
    };
    let filter =
        if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let order = match query.sort_field(kind) {
        Some((name, descending)) => format!("{name} {}", if descending { "DESC" } else { "ASC" }),
        None => kind.fields().iter().find(|f| f.listed).map(|f| f.name).unwrap_or("id").to_owned() + " ASC",
    };
    let links: Vec<String> = kind
        .fields()
        .iter()
        .filter_map(|f| match f.input {
            Input::Reference(source) if f.listed => {
                Some(format!("{}.{} AS {}__name", f.name, display_field(source), f.name))
            }
            _ => None,
        })
        .collect();
    let extra = if links.is_empty() { String::new() } else { format!(", {}", links.join(", ")) };
    let table = kind.table();
    let sql = format!(
        "SELECT *{extra} FROM {table} {filter} ORDER BY {order} LIMIT $limit START $start;
         SELECT count() AS total FROM {table} {filter} GROUP ALL;"
    );
    let mut response = db
        .query(sql)
        .bind(("q", search))
        .bind(("parent", parent))
        .bind(("limit", i64::from(page.per_page)))
        .bind(("start", i64::try_from(page.offset()).unwrap_or(i64::MAX)))
        .await
        .map_err(super::query::internal)?;
    let rows: Vec<Value> = response.take(0).map_err(super::query::internal)?;
    let total: Option<i64> = response.take((1, "total")).map_err(super::query::internal)?;
    let items = rows
        .into_iter()
        .filter_map(|row| match row {
            Value::Object(record) => Some(record),
            _ => None,
        })
        .map(|record| RecordRow {
            id: match record.get("id") {
                Some(Value::RecordId(id)) => key_of(id),
                _ => String::new(),
            },
            cells: kind.fields().iter().filter(|f| f.listed).map(|f| cell(&record, f)).collect(),
            archived: matches!(record.get("archived"), Some(Value::Bool(true))),
        })
        .collect();
    Ok(Page { items, page: page.page, per_page: page.per_page, total: total.unwrap_or(0).max(0) as u64 })
}

/// A record's form: its values (or what the user typed, after a problem), versions and choices.
pub async fn form(
    db: &Db,
    kind: RecordKind,
    key: Option<&str>,
    can_edit: bool,
) -> Result<Option<RecordForm>, AppError> {
    let (values, version, archived) = match key {
        Some(key) => match form_values(db, kind, key).await? {
            Some((values, version, archived)) => (values, Some(version), archived),
            None => return Ok(None),
        },
        None => (new_values(kind), None, false),
    };
    Ok(Some(RecordForm {
        kind,
        values,
        errors: Vec::new(),
        conflict: false,
        version,
        archived,
        options: options(db, kind).await?,
        can_edit,
    }))
}
