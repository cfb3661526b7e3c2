//! The programme's reference records (donors, the strategy, pillars, indicators, grants,
//! transactions, institutes): what each form holds, and the checks on what was typed.
//!
//! Each record type is described once, as a list of [`Field`]s. The form page renders from that
//! description, the browser checks a draft with [`parse_record`] as the user types, and the
//! server runs the same parser before its own checks that need the database (records that must
//! exist, the grant's currency, the expenditure ceiling). The field names are the stored names.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Rate;
use super::form_values::FormValues;
use crate::error::FieldError;

/// Rows offered for an indicator's targets.
pub const TARGET_ROWS: usize = 12;

/// A label in both languages (the field tables below are translation tables too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair(pub &'static str, pub &'static str);

/// The record types edited through the generic record forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordKind {
    Donor,
    Strategy,
    Pillar,
    Indicator,
    Grant,
    Transaction,
    Institute,
    Equipment,
}

/// Where the choices of a reference field come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Institutes,
    Donors,
    Strategies,
    Pillars,
    Grants,
    Activities,
    Equipment,
    Transactions,
}

impl Source {
    pub fn table(self) -> &'static str {
        match self {
            Source::Institutes => "institute",
            Source::Donors => "donor",
            Source::Strategies => "strategy",
            Source::Pillars => "pillar",
            Source::Grants => "donor_grant",
            Source::Activities => "activity",
            Source::Equipment => "equipment",
            Source::Transactions => "transaction",
        }
    }
}

/// A closed list of coded choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choices {
    /// IATI OrganisationType (a subset), stored as an integer.
    OrgType,
    /// IATI TransactionType 1–4, stored as an integer.
    TransactionKind,
    GrantStatus,
    InstituteKind,
    IndicatorUnit,
    EquipmentCategory,
}

pub(crate) const ORG_TYPES: &[(i64, Pair)] = &[
    (10, Pair("Government", "Gouvernement")),
    (15, Pair("Other public sector", "Autre secteur public")),
    (21, Pair("International NGO", "ONG internationale")),
    (40, Pair("Multilateral", "Multilatéral")),
    (60, Pair("Foundation", "Fondation")),
    (70, Pair("Private sector", "Secteur privé")),
    (80, Pair("Academic, training and research", "Enseignement, formation et recherche")),
    (90, Pair("Other", "Autre")),
];

pub(crate) const TRANSACTION_KINDS: &[(i64, Pair)] = &[
    (1, Pair("Incoming funds", "Fonds reçus")),
    (2, Pair("Outgoing commitment", "Engagement")),
    (3, Pair("Disbursement", "Décaissement")),
    (4, Pair("Expenditure", "Dépense")),
];

/// IATI TransactionType of an expenditure: the kind capped by the grant's amount.
pub const EXPENDITURE: i64 = 4;

pub(crate) const UNITS: &[(&str, Pair)] = &[
    ("people", Pair("People", "Personnes")),
    ("women", Pair("Women", "Femmes")),
    ("curricula", Pair("Curricula", "Programmes de formation")),
    ("institutes", Pair("Institutes", "Institutions")),
    ("items", Pair("Items", "Articles")),
    ("percent", Pair("Percent", "Pourcentage")),
];

impl Choices {
    /// Whether the code is stored as an integer.
    pub fn numeric(self) -> bool {
        matches!(self, Choices::OrgType | Choices::TransactionKind)
    }

    /// The label of a stored code, or the code itself when unknown.
    pub fn label_of(self, code: &str) -> (String, String) {
        self.options()
            .into_iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, en, fr)| (en.to_owned(), fr.to_owned()))
            .unwrap_or_else(|| (code.to_owned(), code.to_owned()))
    }
}

/// How a field is typed and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Free text of at most `max` characters.
    Text {
        max: usize,
    },
    /// Long free text.
    LongText,
    Date,
    /// A whole number ≥ 0.
    Integer,
    Country,
    /// Several countries, comma separated.
    Countries,
    /// Several short texts (serial numbers), comma separated.
    List,
    Currency,
    /// An amount in the currency typed in the field `currency`, stored in minor units.
    Amount {
        currency: &'static str,
    },
    /// An exchange rate (decimal > 0).
    Rate,
    Choice(Choices),
    /// A record of `Source`.
    Reference(Source),
    /// Several records of `Source`.
    References(Source),
    /// Indicator targets: rows of year, country and value.
    Targets,
}

