//! Names of coded values in each language.

use super::Locale;
use crate::domain::records::{Choices, ORG_TYPES, TRANSACTION_KINDS, UNITS};
use crate::domain::{
    ActivityKind, ActivityStatus, Country, EquipmentCategory, EquipmentState, GrantStatus, HandoverStatus,
    InstituteKind, Role, Service, Theme,
};

/// A coded value that has a name in each language.
pub trait Label {
    fn label(&self, locale: Locale) -> &'static str;
}

fn pick(locale: Locale, (en, fr): (&'static str, &'static str)) -> &'static str {
    match locale {
        Locale::En => en,
        Locale::Fr => fr,
    }
}

impl Label for ActivityKind {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                ActivityKind::Training => ("Training", "Formation"),
                ActivityKind::Workshop => ("Workshop", "Atelier"),
                ActivityKind::SyllabusDevelopment => ("Syllabus development", "Élaboration de programmes"),
                ActivityKind::StudyVisit => ("Study visit", "Visite d’étude"),
                ActivityKind::EquipmentHandover => ("Equipment handover", "Remise d’équipement"),
                ActivityKind::Meeting => ("Meeting", "Réunion"),
            },
        )
    }
}

impl Label for ActivityStatus {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                ActivityStatus::Pipeline => ("Pipeline", "En préparation"),
                ActivityStatus::Implementation => ("Implementation", "En cours"),
                ActivityStatus::Finalisation => ("Finalisation", "En finalisation"),
                ActivityStatus::Closed => ("Closed", "Clôturée"),
                ActivityStatus::Cancelled => ("Cancelled", "Annulée"),
            },
        )
    }
}

impl Label for Theme {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                Theme::TraffickingInPersons => ("Trafficking in persons", "Traite des personnes"),
                Theme::SmugglingOfMigrants => ("Smuggling of migrants", "Trafic illicite de migrants"),
                Theme::Both => (
                    "Trafficking in persons and smuggling of migrants",
                    "Traite des personnes et trafic illicite de migrants",
                ),
            },
        )
    }
}

impl Label for InstituteKind {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                InstituteKind::PoliceSchool => ("Police school", "École de police"),
                InstituteKind::GendarmerieSchool => ("Gendarmerie school", "École de gendarmerie"),
                InstituteKind::JudicialTrainingInstitute => {
                    ("Judicial training institute", "Institut de formation judiciaire")
                }
                InstituteKind::Ministry => ("Ministry", "Ministère"),
                InstituteKind::Other => ("Other", "Autre"),
            },
        )
    }
}

impl Label for GrantStatus {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                GrantStatus::Pipeline => ("Pipeline", "En préparation"),
                GrantStatus::Active => ("Active", "En cours"),
                GrantStatus::Closed => ("Closed", "Clôturée"),
                GrantStatus::Cancelled => ("Cancelled", "Annulée"),
            },
        )
    }
}

impl Label for EquipmentCategory {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                EquipmentCategory::Computer => ("Computer", "Ordinateur"),
                EquipmentCategory::Projector => ("Projector", "Vidéoprojecteur"),
                EquipmentCategory::Printer => ("Printer", "Imprimante"),
                EquipmentCategory::Furniture => ("Furniture", "Mobilier"),
                EquipmentCategory::Vehicle => ("Vehicle", "Véhicule"),
                EquipmentCategory::Other => ("Other", "Autre"),
            },
        )
    }
}

impl Label for EquipmentState {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                EquipmentState::InUse => ("In use", "En service"),
                EquipmentState::NeedsRepair => ("Needs repair", "À réparer"),
                EquipmentState::LostStolen => ("Lost or stolen", "Perdu ou volé"),
                EquipmentState::Disposed => ("Disposed of", "Mis au rebut"),
            },
        )
    }
}

impl Label for HandoverStatus {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                HandoverStatus::Planned => ("Planned", "Prévue"),
                HandoverStatus::HandedOver => ("Handed over", "Remise"),
                HandoverStatus::Received => ("Received", "Reçue"),
                HandoverStatus::PartiallyReceived => ("Partially received", "Reçue en partie"),
                HandoverStatus::Disputed => ("Disputed", "Contestée"),
            },
        )
    }
}

impl Label for Service {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                Service::Police => ("Police", "Police"),
                Service::Gendarmerie => ("Gendarmerie", "Gendarmerie"),
                Service::Justice => ("Justice", "Justice"),
                Service::Other => ("Other", "Autre"),
            },
        )
    }
}

impl Label for Role {
    fn label(&self, locale: Locale) -> &'static str {
        pick(
            locale,
            match self {
                Role::Admin => ("Administrator", "Administrateur"),
                Role::ProgrammeManager => ("Programme manager", "Gestionnaire de programme"),
                Role::Institute => ("Institute", "Institution"),
                Role::Donor => ("Donor", "Bailleur"),
                Role::Auditor => ("Auditor", "Auditeur"),
            },
        )
    }
}

impl Label for Locale {
    fn label(&self, _locale: Locale) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fr => "Français",
        }
    }
}

/// The name of a country the programme works with or is funded from; others show their code.
pub fn country_name(locale: Locale, country: &Country) -> String {
    let names = match country.code() {
        "BF" => ("Burkina Faso", "Burkina Faso"),
        "ML" => ("Mali", "Mali"),
        "NE" => ("Niger", "Niger"),
        "DE" => ("Germany", "Allemagne"),
        "NL" => ("Netherlands", "Pays-Bas"),
        "SN" => ("Senegal", "Sénégal"),
        "TD" => ("Chad", "Tchad"),
        "MR" => ("Mauritania", "Mauritanie"),
        "CI" => ("Côte d’Ivoire", "Côte d’Ivoire"),
        _ => return country.code().to_owned(),
    };
    pick(locale, names).to_owned()
}

impl Choices {
    /// `(code, English, French)` for each choice, in display order.
    pub fn options(self) -> Vec<(String, &'static str, &'static str)> {
        fn labelled<T: Label + Copy>(
            items: &[T],
            code: fn(T) -> &'static str,
        ) -> Vec<(String, &'static str, &'static str)> {
            items.iter().map(|i| (code(*i).to_owned(), i.label(Locale::En), i.label(Locale::Fr))).collect()
        }
        match self {
            Choices::OrgType => ORG_TYPES.iter().map(|(c, p)| (c.to_string(), p.0, p.1)).collect(),
            Choices::TransactionKind => {
                TRANSACTION_KINDS.iter().map(|(c, p)| (c.to_string(), p.0, p.1)).collect()
            }
            Choices::IndicatorUnit => UNITS.iter().map(|(c, p)| ((*c).to_owned(), p.0, p.1)).collect(),
            Choices::GrantStatus => labelled(GrantStatus::ALL, GrantStatus::code),
            Choices::InstituteKind => labelled(InstituteKind::ALL, InstituteKind::code),
            Choices::EquipmentCategory => labelled(EquipmentCategory::ALL, EquipmentCategory::code),
        }
    }
}
