//! Saving activities: the server's own checks (that need the database), then the write and its
//! audit event in one transaction, with optimistic versioning and bounded retries.

use app::domain::activity_form::ActivityDraft;
use app::domain::form_values::{amount_error, codes, record_codes};
use app::domain::{Currency, CurrentUser, DateRange, Money};
use app::error::FieldError;
use chrono::NaiveDate;
use surrealdb::types::{RecordId, SurrealValue};

use super::Db;
use super::audit::{Bindings, actor, audited, execute, internal, new_key};

pub use super::audit::SaveError;

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct GrantInfo {
    id: RecordId,
    currency: String,
    start_on: NaiveDate,
    end_on: NaiveDate,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct Period {
    period_start: NaiveDate,
    period_end: NaiveDate,
}

#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct IdOnly {
    id: RecordId,
}

#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct HeadcountContent {
    total: i64,
    women: i64,
}

#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ParticipantsContent {
    police: HeadcountContent,
    gendarmerie: HeadcountContent,
    justice: HeadcountContent,
    other: HeadcountContent,
}

#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct FundingContent {
    donor_grant: RecordId,
    amount_minor: i64,
    currency: String,
}

#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct InstructorContent {
    name: Option<String>,
    institution: String,
    supervisor: bool,
}

/// The stored shape of an activity.
#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
struct ActivityContent {
    code: String,
    title: String,
    title_fr: String,
    kind: String,
    status: i64,
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    actual_start: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
    country: String,
    city: String,
    venue: String,
    institutes: Vec<RecordId>,
    theme: String,
    pillar: Option<RecordId>,
    funding: Vec<FundingContent>,
    participants: ParticipantsContent,
    participant_profile: String,
    participant_profile_fr: String,
    instructors: Vec<InstructorContent>,
    narrative: String,
    narrative_fr: String,
    cost_minor: Option<i64>,
    cost_currency: Option<String>,
    archived: bool,
    version: i64,
}

fn field(field: &str, code: &str) -> FieldError {
    FieldError { field: field.to_owned(), message: code.to_owned() }
}

fn headcount(h: app::domain::Headcount) -> HeadcountContent {
    HeadcountContent { total: i64::from(h.total()), women: i64::from(h.women()) }
}

