//! The texts of field errors, English and French, apart from the rest of the interface text.
//!
//! The form checks that run in the browser (`components::islands::LiveCheck`) need these and
//! nothing else: kept in their own table, they are all of the interface text the WASM bundle
//! carries (the pages' text is server HTML).

use super::{Locale, fmt_money};

/// The message of a field error code of the forms and imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldMsg {
    Required,
    TooLong,
    Date,
    DateWindow,
    HiddenCharacters,
    EndBeforeStart,
    BothDates,
    Choice,
    Country,
    Count,
    Amount,
    AmountNotation,
    OutsideStrategy,
    OutsideGrant,
    DuplicateCode,
    Unknown,
    DuplicateGrant,
    Rate,
    Currency,
    RateNotOne,
    OnePurpose,
    IatiIdentifier,
    TargetRow,
    DuplicateTarget,
    CurrencyLocked,
    DuplicateValue,
    CostCurrency,
    TooMany,
    DisputeReason,
    NothingReceived,
    UnknownSerial,
    MoreThanBought,
    BadKey,
    OverGrant,
    OverCost,
    BelowSpent,
    /// A code this table does not know (a mistake of ours, never the user's).
    Unreadable,
}

impl FieldMsg {
    /// The message of a field error code.
    pub fn for_code(code: &str) -> FieldMsg {
        use crate::domain::form_values::codes;
        use crate::domain::form_values::record_codes;
        use crate::domain::handovers::confirm_codes;
        match code {
            codes::REQUIRED => FieldMsg::Required,
            codes::TOO_LONG => FieldMsg::TooLong,
            codes::DATE => FieldMsg::Date,
            codes::DATE_WINDOW => FieldMsg::DateWindow,
            codes::HIDDEN_CHARACTERS => FieldMsg::HiddenCharacters,
            codes::END_BEFORE_START => FieldMsg::EndBeforeStart,
            codes::BOTH_DATES => FieldMsg::BothDates,
            codes::CHOICE => FieldMsg::Choice,
            codes::COUNTRY => FieldMsg::Country,
            codes::COUNT => FieldMsg::Count,
            codes::AMOUNT => FieldMsg::Amount,
            codes::AMOUNT_NOTATION => FieldMsg::AmountNotation,
            codes::OUTSIDE_STRATEGY => FieldMsg::OutsideStrategy,
            codes::OUTSIDE_GRANT => FieldMsg::OutsideGrant,
            codes::DUPLICATE_CODE => FieldMsg::DuplicateCode,
            codes::UNKNOWN => FieldMsg::Unknown,
            codes::DUPLICATE_GRANT => FieldMsg::DuplicateGrant,
            record_codes::RATE => FieldMsg::Rate,
            record_codes::CURRENCY => FieldMsg::Currency,
            record_codes::RATE_NOT_ONE => FieldMsg::RateNotOne,
            record_codes::ONE_PURPOSE => FieldMsg::OnePurpose,
            record_codes::IATI_IDENTIFIER => FieldMsg::IatiIdentifier,
            record_codes::TARGET_ROW => FieldMsg::TargetRow,
            record_codes::DUPLICATE_TARGET => FieldMsg::DuplicateTarget,
            record_codes::CURRENCY_LOCKED => FieldMsg::CurrencyLocked,
            record_codes::DUPLICATE => FieldMsg::DuplicateValue,
            record_codes::COST_CURRENCY => FieldMsg::CostCurrency,
            confirm_codes::TOO_MANY => FieldMsg::TooMany,
            confirm_codes::REASON => FieldMsg::DisputeReason,
            confirm_codes::NOTHING => FieldMsg::NothingReceived,
            confirm_codes::UNKNOWN_SERIAL => FieldMsg::UnknownSerial,
            confirm_codes::MORE_THAN_BOUGHT => FieldMsg::MoreThanBought,
            crate::domain::imports::file_codes::BAD_KEY => FieldMsg::BadKey,
            _ => FieldMsg::Unreadable,
        }
    }

