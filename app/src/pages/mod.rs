//! One module per screen.

mod activities;
mod activity;
mod activity_form;
mod audit;
mod dashboard;
mod equipment;
mod form_fields;
mod grants;
mod handover_report;
mod handovers;
mod home;
mod indicators;
mod institutes;
mod list;
mod login;
mod not_found;
mod password;
mod records;
mod users;

pub use activities::ActivitiesPage;
pub use activity::ActivityPage;
pub use activity_form::{EditActivityPage, NewActivityPage};
pub use audit::AuditPage;
pub use dashboard::DashboardPage;
pub use equipment::EquipmentPage;
pub use grants::GrantsPage;
pub use handover_report::HandoverReportPage;
pub use handovers::{CertificatePage, HandoverPage, HandoversPage, NewHandoverPage};
pub use home::HomePage;
pub use indicators::IndicatorsPage;
pub use institutes::InstitutesPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use password::PasswordPage;
pub use records::{NewRecordPage, RecordListPage, RecordPage, RecordsPage};
pub use users::UsersPage;
