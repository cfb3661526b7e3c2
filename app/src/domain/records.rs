//! The programme's reference records (donors, the strategy, pillars, indicators, grants,
//! transactions, institutes): what each form holds, and the checks on what was typed.
//!
//! Each record type is described once, as a list of [`Field`]s. The form page renders from that
//! description, the browser checks a draft with [`parse_record`] as the user types, and the
//! server runs the same parser before its own checks that need the database (records that must
//! exist, the grant's currency, the expenditure ceiling). The field names are the stored names.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::activity_form::{FormValues, codes};
use super::{
    Country, Currency, DateRange, EquipmentCategory, GrantStatus, InstituteKind, Money, Rate, parse_date,
};
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

const ORG_TYPES: &[(i64, Pair)] = &[
    (10, Pair("Government", "Gouvernement")),
    (15, Pair("Other public sector", "Autre secteur public")),
    (21, Pair("International NGO", "ONG internationale")),
    (40, Pair("Multilateral", "Multilatéral")),
    (60, Pair("Foundation", "Fondation")),
    (70, Pair("Private sector", "Secteur privé")),
    (80, Pair("Academic, training and research", "Enseignement, formation et recherche")),
    (90, Pair("Other", "Autre")),
];

const TRANSACTION_KINDS: &[(i64, Pair)] = &[
    (1, Pair("Incoming funds", "Fonds reçus")),
    (2, Pair("Outgoing commitment", "Engagement")),
    (3, Pair("Disbursement", "Décaissement")),
    (4, Pair("Expenditure", "Dépense")),
];

/// IATI TransactionType of an expenditure: the kind capped by the grant's amount.
pub const EXPENDITURE: i64 = 4;

