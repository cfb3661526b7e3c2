//! What both kinds of form (activities, and the records of `records`) share: the values as
//! typed, and the codes of the errors shown next to their fields (translated by the page).

use std::collections::BTreeMap;

use super::{Currency, DomainError, Money};
use crate::i18n::Locale;

/// The raw values of the form, by field name, exactly as typed (kept to re-show after errors).
pub type FormValues = BTreeMap<String, String>;

/// The hidden field of every form that holds amounts or rates: the language the form was shown
/// in, whose decimal mark they are typed with. Values prefilled from a record do not have it
/// (their amounts are plain, `600000.00`, until the page writes them in its language).
pub const NOTATION: &str = "notation";

/// The language whose notation the form's amounts are read in; without the field (a post not
/// made from our pages), English, the notation of the CSV files.
pub fn notation(values: &FormValues) -> Locale {
    values.get(NOTATION).and_then(|code| Locale::from_code(code)).unwrap_or_default()
}

/// Whether a form field may be posted more than once: the checkbox groups (the institutes of an
/// activity, the handovers confirmed together, the serials checked on a handover line, the
/// pillars and countries of a record). Any other field posted twice is refused: joining
/// `amount=100&amount=200` into one value made `100,200`.
pub fn may_repeat(name: &str) -> bool {
    let serials_of_a_line = name
        .strip_prefix("line_")
        .and_then(|rest| rest.strip_suffix("_serials"))
        .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()));
    serials_of_a_line
        || matches!(name, "institutes" | "handover")
        || super::records::RecordKind::ALL.iter().any(|kind| {
            kind.fields().iter().any(|f| {
                f.name == name
                    && matches!(
                        f.input,
                        super::records::Input::References(_) | super::records::Input::Countries
                    )
            })
        })
}

/// Values prefilled from a record hold plain amounts and rates (`600000.00`); this writes them
/// as a user types them in `locale` (`600000,00`) and records that notation. Values that came
/// back from a post already carry the notation they were typed in, and are left as typed.
pub fn in_notation<'f>(
    mut values: FormValues,
    amounts: impl IntoIterator<Item = &'f str>,
    locale: Locale,
) -> FormValues {
    if values.contains_key(NOTATION) {
        return values;
    }
    if locale == Locale::Fr {
        for field in amounts {
            if let Some(value) = values.get_mut(field) {
                *value = value.replace('.', ",");
            }
        }
    }
    values.insert(NOTATION.to_owned(), locale.code().to_owned());
    values
}

/// Characters that change how the text around them is shown, or show nothing: bidirectional
/// embeddings, overrides and isolates (`\u{202e}gnp.exe` shows as `exe.png`), the zero-width
/// space and word joiner, the byte-order mark, and the line and paragraph separators.
fn is_hidden(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{2028}' | '\u{2029}')
}

/// Whether a typed text may be stored: no control characters (line breaks and tabs only in a
/// `multiline` text) and no [hidden](is_hidden) characters. The error code if not.
pub fn text_problem(text: &str, multiline: bool) -> Option<&'static str> {
    let allowed_control = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    text.chars()
        .any(|c| (c.is_control() && !allowed_control(c)) || is_hidden(c))
        .then_some(codes::HIDDEN_CHARACTERS)
}

/// Whether a text shows nothing once trimmed (empty, or zero-width characters only).
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_hidden(c) || matches!(c, '\u{200c}' | '\u{200d}'))
}

/// The error code of a date that could not be read.
pub fn date_code(error: &DomainError) -> &'static str {
    match error {
        DomainError::DateOutOfRange(_) => codes::DATE_WINDOW,
        _ => codes::DATE,
    }
}

/// The error code of an amount that could not be read: `amount_decimals:EUR:3:2` (three
/// decimals typed, EUR has two), `amount_notation` (the other language's decimal mark, or
/// thousands not in groups of three), else `amount`.
pub fn amount_code(error: &DomainError) -> String {
    match error {
        DomainError::AmountDecimals { currency, typed, allowed } => {
            format!("{}:{currency}:{typed}:{allowed}", codes::AMOUNT_DECIMALS)
        }
        DomainError::AmountNotation(_) => codes::AMOUNT_NOTATION.to_owned(),
        _ => codes::AMOUNT.to_owned(),
    }
}

