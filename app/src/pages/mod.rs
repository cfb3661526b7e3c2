//! One module per screen.

mod activities;
mod activity;
mod equipment;
mod grants;
mod home;
mod institutes;
mod list;
mod not_found;

pub use activities::ActivitiesPage;
pub use activity::ActivityPage;
pub use equipment::EquipmentPage;
pub use grants::GrantsPage;
pub use home::HomePage;
pub use institutes::InstitutesPage;
pub use not_found::NotFoundPage;
