//! What a donor's money did: the dashboard's filters and figures.
//!
//! The figures are computed once, on the server, by one aggregation (the CSV exports use the
//! same one), so a number on screen and in a file cannot disagree.

use serde::{Deserialize, Serialize};

use super::{ActivityKind, Country, Money, NamedRef, Service, Text};

/// The dashboard's filters, from the URL. A donor user's own donor always replaces `donor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DashboardFilter {
    /// A donor key; `None` is the whole programme (staff only).
    pub donor: Option<String>,
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    pub country: Option<String>,
    pub grant: Option<String>,
    pub theme: Option<String>,
    pub pillar: Option<String>,
}

pub(crate) fn key(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| {
        !v.is_empty()
            && v.len() <= 64
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

fn year(value: Option<String>) -> Option<i32> {
    value.and_then(|y| y.trim().parse::<i32>().ok()).filter(|y| (2000..=2100).contains(y))
}

impl DashboardFilter {
    /// Reads the filter leniently: what is not understood is left out.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let (from_year, to_year) = match (year(get("from")), year(get("to"))) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            pair => pair,
        };
        Self {
            donor: key(get("donor")),
            from_year,
            to_year,
            country: get("country").and_then(|c| Country::parse(&c).ok()).map(|c| c.code().to_owned()),
            grant: key(get("grant")),
            theme: get("theme").filter(|t| super::Theme::from_code(t).is_ok()),
            pillar: key(get("pillar")),
        }
    }

    /// The same rules as [`Self::from_query`] applied to a filter that came over the wire (a
    /// server function's arguments): years outside 2000–2100, keys that cannot be keys and
    /// unknown codes are left out, and years given the wrong way round are swapped.
    pub fn normalised(&self) -> Self {
        let years = [self.from_year, self.to_year].map(|y| y.map(|y| y.to_string()));
        Self::from_query(|name| match name {
            "donor" => self.donor.clone(),
            "from" => years[0].clone(),
            "to" => years[1].clone(),
            "country" => self.country.clone(),
            "grant" => self.grant.clone(),
            "theme" => self.theme.clone(),
            "pillar" => self.pillar.clone(),
            _ => None,
        })
    }

    /// The query string (without `?`).
    pub fn to_query(&self) -> String {
        let years =
            [("from", self.from_year.map(|y| y.to_string())), ("to", self.to_year.map(|y| y.to_string()))];
        [("donor", self.donor.clone())]
            .into_iter()
            .chain(years)
            .chain([
                ("country", self.country.clone()),
                ("grant", self.grant.clone()),
                ("theme", self.theme.clone()),
                ("pillar", self.pillar.clone()),
            ])
            .filter_map(|(k, v)| {
                v.map(|v| format!("{k}={}", crate::domain::query_string::encode_component(&v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Money on one grant: the agreement, and what the transactions in the filter say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantMoney {
    pub id: String,
    pub reference: String,
    pub title: Text,
    pub amount: Money,
    pub committed: Money,
    pub disbursed: Money,
    pub spent: Money,
    /// Amount less spent (may be negative only if data were forced in).
    pub remaining: Money,
    /// The same, in euros with each transaction's stored rate (the agreement at the rate of its
    /// first incoming funds, or 1 for euro grants).
    pub spent_eur: Money,
    pub committed_eur: Money,
    pub disbursed_eur: Money,
    /// The distinct rates to the euro of the grant's spending (expenditure transactions: what
    /// `spent_eur` was converted at; incoming funds are not spending), written per language.
    pub rates: Vec<crate::domain::Rate>,
}

/// Cumulative expenditure in euros at the end of a quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BurnPoint {
    /// `2018-Q2`.
    pub period: String,
    pub spent_eur: i64,
}

/// People trained in one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCount {
    pub service: Service,
    pub women: u64,
    pub men: u64,
}

/// Equipment per institute: items handed over, confirmed received, outstanding and disputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstituteEquipment {
    pub institute: NamedRef,
    pub handed_over: u64,
    pub confirmed: u64,
    pub outstanding: u64,
    pub disputed: u64,
    pub value_handed_over: Money,
    pub value_confirmed: Money,
}

/// One donor's share of the whole programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonorTotal {
    pub donor: NamedRef,
    pub grants: u64,
    pub spent_eur: Money,
    /// Activities it funded in whole or in part.
    pub activities: u64,
}

/// An activity in the dashboard's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundedActivity {
    pub id: String,
    pub code: String,
    pub title: Text,
    pub kind: ActivityKind,
    pub country: Country,
    pub year: i32,
    pub participants: u64,
    pub women: u64,
}

/// Everything the dashboard shows, for one donor (or all) and the filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The filter in force (a donor's own donor put in).
    pub filter: DashboardFilter,
    pub donor: Option<NamedRef>,
    pub grants: Vec<GrantMoney>,
    pub burn: Vec<BurnPoint>,
    pub by_country: Vec<(Country, u64)>,
    pub by_year: Vec<(i32, u64)>,
    pub by_kind: Vec<(ActivityKind, u64)>,
    pub activities: Vec<FundedActivity>,
    pub people: Vec<ServiceCount>,
    pub instructors: u64,
    pub institutes_reached: u64,
    pub equipment: Vec<InstituteEquipment>,
    /// Totals per donor, in the whole-programme view only.
    pub by_donor: Vec<DonorTotal>,
}

impl Dashboard {
    pub fn people_trained(&self) -> u64 {
        self.people.iter().map(|s| s.women + s.men).sum()
    }

    pub fn women_trained(&self) -> u64 {
        self.people.iter().map(|s| s.women).sum()
    }

    pub fn activity_count(&self) -> u64 {
        self.by_kind.iter().map(|(_, n)| n).sum()
    }
}

/// The choices of the dashboard's filters, within the user's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DashboardOptions {
    /// Empty for donor users (they see their own).
    pub donors: Vec<NamedRef>,
    pub grants: Vec<NamedRef>,
    pub pillars: Vec<NamedRef>,
    pub countries: Vec<Country>,
    pub years: Vec<i32>,
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_filter_from_the_wire_obeys_the_address_bar_rules() {
        let wire = DashboardFilter {
            donor: Some("nl_mfa".into()),
            from_year: Some(i32::MAX),
            to_year: Some(2018),
            country: Some("Mali".into()),
            grant: Some("bad key".into()),
            theme: Some("nonsense".into()),
            pillar: Some("p2".into()),
        };
        let read = wire.normalised();
        assert_eq!(read.to_year, Some(2018));
        assert_eq!((read.from_year, read.country, read.grant, read.theme), (None, None, None, None));
        assert_eq!((read.donor.as_deref(), read.pillar.as_deref()), (Some("nl_mfa"), Some("p2")));
        let swapped = DashboardFilter { from_year: Some(2019), to_year: Some(2017), ..Default::default() };
        assert_eq!(swapped.normalised().from_year, Some(2017));
        assert_eq!(DashboardFilter::default().normalised(), DashboardFilter::default());
    }

    use super::*;

    #[test]
    fn the_filter_reads_leniently_and_writes_back_the_same() {
        let query = |k: &str| match k {
            "donor" => Some("nl_mfa".to_owned()),
            "from" => Some("2019".to_owned()),
            "to" => Some("2017".to_owned()),
            "country" => Some("ML".to_owned()),
            "theme" => Some("magic".to_owned()),
            _ => None,
        };
        let filter = DashboardFilter::from_query(query);
        assert_eq!((filter.from_year, filter.to_year), (Some(2017), Some(2019)), "swapped into order");
        assert_eq!(filter.theme, None);
        assert_eq!(filter.to_query(), "donor=nl_mfa&from=2017&to=2019&country=ML");
    }
}
