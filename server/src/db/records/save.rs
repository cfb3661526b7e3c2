//! Saving reference records: the server's own checks (records that must exist, the grant's
//! currency, the expenditure ceiling), then the audited save with its version.

use app::domain::form_values::{amount_error, codes, record_codes};
use app::domain::records::{EXPENDITURE, FieldValue, Input, RecordDraft, RecordKind};
use app::domain::{Currency, CurrentUser, Money, Rate};
use app::error::FieldError;
use surrealdb::types::{Object, RecordId, SurrealValue, Value};

use crate::db::Db;
use crate::db::audit::{SaveError, actor, audited, execute, internal, new_key};
use crate::db::query::field;

/// The stored value of one checked field.
fn stored(kind: RecordKind, name: &str, value: &FieldValue) -> Value {
    let table_of = |name: &str| match kind.field(name).map(|f| f.input) {
        Some(Input::Reference(source) | Input::References(source)) => source.table(),
        _ => "",
    };
    match value {
        FieldValue::Text(text) => text.clone().into_value(),
        FieldValue::Date(date) => (*date).into_value(),
        FieldValue::Int(n) | FieldValue::Minor(n) => n.into_value(),
        FieldValue::Rate(rate) => rate.value().into_value(),
        FieldValue::Ref(None) => Value::None,
        FieldValue::Ref(Some(key)) => RecordId::new(table_of(name), key.as_str()).into_value(),
        FieldValue::Refs(keys) => {
            keys.iter().map(|k| RecordId::new(table_of(name), k.as_str())).collect::<Vec<_>>().into_value()
        }
        FieldValue::Codes(codes) => codes.clone().into_value(),
        FieldValue::Targets(targets) => targets
            .iter()
            .map(|t| {
                let mut o = Object::new();
                o.insert("year", i64::from(t.year));
                o.insert("country", t.country.clone());
                o.insert("value", t.value);
                Value::Object(o)
            })
            .collect::<Vec<_>>()
            .into_value(),
    }
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct GrantMoney {
    currency: String,
    amount_minor: i64,
}

/// The checks that need the database, and the content to store.
async fn content(db: &Db, draft: &RecordDraft, version: i64) -> Result<Object, SaveError> {
    let kind = draft.kind;
    let mut errors = Vec::new();
    // Every referenced record must exist and not be archived.
    for f in kind.fields() {
        let (source, keys) = match (f.input, draft.values.get(f.name)) {
            (Input::Reference(source), Some(FieldValue::Ref(Some(key)))) => (source, vec![key.clone()]),
            (Input::References(source), Some(FieldValue::Refs(keys))) => (source, keys.clone()),
            _ => continue,
        };
        let ids: Vec<RecordId> = keys.iter().map(|k| RecordId::new(source.table(), k.as_str())).collect();
        let found: Vec<RecordId> = db
            .query("SELECT VALUE id FROM $ids WHERE archived = false;")
            .bind(("ids", ids.clone()))
            .await
            .map_err(internal)?
            .take(0)
            .map_err(internal)?;
        if found.len() != ids.len() {
            errors.push(field(f.name, codes::UNKNOWN));
        }
    }
    let mut object = Object::new();
    for (name, value) in &draft.values {
        object.insert(name.clone(), stored(kind, name, value));
    }
    if kind == RecordKind::Transaction && errors.is_empty() {
        transaction_amounts(db, draft, &mut object, &mut errors).await?;
    }
    if !errors.is_empty() {
        return Err(SaveError::Invalid(errors));
    }
    object.insert("version", version);
    Ok(object)
}

/// Adds a transaction's amounts in the grant's currency and in euros, converted with its own
/// rates; a transaction in the grant's currency must have a rate of 1 to it.
async fn transaction_amounts(
    db: &Db,
    draft: &RecordDraft,
    object: &mut Object,
    errors: &mut Vec<FieldError>,
) -> Result<(), SaveError> {
    let grant = draft.reference("donor_grant").unwrap_or_default();
    let info: Option<GrantMoney> = db
        .query("SELECT currency, amount_minor FROM ONLY $grant;")
        .bind(("grant", RecordId::new("donor_grant", grant)))
        .await
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    let Some(info) = info else {
        errors.push(field("donor_grant", codes::UNKNOWN));
        return Ok(());
    };
    let grant_currency = Currency::parse(&info.currency).map_err(internal)?;
    let currency = Currency::parse(draft.text("currency")).map_err(internal)?;
    let amount =
        Money::new(draft.int("amount_minor").unwrap_or_default(), currency.clone()).map_err(internal)?;
    let to_grant = draft.rate("rate_to_grant").cloned().unwrap_or_else(Rate::one);
    let to_eur = draft.rate("rate_to_eur").cloned().unwrap_or_else(Rate::one);
    if currency == grant_currency && !to_grant.is_one() {
        errors.push(field("rate_to_grant", record_codes::RATE_NOT_ONE));
        return Ok(());
    }
    match (amount.convert(&to_grant, grant_currency), amount.convert(&to_eur, Currency::eur())) {
        (Ok(in_grant), Ok(in_eur)) => {
            object.insert("amount_grant_minor", in_grant.minor());
            object.insert("amount_eur_minor", in_eur.minor());
        }
        _ => errors.push(field("amount_minor", codes::AMOUNT)),
    }
    Ok(())
}

/// SurrealQL run before the write, inside the transaction: rules that must hold at commit.
fn guards(kind: RecordKind) -> String {
    let mut sql = String::new();
    if let Some(unique) = kind.unique() {
        sql.push_str(&format!(
            "IF (SELECT id FROM {table} WHERE {unique} = $content.{unique} AND id != $id LIMIT 1) {{ THROW 'aidtrail:duplicate' }};\n",
            table = kind.table()
        ));
    }
    match kind {
        // Expenditure on a grant may not go above the grant's amount.
        RecordKind::Transaction => sql.push_str(&format!(
            "IF $content.kind = {EXPENDITURE} {{
                LET $spent = math::sum(SELECT VALUE amount_grant_minor FROM transaction
                    WHERE donor_grant = $content.donor_grant AND kind = {EXPENDITURE} AND archived = false AND id != $id);
                LET $ceiling = (SELECT VALUE amount_minor FROM ONLY $content.donor_grant);
                IF $spent + $content.amount_grant_minor > $ceiling {{
                    THROW 'aidtrail:over_grant:' + <string> ($spent + $content.amount_grant_minor - $ceiling)
                }};
             }};\n"
        )),
        // A grant's amount may not go below what was already spent, nor its currency change
        // under recorded transactions.
        RecordKind::Grant => sql.push_str(&format!(
            "LET $spent = math::sum(SELECT VALUE amount_grant_minor FROM transaction
                WHERE donor_grant = $id AND kind = {EXPENDITURE} AND archived = false);
             IF $spent > $content.amount_minor {{ THROW 'aidtrail:below_spent:' + <string> ($spent - $content.amount_minor) }};
             IF (SELECT id FROM transaction WHERE donor_grant = $id AND archived = false LIMIT 1)
                AND (SELECT VALUE currency FROM ONLY $id) != $content.currency {{ THROW 'aidtrail:currency_locked' }};\n"
        )),
        _ => {}
    }
    sql
}

