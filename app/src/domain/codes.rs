//! Coded values: the closed lists the data model uses, with their stored codes.

use serde::{Deserialize, Serialize};

use super::DomainError;

/// Declares an enum whose variants are stored as fixed text codes.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and used in URLs and exports.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Result<Self, DomainError> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err(DomainError::UnknownCode { list: stringify!($name).to_owned(), code: other.to_owned() }),
                }
            }
        }
    };
}

coded_enum!(
    /// What kind of activity it is.
    ActivityKind {
        Training = "training",
        Workshop = "workshop",
        SyllabusDevelopment = "syllabus_development",
        StudyVisit = "study_visit",
        EquipmentHandover = "equipment_handover",
        Meeting = "meeting",
    }
);

coded_enum!(
    /// The theme an activity addresses.
    Theme {
        TraffickingInPersons = "tip",
        SmugglingOfMigrants = "som",
        Both = "both",
    }
);

coded_enum!(
    /// The kind of beneficiary institution.
    InstituteKind {
        PoliceSchool = "police_school",
        GendarmerieSchool = "gendarmerie_school",
        JudicialTrainingInstitute = "judicial_training_institute",
        Ministry = "ministry",
        Other = "other",
    }
);

coded_enum!(
    /// What an institute reports about an item after receipt.
    EquipmentState {
        InUse = "in_use",
        NeedsRepair = "needs_repair",
        LostStolen = "lost_stolen",
        Disposed = "disposed",
    }
);

coded_enum!(
    /// Where a funding agreement stands.
    GrantStatus {
        Pipeline = "pipeline",
        Active = "active",
        Closed = "closed",
        Cancelled = "cancelled",
    }
);

coded_enum!(
    /// What sort of equipment an item is.
    EquipmentCategory {
        Computer = "computer",
        Projector = "projector",
        Printer = "printer",
        Furniture = "furniture",
        Vehicle = "vehicle",
        Other = "other",
    }
);

coded_enum!(
    /// Where a handover of equipment stands.
    HandoverStatus {
        Planned = "planned",
        HandedOver = "handed_over",
        Received = "received",
        PartiallyReceived = "partially_received",
        Disputed = "disputed",
    }
);

/// IATI activity status (codelist ActivityStatus): 1 pipeline … 5 cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivityStatus {
    Pipeline = 1,
    Implementation = 2,
    Finalisation = 3,
    Closed = 4,
    Cancelled = 5,
}

impl ActivityStatus {
    pub const ALL: &'static [ActivityStatus] = &[
        ActivityStatus::Pipeline,
        ActivityStatus::Implementation,
        ActivityStatus::Finalisation,
        ActivityStatus::Closed,
        ActivityStatus::Cancelled,
    ];

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.code() == code)
            .ok_or(DomainError::UnknownCode { list: "ActivityStatus".to_owned(), code: code.to_string() })
    }
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(String);

impl Country {
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        let code = code.trim();
        if super::iso::is_country(code) {
            Ok(Self(code.to_owned()))
        } else {
            Err(DomainError::Country(code.to_owned()))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Country {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Country> for String {
    fn from(value: Country) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_code(kind.code()).unwrap(), *kind);
        }
        for status in ActivityStatus::ALL {
            assert_eq!(ActivityStatus::from_code(status.code()).unwrap(), *status);
        }
        assert_eq!(HandoverStatus::from_code("handed_over").unwrap(), HandoverStatus::HandedOver);
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(ActivityKind::from_code("party").is_err());
        assert!(ActivityStatus::from_code(6).is_err());
        assert!(Country::parse("MLI").is_err());
        assert!(Country::parse("ml").is_err());
        assert_eq!(Country::parse("ML").unwrap().code(), "ML");
    }
}
