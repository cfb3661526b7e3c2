//! The columns of each export: name, type and meaning. They are the files' contract with the
//! auditors' spreadsheets: append, never rename or reorder (`docs/exports.md` is generated from
//! these tables, and a test keeps the two equal).

/// What a column holds, which decides how a cell is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// The key of a record, as other files name it (`nl_mfa`).
    Id,
    /// Free text, neutralised if a spreadsheet could take it for a formula.
    Text,
    /// A code from a fixed list (`training`, `received`).
    Code,
    /// A whole number.
    Int,
    /// An amount in the currency of the column named here, in units (`1234.50`).
    Amount(&'static str),
    /// An amount in euros, in units.
    Eur,
    /// An exchange rate, as stored.
    Rate,
    /// A calendar date, ISO 8601 (`2018-05-14`).
    Date,
    /// An instant, ISO 8601 in UTC (`2018-05-14T09:30:00Z`).
    DateTime,
    /// `true` or `false`.
    Bool,
    /// Funding shares: each grant's key and amount in the grant's currency, separated by `;`
    /// (`nl_2018 38500.00; de_2017 4000.00`).
    Funding,
}

impl ColumnKind {
    /// The type as `docs/exports.md` names it.
    pub fn doc_name(self) -> &'static str {
        match self {
            ColumnKind::Id => "id",
            ColumnKind::Text => "text",
            ColumnKind::Code => "code",
            ColumnKind::Int => "integer",
            ColumnKind::Amount(_) => "amount",
            ColumnKind::Eur => "amount (EUR)",
            ColumnKind::Rate => "rate",
            ColumnKind::Date => "date",
            ColumnKind::DateTime => "date-time",
            ColumnKind::Bool => "boolean",
            ColumnKind::Funding => "funding",
        }
    }

    /// Whether the cell is text a spreadsheet could read as a formula (numbers, dates and
    /// booleans come from typed fields and are written as they are).
    pub fn is_text(self) -> bool {
        matches!(self, ColumnKind::Id | ColumnKind::Text | ColumnKind::Code)
    }
}

/// One column of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
    pub meaning: &'static str,
}

const fn col(name: &'static str, kind: ColumnKind, meaning: &'static str) -> Column {
    Column { name, kind, meaning }
}

use ColumnKind::*;

pub(super) const DONORS: &[Column] = &[
    col("id", Id, "The donor."),
    col("name", Text, "Name in English."),
    col("name_fr", Text, "Name in French."),
    col("country", Code, "ISO 3166 code of the donor's country."),
    col("iati_ref", Text, "IATI organisation identifier."),
    col("org_type", Int, "IATI organisation type code."),
    col("currency", Code, "ISO 4217 code of the currency the donor reports in."),
];

pub(super) const GRANTS: &[Column] = &[
    col("id", Id, "The grant."),
    col("donor_id", Id, "The donor (`donors.csv`)."),
    col("reference", Text, "The grant agreement's reference."),
    col("title", Text, "Title in English."),
    col("title_fr", Text, "Title in French."),
    col("amount", Amount("currency"), "Amount of the agreement."),
    col("currency", Code, "ISO 4217 code of the grant's currency."),
    col("signed_on", Date, "Date the agreement was signed."),
    col("start_on", Date, "First day of the grant."),
    col("end_on", Date, "Last day of the grant."),
    col("status", Code, "pipeline, active, closed or cancelled."),
    col("countries", Text, "ISO 3166 codes of the countries covered, separated by `;`."),
    col(
        "provider_activity_id",
        Text,
        "The donor's own IATI activity identifier for this grant, when recorded; empty otherwise.",
    ),
];

pub(super) const TRANSACTIONS: &[Column] = &[
    col("id", Id, "The transaction."),
    col("grant_id", Id, "The grant it is booked on (`grants.csv`)."),
    col("donor_id", Id, "The grant's donor (`donors.csv`)."),
    col("kind", Int, "IATI transaction type: 1 incoming funds, 2 commitment, 3 disbursement, 4 expenditure."),
    col("value_date", Date, "Value date."),
    col("amount", Amount("currency"), "Amount in the transaction's own currency."),
    col("currency", Code, "ISO 4217 code of the transaction's currency."),
    col("rate_to_grant", Rate, "Units of the grant's currency per unit of the transaction's currency."),
    col("amount_grant", Amount("grant_currency"), "Amount in the grant's currency, at `rate_to_grant`."),
    col("grant_currency", Code, "ISO 4217 code of the grant's currency."),
    col("rate_to_eur", Rate, "Euros per unit of the transaction's currency."),
    col("amount_eur", Eur, "Amount in euros, at `rate_to_eur`."),
    col("activity_id", Id, "The activity it paid for, if any (`activities.csv`)."),
    col("equipment_id", Id, "The equipment it paid for, if any (`equipment.csv`)."),
    col("country", Code, "Country of the activity it paid for, if any."),
    col("provider", Text, "Who the money came from."),
    col("receiver", Text, "Who the money went to."),
    col("description", Text, "What it was for."),
];

