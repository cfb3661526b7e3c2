//! What the activities file knows of donors and grants, read once, and how it writes what
//! both grants and activities hold: organisations, dates, sectors and transactions.

use std::collections::BTreeMap;

use quick_xml::events::BytesText;
use surrealdb::types::Value;

use app::domain::Scope;
use app::domain::exports::{ExportFilter, ExportKind};
use app::error::AppError;

use super::xml::{Table, Xml, empty, narratives, text};
use crate::config::IatiSettings;
use crate::db::Db;
use crate::db::indicators::Framework;

/// What the file says of donors and grants, read once.
pub(super) struct Context {
    pub(super) settings: IatiSettings,
    pub(super) donors: Table,
    pub(super) donor_at: BTreeMap<String, usize>,
    pub(super) grants: Table,
    pub(super) grant_at: BTreeMap<String, usize>,
    /// The programme's countries (its strategies'), for a grant earmarked for none.
    pub(super) countries: Vec<String>,
    /// The institutes the reader may see, by key: English and French names, for the
    /// activities' descriptions.
    pub(super) institutes: BTreeMap<String, (String, String)>,
    /// Today, `YYYY-MM-DD`: an actual date after it is not a fact yet.
    pub(super) today: String,
    /// The strategies in force: the programmes above the grants.
    pub(super) programmes: Vec<Framework>,
    /// Whether the file publishes the programmes with their results: for those who may read
    /// the indicators, in a file not narrowed to a donor or a grant.
    pub(super) with_programmes: bool,
}

impl Context {
    pub(super) async fn read(
        db: &Db,
        settings: &IatiSettings,
        filter: &ExportFilter,
        scope: &Scope,
    ) -> Result<Self, AppError> {
        let donors = Table::read(db, ExportKind::Donors, filter, scope).await?;
        // Whatever the file's country: an institute of one country trains in another.
        let institutes = Table::read(db, ExportKind::Institutes, &ExportFilter::default(), scope).await?;
        let institutes = institutes
            .rows
            .iter()
            .map(|r| (institutes.text(r, "id"), (institutes.text(r, "name"), institutes.text(r, "name_fr"))))
            .collect();
        let grants = Table::read(db, ExportKind::Grants, filter, scope).await?;
        let index = |t: &Table| -> BTreeMap<String, usize> {
            t.rows.iter().enumerate().map(|(i, r)| (t.text(r, "id"), i)).collect()
        };
        let countries: Vec<String> = db
            .query(
                "RETURN array::sort(array::distinct(array::flatten(
                    (SELECT VALUE countries FROM strategy WHERE archived = false))));",
            )
            .await
            .map_err(crate::db::query::internal)?
            .take(0)
            .map_err(crate::db::query::internal)?;
        let programmes = crate::db::indicators::frameworks(db).await?;
        let with_programmes = matches!(scope, Scope::All) && filter.donor.is_none() && filter.grant.is_none();
        Ok(Context {
            programmes,
            with_programmes,
            settings: settings.clone(),
            institutes,
            donor_at: index(&donors),
            grant_at: index(&grants),
            donors,
            grants,
            countries,
            today: chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string(),
        })
    }

    pub(super) fn grant_row(&self, key: &str) -> Option<&Vec<Value>> {
        self.grant_at.get(key).map(|&i| &self.grants.rows[i])
    }

    pub(super) fn donor_row(&self, key: &str) -> Option<&Vec<Value>> {
        self.donor_at.get(key).map(|&i| &self.donors.rows[i])
    }

    /// The IATI identifier of a strategy's programme activity.
    pub(super) fn programme_identifier(&self, f: &Framework) -> String {
        format!("{}-{}", self.settings.org_ref, f.code)
    }

    /// The IATI identifier of a grant's activity.
    pub(super) fn grant_identifier(&self, grant: &[Value]) -> String {
        format!("{}-{}", self.settings.org_ref, self.grants.text(grant, "reference"))
    }

    /// `<participating-org role="1">` for a donor.
    pub(super) fn funder(&self, w: &mut Xml, donor: &[Value]) -> std::io::Result<()> {
        let (reference, kind) = (self.donors.text(donor, "iati_ref"), self.donors.text(donor, "org_type"));
        let mut attributes = vec![("role", "1")];
        if !reference.is_empty() {
            attributes.push(("ref", reference.as_str()));
        }
        if !kind.is_empty() {
            attributes.push(("type", kind.as_str()));
        }
        narratives(
            w,
            "participating-org",
            &attributes,
            &self.donors.text(donor, "name"),
            &self.donors.text(donor, "name_fr"),
        )
    }

    /// `<participating-org>` for the reporting organisation, in `role`.
    pub(super) fn ourselves(&self, w: &mut Xml, role: &str) -> std::io::Result<()> {
        let s = &self.settings;
        let attributes = [("role", role), ("ref", s.org_ref.as_str()), ("type", s.org_type.as_str())];
        narratives(w, "participating-org", &attributes, &s.name_en, &s.name_fr)
    }

    /// `<activity-date>`s: planned start and end, and the actual ones up to today.
    pub(super) fn dates(&self, w: &mut Xml, dates: [(&str, String); 4]) -> std::io::Result<()> {
        for (kind, date) in dates {
            if !date.is_empty() && !(matches!(kind, "2" | "4") && date > self.today) {
                empty(w, "activity-date", &[("type", kind), ("iso-date", &date)])?;
            }
        }
        Ok(())
    }

    pub(super) fn sector(&self, w: &mut Xml, theme: &str) -> std::io::Result<()> {
        if let Some(code) = self.settings.sector_for(theme) {
            empty(w, "sector", &[("vocabulary", "1"), ("code", code)])?;
        }
        Ok(())
    }
}

