//! Who is asking, and what each role may do. Enforced by the services on the server; the
//! browser only uses it to hide what would be refused anyway.

use serde::{Deserialize, Serialize};

use super::DomainError;
use crate::i18n::Locale;

/// A user's one role (DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    ProgrammeManager,
    Institute,
    Donor,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Admin, Role::ProgrammeManager, Role::Institute, Role::Donor, Role::Auditor];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProgrammeManager => "programme_manager",
            Role::Institute => "institute",
            Role::Donor => "donor",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| DomainError::UnknownCode { list: "Role".to_owned(), code: code.to_owned() })
    }

    /// Whether users of this role must be bound to an institute or a donor.
    pub fn binding(self) -> Binding {
        match self {
            Role::Institute => Binding::Institute,
            Role::Donor => Binding::Donor,
            _ => Binding::None,
        }
    }
}

/// What a role is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    None,
    Institute,
    Donor,
}

/// Something a user may want to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    ViewOverview,
    ViewGrants,
    ViewActivities,
    ViewInstitutes,
    ViewEquipment,
    /// Read the reference records (donors, transactions, strategy, ...): the programme's staff.
    ViewRecords,
    /// Create, edit and archive the programme's records.
    EditProgramme,
    /// Confirm (or dispute) the receipt of equipment handed over to one's own institute.
    ConfirmReceipt,
    ManageUsers,
    /// Read the audit log and check its hash chain: admins and auditors.
    ViewAudit,
}

impl Permission {
    pub const ALL: [Permission; 10] = [
        Permission::ViewOverview,
        Permission::ViewGrants,
        Permission::ViewActivities,
        Permission::ViewInstitutes,
        Permission::ViewEquipment,
        Permission::ViewRecords,
        Permission::EditProgramme,
        Permission::ConfirmReceipt,
        Permission::ManageUsers,
        Permission::ViewAudit,
    ];
}

/// Which records a user may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Everything (admin, programme manager, auditor).
    All,
    /// Only what this donor's grants paid for (donor key).
    Donor(String),
    /// Only this institute's activities and handovers (institute key).
    Institute(String),
}

/// The signed-in user, resolved once per request on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Institute key, for institute users.
    pub institute: Option<String>,
    /// Donor key, for donor users.
    pub donor: Option<String>,
    pub language: Locale,
    pub must_change_password: bool,
}

impl CurrentUser {
    /// The role's permissions: the one table of who may do what.
    pub fn can(&self, permission: Permission) -> bool {
        use Permission::*;
        match (self.role, permission) {
            // Only an institute speaks for what it received.
            (role, ConfirmReceipt) => role == Role::Institute,
            (Role::Admin, _) => true,
            (Role::ProgrammeManager | Role::Auditor, ManageUsers) => false,
            (Role::ProgrammeManager, ViewAudit) => false,
            (Role::Auditor, EditProgramme) => false,
            (Role::ProgrammeManager | Role::Auditor, _) => true,
            (Role::Donor, ViewOverview | ViewGrants | ViewActivities | ViewInstitutes | ViewEquipment) => {
                true
            }
            (Role::Institute, ViewOverview | ViewActivities | ViewInstitutes | ViewEquipment) => true,
            (Role::Donor | Role::Institute, _) => false,
        }
    }

    /// The records this user may see. A bound role without its binding sees nothing of the
    /// kind, never everything.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Donor => Scope::Donor(self.donor.clone().unwrap_or_default()),
            Role::Institute => Scope::Institute(self.institute.clone().unwrap_or_default()),
            _ => Scope::All,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> CurrentUser {
        CurrentUser {
            id: "u".into(),
            email: "u@example.org".into(),
            name: "U".into(),
            role,
            institute: (role == Role::Institute).then(|| "ml_enp".into()),
            donor: (role == Role::Donor).then(|| "nl_mfa".into()),
            language: Locale::En,
            must_change_password: false,
        }
    }

    #[test]
    fn only_admins_and_managers_edit_the_programme() {
        for role in Role::ALL {
            let expected = matches!(role, Role::Admin | Role::ProgrammeManager);
            assert_eq!(user(role).can(Permission::EditProgramme), expected, "{role:?}");
        }
    }

    #[test]
    fn only_admins_manage_users() {
        for role in Role::ALL {
            assert_eq!(user(role).can(Permission::ManageUsers), role == Role::Admin, "{role:?}");
        }
    }

    #[test]
    fn only_admins_and_auditors_read_the_audit_log() {
        for role in Role::ALL {
            let expected = matches!(role, Role::Admin | Role::Auditor);
            assert_eq!(user(role).can(Permission::ViewAudit), expected, "{role:?}");
        }
    }

    #[test]
    fn institutes_do_not_see_grants_and_bound_roles_are_scoped() {
        assert!(!user(Role::Institute).can(Permission::ViewGrants));
        assert!(user(Role::Donor).can(Permission::ViewGrants));
        assert_eq!(user(Role::Donor).scope(), Scope::Donor("nl_mfa".into()));
        assert_eq!(user(Role::Institute).scope(), Scope::Institute("ml_enp".into()));
        assert_eq!(user(Role::Auditor).scope(), Scope::All);
        let mut unbound = user(Role::Donor);
        unbound.donor = None;
        assert_eq!(unbound.scope(), Scope::Donor(String::new()));
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()).unwrap(), role);
        }
        assert!(Role::from_code("root").is_err());
    }
}

/// The one-time password just given to a user, shown once to the admin who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminFlash {
    pub email: String,
    pub password: String,
    /// A new account (true) or a reset (false).
    pub created: bool,
}

/// A row of the users page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The institute or donor the user is bound to.
    pub binding: Option<super::Text>,
    pub language: Locale,
    pub active: bool,
    pub must_change_password: bool,
}

/// What the new-user form offers to bind a user to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserFormOptions {
    pub institutes: Vec<super::NamedRef>,
    pub donors: Vec<super::NamedRef>,
}
