//! The application's state: what every handler can reach. At the bottom of the crate's imports:
//! it names the database, the session store and the settings, and nothing that serves HTTP.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use app::services::RepoHandle;

use crate::auth::rate_limit::LoginLimiter;
use crate::auth::store::SurrealSessionStore;
use crate::config::{AuthSettings, IatiSettings};
use crate::db::Db;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub repo: RepoHandle,
    pub db: Db,
    pub auth: Arc<AuthSettings>,
    pub iati: Arc<IatiSettings>,
    pub limiter: Arc<LoginLimiter>,
    pub sessions: SurrealSessionStore,
    /// Where attached files are kept.
    pub files: Arc<std::path::PathBuf>,
    /// Permits for the requests handled at once (`AIDTRAIL_MAX_IN_FLIGHT`).
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// The token `POST /ops/backup` asks for (`crate::backup::control`), if the control file
    /// could be written.
    pub control: Option<Arc<crate::backup::control::Control>>,
}