/// Attributes of an element, the empty ones to be left out.
type Attributes<'a> = Vec<(&'a str, String)>;

/// A transaction. The provider of incoming funds is the donor, with the donor's activity when
/// the grant records it; the provider of any other is the grant's activity, ours.
pub(super) fn transaction(w: &mut Xml, c: &Context, t: &[Value]) -> std::io::Result<()> {
    let get = |name: &str| text(ExportKind::Transactions, t, name);
    let (kind, date) = (get("kind"), get("value_date"));
    let grant = c.grant_row(&get("grant_id"));
    w.create_element("transaction").write_inner_content(|w| {
        empty(w, "transaction-type", &[("code", &kind)])?;
        empty(w, "transaction-date", &[("iso-date", &date)])?;
        w.create_element("value")
            .with_attributes([("currency", get("currency").as_str()), ("value-date", date.as_str())])
            .write_text_content(BytesText::new(&get("amount")))?;
        let description = get("description");
        if !description.is_empty() {
            narratives(w, "description", &[], &description, "")?;
        }
        let (mut provider, mut receiver): (Attributes<'_>, Attributes<'_>) = (vec![], vec![]);
        if let Some(g) = grant {
            let ours = c.grant_identifier(g);
            if kind == "1" {
                let donor = c.donor_row(&c.grants.text(g, "donor_id"));
                provider.push(("ref", donor.map(|d| c.donors.text(d, "iati_ref")).unwrap_or_default()));
                provider.push(("provider-activity-id", c.grants.text(g, "provider_activity_id")));
                receiver.push(("ref", c.settings.org_ref.clone()));
                receiver.push(("receiver-activity-id", ours));
            } else {
                provider.push(("ref", c.settings.org_ref.clone()));
                provider.push(("provider-activity-id", ours));
            }
        }
        for (element, column, attributes) in
            [("provider-org", "provider", provider), ("receiver-org", "receiver", receiver)]
        {
            let attributes: Vec<(&str, &str)> =
                attributes.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (*k, v.as_str())).collect();
            let name = get(column);
            if !name.is_empty() || attributes.iter().any(|(k, _)| *k == "ref") {
                narratives(w, element, &attributes, &name, "")?;
            }
        }
        Ok(())
    })?;
    Ok(())
}