/// Message keys for field errors (translated by the page).
pub mod codes {
    pub const REQUIRED: &str = "required";
    pub const TOO_LONG: &str = "too_long";
    pub const DATE: &str = "date";
    /// Control characters, bidirectional overrides or invisible characters in a text.
    pub const HIDDEN_CHARACTERS: &str = "hidden_characters";
    pub const DATE_WINDOW: &str = "date_window";
    pub const END_BEFORE_START: &str = "end_before_start";
    pub const BOTH_DATES: &str = "both_dates";
    pub const CHOICE: &str = "choice";
    pub const COUNTRY: &str = "country";
    pub const COUNT: &str = "count";
    pub const AMOUNT: &str = "amount";
    /// `amount_decimals:<currency>:<typed>:<allowed>`: more decimals than the currency has.
    pub const AMOUNT_DECIMALS: &str = "amount_decimals";
    pub const AMOUNT_NOTATION: &str = "amount_notation";
    pub const OUTSIDE_STRATEGY: &str = "outside_strategy";
    pub const OUTSIDE_GRANT: &str = "outside_grant";
    pub const DUPLICATE_CODE: &str = "duplicate_code";
    pub const UNKNOWN: &str = "unknown";
    pub const DUPLICATE_GRANT: &str = "duplicate_grant";
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
    /// Not usable as an IATI identifier: spaces, or one of `/ & | ?`.
    pub const IATI_IDENTIFIER: &str = "iati_identifier";
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hidden_and_control_characters_are_named() {
        assert_eq!(text_problem("\u{202e}gnp.exe", false), Some(codes::HIDDEN_CHARACTERS));
        assert_eq!(text_problem("Atelier\u{0}", false), Some(codes::HIDDEN_CHARACTERS));
        assert_eq!(text_problem("two\nlines", false), Some(codes::HIDDEN_CHARACTERS));
        assert_eq!(text_problem("two\nlines\tand a tab", true), None);
        assert_eq!(text_problem("Équipe d’Agadez – 2018", false), None);
        assert!(is_blank("\u{200b}\u{200b} ") && is_blank("") && !is_blank(" x "));
    }

    #[test]
    fn only_checkbox_groups_repeat() {
        for name in ["institutes", "handover", "line_0_serials", "line_12_serials", "pillars", "countries"] {
            assert!(may_repeat(name), "{name}");
        }
        for name in ["amount_minor", "line__serials", "line_x_serials", "version", "notation", "code"] {
            assert!(!may_repeat(name), "{name}");
        }
    }

    #[test]
    fn prefilled_amounts_are_written_in_the_pages_notation_typed_ones_are_kept() {
        let prefilled = FormValues::from([("amount_minor".to_owned(), "350000.00".to_owned())]);
        let french = in_notation(prefilled.clone(), ["amount_minor"], Locale::Fr);
        assert_eq!(french["amount_minor"], "350000,00");
        assert_eq!(french[NOTATION], "fr");
        assert_eq!(in_notation(prefilled, ["amount_minor"], Locale::En)["amount_minor"], "350000.00");
        // Typed on an English page, shown again on a French one: as typed, with its notation.
        let typed = FormValues::from([
            ("amount_minor".to_owned(), "1,500.50".to_owned()),
            (NOTATION.to_owned(), "en".to_owned()),
        ]);
        assert_eq!(in_notation(typed.clone(), ["amount_minor"], Locale::Fr), typed);
    }

    proptest! {
        /// A text with no control or hidden character is accepted as typed.
        #[test]
        fn printable_text_is_accepted(text in "[\\p{L}\\p{N}\\p{P}\\p{Zs}]{0,40}") {
            prop_assert_eq!(text_problem(&text, false), None);
        }

        /// Any control or bidirectional character makes a one-line text refused.
        #[test]
        fn a_control_or_bidi_character_is_refused(
            before in "[a-z]{0,5}",
            bad in prop::sample::select(vec!['\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{202e}', '\u{2066}', '\u{200b}', '\n']),
            after in "[a-z]{0,5}",
        ) {
            let text = format!("{before}{bad}{after}");
            prop_assert!(text_problem(&text, false).is_some());
        }
    }

    #[test]
    fn amount_errors_carry_the_amount() {
        let money = Money::new(12_345, Currency::eur()).unwrap();
        let message = amount_error(record_codes::OVER_GRANT, &money);
        assert_eq!(parse_amount_error(&message), Some((record_codes::OVER_GRANT, money)));
        assert_eq!(parse_amount_error("required"), None);
    }
}
