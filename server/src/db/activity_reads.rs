//! Reading activities: the filtered list, the filters' choices, one activity as its page shows
//! it and as its form edits it, and the choices of the form.

use app::domain::{
    ActivityDetail, ActivityEdit, ActivityFilter, ActivityFilterOptions, ActivityFormOptions, ActivityRow,
    ActivitySort, NamedRef, Page, PageRequest, Scope, Text,
};
use app::error::AppError;
use surrealdb::types::RecordId;

use super::Db;
use super::query::{OptionRecord, Records, condition, internal, invalid_row, scope_value};
use super::rows::{
    ActivityLinks, ActivityListRecord, ActivityRecord, GrantRefRecord, NameRecord, TitleRecord,
    activity_detail, first_count, key_of,
};

pub(super) async fn list(
    db: &Db,
    scope: &Scope,
    filter: &ActivityFilter,
    page: PageRequest,
) -> Result<Page<ActivityRow>, AppError> {
    let mut conds = vec!["archived = false", condition(scope, Records::Activities)];
    if filter.country.is_some() {
        conds.push("country = $country");
    }
    if filter.year.is_some() {
        conds.push("time::year(planned_start) = $year");
    }
    if filter.kind.is_some() {
        conds.push("kind = $kind");
    }
    if filter.status.is_some() {
        conds.push("status = $status");
    }
    if filter.pillar.is_some() {
        conds.push("pillar = $pillar");
    }
    if filter.grant.is_some() {
        conds.push("$grant IN funding.donor_grant");
    }
    if filter.donor.is_some() {
        conds.push("$donor IN funding.donor_grant.donor");
    }
    if filter.q.is_some() {
        conds.push(
            "string::contains(string::lowercase(title), $q) OR string::contains(string::lowercase(title_fr), $q)
             OR string::contains(string::lowercase(code), $q)",
        );
    }
    let condition = conds.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(" AND ");
    let order = match filter.sort {
        ActivitySort::Newest => "planned_start DESC, code",
        ActivitySort::Oldest => "planned_start ASC, code",
        ActivitySort::Title => "title ASC, code",
    };
    let mut response = db
        .query(format!(
            "SELECT id, code, title, title_fr, kind, status, planned_start, planned_end, actual_start, actual_end,
                    country, city, participants
             FROM activity WHERE {condition} ORDER BY {order} LIMIT $limit START $start;"
        ))
        .query(format!("SELECT count() AS n FROM activity WHERE {condition} GROUP ALL;"))
        .bind(("limit", i64::from(page.per_page)))
        .bind(("start", page.offset() as i64))
        .bind(("scope", scope_value(scope)))
        .bind(("country", filter.country.clone()))
        .bind(("year", filter.year.map(i64::from)))
        .bind(("kind", filter.kind.clone()))
        .bind(("status", filter.status))
        .bind(("pillar", filter.pillar.as_deref().map(|k| RecordId::new("pillar", k))))
        .bind(("grant", filter.grant.as_deref().map(|k| RecordId::new("donor_grant", k))))
        .bind(("donor", filter.donor.as_deref().map(|k| RecordId::new("donor", k))))
        .bind(("q", filter.q.as_deref().map(str::to_lowercase)))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let rows: Vec<ActivityListRecord> = response.take(0).map_err(internal)?;
    let total = first_count(response.take(1).map_err(internal)?);
    let items =
        rows.into_iter().map(ActivityRow::try_from).collect::<Result<Vec<_>, _>>().map_err(invalid_row)?;
    Ok(Page { items, page: page.page, per_page: page.per_page, total })
}

pub(super) async fn filter_options(db: &Db, scope: &Scope) -> Result<ActivityFilterOptions, AppError> {
    let activities = condition(scope, Records::Activities);
    let grants = condition(scope, Records::Grants);
    let donors = match scope {
        Scope::All => "true",
        Scope::Donor(_) => "id = $scope",
        Scope::Institute(_) => "false",
    };
    let mut response = db
        .query(format!("SELECT VALUE country FROM activity WHERE archived = false AND ({activities});"))
        .query(format!(
            "SELECT VALUE time::year(planned_start) FROM activity WHERE archived = false AND ({activities});"
        ))
        .query(
            "SELECT id, string::concat(code, ' · ', title) AS label, string::concat(code, ' · ', title_fr) AS label_fr, code
             FROM pillar WHERE archived = false ORDER BY code;",
        )
        .query(format!(
            "SELECT id, reference AS label, reference AS label_fr FROM donor_grant
             WHERE archived = false AND ({grants}) ORDER BY label;"
        ))
        .query(format!(
            "SELECT id, name AS label, name_fr AS label_fr FROM donor WHERE archived = false AND {donors} ORDER BY label;"
        ))
        .bind(("scope", scope_value(scope)))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let mut countries: Vec<String> = response.take(0).map_err(internal)?;
    countries.sort();
    countries.dedup();
    let mut years: Vec<i64> = response.take(1).map_err(internal)?;
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let to_refs = |rows: Vec<OptionRecord>| -> Vec<NamedRef> {
        rows.into_iter()
            .map(|r| NamedRef { id: key_of(&r.id), name: Text::new(r.label, r.label_fr) })
            .collect()
    };
    Ok(ActivityFilterOptions {
        countries: countries.iter().filter_map(|c| app::domain::Country::parse(c).ok()).collect(),
        years: years.into_iter().filter_map(|y| i32::try_from(y).ok()).collect(),
        pillars: to_refs(response.take(2).map_err(internal)?),
        grants: to_refs(response.take(3).map_err(internal)?),
        donors: to_refs(response.take(4).map_err(internal)?),
    })
}