/// One field of a record form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub label: Pair,
    pub input: Input,
    pub required: bool,
    /// Shown in the record list.
    pub listed: bool,
}

mod fields;
mod parse;

use fields::{DONOR, EQUIPMENT, GRANT, INDICATOR, INSTITUTE, PILLAR, STRATEGY, TRANSACTION};
pub use parse::{parse_record, target_values, year_of};

impl RecordKind {
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Grant,
        RecordKind::Transaction,
        RecordKind::Equipment,
        RecordKind::Donor,
        RecordKind::Institute,
        RecordKind::Strategy,
        RecordKind::Pillar,
        RecordKind::Indicator,
    ];

    /// The URL segment: `/records/grants`.
    pub fn slug(self) -> &'static str {
        match self {
            RecordKind::Donor => "donors",
            RecordKind::Strategy => "strategies",
            RecordKind::Pillar => "pillars",
            RecordKind::Indicator => "indicators",
            RecordKind::Grant => "grants",
            RecordKind::Transaction => "transactions",
            RecordKind::Institute => "institutes",
            RecordKind::Equipment => "equipment",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.slug() == slug)
    }

    /// The database table.
    pub fn table(self) -> &'static str {
        match self {
            RecordKind::Donor => "donor",
            RecordKind::Strategy => "strategy",
            RecordKind::Pillar => "pillar",
            RecordKind::Indicator => "indicator",
            RecordKind::Grant => "donor_grant",
            RecordKind::Transaction => "transaction",
            RecordKind::Institute => "institute",
            RecordKind::Equipment => "equipment",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            RecordKind::Donor => DONOR,
            RecordKind::Strategy => STRATEGY,
            RecordKind::Pillar => PILLAR,
            RecordKind::Indicator => INDICATOR,
            RecordKind::Grant => GRANT,
            RecordKind::Transaction => TRANSACTION,
            RecordKind::Institute => INSTITUTE,
            RecordKind::Equipment => EQUIPMENT,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// The field whose value no two records may share.
    pub fn unique(self) -> Option<&'static str> {
        match self {
            RecordKind::Donor => Some("iati_ref"),
            RecordKind::Grant => Some("reference"),
            RecordKind::Transaction | RecordKind::Equipment => None,
            _ => Some("code"),
        }
    }

    /// The text field searched by the list's search box.
    pub fn title_field(self) -> &'static str {
        match self {
            RecordKind::Donor | RecordKind::Institute => "name",
            RecordKind::Transaction | RecordKind::Equipment => "description",
            _ => "title",
        }
    }

    /// Plural name (list title) and singular name.
    pub fn names(self) -> (Pair, Pair) {
        match self {
            RecordKind::Donor => (Pair("Donors", "Bailleurs"), Pair("donor", "bailleur")),
            RecordKind::Strategy => (Pair("Strategies", "Stratégies"), Pair("strategy", "stratégie")),
            RecordKind::Pillar => (Pair("Pillars", "Axes"), Pair("pillar", "axe")),
            RecordKind::Indicator => (Pair("Indicators", "Indicateurs"), Pair("indicator", "indicateur")),
            RecordKind::Grant => (Pair("Grants", "Subventions"), Pair("grant", "subvention")),
            RecordKind::Transaction => {
                (Pair("Transactions", "Transactions"), Pair("transaction", "transaction"))
            }
            RecordKind::Institute => (Pair("Institutes", "Institutions"), Pair("institute", "institution")),
            RecordKind::Equipment => {
                (Pair("Equipment register", "Registre du matériel"), Pair("item", "article"))
            }
        }
    }

    /// Where a list of this kind may be filtered by a parent record (`?donor=`, `?grant=`).
    pub fn parent(self) -> Option<(&'static str, Source)> {
        match self {
            RecordKind::Grant => Some(("donor", Source::Donors)),
            RecordKind::Transaction | RecordKind::Equipment => Some(("donor_grant", Source::Grants)),
            RecordKind::Pillar => Some(("strategy", Source::Strategies)),
            RecordKind::Indicator => Some(("pillar", Source::Pillars)),
            _ => None,
        }
    }
}