pub(super) const ACTIVITIES: &[Column] = &[
    col("id", Id, "The activity."),
    col("code", Text, "The activity's code."),
    col("title", Text, "Title in English."),
    col("title_fr", Text, "Title in French."),
    col(
        "kind",
        Code,
        "training, workshop, syllabus_development, study_visit, equipment_handover or meeting.",
    ),
    col(
        "status",
        Int,
        "IATI activity status: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled.",
    ),
    col("planned_start", Date, "Planned first day."),
    col("planned_end", Date, "Planned last day."),
    col("actual_start", Date, "Actual first day, once known."),
    col("actual_end", Date, "Actual last day, once known."),
    col("country", Code, "ISO 3166 code of the country it took place in."),
    col("city", Text, "City."),
    col("venue", Text, "Venue."),
    col("theme", Code, "tip (trafficking in persons), som (smuggling of migrants) or both."),
    col("pillar_id", Id, "The strategy's pillar it serves."),
    col("institute_ids", Text, "The institutes taking part (`institutes.csv`), separated by `;`."),
    col(
        "grant_ids",
        Text,
        "The grants funding it (`grants.csv`), separated by `;`; in a donor's file, that donor's grants only.",
    ),
    col(
        "funding",
        Funding,
        "Each funding grant's key and share in the grant's currency, separated by `;`; in a donor's file, \
         another donor's share names that donor instead of its grant.",
    ),
    col("police_women", Int, "Women participants from the police."),
    col("police_men", Int, "Men participants from the police."),
    col("gendarmerie_women", Int, "Women participants from the gendarmerie."),
    col("gendarmerie_men", Int, "Men participants from the gendarmerie."),
    col("justice_women", Int, "Women participants from the justice sector."),
    col("justice_men", Int, "Men participants from the justice sector."),
    col("other_women", Int, "Women participants from other services."),
    col("other_men", Int, "Men participants from other services."),
    col("participants", Int, "All participants."),
    col("women", Int, "Women participants."),
    col("instructors", Int, "Instructors, not counting supervisors."),
    col(
        "previous_codes",
        Text,
        "The codes the activity had before, oldest first, separated by `;` (its previous IATI identifiers).",
    ),
];

pub(super) const PARTICIPANTS: &[Column] = &[
    col("country", Code, "ISO 3166 code of the country."),
    col("year", Int, "Year the activities started."),
    col("kind", Code, "Type of activity, as in `activities.csv`."),
    col("activities", Int, "Activities (a co-funded activity once)."),
    col("police_women", Int, "Women participants from the police."),
    col("police_men", Int, "Men participants from the police."),
    col("gendarmerie_women", Int, "Women participants from the gendarmerie."),
    col("gendarmerie_men", Int, "Men participants from the gendarmerie."),
    col("justice_women", Int, "Women participants from the justice sector."),
    col("justice_men", Int, "Men participants from the justice sector."),
    col("other_women", Int, "Women participants from other services."),
    col("other_men", Int, "Men participants from other services."),
    col("participants", Int, "All participants."),
    col("women", Int, "Women participants."),
    col("instructors", Int, "Instructors, not counting supervisors."),
];

pub(super) const INSTITUTES: &[Column] = &[
    col("id", Id, "The institute."),
    col("code", Text, "The institute's code."),
    col("name", Text, "Name in English."),
    col("name_fr", Text, "Name in French."),
    col("kind", Code, "police_school, gendarmerie_school, judicial_training_institute, ministry or other."),
    col("country", Code, "ISO 3166 code of its country."),
    col("city", Text, "City."),
];

pub(super) const INDICATORS: &[Column] = &[
    col("indicator_id", Id, "The indicator."),
    col("code", Text, "The indicator's code."),
    col("title", Text, "Title in English."),
    col("title_fr", Text, "Title in French."),
    col("unit", Code, "people, women, curricula, institutes, items or percent."),
    col(
        "computed",
        Bool,
        "Whether actuals are counted from activities and handovers (true) or entered (false).",
    ),
    col("baseline", Int, "Value at the start of the strategy."),
    col("year", Int, "Year of the target and actual."),
    col("country", Code, "ISO 3166 code of the country."),
    col("target", Int, "Target for the year and country, if set."),
    col("actual", Int, "Actual value for the year and country, as the indicators page shows it."),
];