pub(super) async fn detail(db: &Db, scope: &Scope, id: &str) -> Result<Option<ActivityDetail>, AppError> {
    let mut response = db
        .query("SELECT * FROM $id;")
        .bind(("id", RecordId::new("activity", id)))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    // Archived activities leave the lists but stay readable here, with their history.
    let found: Vec<ActivityRecord> = response.take(0).map_err(internal)?;
    let Some(record) = found.into_iter().next() else {
        return Ok(None);
    };
    let grant_ids: Vec<RecordId> = record.funding.iter().map(|f| f.donor_grant.clone()).collect();
    let pillar: Vec<RecordId> = record.pillar.iter().cloned().collect();
    let mut links = db
        .query("SELECT id, name, name_fr FROM $institutes;")
        .query("SELECT title, title_fr FROM $pillar;")
        .query(
            "SELECT id, reference, donor, donor.name AS donor_name, donor.name_fr AS donor_name_fr FROM $grants;",
        )
        .bind(("institutes", record.institutes.clone()))
        .bind(("pillar", pillar))
        .bind(("grants", grant_ids))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let links = ActivityLinks {
        institutes: links.take::<Vec<NameRecord>>(0).map_err(internal)?,
        pillar: links.take::<Vec<TitleRecord>>(1).map_err(internal)?.into_iter().next(),
        grants: links.take::<Vec<GrantRefRecord>>(2).map_err(internal)?,
    };
    let allowed = match scope {
        Scope::All => true,
        Scope::Donor(key) => links.grants.iter().any(|g| g.donor.as_ref().is_some_and(|d| key_of(d) == *key)),
        Scope::Institute(key) => record.institutes.iter().any(|i| key_of(i) == *key),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let own_grants: Vec<String> = match scope {
        Scope::Donor(key) => links
            .grants
            .iter()
            .filter(|g| g.donor.as_ref().is_some_and(|d| key_of(d) == *key))
            .map(|g| g.reference.clone())
            .collect(),
        _ => Vec::new(),
    };
    let mut detail = activity_detail(record, links).map_err(invalid_row)?;
    // A donor sees every co-funder of the activity and its share, but not the other donors'
    // grants (README, "What a donor sees").
    if matches!(scope, Scope::Donor(_)) {
        for line in &mut detail.funding {
            if line.grant_reference.as_ref().is_some_and(|r| !own_grants.contains(r)) {
                line.grant_reference = None;
            }
        }
    }
    Ok(Some(detail))
}

pub(super) async fn edit(db: &Db, id: &str) -> Result<Option<ActivityEdit>, AppError> {
    let found: Vec<ActivityRecord> = db
        .query("SELECT * FROM $id;")
        .bind(("id", RecordId::new("activity", id)))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?
        .take(0)
        .map_err(internal)?;
    match found.into_iter().next() {
        Some(record) => super::rows::activity_edit(record).map(Some).map_err(invalid_row),
        None => Ok(None),
    }
}

pub(super) async fn form_options(db: &Db) -> Result<ActivityFormOptions, AppError> {
    let mut response = db
        .query(
            "SELECT id, string::concat(reference, ' · ', donor.name, ' (', currency, ')') AS label,
                    string::concat(reference, ' · ', donor.name_fr, ' (', currency, ')') AS label_fr, start_on
             FROM donor_grant WHERE archived = false ORDER BY start_on DESC, label;",
        )
        .query(
            "SELECT id, string::concat(code, ' · ', name) AS label, string::concat(code, ' · ', name_fr) AS label_fr, country
             FROM institute WHERE archived = false ORDER BY country, label;",
        )
        .query(
            "SELECT id, string::concat(code, ' · ', title) AS label, string::concat(code, ' · ', title_fr) AS label_fr, code
             FROM pillar WHERE archived = false ORDER BY code;",
        )
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let to_refs = |rows: Vec<OptionRecord>| -> Vec<NamedRef> {
        rows.into_iter()
            .map(|r| NamedRef { id: key_of(&r.id), name: Text::new(r.label, r.label_fr) })
            .collect()
    };
    Ok(ActivityFormOptions {
        grants: to_refs(response.take(0).map_err(internal)?),
        institutes: to_refs(response.take(1).map_err(internal)?),
        pillars: to_refs(response.take(2).map_err(internal)?),
    })
}
