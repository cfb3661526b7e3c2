//! Equipment handed over to institutes, and the institutes' confirmations of what arrived.
//!
//! A confirmation records, line by line, how many items arrived in this delivery, which serial
//! numbers were checked, their condition and a remark. Confirmations are never edited: a
//! correction is a new confirmation that names the one it replaces. What an institute has
//! received is the sum over the confirmations that no later one corrects; the handover's status
//! follows from it.

use serde::{Deserialize, Serialize};

use super::form_values::{FormValues, codes};
use super::{EquipmentState, HandoverStatus, Money, NamedRef, Text};
use crate::error::FieldError;

/// Rows offered for the lines of a new handover.
pub const NEW_LINES: usize = 5;

/// Codes of the confirmation form's errors.
pub mod confirm_codes {
    pub const MORE_THAN_BOUGHT: &str = "more_than_bought";
    pub const TOO_MANY: &str = "too_many";
    pub const REASON: &str = "dispute_reason";
    pub const NOTHING: &str = "nothing_received";
    pub const UNKNOWN_SERIAL: &str = "unknown_serial";
}

/// A line of a handover: what was handed over, and what has been confirmed of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverLine {
    pub equipment: String,
    pub description: Text,
    pub quantity: u32,
    pub serials: Vec<String>,
    pub unit_cost: Money,
    pub grant_reference: String,
    /// Units that arrived, as the institute counted them.
    pub received: u32,
    /// Of those, the units the institute disputes (counted in a confirmation marked as a
    /// dispute): they arrived but are not confirmed.
    #[serde(default)]
    pub disputed: u32,
    /// Serial numbers checked present by the institute.
    pub serials_checked: Vec<String>,
    /// The item's state as last reported.
    pub state: Option<EquipmentState>,
}

impl HandoverLine {
    /// Units that have not arrived.
    pub fn outstanding(&self) -> u32 {
        self.quantity.saturating_sub(self.received)
    }

    /// Units that arrived and are not disputed.
    pub fn confirmed(&self) -> u32 {
        self.received.saturating_sub(self.disputed)
    }
}

/// One line of a confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationLine {
    pub equipment: String,
    pub received: u32,
    pub serials_checked: Vec<String>,
    /// `good` or `damaged`.
    pub condition: String,
    pub remark: String,
}

/// A confirmation as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub id: String,
    pub outcome: HandoverStatus,
    pub confirmed_by: String,
    /// RFC 3339, UTC.
    pub confirmed_at: String,
    pub remarks: String,
    pub reason: Option<String>,
    /// The confirmation this one corrects.
    pub corrects: Option<String>,
    pub lines: Vec<ConfirmationLine>,
}

/// A row of the handovers list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverRow {
    pub id: String,
    pub code: String,
    pub institute: Text,
    /// ISO date.
    pub handed_over_on: String,
    pub status: HandoverStatus,
    pub items: u32,
    pub outstanding: u32,
}

/// Everything a handover's page and its certificate show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverDetail {
    pub id: String,
    pub code: String,
    pub institute: NamedRef,
    pub institute_city: String,
    pub activity: Option<NamedRef>,
    /// ISO date.
    pub handed_over_on: String,
    pub handed_over_by: String,
    pub status: HandoverStatus,
    pub lines: Vec<HandoverLine>,
    pub confirmations: Vec<Confirmation>,
    /// The donors and grants that paid for the items.
    pub donors: Vec<Text>,
    pub grants: Vec<String>,
    pub version: i64,
    /// The signed-in user is of this institute and the handover awaits confirmation.
    pub can_confirm: bool,
    /// The signed-in user may file a correction of the last confirmation.
    pub can_correct: bool,
    /// A fresh token for the confirmation form: the same form submitted twice counts once.
    pub form_token: String,
    /// What was reported about the items since, newest first.
    pub state_reports: Vec<StateReport>,
    /// The signed-in user may report the items' state (their institute after receipt, or staff).
    pub can_report: bool,
    /// The signed-in user may add a photo (the receiving institute, or editors).
    pub can_add_photo: bool,
    /// The handover is planned and the signed-in user may mark it handed over.
    pub can_hand_over: bool,
    pub photos: Vec<super::AttachmentRow>,
}