pub(super) const EQUIPMENT: &[Column] = &[
    col("id", Id, "The item (a line of the register: one or more identical units)."),
    col("grant_id", Id, "The grant that paid for it (`grants.csv`)."),
    col("donor_id", Id, "The grant's donor (`donors.csv`)."),
    col("category", Code, "computer, projector, printer, furniture, vehicle or other."),
    col("description", Text, "Description in English."),
    col("description_fr", Text, "Description in French."),
    col("quantity", Int, "Units bought."),
    col("unit_cost", Amount("currency"), "Cost of one unit."),
    col("total_cost", Amount("currency"), "Cost of all units."),
    col("currency", Code, "ISO 4217 code of the cost's currency."),
    col(
        "rate_to_eur",
        Rate,
        "Euros per unit of the currency: 1 for euros, else from the paying transaction, if linked (as `/equipment` counts).",
    ),
    col("total_eur", Eur, "Cost of all units in euros, at `rate_to_eur`."),
    col("supplier", Text, "Supplier."),
    col("serials", Text, "Serial numbers, separated by `;`."),
    col("purchase_date", Date, "Date of purchase."),
    col("transaction_id", Id, "The transaction that paid for it (`transactions.csv`)."),
    col("next_verification_on", Date, "When the item is next to be checked."),
];

pub(super) const HANDOVERS: &[Column] = &[
    col("handover_id", Id, "The handover."),
    col("code", Text, "The handover's code."),
    col("institute_id", Id, "The receiving institute (`institutes.csv`)."),
    col("activity_id", Id, "The activity it was part of, if any."),
    col("handed_over_on", Date, "Date of the handover."),
    col("handed_over_by", Text, "Who handed the items over."),
    col("status", Code, "planned, handed_over, partially_received, received or disputed."),
    col("line", Int, "Number of the line within the handover, from 1."),
    col("equipment_id", Id, "The item (`equipment.csv`)."),
    col("quantity", Int, "Units handed over on this line."),
    col("received", Int, "Units that arrived, as the institute counted them (disputed ones included)."),
    col("disputed", Int, "Of those, units the institute disputes: arrived, not confirmed."),
    col("serials", Text, "Serial numbers handed over, separated by `;`."),
    col("serials_checked", Text, "Serial numbers the institute checked, separated by `;`."),
    col(
        "state",
        Code,
        "State last reported of this line's units: in_use, needs_repair, lost_stolen or disposed.",
    ),
    col("confirmed_at", DateTime, "Last confirmation by the institute."),
];

pub(super) const CONFIRMATIONS: &[Column] = &[
    col("confirmation_id", Id, "The confirmation (never changed: a correction is a new one)."),
    col("handover_id", Id, "The handover confirmed (`handovers.csv`)."),
    col("outcome", Code, "received, partially_received or disputed."),
    col("reason", Text, "Why it was disputed."),
    col("remarks", Text, "Remarks."),
    col("corrects_id", Id, "The confirmation this one corrects, if any."),
    col("confirmed_by", Text, "E-mail of the institute's user who confirmed."),
    col("confirmed_at", DateTime, "When."),
    col("line", Int, "Number of the line within the confirmation, from 1."),
    col("equipment_id", Id, "The item (`equipment.csv`)."),
    col("received", Int, "Units received, as confirmed on this line."),
    col("serials_checked", Text, "Serial numbers checked, separated by `;`."),
    col("condition", Code, "good or damaged."),
    col("remark", Text, "Remark on the line."),
];

pub(super) const STATE_REPORTS: &[Column] = &[
    col("id", Id, "The report."),
    col("equipment_id", Id, "The item (`equipment.csv`)."),
    col(
        "handover_id",
        Id,
        "The handover whose units it is about (`handovers.csv`); empty for reports made before 2026-12.",
    ),
    col("state", Code, "in_use, needs_repair, lost_stolen or disposed."),
    col("reported_on", Date, "Date the state was seen."),
    col("remark", Text, "Remark."),
    col("reported_by", Text, "E-mail of the user who reported it."),
    col("at", DateTime, "When the report was recorded."),
];

pub(super) const AUDIT_LOG: &[Column] = &[
    col("seq", Int, "Sequence number, from 1, without gaps."),
    col("at", DateTime, "When the change was saved."),
    col("actor", Text, "E-mail of the user who made it (empty for the system)."),
    col("action", Code, "create, update, archive, confirm, report_state, ..."),
    col("record", Text, "The record changed (`table:key`)."),
    col("reason", Text, "The reason given."),
    col("before", Text, "The record before the change, as stored."),
    col("after", Text, "The record after the change, as stored."),
    col("prev_hash", Text, "`hash` of the previous event."),
    col("hash", Text, "SHA-256 over this event's content and `prev_hash` (see `aidtrail audit verify`)."),
];