    /// The text of this message in `locale`.
    pub fn text(self, locale: Locale) -> &'static str {
        locale.pick(self.pair())
    }

    fn pair(self) -> (&'static str, &'static str) {
        use FieldMsg::*;
        match self {
            Required => ("This field is required.", "Ce champ est obligatoire."),
            TooLong => ("This is too long.", "Ce texte est trop long."),
            Date => ("Enter a date as YYYY-MM-DD.", "Saisissez une date au format AAAA-MM-JJ."),
            DateWindow => {
                ("Enter a date between 2000 and 2099.", "Saisissez une date comprise entre 2000 et 2099.")
            }
            HiddenCharacters => (
                "Remove the invisible or control characters (pasted text often carries them).",
                "Retirez les caractères invisibles ou de contrôle (un texte collé en contient souvent).",
            ),
            EndBeforeStart => ("The end is before the start.", "La fin précède le début."),
            BothDates => ("Give both dates, or neither.", "Indiquez les deux dates, ou aucune."),
            Choice => ("Choose one of the options.", "Choisissez une des options."),
            Country => (
                "Use the two-letter country code (e.g. ML).",
                "Utilisez le code pays à deux lettres (par ex. ML).",
            ),
            Count => ("Enter a whole number, 0 or more.", "Saisissez un nombre entier positif ou nul."),
            Amount => ("Enter an amount such as 38,500.00.", "Saisissez un montant comme 38 500,00."),
            AmountNotation => (
                "In English the decimal mark is a point: 38,500.50 (thousands in groups of three, separated by commas or spaces).",
                "En français, les décimales suivent une virgule : 38 500,50 (milliers par groupes de trois, séparés par des espaces ; pas de point).",
            ),
            OutsideStrategy => (
                "The dates fall outside the strategy period (2015–2020).",
                "Les dates sortent de la période de la stratégie (2015–2020).",
            ),
            OutsideGrant => (
                "The activity’s dates fall outside this grant’s period.",
                "Les dates de l’activité sortent de la période de cette subvention.",
            ),
            DuplicateCode => (
                "Another activity has, or once had, this code: an IATI identifier must keep meaning one activity.",
                "Une autre activité porte, ou a porté, ce code : un identifiant IATI doit toujours désigner la même activité.",
            ),
            Unknown => {
                ("This no longer exists; choose again.", "Cet élément n’existe plus ; choisissez de nouveau.")
            }
            DuplicateGrant => ("This grant is already listed.", "Cette subvention figure déjà."),
            Rate => (
                "Enter a rate above 0, such as 1.0825.",
                "Saisissez un taux supérieur à 0, par exemple 1,0825.",
            ),
            Currency => (
                "Enter a three-letter ISO 4217 code, such as EUR.",
                "Saisissez un code ISO 4217 de trois lettres, par exemple EUR.",
            ),
            RateNotOne => (
                "The amount is already in this currency: the rate must be 1.",
                "Le montant est déjà dans cette monnaie : le taux doit être 1.",
            ),
            OnePurpose => (
                "A transaction pays for an activity or for equipment, not both.",
                "Une transaction paie une activité ou un équipement, pas les deux.",
            ),
            IatiIdentifier => (
                "An IATI identifier has no spaces and none of / & | ?, as in NL-1-PPR-12345.",
                "Un identifiant IATI ne contient ni espace ni / & | ?, par exemple NL-1-PPR-12345.",
            ),
            TargetRow => (
                "Each target needs a year (2000–2100), a country code and a whole number.",
                "Chaque cible demande une année (2000–2100), un code pays et un nombre entier.",
            ),
            DuplicateTarget => (
                "There is already a target for this year and country.",
                "Une cible existe déjà pour cette année et ce pays.",
            ),
            CurrencyLocked => (
                "Transactions are recorded on this grant: its currency cannot change.",
                "Des transactions sont enregistrées sur cette subvention : sa monnaie ne peut plus changer.",
            ),
            DuplicateValue => (
                "Another record already uses this value: it must be unique.",
                "Une autre fiche utilise déjà cette valeur : elle doit être unique.",
            ),
            CostCurrency => (
                "This grant is in another currency than the cost: record the cost in the grant’s currency.",
                "Cette subvention est dans une autre monnaie que le coût : indiquez le coût dans la monnaie de la subvention.",
            ),
            TooMany => ("More than is outstanding.", "Plus que ce qui est en attente."),
            DisputeReason => {
                ("Say why you dispute this handover.", "Indiquez pourquoi vous contestez cette remise.")
            }
            NothingReceived => (
                "Enter what arrived, or dispute the handover.",
                "Indiquez ce qui est arrivé, ou contestez la remise.",
            ),
            UnknownSerial => (
                "This serial number is not on the handover.",
                "Ce numéro de série ne figure pas sur la remise.",
            ),
            MoreThanBought => (
                "More items would be handed over than were bought.",
                "Plus d’articles seraient remis qu’il n’en a été acheté.",
            ),
            BadKey => (
                "Not a valid id: letters, digits, _ and - only.",
                "Id non valide : lettres, chiffres, _ et - seulement.",
            ),
            OverGrant => (
                "This expenditure would take the grant’s spending above its amount by",
                "Cette dépense ferait dépasser le montant de la subvention de",
            ),
            OverCost => (
                "The funding shares add up to more than the activity’s cost, by",
                "Les parts de financement dépassent le coût de l’activité de",
            ),
            BelowSpent => (
                "More than this has already been spent on the grant, by",
                "Les dépenses déjà enregistrées sur la subvention dépassent ce montant de",
            ),
            Unreadable => ("This value cannot be used.", "Cette valeur ne peut pas être utilisée."),
        }
    }
}

/// The text of a field error, with the amount for those that carry one.
pub fn field_error_text(locale: Locale, message: &str) -> String {
    use crate::domain::form_values::{codes, parse_amount_error, record_codes};
    if let Some(rest) = message.strip_prefix(codes::AMOUNT_DECIMALS).and_then(|r| r.strip_prefix(':')) {
        let mut parts = rest.split(':');
        let (currency, typed, allowed) =
            (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or("0"));
        return match (locale, allowed) {
            (Locale::En, "0") => format!(
                "Read as an amount with {typed} decimals, but {currency} amounts are whole. For thousands, write 1,500 or 1 500."
            ),
            (Locale::En, _) => format!(
                "Read as an amount with {typed} decimals, but {currency} has {allowed}. For thousands, write 10,125 or 10 125."
            ),
            (Locale::Fr, "0") => format!(
                "Lu comme un montant à {typed} décimales, mais les montants en {currency} sont entiers. Pour les milliers, écrivez 1 500."
            ),
            (Locale::Fr, _) => format!(
                "Lu comme un montant à {typed} décimales, mais un montant en {currency} n’a que {allowed} décimales. Pour les milliers, écrivez 10 125."
            ),
        };
    }
    match parse_amount_error(message) {
        Some((code, money)) => {
            let msg = match code {
                record_codes::OVER_GRANT => FieldMsg::OverGrant,
                record_codes::OVER_COST => FieldMsg::OverCost,
                _ => FieldMsg::BelowSpent,
            };
            format!("{} {}.", msg.text(locale), fmt_money(locale, &money))
        }
        None => FieldMsg::for_code(message).text(locale).to_owned(),
    }
}