const UNITS: &[(&str, Pair)] = &[
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

    /// `(code, English, French)` for each choice, in display order.
    pub fn options(self) -> Vec<(String, &'static str, &'static str)> {
        use crate::i18n::{Label, Locale};
        fn labelled<T: Label + Copy>(
            items: &[T],
            code: fn(T) -> &'static str,
        ) -> Vec<(String, &'static str, &'static str)> {
            items.iter().map(|i| (code(*i).to_owned(), i.label(Locale::En), i.label(Locale::Fr))).collect()
        }
        match self {
            Choices::OrgType => ORG_TYPES.iter().map(|(c, p)| (c.to_string(), p.0, p.1)).collect(),
            Choices::TransactionKind => {
                TRANSACTION_KINDS.iter().map(|(c, p)| (c.to_string(), p.0, p.1)).collect()
            }
            Choices::IndicatorUnit => UNITS.iter().map(|(c, p)| ((*c).to_owned(), p.0, p.1)).collect(),
            Choices::GrantStatus => labelled(GrantStatus::ALL, GrantStatus::code),
            Choices::InstituteKind => labelled(InstituteKind::ALL, InstituteKind::code),
            Choices::EquipmentCategory => labelled(EquipmentCategory::ALL, EquipmentCategory::code),
        }
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

const fn f(name: &'static str, label: Pair, input: Input, required: bool, listed: bool) -> Field {
    Field { name, label, input, required, listed }
}

const TITLE: Pair = Pair("Title (English)", "Intitulé (anglais)");
const TITLE_FR: Pair = Pair("Title (French)", "Intitulé (français)");
const CODE: Pair = Pair("Code", "Code");

const DONOR: &[Field] = &[
    f("name", Pair("Name (English)", "Nom (anglais)"), Input::Text { max: 200 }, true, true),
    f("name_fr", Pair("Name (French)", "Nom (français)"), Input::Text { max: 200 }, false, false),
    f(
        "iati_ref",
        Pair("IATI organisation identifier", "Identifiant d’organisation IATI"),
        Input::Text { max: 60 },
        true,
        true,
    ),
    f(
        "org_type",
        Pair("Organisation type", "Type d’organisation"),
        Input::Choice(Choices::OrgType),
        true,
        true,
    ),
    f("country", Pair("Country (ISO code)", "Pays (code ISO)"), Input::Country, true, true),
    f("currency", Pair("Reporting currency", "Monnaie de rapport"), Input::Currency, true, true),
];

const STRATEGY: &[Field] = &[
    f("code", CODE, Input::Text { max: 40 }, true, true),
    f("title", TITLE, Input::Text { max: 300 }, true, true),
    f("title_fr", TITLE_FR, Input::Text { max: 300 }, false, false),
    f("period_start", Pair("Period start", "Début de la période"), Input::Date, true, true),
    f("period_end", Pair("Period end", "Fin de la période"), Input::Date, true, true),
    f(
        "countries",
        Pair("Countries (ISO codes, comma separated)", "Pays (codes ISO, séparés par des virgules)"),
        Input::Countries,
        true,
        true,
    ),
];

const PILLAR: &[Field] = &[
    f("strategy", Pair("Strategy", "Stratégie"), Input::Reference(Source::Strategies), true, false),
    f("code", CODE, Input::Text { max: 40 }, true, true),
    f("title", TITLE, Input::Text { max: 300 }, true, true),
    f("title_fr", TITLE_FR, Input::Text { max: 300 }, false, false),
];

const INDICATOR: &[Field] = &[
    f("pillar", Pair("Pillar", "Axe"), Input::Reference(Source::Pillars), true, true),
    f("code", CODE, Input::Text { max: 40 }, true, true),
    f("title", TITLE, Input::Text { max: 300 }, true, true),
    f("title_fr", TITLE_FR, Input::Text { max: 300 }, false, false),
    f("unit", Pair("Unit", "Unité"), Input::Choice(Choices::IndicatorUnit), true, true),
    f("baseline", Pair("Baseline", "Valeur de référence"), Input::Integer, true, true),
    f(
        "targets",
        Pair("Targets by year and country", "Cibles par année et par pays"),
        Input::Targets,
        false,
        false,
    ),
];

const GRANT: &[Field] = &[
    f("donor", Pair("Donor", "Bailleur"), Input::Reference(Source::Donors), true, true),
    f("reference", Pair("Reference", "Référence"), Input::Text { max: 60 }, true, true),
    f("title", TITLE, Input::Text { max: 300 }, true, true),
    f("title_fr", TITLE_FR, Input::Text { max: 300 }, false, false),
    f("currency", Pair("Currency (ISO 4217)", "Monnaie (ISO 4217)"), Input::Currency, true, false),
    f("amount_minor", Pair("Amount", "Montant"), Input::Amount { currency: "currency" }, true, true),
    f("signed_on", Pair("Signed on", "Signée le"), Input::Date, true, false),
    f("start_on", Pair("Start", "Début"), Input::Date, true, true),
    f("end_on", Pair("End", "Fin"), Input::Date, true, true),
    f("status", Pair("Status", "Statut"), Input::Choice(Choices::GrantStatus), true, true),
    f("pillars", Pair("Earmarked pillars", "Axes ciblés"), Input::References(Source::Pillars), false, false),
    f(
        "countries",
        Pair("Earmarked countries (ISO codes)", "Pays ciblés (codes ISO)"),
        Input::Countries,
        false,
        false,
    ),
];

const TRANSACTION: &[Field] = &[
    f("donor_grant", Pair("Grant", "Subvention"), Input::Reference(Source::Grants), true, true),
    f("kind", Pair("Type", "Type"), Input::Choice(Choices::TransactionKind), true, true),
    f("value_date", Pair("Value date", "Date de valeur"), Input::Date, true, true),
    f("currency", Pair("Currency (ISO 4217)", "Monnaie (ISO 4217)"), Input::Currency, true, false),
    f("amount_minor", Pair("Amount", "Montant"), Input::Amount { currency: "currency" }, true, true),
    f(
        "rate_to_grant",
        Pair("Rate to the grant’s currency", "Taux vers la monnaie de la subvention"),
        Input::Rate,
        true,
        false,
    ),
    f("rate_to_eur", Pair("Rate to EUR", "Taux vers l’euro"), Input::Rate, true, false),
    f(
        "activity",
        Pair("Paid for activity", "Activité payée"),
        Input::Reference(Source::Activities),
        false,
        false,
    ),
    f(
        "equipment",
        Pair("Paid for equipment", "Équipement payé"),
        Input::Reference(Source::Equipment),
        false,
        false,
    ),
    f("provider", Pair("Provider", "Fournisseur des fonds"), Input::Text { max: 200 }, true, false),
    f("receiver", Pair("Receiver", "Bénéficiaire"), Input::Text { max: 200 }, true, true),
    f("description", Pair("Description", "Description"), Input::Text { max: 500 }, false, true),
];

const INSTITUTE: &[Field] = &[
    f("code", CODE, Input::Text { max: 40 }, true, true),
    f("name", Pair("Name (English)", "Nom (anglais)"), Input::Text { max: 200 }, true, true),
    f("name_fr", Pair("Name (French)", "Nom (français)"), Input::Text { max: 200 }, false, false),
    f("kind", Pair("Type", "Type"), Input::Choice(Choices::InstituteKind), true, true),
    f("country", Pair("Country (ISO code)", "Pays (code ISO)"), Input::Country, true, true),
    f("city", Pair("City", "Ville"), Input::Text { max: 120 }, true, true),
];

const EQUIPMENT: &[Field] = &[
    f("donor_grant", Pair("Grant", "Subvention"), Input::Reference(Source::Grants), true, true),
    f("category", Pair("Category", "Catégorie"), Input::Choice(Choices::EquipmentCategory), true, true),
    f(
        "description",
        Pair("Description (English)", "Description (anglais)"),
        Input::Text { max: 300 },
        true,
        true,
    ),
    f(
        "description_fr",
        Pair("Description (French)", "Description (français)"),
        Input::Text { max: 300 },
        false,
        false,
    ),
    f("quantity", Pair("Quantity", "Quantité"), Input::Integer, true, true),
    f("currency", Pair("Currency (ISO 4217)", "Monnaie (ISO 4217)"), Input::Currency, true, false),
    f(
        "unit_cost_minor",
        Pair("Unit cost", "Coût unitaire"),
        Input::Amount { currency: "currency" },
        true,
        true,
    ),
    f("supplier", Pair("Supplier", "Fournisseur"), Input::Text { max: 200 }, false, false),
    f("purchase_date", Pair("Purchase date", "Date d’achat"), Input::Date, true, true),
    f(
        "serials",
        Pair("Serial numbers (comma separated)", "Numéros de série (séparés par des virgules)"),
        Input::List,
        false,
        false,
    ),
    f(
        "transaction",
        Pair("Paid by transaction", "Payé par la transaction"),
        Input::Reference(Source::Transactions),
        false,
        false,
    ),
    f("next_verification_on", Pair("Next verification", "Prochaine vérification"), Input::Date, false, true),
];

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
            parts.push(format!("q={}", crate::components::encode_component(&self.q)));
        }
        if let Some(parent) = &self.parent {
            parts.push(format!("parent={}", crate::components::encode_component(parent)));
        }
        if let Some(sort) = &self.sort {
            parts.push(format!("sort={}", crate::components::encode_component(sort)));
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

/// Field error codes of the record forms, beyond the activity form's.
pub mod record_codes {
    pub const RATE: &str = "rate";
    pub const CURRENCY: &str = "currency";
    pub const RATE_NOT_ONE: &str = "rate_not_one";
    pub const ONE_PURPOSE: &str = "one_purpose";
    pub const TARGET_ROW: &str = "target_row";
    pub const DUPLICATE_TARGET: &str = "duplicate_target";
    /// `over_grant:<currency>:<minor units>`: expenditure above the grant's amount, by how much.
    pub const OVER_GRANT: &str = "over_grant";
    /// `below_spent:<currency>:<minor units>`: a grant amount below what was already spent.
    pub const BELOW_SPENT: &str = "below_spent";
    /// A grant's currency cannot change once transactions are recorded on it.
    pub const CURRENCY_LOCKED: &str = "currency_locked";
    /// `over_cost:<currency>:<minor units>`: funding shares above the activity's cost.
    pub const OVER_COST: &str = "over_cost";
    /// A funding share in another currency than the activity's cost.
    pub const COST_CURRENCY: &str = "cost_currency";
    /// Another record of the kind already has this reference or code.
    pub const DUPLICATE: &str = "duplicate_value";
}

/// A field error that carries an amount: `over_grant:EUR:12345`.
pub fn amount_error(code: &str, money: &Money) -> String {
    format!("{code}:{}:{}", money.currency().as_str(), money.minor())
}

/// Reads back an error made by [`amount_error`].
pub fn parse_amount_error(message: &str) -> Option<(&str, Money)> {
    let mut parts = message.splitn(3, ':');
    let (code, currency, minor) = (parts.next()?, parts.next()?, parts.next()?);
    let money = Money::new(minor.parse().ok()?, Currency::parse(currency).ok()?).ok()?;
    Some((code, money))
}

struct Checker<'a> {
    values: &'a FormValues,
    errors: Vec<FieldError>,
}

impl Checker<'_> {
    fn raw(&self, field: &str) -> &str {
        self.values.get(field).map(|v| v.trim()).unwrap_or("")
    }

    fn error(&mut self, field: &str, code: &str) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError { field: field.to_owned(), message: code.to_owned() });
        }
    }

    fn list(&self, field: &str) -> Vec<String> {
        let mut items: Vec<String> =
            self.raw(field).split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        items.dedup();
        items
    }

    fn targets(&mut self) -> Vec<Target> {
        let mut targets: Vec<Target> = Vec::new();
        for i in 0..TARGET_ROWS {
            let names =
                [format!("target_{i}_year"), format!("target_{i}_country"), format!("target_{i}_value")];
            let [year, country, value] = names.each_ref().map(|n| self.raw(n).to_owned());
            if year.is_empty() && country.is_empty() && value.is_empty() {
                continue;
            }
            let year = year.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
            let country = Country::parse(&country.to_ascii_uppercase()).ok();
            let value = value.parse::<i64>().ok().filter(|v| (0..=1_000_000_000).contains(v));
            match (year, country, value) {
                (Some(year), Some(country), Some(value)) => {
                    let country = country.code().to_owned();
                    if targets.iter().any(|t| t.year == year && t.country == country) {
                        self.error(&names[0], record_codes::DUPLICATE_TARGET);
                    }
                    targets.push(Target { year, country, value });
                }
                _ => self.error(&names[0], record_codes::TARGET_ROW),
            }
        }
        targets
    }
}