/// The checks that need the database, and the content to store.
async fn content(db: &Db, draft: &ActivityDraft, version: i64) -> Result<ActivityContent, SaveError> {
    let grant_ids: Vec<RecordId> =
        draft.funding.iter().map(|f| RecordId::new("donor_grant", f.grant.as_str())).collect();
    let institute_ids: Vec<RecordId> =
        draft.institutes.iter().map(|k| RecordId::new("institute", k.as_str())).collect();
    let pillar_ids: Vec<RecordId> =
        draft.pillar.iter().map(|k| RecordId::new("pillar", k.as_str())).collect();
    let mut response = db
        .query("SELECT id, currency, start_on, end_on FROM $grants WHERE archived = false;")
        .query("SELECT period_start, period_end FROM strategy WHERE archived = false ORDER BY period_start LIMIT 1;")
        .query("SELECT id FROM $institutes WHERE archived = false;")
        .query("SELECT id FROM $pillars WHERE archived = false;")
        .bind(("grants", grant_ids))
        .bind(("institutes", institute_ids.clone()))
        .bind(("pillars", pillar_ids.clone()))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let grants: Vec<GrantInfo> = response.take(0).map_err(internal)?;
    let strategy: Vec<Period> = response.take(1).map_err(internal)?;
    let institutes: Vec<IdOnly> = response.take(2).map_err(internal)?;
    let pillars: Vec<IdOnly> = response.take(3).map_err(internal)?;

    let mut errors = Vec::new();
    let dates = draft.actual.unwrap_or(draft.planned);
    // Planned and actual dates alike fall within the strategy's period.
    if let Some(period) = strategy.first()
        && let Ok(strategy_range) = DateRange::new(period.period_start, period.period_end)
    {
        if !strategy_range.contains(&draft.planned) {
            errors.push(field("planned_start", codes::OUTSIDE_STRATEGY));
        }
        if draft.actual.is_some_and(|actual| !strategy_range.contains(&actual)) {
            errors.push(field("actual_start", codes::OUTSIDE_STRATEGY));
        }
    }
    let mut funding = Vec::new();
    for (i, line) in draft.funding.iter().enumerate() {
        let Some(grant) = grants.iter().find(|g| g.id == RecordId::new("donor_grant", line.grant.as_str()))
        else {
            errors.push(field(&format!("funding_{i}_grant"), codes::UNKNOWN));
            continue;
        };
        if let Ok(period) = DateRange::new(grant.start_on, grant.end_on)
            && !period.contains(&dates)
        {
            errors.push(field(&format!("funding_{i}_grant"), codes::OUTSIDE_GRANT));
        }
        let Ok(currency) = Currency::parse(&grant.currency) else {
            return Err(internal("stored grant has a bad currency"));
        };
        match Money::parse(&line.amount, currency.clone(), draft.notation) {
            Ok(amount) => funding.push(FundingContent {
                donor_grant: grant.id.clone(),
                amount_minor: amount.minor(),
                currency: currency.as_str().to_owned(),
            }),
            Err(e) => {
                errors.push(field(&format!("funding_{i}_amount"), &app::domain::form_values::amount_code(&e)))
            }
        }
    }
    // The shares, each in its grant's currency, may not add up to more than the cost.
    if let Some(cost) = &draft.cost {
        let mut shares = 0_i64;
        for (i, line) in funding.iter().enumerate() {
            if line.currency != cost.currency().as_str() {
                errors.push(field(&format!("funding_{i}_amount"), record_codes::COST_CURRENCY));
            }
            shares = shares.saturating_add(line.amount_minor);
        }
        if shares > cost.minor()
            && let Ok(excess) = Money::new(shares - cost.minor(), cost.currency().clone())
        {
            errors.push(field("cost", &amount_error(record_codes::OVER_COST, &excess)));
        }
    }
    if institutes.len() != institute_ids.len() {
        errors.push(field("institutes", codes::UNKNOWN));
    }
    if pillars.len() != pillar_ids.len() {
        errors.push(field("pillar", codes::UNKNOWN));
    }
    if !errors.is_empty() {
        return Err(SaveError::Invalid(errors));
    }
    let p = draft.participants;
    Ok(ActivityContent {
        code: draft.code.clone(),
        title: draft.title.clone(),
        title_fr: draft.title_fr.clone(),
        kind: draft.kind.code().to_owned(),
        status: draft.status.code(),
        planned_start: draft.planned.start(),
        planned_end: draft.planned.end(),
        actual_start: draft.actual.map(|a| a.start()),
        actual_end: draft.actual.map(|a| a.end()),
        country: draft.country.code().to_owned(),
        city: draft.city.clone(),
        venue: draft.venue.clone(),
        institutes: institute_ids,
        theme: draft.theme.code().to_owned(),
        pillar: pillar_ids.into_iter().next(),
        funding,
        participants: ParticipantsContent {
            police: headcount(p.police),
            gendarmerie: headcount(p.gendarmerie),
            justice: headcount(p.justice),
            other: headcount(p.other),
        },
        participant_profile: draft.participant_profile.clone(),
        participant_profile_fr: draft.participant_profile_fr.clone(),
        instructors: draft
            .instructors
            .iter()
            .map(|i| InstructorContent {
                name: i.name.clone(),
                institution: i.institution.clone(),
                supervisor: i.supervisor,
            })
            .collect(),
        narrative: draft.narrative.clone(),
        narrative_fr: draft.narrative_fr.clone(),
        cost_minor: draft.cost.as_ref().map(Money::minor),
        cost_currency: draft.cost.as_ref().map(|c| c.currency().as_str().to_owned()),
        archived: false,
        version,
    })
}

/// Runs one audited activity transaction; a duplicate code is the only rule of its own.
async fn run(db: &Db, sql: &str, bindings: Bindings) -> Result<(), SaveError> {
    execute(db, sql, bindings, |rule| {
        (rule == "duplicate_code").then(|| SaveError::Invalid(vec![field("code", codes::DUPLICATE_CODE)]))
    })
    .await
}