/// A report on an item's state after receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateReport {
    pub equipment: String,
    pub state: EquipmentState,
    /// ISO date.
    pub reported_on: String,
    pub remark: String,
    pub reported_by: String,
}

/// A handover with items still outstanding, or disputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenHandover {
    pub id: String,
    pub code: String,
    pub institute: Text,
    pub status: HandoverStatus,
    pub outstanding: u32,
    pub outstanding_value: Option<Money>,
}

/// How many items handed over to institutes are in a state, by the state last reported of the
/// handover line that holds them (`None`: never reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateCount {
    pub state: Option<EquipmentState>,
    pub items: u64,
}

/// Value handed over and value confirmed received, per grant, in the grant's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantEquipmentValue {
    pub reference: String,
    pub handed_over: Money,
    pub confirmed: Money,
}

/// An item whose verification date has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueItem {
    pub id: String,
    pub description: Text,
    /// ISO date.
    pub due: String,
}

/// The report across handovers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverReport {
    pub open: Vec<OpenHandover>,
    pub states: Vec<StateCount>,
    pub grants: Vec<GrantEquipmentValue>,
    pub overdue: Vec<OverdueItem>,
}

/// What the new-handover form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HandoverFormOptions {
    pub institutes: Vec<NamedRef>,
    pub activities: Vec<NamedRef>,
    pub equipment: Vec<NamedRef>,
}

impl HandoverDetail {
    pub fn outstanding(&self) -> u32 {
        self.lines.iter().map(HandoverLine::outstanding).sum()
    }

    /// The confirmations that count: those no later one corrects.
    pub fn effective(&self) -> impl Iterator<Item = &Confirmation> {
        self.confirmations
            .iter()
            .filter(|c| !self.confirmations.iter().any(|d| d.corrects.as_deref() == Some(c.id.as_str())))
    }
}

/// What an institute confirms, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationDraft {
    /// One per form shown: the same form submitted twice is recorded once.
    pub token: String,
    pub lines: Vec<ConfirmationLine>,
    pub dispute: bool,
    pub reason: Option<String>,
    pub remarks: String,
}

