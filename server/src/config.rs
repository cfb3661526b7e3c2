//! Settings, read once from `AIDTRAIL_*` environment variables. Every setting has a default
//! that makes a plain `aidtrail` work unconfigured.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Where attached files are kept, by content hash (default `./files`, beside `./data`).
    pub files_dir: PathBuf,
    /// Where cargo-leptos put the site (the `pkg/` folder with WASM, JS and CSS).
    pub site_root: PathBuf,
    pub demo: bool,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub auth: AuthSettings,
    /// How many answers of costly reads (dashboards, filter choices, lists) are kept until the
    /// data changes (default 256; 0 keeps none).
    pub read_cache_entries: usize,
    /// How old a cached answer a page may be given while others save (default 1 s; never older
    /// than the reader's own last save; 0: pages always read the current version).
    pub read_stale: Duration,
    /// The organisation publishing the IATI files (`/exports/iati/…`).
    pub iati: IatiSettings,
}

/// The reporting organisation of the IATI files, and the DAC 5-digit sector of each theme
/// (`AIDTRAIL_IATI_*`).
pub type IatiSettings = app::domain::iati::Publisher;

/// Sessions, sign-in limits and request limits.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A session unused this long ends (default 30 minutes).
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not (default 12 hours).
    pub session_max: Duration,
    /// Send the session cookie with `Secure` (default: when `public_url` is https).
    pub secure_cookies: bool,
    /// The site's own origin, e.g. `https://aidtrail.example.org`; when unset, the request's
    /// `Host` is taken as our origin.
    pub public_url: Option<String>,
    /// Largest request body accepted (default 2 MiB).
    pub max_body_bytes: usize,
    /// A request not answered by then gets a 503 page (default 30 s).
    pub request_timeout: Duration,
    /// Requests handled at once; more wait (at most `QUEUE_WAIT`), then get a 503 page
    /// (default 64).
    pub max_in_flight: usize,
    /// Sign-in attempts allowed per account, and per client address, in `login_window`.
    pub login_account_limit: u32,
    pub login_ip_limit: u32,
    pub login_window: Duration,
    /// The first admin's email, and optionally its password (otherwise random and printed once).
    pub admin_email: String,
    pub admin_password: Option<Secret>,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

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

        let files_dir = PathBuf::from(get("AIDTRAIL_FILES_DIR").unwrap_or_else(|| "files".into()));

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
            (Some(username), Some(password)) => {
                Some(DbCredentials { username, password: Secret::new(password) })
            }
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError {
                    name: "AIDTRAIL_DB_USER",
                    value: String::new(),
                    reason: "AIDTRAIL_DB_USER and AIDTRAIL_DB_PASSWORD must be set together".into(),
                });
            }
        };

        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v.parse::<u64>().ok().filter(|n| *n > 0).ok_or(ConfigError {
                    name,
                    value: v.clone(),
                    reason: "expected a whole number above 0".into(),
                }),
            }
        };
        let public_url = get("AIDTRAIL_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned());
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError {
                name: "AIDTRAIL_PUBLIC_URL",
                value: url.clone(),
                reason: "expected http://… or https://…".into(),
            });
        }
        let secure_default = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        let secure_cookies = match get("AIDTRAIL_SECURE_COOKIES") {
            None => secure_default,
            Some(v) => parse_bool(&v).ok_or_else(|| ConfigError {
                name: "AIDTRAIL_SECURE_COOKIES",
                value: v.clone(),
                reason: "expected true or false".into(),
            })?,
        };
        let auth = AuthSettings {
            session_idle: Duration::from_secs(number("AIDTRAIL_SESSION_IDLE_SECS", 30 * 60)?),
            session_max: Duration::from_secs(number("AIDTRAIL_SESSION_MAX_SECS", 12 * 60 * 60)?),
            secure_cookies,
            public_url,
            max_body_bytes: number("AIDTRAIL_MAX_BODY_BYTES", 2 * 1024 * 1024)? as usize,
            request_timeout: Duration::from_millis(number("AIDTRAIL_REQUEST_TIMEOUT_MS", 30_000)?),
            max_in_flight: number("AIDTRAIL_MAX_IN_FLIGHT", 64)? as usize,
            login_account_limit: number("AIDTRAIL_LOGIN_ACCOUNT_LIMIT", 5)? as u32,
            login_ip_limit: number("AIDTRAIL_LOGIN_IP_LIMIT", 20)? as u32,
            login_window: Duration::from_secs(number("AIDTRAIL_LOGIN_WINDOW_SECS", 60)?),
            admin_email: get("AIDTRAIL_ADMIN_EMAIL").unwrap_or_else(|| "admin@aidtrail.local".into()),
            admin_password: get("AIDTRAIL_ADMIN_PASSWORD").map(Secret::new),
        };

        let read_cache_entries = match get("AIDTRAIL_READ_CACHE_ENTRIES") {
            None => 256,
            Some(v) => v.parse::<usize>().map_err(|_| ConfigError {
                name: "AIDTRAIL_READ_CACHE_ENTRIES",
                value: v.clone(),
                reason: "expected a whole number (0 keeps none)".into(),
            })?,
        };

        let read_stale = match get("AIDTRAIL_READ_STALE_MS") {
            None => Duration::from_secs(1),
            Some(v) => Duration::from_millis(v.parse::<u64>().map_err(|_| ConfigError {
                name: "AIDTRAIL_READ_STALE_MS",
                value: v.clone(),
                reason: "expected a whole number of milliseconds (0: pages always current)".into(),
            })?),
        };

        let sectors_text =
            get("AIDTRAIL_IATI_SECTORS").unwrap_or_else(|| "tip=15130,som=15190,both=15130".into());
        let mut sectors = Vec::new();
        for pair in sectors_text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((theme, code))
                    if matches!(theme.trim(), "tip" | "som" | "both")
                        && code.trim().len() == 5
                        && code.trim().bytes().all(|b| b.is_ascii_digit()) =>
                {
                    sectors.push((theme.trim().to_owned(), code.trim().to_owned()))
                }
                _ => {
                    return Err(ConfigError {
                        name: "AIDTRAIL_IATI_SECTORS",
                        value: sectors_text.clone(),
                        reason: "expected theme=code pairs separated by commas, themes tip, som or both, \
                                 codes of the DAC 5-digit list (e.g. tip=15130,som=15190,both=15130)"
                            .into(),
                    });
                }
            }
        }
        // Demo values, marked as such (the settings page says so).
        let iati = IatiSettings {
            org_ref: get("AIDTRAIL_IATI_ORG_REF").unwrap_or_else(|| app::domain::iati::DEMO_ORG_REF.into()),
            org_type: get("AIDTRAIL_IATI_ORG_TYPE").unwrap_or_else(|| "40".into()),
            name_en: get("AIDTRAIL_IATI_ORG_NAME")
                .unwrap_or_else(|| "Sahel regional programme office (demo)".into()),
            name_fr: get("AIDTRAIL_IATI_ORG_NAME_FR")
                .unwrap_or_else(|| "Bureau du programme régional Sahel (démo)".into()),
            sectors,
            site_url: auth.public_url.clone(),
        };

        Ok(Self {
            iati,
            auth,
            read_cache_entries,
            read_stale,
            database,
            db_namespace: get("AIDTRAIL_DB_NAMESPACE").unwrap_or_else(|| "aidtrail".into()),
            db_name: get("AIDTRAIL_DB_DATABASE").unwrap_or_else(|| "main".into()),
            db_credentials,
            addr,
            site_root,
            files_dir,
            demo,
            log_filter: get("AIDTRAIL_LOG").unwrap_or_else(|| "info,surrealdb=warn,surrealkv=warn".into()),
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
        "surrealkv" | "rocksdb" if rest.split('?').next().is_none_or(str::is_empty) => {
            Err(err(&format!("{scheme}:// needs a path")))
        }
        "rocksdb" if !cfg!(feature = "rocksdb") => Err(err(
            "this build has no RocksDB engine: build with `--features rocksdb` (needs clang), or use surrealkv://PATH",
        )),
        "surrealkv" | "rocksdb" | "mem" | "memory" | "ws" | "wss" => Ok(()),
        _ => Err(err("unknown engine; use surrealkv://PATH, mem:// or ws://HOST:PORT")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
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
        assert_eq!(s.auth.session_idle, Duration::from_secs(1800));
        assert_eq!(s.auth.session_max, Duration::from_secs(43200));
        assert_eq!(s.auth.max_body_bytes, 2 * 1024 * 1024);
        assert_eq!(s.auth.request_timeout, Duration::from_secs(30));
        assert_eq!(s.auth.max_in_flight, 64);
        assert!(!s.auth.secure_cookies);
        let https = settings(&[("AIDTRAIL_PUBLIC_URL", "https://aidtrail.example.org/")]).unwrap();
        assert!(https.auth.secure_cookies);
        assert_eq!(https.auth.public_url.as_deref(), Some("https://aidtrail.example.org"));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = settings(&[("AIDTRAIL_ADDR", "localhost")]).unwrap_err();
        assert_eq!(e.name, "AIDTRAIL_ADDR");
        assert!(e.to_string().starts_with("AIDTRAIL_ADDR=\"localhost\" is not valid"));
        assert_eq!(settings(&[("AIDTRAIL_DB", "postgres://x")]).unwrap_err().name, "AIDTRAIL_DB");
        assert_eq!(settings(&[("AIDTRAIL_DB", "surrealkv://")]).unwrap_err().name, "AIDTRAIL_DB");
        assert_eq!(settings(&[("AIDTRAIL_DEMO", "maybe")]).unwrap_err().name, "AIDTRAIL_DEMO");
        assert!(settings(&[("AIDTRAIL_DB_USER", "root")]).is_err());
        assert_eq!(
            settings(&[("AIDTRAIL_SESSION_IDLE_SECS", "0")]).unwrap_err().name,
            "AIDTRAIL_SESSION_IDLE_SECS"
        );
        assert_eq!(
            settings(&[("AIDTRAIL_PUBLIC_URL", "example.org")]).unwrap_err().name,
            "AIDTRAIL_PUBLIC_URL"
        );
    }

    #[test]
    fn iati_sectors_are_theme_code_pairs() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.iati.sector_for("tip"), Some("15130"));
        assert_eq!(s.iati.sector_for("som"), Some("15190"));
        let s = settings(&[("AIDTRAIL_IATI_SECTORS", "som=15190")]).unwrap();
        assert_eq!((s.iati.sector_for("som"), s.iati.sector_for("tip")), (Some("15190"), None));
        for bad in ["tip", "tip=1519", "tip=ABCDE", "drugs=15190", "tip=15190;som=15190"] {
            assert_eq!(
                settings(&[("AIDTRAIL_IATI_SECTORS", bad)]).unwrap_err().name,
                "AIDTRAIL_IATI_SECTORS",
                "{bad}"
            );
        }
    }

    #[test]
    fn secrets_do_not_leak_into_debug_output() {
        let s = settings(&[
            ("AIDTRAIL_DB_USER", "root"),
            ("AIDTRAIL_DB_PASSWORD", "hunter2"),
            ("AIDTRAIL_ADMIN_PASSWORD", "swordfish-swordfish"),
        ])
        .unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s:?}").contains("swordfish"));
    }
}