/// What a record list shows: search text, a parent record, a sort and whether archived records
/// are included. Lives in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RecordQuery {
    pub q: String,
    /// Key of the parent record ([`RecordKind::parent`]).
    pub parent: Option<String>,
    /// A listed field, `-` first for descending.
    pub sort: Option<String>,
    pub archived: bool,
}

impl RecordQuery {
    /// Reads the URL's query leniently: anything unknown is ignored.
    pub fn from_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = Self::default();
        for (name, value) in pairs {
            let value = value.trim();
            match name {
                "q" => query.q = value.chars().take(100).collect(),
                "parent" if !value.is_empty() => query.parent = Some(value.to_owned()),
                "sort" if !value.is_empty() => query.sort = Some(value.to_owned()),
                "archived" => query.archived = value == "1",
                _ => {}
            }
        }
        query
    }

    /// The query string (without `?`), without the page.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", crate::domain::query_string::encode_component(&self.q)));
        }
        if let Some(parent) = &self.parent {
            parts.push(format!("parent={}", crate::domain::query_string::encode_component(parent)));
        }
        if let Some(sort) = &self.sort {
            parts.push(format!("sort={}", crate::domain::query_string::encode_component(sort)));
        }
        if self.archived {
            parts.push("archived=1".to_owned());
        }
        parts.join("&")
    }

    /// The sort as a listed field of `kind` and a direction; `None` for the default order.
    pub fn sort_field(&self, kind: RecordKind) -> Option<(&'static str, bool)> {
        let sort = self.sort.as_deref()?;
        let (name, descending) = match sort.strip_prefix('-') {
            Some(name) => (name, true),
            None => (sort, false),
        };
        kind.fields().iter().find(|f| f.listed && f.name == name).map(|f| (f.name, descending))
    }
}

/// A row of a record list: one cell per listed field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRow {
    pub id: String,
    pub cells: Vec<super::Text>,
    pub archived: bool,
}

/// Everything a record form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordForm {
    pub kind: RecordKind,
    /// What the form shows: the stored record, or what the user typed when it came back.
    pub values: FormValues,
    pub errors: Vec<FieldError>,
    /// Someone saved the record in between.
    pub conflict: bool,
    /// The stored version (`None` for a new record).
    pub version: Option<i64>,
    pub archived: bool,
    /// The choices of each reference field, by field name.
    pub options: BTreeMap<String, Vec<super::NamedRef>>,
    pub can_edit: bool,
}

/// An indicator target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub year: i32,
    pub country: String,
    pub value: i64,
}

/// A checked field value, in the shape it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FieldValue {
    Text(String),
    Date(NaiveDate),
    Int(i64),
    /// Minor units of the record's currency.
    Minor(i64),
    Rate(Rate),
    /// A record key (or none, for optional references).
    Ref(Option<String>),
    Refs(Vec<String>),
    /// Country codes.
    Codes(Vec<String>),
    Targets(Vec<Target>),
}

/// A checked record, ready for the server's own checks and saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordDraft {
    pub kind: RecordKind,
    pub values: BTreeMap<String, FieldValue>,
}

impl RecordDraft {
    pub fn text(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(FieldValue::Text(t)) => t,
            _ => "",
        }
    }

    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        match self.values.get(name) {
            Some(FieldValue::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.values.get(name) {
            Some(FieldValue::Int(n) | FieldValue::Minor(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn rate(&self, name: &str) -> Option<&Rate> {
        match self.values.get(name) {
            Some(FieldValue::Rate(r)) => Some(r),
            _ => None,
        }
    }

    pub fn reference(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some(FieldValue::Ref(Some(k))) => Some(k),
            _ => None,
        }
    }
}