/// The checks that need the database, without saving (an import's preview).
pub async fn check(db: &Db, draft: &ActivityDraft) -> Result<(), SaveError> {
    content(db, draft, 1).await.map(|_| ())
}

/// Creates every activity of `drafts` under its key, with an audit event each, in one
/// transaction: all of them or none (an import). A code already taken refuses them all.
pub async fn create_all(
    db: &Db,
    user: &CurrentUser,
    drafts: &[(String, ActivityDraft)],
    reason: Option<String>,
) -> Result<(), SaveError> {
    let guard = "IF (SELECT id FROM activity WHERE code = $content.code LIMIT 1) OR (SELECT id FROM activity WHERE previous_codes CONTAINS $content.code LIMIT 1) { THROW 'aidtrail:duplicate_code' };";
    let mut rows = Vec::with_capacity(drafts.len());
    for (key, draft) in drafts {
        let content = content(db, draft, 1).await?;
        rows.push((RecordId::new("activity", key.as_str()), content.into_value(), guard.to_owned()));
    }
    super::audit::create_all_audited(db, user, rows, reason).await
}

/// Creates an activity; returns its key.
pub async fn create(
    db: &Db,
    user: &CurrentUser,
    draft: &ActivityDraft,
    reason: Option<String>,
) -> Result<String, SaveError> {
    let content = content(db, draft, 1).await?;
    let key = new_key();
    let id = RecordId::new("activity", key.as_str());
    let audit = audited("create", true);
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT id FROM activity WHERE code = $content.code LIMIT 1)
             OR (SELECT id FROM activity WHERE previous_codes CONTAINS $content.code LIMIT 1) {{
             THROW 'aidtrail:duplicate_code'
         }};
         LET $after = (CREATE ONLY $id CONTENT $content);
         {audit}
         COMMIT TRANSACTION;"
    );
    let bindings = vec![
        ("id", id.into_value()),
        ("content", content.into_value()),
        ("actor", actor(user).into_value()),
        ("reason", reason.into_value()),
    ];
    run(db, &sql, bindings).await?;
    Ok(key)
}

/// Saves a new version of an activity, if `version` is still the stored one.
pub async fn update(
    db: &Db,
    user: &CurrentUser,
    key: &str,
    version: i64,
    draft: &ActivityDraft,
    reason: Option<String>,
) -> Result<(), SaveError> {
    let content = content(db, draft, version + 1).await?;
    let audit = audited("update", false);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $before = (SELECT * FROM ONLY $id);
         IF $before = NONE OR $before.archived {{ THROW 'aidtrail:not_found' }};
         IF $before.version != $version {{ THROW 'aidtrail:version_conflict' }};
         IF (SELECT id FROM activity WHERE code = $content.code AND id != $id LIMIT 1)
             OR (SELECT id FROM activity WHERE previous_codes CONTAINS $content.code AND id != $id LIMIT 1) {{
             THROW 'aidtrail:duplicate_code'
         }};
         -- A changed code is kept among the previous ones (migration 0020); a code taken back
         -- leaves them.
         LET $previous = $before.previous_codes ?? [];
         LET $kept = IF $before.code = $content.code {{ $previous }}
             ELSE {{ array::complement(array::union($previous, [$before.code]), [$content.code]) }};
         LET $after = (UPDATE ONLY $id CONTENT object::extend($content, {{ previous_codes: $kept }}) RETURN AFTER);
         {audit}
         COMMIT TRANSACTION;"
    );
    let id = RecordId::new("activity", key);
    let bindings = vec![
        ("id", id.into_value()),
        ("version", version.into_value()),
        ("content", content.into_value()),
        ("actor", actor(user).into_value()),
        ("reason", reason.into_value()),
    ];
    run(db, &sql, bindings).await
}

/// Archives an activity: it leaves the lists but stays readable, with its history.
pub async fn archive(
    db: &Db,
    user: &CurrentUser,
    key: &str,
    version: i64,
    reason: Option<String>,
) -> Result<(), SaveError> {
    super::audit::archive(db, user, RecordId::new("activity", key), version, reason).await
}