/// Checks a record form; every problem is reported at once, by field.
pub fn parse_record(kind: RecordKind, values: &FormValues) -> Result<RecordDraft, Vec<FieldError>> {
    let mut c = Checker { values, errors: Vec::new() };
    let mut out = BTreeMap::new();
    for field in kind.fields() {
        let name = field.name;
        let raw = c.raw(name).to_owned();
        let empty = raw.is_empty() && field.input != Input::Targets;
        if empty && field.required {
            c.error(name, codes::REQUIRED);
            continue;
        }
        let value = match field.input {
            Input::Text { max } => {
                if raw.chars().count() > max {
                    c.error(name, codes::TOO_LONG);
                }
                FieldValue::Text(raw)
            }
            Input::LongText => {
                if raw.chars().count() > 20_000 {
                    c.error(name, codes::TOO_LONG);
                }
                FieldValue::Text(raw)
            }
            _ if empty => match field.input {
                Input::Reference(_) => FieldValue::Ref(None),
                Input::References(_) => FieldValue::Refs(Vec::new()),
                Input::Countries | Input::List => FieldValue::Codes(Vec::new()),
                _ => continue,
            },
            Input::Date => match parse_date(&raw) {
                Ok(date) => FieldValue::Date(date),
                Err(_) => {
                    c.error(name, codes::DATE);
                    continue;
                }
            },
            Input::Integer => match raw.parse::<i64>() {
                Ok(n) if (0..=1_000_000_000).contains(&n) => FieldValue::Int(n),
                _ => {
                    c.error(name, codes::COUNT);
                    continue;
                }
            },
            Input::Country => match Country::parse(&raw.to_ascii_uppercase()) {
                Ok(country) => FieldValue::Text(country.code().to_owned()),
                Err(_) => {
                    c.error(name, codes::COUNTRY);
                    continue;
                }
            },
            Input::Countries => {
                let mut countries = Vec::new();
                for code in c.list(name) {
                    match Country::parse(&code.to_ascii_uppercase()) {
                        Ok(country) => countries.push(country.code().to_owned()),
                        Err(_) => c.error(name, codes::COUNTRY),
                    }
                }
                FieldValue::Codes(countries)
            }
            Input::List => {
                let items = c.list(name);
                if items.iter().any(|i| i.chars().count() > 100) || items.len() > 10_000 {
                    c.error(name, codes::TOO_LONG);
                }
                FieldValue::Codes(items)
            }
            Input::Currency => match Currency::parse(&raw.to_ascii_uppercase()) {
                Ok(currency) => FieldValue::Text(currency.as_str().to_owned()),
                Err(_) => {
                    c.error(name, record_codes::CURRENCY);
                    continue;
                }
            },
            Input::Amount { currency } => {
                // With an unreadable currency, at least check the shape of the amount.
                let currency = Currency::parse(&c.raw(currency).to_ascii_uppercase())
                    .unwrap_or_else(|_| Currency::eur());
                match Money::parse(&raw, currency) {
                    Ok(money) => FieldValue::Minor(money.minor()),
                    Err(_) => {
                        c.error(name, codes::AMOUNT);
                        continue;
                    }
                }
            }
            Input::Rate => match Rate::parse(&raw) {
                Ok(rate) => FieldValue::Rate(rate),
                Err(_) => {
                    c.error(name, record_codes::RATE);
                    continue;
                }
            },
            Input::Choice(choices) => {
                if !choices.options().iter().any(|(code, _, _)| *code == raw) {
                    c.error(name, codes::CHOICE);
                    continue;
                }
                match choices.numeric() {
                    true => FieldValue::Int(raw.parse().unwrap_or_default()),
                    false => FieldValue::Text(raw),
                }
            }
            Input::Reference(_) => FieldValue::Ref(Some(raw)),
            Input::References(_) => FieldValue::Refs(c.list(name)),
            Input::Targets => FieldValue::Targets(c.targets()),
        };
        out.insert(name.to_owned(), value);
    }
    let draft = RecordDraft { kind, values: out };
    cross_checks(&mut c, &draft);
    if c.errors.is_empty() { Ok(draft) } else { Err(c.errors) }
}

