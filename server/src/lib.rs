//! The aidtrail server: configuration, database, routes and start-up. `main.rs` is a thin
//! command line around [`startup::Application`], which tests start on port 0.

pub mod auth;
pub mod backup;
pub mod cli;
pub mod committed;
pub mod config;
pub mod db;
pub mod files;
pub mod http;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Settings;
pub use startup::{Application, StartupError};