/// Turns a rule thrown by [`guards`] into the field error the form shows.
fn rule_error(
    kind: RecordKind,
    draft: &RecordDraft,
    currency: Option<Currency>,
    rule: &str,
) -> Option<SaveError> {
    let (name, amount) = rule.split_once(':').map_or((rule, None), |(n, a)| (n, a.parse::<i64>().ok()));
    let error = match name {
        "duplicate" => field(kind.unique()?, record_codes::DUPLICATE),
        "over_grant" | "below_spent" => {
            let currency = currency.or_else(|| Currency::parse(draft.text("currency")).ok())?;
            let money = Money::new(amount?, currency).ok()?;
            let code =
                if name == "over_grant" { record_codes::OVER_GRANT } else { record_codes::BELOW_SPENT };
            field("amount_minor", &amount_error(code, &money))
        }
        "currency_locked" => field("currency", record_codes::CURRENCY_LOCKED),
        _ => return None,
    };
    Some(SaveError::Invalid(vec![error]))
}

/// The currency an over-ceiling amount is counted in: the grant's, for a transaction.
async fn ceiling_currency(db: &Db, draft: &RecordDraft) -> Option<Currency> {
    let grant = draft.reference("donor_grant")?;
    let currency: Option<String> = db
        .query("SELECT VALUE currency FROM ONLY $grant;")
        .bind(("grant", RecordId::new("donor_grant", grant)))
        .await
        .ok()?
        .take(0)
        .ok()?;
    Currency::parse(&currency?).ok()
}