/// Rules between fields of one record.
fn cross_checks(c: &mut Checker<'_>, draft: &RecordDraft) {
    let mut period = |start: &str, end: &str| {
        if let (Some(s), Some(e)) = (draft.date(start), draft.date(end))
            && DateRange::new(s, e).is_err()
        {
            c.error(end, codes::END_BEFORE_START);
        }
    };
    match draft.kind {
        RecordKind::Grant => {
            period("start_on", "end_on");
            period("signed_on", "end_on");
        }
        RecordKind::Strategy => period("period_start", "period_end"),
        RecordKind::Equipment => {
            if draft.int("quantity") == Some(0) {
                c.error("quantity", codes::COUNT);
            }
            let serials = match draft.values.get("serials") {
                Some(FieldValue::Codes(s)) => s.len(),
                _ => 0,
            };
            if draft.int("quantity").is_some_and(|q| serials as i64 > q) {
                c.error("serials", crate::domain::handovers::confirm_codes::TOO_MANY);
            }
        }
        RecordKind::Transaction => {
            if draft.text("currency") == "EUR" && draft.rate("rate_to_eur").is_some_and(|r| !r.is_one()) {
                c.error("rate_to_eur", record_codes::RATE_NOT_ONE);
            }
            if draft.reference("activity").is_some() && draft.reference("equipment").is_some() {
                c.error("equipment", record_codes::ONE_PURPOSE);
            }
        }
        _ => {}
    }
}

