//! Settings, read once from `AIDTRAIL_*` environment variables. Every setting has a default
//! that makes a plain `aidtrail` work unconfigured.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A configuration value that could not be used, named with where it came from.
#[derive(Debug, thiserror::Error)]
#[error("{name}={value:?} is not valid: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub reason: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A password that never shows up in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Credentials for a remote SurrealDB server (`ws://`); unused by the embedded engines.
#[derive(Debug, Clone)]
pub struct DbCredentials {
    pub username: String,
    pub password: Secret,
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `surrealkv://./data` (default), `mem://`, or `ws://host:8000`.
    pub database: String,
    pub db_namespace: String,
    pub db_name: String,
    pub db_credentials: Option<DbCredentials>,
    pub addr: SocketAddr,
    /// Where cargo-leptos put the site (the `pkg/` folder with WASM, JS and CSS).
    pub site_root: PathBuf,
    pub demo: bool,
    pub log_filter: String,
    pub log_format: LogFormat,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let database = get("AIDTRAIL_DB").unwrap_or_else(|| "surrealkv://./data".to_owned());
        check_endpoint(&database)?;

        let addr_text = get("AIDTRAIL_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let addr = addr_text.parse::<SocketAddr>().map_err(|e| ConfigError {
            name: "AIDTRAIL_ADDR",
            value: addr_text.clone(),
            reason: format!("{e} (expected host:port, e.g. 127.0.0.1:3000)"),
        })?;

        let site_root = PathBuf::from(
            get("AIDTRAIL_SITE_ROOT")
                .or_else(|| get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
        );

        let demo = match get("AIDTRAIL_DEMO") {
            None => true,
            Some(v) => parse_bool(&v).ok_or_else(|| ConfigError {
                name: "AIDTRAIL_DEMO",
                value: v.clone(),
                reason: "expected true or false".into(),
            })?,
        };

        let log_format = match get("AIDTRAIL_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    name: "AIDTRAIL_LOG_FORMAT",
                    value: other.to_owned(),
                    reason: "expected text or json".into(),
                });
            }
        };

        let db_credentials = match (get("AIDTRAIL_DB_USER"), get("AIDTRAIL_DB_PASSWORD")) {
            (Some(username), Some(password)) => Some(DbCredentials {
                username,
                password: Secret::new(password),
            }),
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError {
                    name: "AIDTRAIL_DB_USER",
                    value: String::new(),
                    reason: "AIDTRAIL_DB_USER and AIDTRAIL_DB_PASSWORD must be set together".into(),
                });
            }
        };

        Ok(Self {
            database,
            db_namespace: get("AIDTRAIL_DB_NAMESPACE").unwrap_or_else(|| "aidtrail".into()),
            db_name: get("AIDTRAIL_DB_DATABASE").unwrap_or_else(|| "main".into()),
            db_credentials,
            addr,
            site_root,
            demo,
            log_filter: get("AIDTRAIL_LOG")
                .unwrap_or_else(|| "info,surrealdb=warn,surrealkv=warn".into()),
            log_format,
        })
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The engines aidtrail knows how to reach.
fn check_endpoint(endpoint: &str) -> Result<(), ConfigError> {
    let err = |reason: &str| ConfigError {
        name: "AIDTRAIL_DB",
        value: endpoint.to_owned(),
        reason: reason.to_owned(),
    };
    let (scheme, rest) = endpoint
        .split_once("://")
        .ok_or_else(|| err("expected surrealkv://PATH, mem:// or ws://HOST:PORT"))?;
    match scheme {
        "surrealkv" if rest.split('?').next().is_none_or(str::is_empty) => {
            Err(err("surrealkv:// needs a path"))
        }
        "surrealkv" | "mem" | "memory" | "ws" | "wss" => Ok(()),
        _ => Err(err(
            "unknown engine; use surrealkv://PATH, mem:// or ws://HOST:PORT",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_configuration() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database, "surrealkv://./data");
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert!(s.demo);
        assert_eq!(s.log_format, LogFormat::Text);
        assert!(s.db_credentials.is_none());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = settings(&[("AIDTRAIL_ADDR", "localhost")]).unwrap_err();
        assert_eq!(e.name, "AIDTRAIL_ADDR");
        assert!(
            e.to_string()
                .starts_with("AIDTRAIL_ADDR=\"localhost\" is not valid")
        );
        assert_eq!(
            settings(&[("AIDTRAIL_DB", "postgres://x")])
                .unwrap_err()
                .name,
            "AIDTRAIL_DB"
        );
        assert_eq!(
            settings(&[("AIDTRAIL_DB", "surrealkv://")])
                .unwrap_err()
                .name,
            "AIDTRAIL_DB"
        );
        assert_eq!(
            settings(&[("AIDTRAIL_DEMO", "maybe")]).unwrap_err().name,
            "AIDTRAIL_DEMO"
        );
        assert!(settings(&[("AIDTRAIL_DB_USER", "root")]).is_err());
    }

    #[test]
    fn secrets_do_not_leak_into_debug_output() {
        let s = settings(&[
            ("AIDTRAIL_DB_USER", "root"),
            ("AIDTRAIL_DB_PASSWORD", "hunter2"),
        ])
        .unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