/// Checks a confirmation form against the handover's lines: quantities received now may not be
/// more than is outstanding, serials must be the handover's, a dispute needs a reason, and
/// something must be confirmed (or disputed).
pub fn parse_confirmation(
    values: &FormValues,
    lines: &[HandoverLine],
) -> Result<ConfirmationDraft, Vec<FieldError>> {
    let raw = |name: &str| values.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut errors = Vec::new();
    let error = |errors: &mut Vec<FieldError>, field: String, code: &str| {
        errors.push(FieldError { field, message: code.to_owned() });
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let field = format!("line_{i}_received");
        let received = match raw(&field) {
            text if text.is_empty() => 0,
            text => match text.parse::<u32>() {
                Ok(n) if n <= line.outstanding() => n,
                Ok(_) => {
                    error(&mut errors, field, confirm_codes::TOO_MANY);
                    continue;
                }
                Err(_) => {
                    error(&mut errors, field, codes::COUNT);
                    continue;
                }
            },
        };
        let serials_checked: Vec<String> = raw(&format!("line_{i}_serials"))
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if serials_checked.iter().any(|s| !line.serials.contains(s)) {
            error(&mut errors, format!("line_{i}_serials"), confirm_codes::UNKNOWN_SERIAL);
        }
        let condition = match raw(&format!("line_{i}_condition")).as_str() {
            "damaged" => "damaged",
            _ => "good",
        };
        let remark: String = raw(&format!("line_{i}_remark")).chars().take(500).collect();
        out.push(ConfirmationLine {
            equipment: line.equipment.clone(),
            received,
            serials_checked,
            condition: condition.to_owned(),
            remark,
        });
    }
    // An item that arrived damaged is disputed: marking a line damaged makes the confirmation a
    // dispute, which needs a reason, as ticking "dispute" does.
    let dispute =
        !raw("dispute").is_empty() || out.iter().any(|l| l.condition == "damaged" && l.received > 0);
    let reason = Some(raw("reason")).filter(|r| !r.is_empty());
    if dispute && reason.as_ref().is_none_or(|r| r.chars().count() < 3) {
        error(&mut errors, "reason".into(), confirm_codes::REASON);
    }
    if !dispute && errors.is_empty() && out.iter().all(|l| l.received == 0) {
        error(&mut errors, "line_0_received".into(), confirm_codes::NOTHING);
    }
    let remarks: String = raw("remarks").chars().take(2000).collect();
    let mut texts = vec![("remarks".to_owned(), true), ("reason".to_owned(), true)];
    texts.extend((0..lines.len()).map(|i| (format!("line_{i}_remark"), false)));
    for (field, multiline) in texts {
        if let Some(problem) = super::form_values::text_problem(&raw(&field), multiline) {
            error(&mut errors, field, problem);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ConfirmationDraft { token: raw("token"), lines: out, dispute, reason, remarks })
}

/// The units of each line of `draft` (in the order of `lines`) that it disputes: those of the
/// lines marked damaged; in a dispute where no line is marked damaged, every unit it counts (the
/// institute contests the handover as a whole).
pub fn disputed_now(draft: &ConfirmationDraft, lines: &[HandoverLine]) -> Vec<u32> {
    let any_damaged = draft.lines.iter().any(|l| l.condition == "damaged" && l.received > 0);
    lines
        .iter()
        .map(|line| match draft.lines.iter().find(|d| d.equipment == line.equipment) {
            Some(d) if d.condition == "damaged" => d.received,
            Some(d) if draft.dispute && !any_damaged => d.received,
            _ => 0,
        })
        .collect()
}

/// The status after adding `received` (per line, in line order) to what the lines already had.
pub fn status_after(lines: &[HandoverLine], received: &[u32], dispute: bool) -> HandoverStatus {
    if dispute {
        return HandoverStatus::Disputed;
    }
    let complete = lines.iter().zip(received).all(|(line, now)| line.received + now >= line.quantity);
    if complete { HandoverStatus::Received } else { HandoverStatus::PartiallyReceived }
}

/// A confirmation that everything arrived as listed (for confirming several handovers at once).
pub fn everything_received(token: String, lines: &[HandoverLine]) -> ConfirmationDraft {
    ConfirmationDraft {
        token,
        lines: lines
            .iter()
            .map(|l| ConfirmationLine {
                equipment: l.equipment.clone(),
                received: l.outstanding(),
                serials_checked: l
                    .serials
                    .iter()
                    .filter(|s| !l.serials_checked.contains(s))
                    .cloned()
                    .collect(),
                condition: "good".into(),
                remark: String::new(),
            })
            .collect(),
        dispute: false,
        reason: None,
        remarks: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn laptops(quantity: u32, received: u32) -> HandoverLine {
        HandoverLine {
            equipment: "ml_laptops_2018".into(),
            description: Text::new("Laptop", "Ordinateur portable"),
            quantity,
            serials: vec!["SN-1".into(), "SN-2".into()],
            unit_cost: Money::new(85_000, Currency::eur()).unwrap(),
            grant_reference: "DE-11".into(),
            received,
            disputed: 0,
            serials_checked: Vec::new(),
            state: None,
        }
    }

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn four_of_five_is_a_partial_receipt_and_the_last_one_completes_it() {
        let lines = [laptops(5, 0)];
        let draft = parse_confirmation(&form(&[("line_0_received", "4"), ("token", "t")]), &lines).unwrap();
        assert_eq!(draft.lines[0].received, 4);
        assert_eq!(status_after(&lines, &[4], false), HandoverStatus::PartiallyReceived);
        let later = [laptops(5, 4)];
        assert_eq!(later[0].outstanding(), 1);
        assert!(
            parse_confirmation(&form(&[("line_0_received", "2")]), &later).is_err(),
            "more than outstanding"
        );
        assert_eq!(status_after(&later, &[1], false), HandoverStatus::Received);
    }

    #[test]
    fn a_dispute_needs_a_reason_and_serials_must_be_the_handovers() {
        let lines = [laptops(5, 0)];
        let errors =
            parse_confirmation(&form(&[("dispute", "on"), ("line_0_serials", "SN-9")]), &lines).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"reason") && fields.contains(&"line_0_serials"), "{fields:?}");
        let disputed =
            parse_confirmation(&form(&[("dispute", "on"), ("reason", "Two screens broken")]), &lines)
                .unwrap();
        assert!(disputed.dispute);
        assert!(parse_confirmation(&form(&[]), &lines).is_err(), "nothing confirmed");
    }
}
