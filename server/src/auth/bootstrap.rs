//! Accounts made at first start: the first admin, and one user per role for the demo data.
//! Their passwords are random and printed once in the start-up log; none is in the repository.

use app::domain::Role;
use app::i18n::Locale;

use super::password;
use crate::config::AuthSettings;
use crate::db::Db;
use crate::db::users::{self, NewUser, UserError};

/// An account created at this start, with the password that was printed.
#[derive(Clone)]
pub struct InitialAccount {
    pub email: String,
    pub role: Role,
    pub password: String,
}

impl std::fmt::Debug for InitialAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InitialAccount")
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

fn announce(account: &InitialAccount) {
    tracing::warn!(
        email = %account.email,
        role = account.role.code(),
        password = %account.password,
        "initial account created: note this password now, it is not shown again"
    );
}

/// Creates the first admin when there is no active admin.
pub async fn ensure_admin(db: &Db, settings: &AuthSettings) -> Result<Option<InitialAccount>, UserError> {
    if users::admin_exists(db).await? {
        return Ok(None);
    }
    let password =
        settings.admin_password.as_ref().map(|p| p.expose().to_owned()).unwrap_or_else(password::generate);
    let new = NewUser {
        email: settings.admin_email.clone(),
        name: "Administrator".into(),
        role: Role::Admin,
        institute: None,
        donor: None,
        language: Locale::En,
        must_change_password: false,
    };
    users::create(db, None, &new, &password).await?;
    let account =
        InitialAccount { email: users::normalise_email(&settings.admin_email), role: Role::Admin, password };
    if settings.admin_password.is_some() {
        tracing::info!(email = %account.email, "initial admin created with AIDTRAIL_ADMIN_PASSWORD");
    } else {
        announce(&account);
    }
    Ok(Some(account))
}

/// One demo account.
struct DemoUser {
    email: &'static str,
    name: &'static str,
    role: Role,
    institute: Option<&'static str>,
    donor: Option<&'static str>,
    language: Locale,
}

/// The demo users: one programme manager, one auditor, one per demo donor, one per demo
/// institute (French-speaking, as the institutes are).
const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        email: "manager@aidtrail.demo",
        name: "Programme manager (demo)",
        role: Role::ProgrammeManager,
        institute: None,
        donor: None,
        language: Locale::En,
    },
    DemoUser {
        email: "auditor@aidtrail.demo",
        name: "Auditor (demo)",
        role: Role::Auditor,
        institute: None,
        donor: None,
        language: Locale::En,
    },
    DemoUser {
        email: "donor.de@aidtrail.demo",
        name: "Germany – Federal Foreign Office (demo)",
        role: Role::Donor,
        institute: None,
        donor: Some("DE-11"),
        language: Locale::En,
    },
    DemoUser {
        email: "donor.nl@aidtrail.demo",
        name: "Netherlands – Ministry of Foreign Affairs (demo)",
        role: Role::Donor,
        institute: None,
        donor: Some("NL-1"),
        language: Locale::En,
    },
    DemoUser {
        email: "ml-enp@aidtrail.demo",
        name: "École nationale de police, Bamako (démo)",
        role: Role::Institute,
        institute: Some("ML-ENP"),
        donor: None,
        language: Locale::Fr,
    },
    DemoUser {
        email: "ml-infj@aidtrail.demo",
        name: "Institut national de formation judiciaire (démo)",
        role: Role::Institute,
        institute: Some("ML-INFJ"),
        donor: None,
        language: Locale::Fr,
    },
    DemoUser {
        email: "ml-egn@aidtrail.demo",
        name: "École de la gendarmerie nationale, Mali (démo)",
        role: Role::Institute,
        institute: Some("ML-EGN"),
        donor: None,
        language: Locale::Fr,
    },
    DemoUser {
        email: "bf-enp@aidtrail.demo",
        name: "École nationale de police, Burkina Faso (démo)",
        role: Role::Institute,
        institute: Some("BF-ENP"),
        donor: None,
        language: Locale::Fr,
    },
    DemoUser {
        email: "bf-eng@aidtrail.demo",
        name: "École nationale de la gendarmerie, Burkina Faso (démo)",
        role: Role::Institute,
        institute: Some("BF-ENG"),
        donor: None,
        language: Locale::Fr,
    },
    DemoUser {
        email: "ne-enpfp@aidtrail.demo",
        name: "École nationale de police, Niger (démo)",
        role: Role::Institute,
        institute: Some("NE-ENPFP"),
        donor: None,
        language: Locale::Fr,
    },
    DemoUser {
        email: "ne-egn@aidtrail.demo",
        name: "École de la gendarmerie nationale, Niger (démo)",
        role: Role::Institute,
        institute: Some("NE-EGN"),
        donor: None,
        language: Locale::Fr,
    },
];

/// Creates the demo users (called once, right after the demo data was loaded).
pub async fn create_demo_users(db: &Db) -> Result<Vec<InitialAccount>, UserError> {
    let mut created = Vec::new();
    for DemoUser { email, name, role, institute, donor, language } in DEMO_USERS {
        let password = password::generate();
        let new = NewUser {
            email: (*email).to_owned(),
            name: (*name).to_owned(),
            role: *role,
            institute: institute.map(str::to_owned),
            donor: donor.map(str::to_owned),
            language: *language,
            must_change_password: false,
        };
        users::create(db, None, &new, &password).await?;
        let account = InitialAccount { email: (*email).to_owned(), role: *role, password };
        announce(&account);
        created.push(account);
    }
    Ok(created)
}
