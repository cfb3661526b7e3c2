//! The fields of each record's form, in the order shown: name (the stored name), label in
//! English and French, input, and whether it is required and shown in the list.

use super::{Choices, Field, Input, Pair, Source};

const fn f(name: &'static str, label: Pair, input: Input, required: bool, listed: bool) -> Field {
    Field { name, label, input, required, listed }
}

const TITLE: Pair = Pair("Title (English)", "Intitulé (anglais)");
const TITLE_FR: Pair = Pair("Title (French)", "Intitulé (français)");
const CODE: Pair = Pair("Code", "Code");

pub(super) const DONOR: &[Field] = &[
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

pub(super) const STRATEGY: &[Field] = &[
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

pub(super) const PILLAR: &[Field] = &[
    f("strategy", Pair("Strategy", "Stratégie"), Input::Reference(Source::Strategies), true, false),
    f("code", CODE, Input::Text { max: 40 }, true, true),
    f("title", TITLE, Input::Text { max: 300 }, true, true),
    f("title_fr", TITLE_FR, Input::Text { max: 300 }, false, false),
];

pub(super) const INDICATOR: &[Field] = &[
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

pub(super) const GRANT: &[Field] = &[
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
    f(
        "provider_activity_id",
        Pair(
            "The donor’s IATI activity identifier (optional)",
            "Identifiant IATI de l’activité du bailleur (facultatif)",
        ),
        Input::Text { max: 100 },
        false,
        false,
    ),
];

pub(super) const TRANSACTION: &[Field] = &[
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

pub(super) const INSTITUTE: &[Field] = &[
    f("code", CODE, Input::Text { max: 40 }, true, true),
    f("name", Pair("Name (English)", "Nom (anglais)"), Input::Text { max: 200 }, true, true),
    f("name_fr", Pair("Name (French)", "Nom (français)"), Input::Text { max: 200 }, false, false),
    f("kind", Pair("Type", "Type"), Input::Choice(Choices::InstituteKind), true, true),
    f("country", Pair("Country (ISO code)", "Pays (code ISO)"), Input::Country, true, true),
    f("city", Pair("City", "Ville"), Input::Text { max: 120 }, true, true),
];

pub(super) const EQUIPMENT: &[Field] = &[
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
