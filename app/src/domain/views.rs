//! What the screens show: read models sent from server functions to the pages.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    ActivityKind, ActivityStatus, Country, DateRange, EquipmentCategory, GrantStatus, InstituteKind, Money,
    Participants, Theme,
};
use crate::i18n::Locale;

/// Text held in both languages (names and titles entered by programme managers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub en: String,
    pub fr: String,
}

impl Text {
    pub fn new(en: impl Into<String>, fr: impl Into<String>) -> Self {
        Self { en: en.into(), fr: fr.into() }
    }

    /// The text in `locale`, falling back to the other language when it is empty.
    pub fn get(&self, locale: Locale) -> &str {
        let (first, second) = match locale {
            Locale::En => (&self.en, &self.fr),
            Locale::Fr => (&self.fr, &self.en),
        };
        if first.is_empty() { second } else { first }
    }
}

/// Which page of a list to show. Pages count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: u32 = 20;
    pub const MAX_PER_PAGE: u32 = 100;

    /// Reads `?page=` leniently: anything missing or unreadable is page 1.
    pub fn from_query(page: Option<&str>) -> Self {
        let page = page.and_then(|p| p.trim().parse::<u32>().ok()).filter(|p| *p >= 1).unwrap_or(1);
        Self { page: page.min(1_000_000), per_page: Self::DEFAULT_PER_PAGE }
    }

    /// Clamps a request that came over the wire.
    pub fn clamped(self) -> Self {
        Self { page: self.page.clamp(1, 1_000_000), per_page: self.per_page.clamp(1, Self::MAX_PER_PAGE) }
    }

    /// Rows before this page. Page 0 (which a request can hold before it is clamped) is read
    /// as page 1 rather than overflowing.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// One page of a list, with what is needed to draw the pager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u32 {
        let pages = self.total.div_ceil(u64::from(self.per_page.max(1)));
        u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
    }

    /// 1-based positions of the first and last rows shown (0, 0 when empty).
    pub fn shown_range(&self) -> (u64, u64) {
        if self.items.is_empty() {
            return (0, 0);
        }
        let first = u64::from(self.page - 1) * u64::from(self.per_page) + 1;
        (first, first + self.items.len() as u64 - 1)
    }
}

/// A short reference to another record, for links and labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedRef {
    pub id: String,
    pub name: Text,
}

/// A row of the grants list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantRow {
    pub id: String,
    pub reference: String,
    pub title: Text,
    pub donor: Text,
    pub amount: Money,
    pub period: DateRange,
    pub status: GrantStatus,
    pub demo_figures: bool,
}

/// A row of the activities list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRow {
    pub id: String,
    pub title: Text,
    pub kind: ActivityKind,
    pub status: ActivityStatus,
    pub dates: DateRange,
    pub country: Country,
    pub city: String,
    pub participants: u32,
    pub women: u32,
}

/// Money one grant puts into one activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundingLine {
    /// The grant's reference; `None` for a co-funder's grant shown to another donor, who sees
    /// who co-funds the activity and with how much, never the other donor's grants.
    pub grant_reference: Option<String>,
    pub donor: Text,
    pub amount: Money,
}

/// An instructor (or supervising expert) of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instructor {
    pub name: Option<String>,
    pub institution: String,
    pub supervisor: bool,
}

/// Everything the activity detail page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDetail {
    pub id: String,
    pub title: Text,
    pub kind: ActivityKind,
    pub status: ActivityStatus,
    pub theme: Theme,
    pub planned: DateRange,
    pub actual: Option<DateRange>,
    pub country: Country,
    pub city: String,
    pub venue: String,
    pub pillar: Option<Text>,
    pub institutes: Vec<NamedRef>,
    pub funding: Vec<FundingLine>,
    /// What the activity cost in all, when recorded.
    pub cost: Option<Money>,
    pub participants: Participants,
    pub participant_profile: Text,
    pub instructors: Vec<Instructor>,
    pub narrative: Text,
    pub version: i64,
    pub archived: bool,
}

/// A row of the institutes list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstituteRow {
    pub id: String,
    pub name: Text,
    pub kind: InstituteKind,
    pub country: Country,
    pub city: String,
}

/// A row of the equipment register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquipmentRow {
    pub id: String,
    pub description: Text,
    pub category: EquipmentCategory,
    pub quantity: u32,
    pub unit_cost: Money,
    pub total_cost: Money,
    pub grant_reference: String,
    pub donor: Text,
    pub supplier: String,
    pub purchase_date: NaiveDate,
}

/// The value of the registered items of one grant: in their currency, and in euros where the
/// paying transaction's rate (or the euro itself) allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantEquipmentTotal {
    pub reference: String,
    pub total: Money,
    /// `None` when some item has no rate to the euro.
    pub eur: Option<Money>,
}