async fn save(
    db: &Db,
    user: &CurrentUser,
    draft: &RecordDraft,
    id: RecordId,
    version: Option<i64>,
    reason: Option<String>,
) -> Result<(), SaveError> {
    let kind = draft.kind;
    let content = content(db, draft, version.map_or(1, |v| v + 1)).await?;
    let guards = guards(kind);
    let (audit_create, audit_update) = (audited("create", true), audited("update", false));
    let sql = match version {
        None => format!(
            "BEGIN TRANSACTION;
             {guards}
             LET $after = (CREATE ONLY $id CONTENT $content);
             {audit_create}
             COMMIT TRANSACTION;"
        ),
        Some(_) => format!(
            "BEGIN TRANSACTION;
             LET $before = (SELECT * FROM ONLY $id);
             IF $before = NONE OR $before.archived {{ THROW 'aidtrail:not_found' }};
             IF $before.version != $version {{ THROW 'aidtrail:version_conflict' }};
             {guards}
             LET $after = (UPDATE ONLY $id MERGE $content RETURN AFTER);
             {audit_update}
             COMMIT TRANSACTION;"
        ),
    };
    let currency = match kind {
        RecordKind::Transaction => ceiling_currency(db, draft).await,
        _ => None,
    };
    let bindings = vec![
        ("id", id.into_value()),
        ("version", version.unwrap_or(0).into_value()),
        ("content", Value::Object(content)),
        ("actor", actor(user).into_value()),
        ("reason", reason.into_value()),
    ];
    execute(db, &sql, bindings, |rule| rule_error(kind, draft, currency.clone(), rule)).await
}

/// Creates a record; returns its key.
pub async fn create(
    db: &Db,
    user: &CurrentUser,
    draft: &RecordDraft,
    reason: Option<String>,
) -> Result<String, SaveError> {
    let key = new_key();
    save(db, user, draft, RecordId::new(draft.kind.table(), key.as_str()), None, reason).await?;
    Ok(key)
}

/// The checks that need the database, without saving (an import's preview).
pub async fn check(db: &Db, draft: &RecordDraft) -> Result<(), SaveError> {
    content(db, draft, 1).await.map(|_| ())
}

/// Creates every record of `drafts` under its key, with an audit event each, in one
/// transaction: all of them or none (an import).
pub async fn create_all(
    db: &Db,
    user: &CurrentUser,
    drafts: &[(String, RecordDraft)],
    reason: Option<String>,
) -> Result<(), SaveError> {
    let mut rows = Vec::with_capacity(drafts.len());
    for (key, draft) in drafts {
        let content = content(db, draft, 1).await?;
        rows.push((
            RecordId::new(draft.kind.table(), key.as_str()),
            Value::Object(content),
            guards(draft.kind),
        ));
    }
    crate::db::audit::create_all_audited(db, user, rows, reason).await
}

/// Saves a new version of a record, if `version` is still the stored one.
pub async fn update(
    db: &Db,
    user: &CurrentUser,
    key: &str,
    version: i64,
    draft: &RecordDraft,
    reason: Option<String>,
) -> Result<(), SaveError> {
    save(db, user, draft, RecordId::new(draft.kind.table(), key), Some(version), reason).await
}

/// Archives a record: it leaves the lists and the choices but stays readable, with its history.
pub async fn archive(
    db: &Db,
    user: &CurrentUser,
    kind: RecordKind,
    key: &str,
    version: i64,
    reason: Option<String>,
) -> Result<(), SaveError> {
    crate::db::audit::archive(db, user, RecordId::new(kind.table(), key), version, reason).await
}
