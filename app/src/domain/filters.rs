//! List filters that live in the URL, so a view can be bookmarked and shared.

use serde::{Deserialize, Serialize};

use super::{ActivityKind, ActivityStatus, Country};

/// How the activities list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ActivitySort {
    #[default]
    Newest,
    Oldest,
    Title,
}

impl ActivitySort {
    pub const ALL: [ActivitySort; 3] = [ActivitySort::Newest, ActivitySort::Oldest, ActivitySort::Title];

    pub fn code(self) -> &'static str {
        match self {
            ActivitySort::Newest => "newest",
            ActivitySort::Oldest => "oldest",
            ActivitySort::Title => "title",
        }
    }

    pub fn from_code(code: &str) -> Self {
        Self::ALL.into_iter().find(|s| s.code() == code).unwrap_or_default()
    }
}

/// The filters of the activities list. Unknown or malformed values are ignored, never an error:
/// a shared link with a typo still shows a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ActivityFilter {
    pub country: Option<String>,
    pub year: Option<i32>,
    pub kind: Option<String>,
    pub status: Option<i64>,
    pub pillar: Option<String>,
    pub grant: Option<String>,
    pub donor: Option<String>,
    /// Words searched in titles (English and French) and codes.
    pub q: Option<String>,
    pub sort: ActivitySort,
}

fn key(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .map(str::to_owned)
}

impl ActivityFilter {
    /// Reads the filter from query parameters.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            country: get("country").and_then(|c| Country::parse(&c).ok()).map(|c| c.code().to_owned()),
            year: get("year")
                .and_then(|y| y.trim().parse::<i32>().ok())
                .filter(|y| (2000..=2100).contains(y)),
            kind: get("type")
                .and_then(|k| ActivityKind::from_code(k.trim()).ok())
                .map(|k| k.code().to_owned()),
            status: get("status")
                .and_then(|s| s.trim().parse::<i64>().ok())
                .and_then(|s| ActivityStatus::from_code(s).ok())
                .map(|s| s.code()),
            pillar: key(get("pillar").as_deref()),
            grant: key(get("grant").as_deref()),
            donor: key(get("donor").as_deref()),
            q: get("q").map(|q| q.trim().chars().take(100).collect::<String>()).filter(|q| !q.is_empty()),
            sort: get("sort").map(|s| ActivitySort::from_code(s.trim())).unwrap_or_default(),
        }
    }

    /// The query string of this filter (without the page), `&`-joined and percent-encoded.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(v) = &self.country {
            pairs.push(("country", v.clone()));
        }
        if let Some(v) = self.year {
            pairs.push(("year", v.to_string()));
        }
        if let Some(v) = &self.kind {
            pairs.push(("type", v.clone()));
        }
        if let Some(v) = self.status {
            pairs.push(("status", v.to_string()));
        }
        for (name, value) in
            [("pillar", &self.pillar), ("grant", &self.grant), ("donor", &self.donor), ("q", &self.q)]
        {
            if let Some(v) = value {
                pairs.push((name, v.clone()));
            }
        }
        if self.sort != ActivitySort::default() {
            pairs.push(("sort", self.sort.code().to_owned()));
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::domain::query_string::encode_component(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn is_empty(&self) -> bool {
        self.to_query().is_empty()
    }
}

/// The equipment register's filters, from the URL: grant, category, the institute the items
/// were handed to, and the state reported since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct EquipmentFilter {
    pub donor: Option<String>,
    pub grant: Option<String>,
    pub category: Option<String>,
    pub institute: Option<String>,
    pub state: Option<String>,
}

impl EquipmentFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            donor: key(get("donor").as_deref()),
            grant: key(get("grant").as_deref()),
            category: get("category").filter(|c| super::EquipmentCategory::from_code(c).is_ok()),
            institute: key(get("institute").as_deref()),
            state: get("state").filter(|s| super::EquipmentState::from_code(s).is_ok()),
        }
    }

    /// The query string of this filter (without the page).
    pub fn to_query(&self) -> String {
        [
            ("donor", &self.donor),
            ("grant", &self.grant),
            ("category", &self.category),
            ("institute", &self.institute),
            ("state", &self.state),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_ref().map(|v| format!("{k}={}", crate::domain::query_string::encode_component(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equipment_filters_drop_what_they_do_not_know() {
        let query = |k: &str| match k {
            "grant" => Some("de_2017".to_owned()),
            "category" => Some("spaceship".to_owned()),
            "state" => Some("needs_repair".to_owned()),
            "institute" => Some("x y".to_owned()),
            _ => None,
        };
        let filter = EquipmentFilter::from_query(query);
        assert_eq!(filter.category, None);
        assert_eq!(filter.institute, None);
        assert_eq!(filter.to_query(), "grant=de_2017&state=needs_repair");
    }
    use std::collections::HashMap;

    fn filter(pairs: &[(&str, &str)]) -> ActivityFilter {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ActivityFilter::from_query(|k| map.get(k).cloned())
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let f = filter(&[
            ("country", "ML"),
            ("year", "2018"),
            ("type", "workshop"),
            ("q", "Bamako tutoring"),
            ("sort", "title"),
        ]);
        assert_eq!(f.to_query(), "country=ML&year=2018&type=workshop&q=Bamako%20tutoring&sort=title");
        let again = filter(&[
            ("country", "ML"),
            ("year", "2018"),
            ("type", "workshop"),
            ("q", "Bamako tutoring"),
            ("sort", "title"),
        ]);
        assert_eq!(f, again);
    }

    #[test]
    fn malformed_values_are_ignored() {
        let f = filter(&[
            ("country", "Mali"),
            ("year", "20x8"),
            ("type", "party"),
            ("status", "9"),
            ("grant", "x; DROP"),
            ("sort", "?"),
        ]);
        assert!(f.is_empty(), "{f:?}");
    }
}