/// The form values of a stored record's target list.
pub fn target_values(targets: &[Target], values: &mut FormValues) {
    for (i, t) in targets.iter().enumerate().take(TARGET_ROWS) {
        values.insert(format!("target_{i}_year"), t.year.to_string());
        values.insert(format!("target_{i}_country"), t.country.clone());
        values.insert(format!("target_{i}_value"), t.value.to_string());
    }
}

/// The year of a date, for lists.
pub fn year_of(date: NaiveDate) -> i32 {
    date.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn grant_form() -> FormValues {
        form(&[
            ("donor", "nl_mfa"),
            ("reference", "NL-1-TEST"),
            ("title", "Test grant"),
            ("currency", "usd"),
            ("amount_minor", "1 250 000,50"),
            ("signed_on", "2018-01-10"),
            ("start_on", "2018-02-01"),
            ("end_on", "2019-12-31"),
            ("status", "active"),
            ("pillars", "p1,p2"),
            ("countries", "ml, ne"),
        ])
    }

    fn errors_of(kind: RecordKind, values: &FormValues) -> Vec<(String, String)> {
        parse_record(kind, values).unwrap_err().into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn a_grant_is_read_whole_in_its_own_currency() {
        let draft = parse_record(RecordKind::Grant, &grant_form()).unwrap();
        assert_eq!(draft.text("currency"), "USD");
        assert_eq!(draft.int("amount_minor"), Some(125_000_050));
        assert_eq!(draft.values["countries"], FieldValue::Codes(vec!["ML".into(), "NE".into()]));
        assert_eq!(draft.values["pillars"], FieldValue::Refs(vec!["p1".into(), "p2".into()]));
        assert_eq!(draft.reference("donor"), Some("nl_mfa"));
    }

    #[test]
    fn each_grant_rule_names_its_field() {
        let mut values = grant_form();
        values.insert("currency".into(), "EURO".into());
        values.insert("amount_minor".into(), "-5".into());
        values.insert("end_on".into(), "2017-12-31".into());
        values.insert("status".into(), "dreaming".into());
        values.insert("reference".into(), String::new());
        let errors = errors_of(RecordKind::Grant, &values);
        for expected in [
            ("currency", record_codes::CURRENCY),
            ("amount_minor", codes::AMOUNT),
            ("end_on", codes::END_BEFORE_START),
            ("status", codes::CHOICE),
            ("reference", codes::REQUIRED),
        ] {
            assert!(errors.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {errors:?}");
        }
    }

    #[test]
    fn transactions_in_euro_have_a_euro_rate_of_one_and_pay_for_one_thing() {
        let values = form(&[
            ("donor_grant", "nl_2018"),
            ("kind", "4"),
            ("value_date", "2018-05-18"),
            ("currency", "EUR"),
            ("amount_minor", "100"),
            ("rate_to_grant", "1"),
            ("rate_to_eur", "1.1"),
            ("activity", "ml_workshop_2018"),
            ("equipment", "ml_projector_2018"),
            ("provider", "UNODC"),
            ("receiver", "Hotel"),
        ]);
        let errors = errors_of(RecordKind::Transaction, &values);
        assert!(errors.contains(&("rate_to_eur".into(), record_codes::RATE_NOT_ONE.into())));
        assert!(errors.contains(&("equipment".into(), record_codes::ONE_PURPOSE.into())));
    }

    #[test]
    fn indicator_targets_are_whole_rows() {
        let mut values =
            form(&[("pillar", "p2"), ("code", "X"), ("title", "T"), ("unit", "people"), ("baseline", "0")]);
        values.insert("target_0_year".into(), "2018".into());
        values.insert("target_0_country".into(), "ml".into());
        values.insert("target_0_value".into(), "40".into());
        let draft = parse_record(RecordKind::Indicator, &values).unwrap();
        assert_eq!(
            draft.values["targets"],
            FieldValue::Targets(vec![Target { year: 2018, country: "ML".into(), value: 40 }])
        );
        values.insert("target_1_year".into(), "2018".into());
        values.insert("target_1_country".into(), "ML".into());
        values.insert("target_1_value".into(), "5".into());
        values.insert("target_2_year".into(), "20x8".into());
        let errors = errors_of(RecordKind::Indicator, &values);
        assert!(errors.contains(&("target_1_year".into(), record_codes::DUPLICATE_TARGET.into())));
        assert!(errors.contains(&("target_2_year".into(), record_codes::TARGET_ROW.into())));
    }

    #[test]
    fn amount_errors_carry_the_amount() {
        let money = Money::new(12_345, Currency::eur()).unwrap();
        let message = amount_error(record_codes::OVER_GRANT, &money);
        assert_eq!(parse_amount_error(&message), Some((record_codes::OVER_GRANT, money)));
        assert_eq!(parse_amount_error("required"), None);
    }

    #[test]
    fn every_kind_has_a_slug_and_its_unique_field_exists() {
        for kind in RecordKind::ALL {
            assert_eq!(RecordKind::from_slug(kind.slug()), Some(*kind));
            if let Some(unique) = kind.unique() {
                assert!(kind.field(unique).is_some(), "{kind:?}");
            }
            assert!(kind.fields().iter().any(|f| f.listed));
        }
    }
}