/// The choices of the equipment register's filters, within the user's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EquipmentFilterOptions {
    /// Empty for donors (they see their own only).
    pub donors: Vec<NamedRef>,
    pub grants: Vec<NamedRef>,
    pub institutes: Vec<NamedRef>,
}

/// Headline counts for the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Overview {
    /// `None` where the user's role does not see donors or grants (institutes).
    pub donors: Option<u64>,
    pub grants: Option<u64>,
    pub activities: u64,
    pub institutes: u64,
    pub equipment_items: u64,
    pub people_trained: u64,
    pub women_trained: u64,
}

/// An activity's editable values, with the version the edit starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityEdit {
    pub id: String,
    pub code: String,
    pub title: Text,
    pub kind: ActivityKind,
    pub status: ActivityStatus,
    pub planned: DateRange,
    pub actual: Option<DateRange>,
    pub country: Country,
    pub city: String,
    pub venue: String,
    pub institutes: Vec<String>,
    pub theme: Theme,
    pub pillar: Option<String>,
    pub funding: Vec<super::activity_form::FundingDraft>,
    pub cost: Option<Money>,
    pub participants: Participants,
    pub participant_profile: Text,
    pub instructors: Vec<super::activity_form::InstructorDraft>,
    pub narrative: Text,
    pub version: i64,
}

/// What the activity form offers in its lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ActivityFormOptions {
    pub grants: Vec<NamedRef>,
    pub institutes: Vec<NamedRef>,
    pub pillars: Vec<NamedRef>,
}

/// A form that came back with problems: what was typed, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FormState {
    pub values: super::form_values::FormValues,
    pub errors: Vec<crate::error::FieldError>,
    /// Someone saved the record in between: the values shown are the user's, not the newest.
    pub conflict: bool,
}

/// A file attached to an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRow {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// RFC 3339, UTC.
    pub uploaded_at: String,
    pub uploaded_by: String,
    /// Marked public by a programme manager: anyone may download it, the IATI file links to it.
    pub public: bool,
}

/// One change in a record's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub reason: Option<String>,
}

/// The choices offered by the activities list's filters, within the user's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ActivityFilterOptions {
    pub countries: Vec<Country>,
    pub years: Vec<i32>,
    pub pillars: Vec<NamedRef>,
    /// Empty for users who do not see grants (institutes).
    pub grants: Vec<NamedRef>,
    pub donors: Vec<NamedRef>,
}

/// One indicator of the strategy, with targets and actuals per year and country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub id: String,
    pub code: String,
    pub title: Text,
    /// people, women, curricula, institutes, items or percent.
    pub unit: String,
    /// Actuals counted from activities and handovers (true) or entered (false).
    pub computed: bool,
    pub baseline: u64,
    pub cells: Vec<IndicatorCell>,
}

/// Target and actual of an indicator for one year and country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorCell {
    pub year: i32,
    pub country: Country,
    pub target: Option<u64>,
    pub actual: Option<u64>,
    /// Of the actual, the women: known for the people counted from activities.
    pub women: Option<u64>,
}

impl From<super::records::Pair> for Text {
    fn from(pair: super::records::Pair) -> Self {
        Text::new(pair.0, pair.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_requests_are_lenient_and_bounded() {
        assert_eq!(PageRequest::from_query(None).page, 1);
        assert_eq!(PageRequest::from_query(Some("0")).page, 1);
        assert_eq!(PageRequest::from_query(Some("abc")).page, 1);
        assert_eq!(PageRequest::from_query(Some("3")).offset(), 40);
        assert_eq!(PageRequest { page: 0, per_page: 20 }.offset(), 0, "page 0 reads as page 1");
        assert_eq!(
            PageRequest { page: u32::MAX, per_page: u32::MAX }.offset(),
            u64::from(u32::MAX - 1) * u64::from(u32::MAX)
        );
        let wire = PageRequest { page: 0, per_page: 10_000 }.clamped();
        assert_eq!((wire.page, wire.per_page), (1, 100));
    }

    #[test]
    fn pages_know_their_range() {
        let page = Page { items: vec![1, 2, 3], page: 2, per_page: 20, total: 23 };
        assert_eq!(page.page_count(), 2);
        assert_eq!(page.shown_range(), (21, 23));
        let empty: Page<u8> = Page { items: vec![], page: 1, per_page: 20, total: 0 };
        assert_eq!((empty.page_count(), empty.shown_range()), (1, (0, 0)));
    }

    #[test]
    fn text_falls_back_to_the_other_language() {
        let t = Text::new("Workshop", "");
        assert_eq!(t.get(Locale::Fr), "Workshop");
        assert_eq!(Text::new("Workshop", "Atelier").get(Locale::Fr), "Atelier");
    }
}
