//! Participants of an activity, disaggregated by sex and by service.

use serde::{Deserialize, Serialize};

use super::DomainError;

/// The services participants come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Police,
    Gendarmerie,
    Justice,
    Other,
}

impl Service {
    pub const ALL: [Service; 4] = [Service::Police, Service::Gendarmerie, Service::Justice, Service::Other];
}

/// People of one service: how many in all, and how many of them women.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawHeadcount")]
pub struct Headcount {
    total: u32,
    women: u32,
}

#[derive(Deserialize)]
struct RawHeadcount {
    total: u32,
    women: u32,
}

impl TryFrom<RawHeadcount> for Headcount {
    type Error = DomainError;
    fn try_from(raw: RawHeadcount) -> Result<Self, Self::Error> {
        Self::new(raw.total, raw.women)
    }
}

impl Headcount {
    pub fn new(total: u32, women: u32) -> Result<Self, DomainError> {
        if women > total {
            return Err(DomainError::MoreWomenThanParticipants { women, total });
        }
        Ok(Self { total, women })
    }

    pub fn total(&self) -> u32 {
        self.total
    }

    pub fn women(&self) -> u32 {
        self.women
    }

    pub fn men(&self) -> u32 {
        self.total - self.women
    }
}

/// Participants of one activity, one headcount per service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participants {
    pub police: Headcount,
    pub gendarmerie: Headcount,
    pub justice: Headcount,
    pub other: Headcount,
}

impl Participants {
    pub fn get(&self, service: Service) -> Headcount {
        match service {
            Service::Police => self.police,
            Service::Gendarmerie => self.gendarmerie,
            Service::Justice => self.justice,
            Service::Other => self.other,
        }
    }

    pub fn total(&self) -> u32 {
        Service::ALL.iter().map(|s| self.get(*s).total()).sum()
    }

    pub fn women(&self) -> u32 {
        Service::ALL.iter().map(|s| self.get(*s).women()).sum()
    }

    pub fn men(&self) -> u32 {
        self.total() - self.women()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn women_cannot_outnumber_participants() {
        assert_eq!(Headcount::new(2, 3), Err(DomainError::MoreWomenThanParticipants { women: 3, total: 2 }));
        assert_eq!(Headcount::new(20, 2).unwrap().men(), 18);
        assert!(serde_json::from_str::<Headcount>(r#"{"total":1,"women":2}"#).is_err());
    }

    #[test]
    fn totals_add_up_across_services() {
        let p = Participants {
            police: Headcount::new(12, 1).unwrap(),
            gendarmerie: Headcount::new(6, 1).unwrap(),
            justice: Headcount::new(2, 0).unwrap(),
            other: Headcount::default(),
        };
        assert_eq!((p.total(), p.women(), p.men()), (20, 2, 18));
        assert_eq!(p.get(Service::Gendarmerie).total(), 6);
    }
}
