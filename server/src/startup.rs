//! Building the application: database, migrations, demo data, accounts, router, listener.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{MethodRouter, get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use app::services::RepoHandle;
use app::{App, shell};

use crate::auth::bootstrap::{self, InitialAccount};
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::store::SurrealSessionStore;
use crate::backup;
use crate::config::Settings;
use crate::db::demo::{self, DemoOutcome};
use crate::db::repo::SurrealRepo;
use crate::db::users::UserError;
use crate::db::{self, Db, DbError, Durability};
use crate::http::{
    account, activities, assets, attachments, deadline, exports, handovers, imports, middleware, ops,
    records, site, users,
};
use crate::state::AppState;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot create the initial accounts: {0}")]
    Accounts(#[from] UserError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// A server ready to accept connections.
pub struct Application {
    listener: TcpListener,
    router: Router,
    /// Holds a handle on the database until it is stopped at shutdown.
    housekeeping: tokio::task::JoinHandle<()>,
    db: Db,
    /// The embedded engine's folder, waited on at shutdown (see `db::wait_closed`).
    data_folder: Option<std::path::PathBuf>,
    /// The control file `aidtrail backup` reads, removed at a clean stop.
    control: Option<(std::path::PathBuf, Arc<backup::control::Control>)>,
    addr: SocketAddr,
    accounts: Vec<InitialAccount>,
}

impl Application {
    /// Opens the database, brings the schema up to date, loads demo data when asked, creates
    /// the first accounts and binds the listening socket.
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let started = Instant::now();
        let (db, durability) = db::connect(settings).await?;
        match durability {
            Durability::SyncEveryCommit => tracing::info!(
                database = %settings.database,
                "durable commits: every commit is synced to disk before it is acknowledged (surrealkv sync=every)"
            ),
            Durability::InMemory => {
                tracing::warn!(database = %settings.database, "in-memory database: nothing survives a restart")
            }
            Durability::Remote => tracing::info!(
                database = %settings.database,
                "remote SurrealDB server: commit durability is that server's setting"
            ),
        }
        let applied = db::migrations::apply(&db).await?;
        tracing::info!(applied = ?applied, "schema up to date");
        // Events whose changes committed just before the last stop (a crash) are chained first.
        match db.sequencer().sweep().await {
            Ok(0) => {}
            Ok(chained) => {
                tracing::warn!(chained, "audit events left unchained by the last run are now in the log")
            }
            Err(error) => tracing::error!(%error, "could not chain the audit events left by the last run"),
        }
        let mut accounts = Vec::new();
        if let Some(admin) = bootstrap::ensure_admin(&db, &settings.auth).await? {
            accounts.push(admin);
        }
        if settings.demo {
            match demo::load_if_empty(&db).await? {
                DemoOutcome::Loaded => accounts.extend(bootstrap::create_demo_users(&db).await?),
                DemoOutcome::AlreadyLoaded => tracing::info!("demo data already present"),
                DemoOutcome::SkippedNotEmpty => {
                    tracing::info!("database holds records: demo data not loaded")
                }
            }
        } else {
            tracing::info!("demo data disabled (--no-demo)");
        }
        let listener = TcpListener::bind(settings.addr)
            .await
            .map_err(|source| StartupError::Bind { addr: settings.addr, source })?;
        let addr =
            listener.local_addr().map_err(|source| StartupError::Bind { addr: settings.addr, source })?;
        let control = match backup::control::write(&settings.files_dir, addr) {
            Ok(control) => Some(Arc::new(control)),
            Err(error) => {
                tracing::warn!(%error, folder = %settings.files_dir.display(), "cannot write the control file: `aidtrail backup` cannot reach this server");
                None
            }
        };
        let (router, housekeeping) = router(settings, addr, db.clone(), control.clone());
        tracing::info!(startup_ms = started.elapsed().as_millis() as u64, "ready");
        Ok(Self {
            listener,
            router,
            housekeeping,
            db,
            data_folder: db::data_folder(settings),
            control: control.map(|c| (settings.files_dir.clone(), c)),
            addr,
            accounts,
        })
    }

    /// A handle on the database, for tests and tools.
    pub fn db(&self) -> Db {
        self.db.clone()
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Accounts created at this start, with their passwords (also printed in the log).
    pub fn initial_accounts(&self) -> &[InitialAccount] {
        &self.accounts
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish and closes the
    /// database.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        tracing::info!(addr = %self.addr, "listening on http://{}", self.addr);
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await?;
        tracing::info!("stopped accepting requests; closing the database");
        if let Some((files_dir, control)) = &self.control {
            backup::control::remove(files_dir, control);
        }
        // The engine closes the store when the last handle on it is dropped.
        self.housekeeping.abort();
        let _ = self.housekeeping.await;
        drop(self.db);
        if let Some(folder) = &self.data_folder {
            if db::wait_closed(folder, std::time::Duration::from_secs(30)).await {
                tracing::info!("database closed");
            } else {
                tracing::warn!(folder = %folder.display(), "the database did not close within 30 s");
            }
        }
        Ok(())
    }
}

/// The routes of ours besides the Leptos pages and server functions, listed as they are
/// registered so that the permission-matrix test can check it covers every one.
struct Routes {
    router: Router<AppState>,
    listed: Vec<(Method, &'static str)>,
}

impl Routes {
    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.listed.push((method, path));
        self.router = self.router.route(path, route);
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, get(handler))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, post(handler))
    }
}

fn plain_routes() -> Routes {
    Routes { router: Router::new(), listed: Vec::new() }
        .get("/healthz", site::healthz)
        .post("/ops/backup", ops::backup)
        .post("/lang", site::set_language)
        .post("/login", account::login)
        .post("/logout", account::logout)
        .post("/account/password", account::change_password)
        .post("/admin/users", users::create_user)
        .post("/admin/users/{id}/deactivate", users::deactivate_user)
        .post("/admin/users/{id}/activate", users::activate_user)
        .post("/admin/users/{id}/reset-password", users::reset_password)
        .post("/activities/new", activities::create_activity)
        .post("/activities/{id}/edit", activities::update_activity)
        .post("/activities/{id}/archive", activities::archive_activity)
        .post("/records/{kind}/new", records::create_record)
        .post("/records/{kind}/{id}/edit", records::update_record)
        .post("/records/{kind}/{id}/archive", records::archive_record)
        .get("/activities/{id}/attachments/{file}", attachments::download)
        .post("/activities/{id}/attachments/{file}/public", attachments::set_public)
        .get("/public/files/{file}", attachments::download_public)
        .post("/handovers/new", handovers::create)
        .post("/handovers/confirm", handovers::confirm_many)
        .post("/handovers/{id}/confirm", handovers::confirm)
        .post("/handovers/{id}/correct", handovers::correct)
        .post("/equipment/state", handovers::report_state)
        .post("/handovers/{id}/hand-over", handovers::hand_over)
        .get("/handovers/{id}/photos/{file}", attachments::download_photo)
        .get("/exports/{file}", exports::download)
        .get("/exports/iati/{file}", exports::iati_download)
        .get("/imports/templates/{file}", imports::template)
        .post("/imports/{id}/confirm", imports::confirm)
}

/// Routes that take larger bodies than the rest: file uploads.
fn upload_routes() -> Routes {
    Routes { router: Router::new(), listed: Vec::new() }
        .post("/activities/{id}/attachments", attachments::upload)
        .post("/handovers/{id}/photos", attachments::upload_photo)
        .post("/imports/{id}", imports::upload)
}

/// Every endpoint the server answers besides static files: (method, path, kind).
pub fn endpoints() -> Vec<(String, String, &'static str)> {
    let mut all: Vec<(String, String, &'static str)> = plain_routes()
        .listed
        .into_iter()
        .chain(upload_routes().listed)
        .map(|(m, p)| (m.to_string(), p.to_owned(), "route"))
        .collect();
    for listing in generate_route_list(App) {
        all.push(("GET".into(), listing.path().to_owned(), "page"));
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        all.push((method.to_string(), path.to_owned(), "server_fn"));
    }
    all.sort();
    all.dedup();
    all
}

/// The application's routes, and the housekeeping task they share their state with.
fn router(
    settings: &Settings,
    addr: SocketAddr,
    db: Db,
    control: Option<Arc<backup::control::Control>>,
) -> (Router, tokio::task::JoinHandle<()>) {
    let hash_file = assets::hash_file(&settings.site_root);
    let leptos_options = LeptosOptions::builder()
        .output_name("aidtrail")
        .site_root(settings.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_file.is_some())
        .hash_file(
            hash_file
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| "hash.txt".to_owned())
                .into(),
        )
        .build();
    let surreal = SurrealRepo::new(db.clone(), settings.read_cache_entries, settings.read_stale)
        .with_iati(&settings.iati);
    let repo: RepoHandle = Arc::new(surreal.clone());
    let sessions = SurrealSessionStore::new(db.clone());
    let state = AppState {
        leptos_options: leptos_options.clone(),
        repo: repo.clone(),
        db,
        auth: Arc::new(settings.auth.clone()),
        iati: Arc::new(settings.iati.clone()),
        limiter: Arc::new(LoginLimiter::new(&settings.auth)),
        sessions: sessions.clone(),
        files: Arc::new(settings.files_dir.clone()),
        in_flight: Arc::new(tokio::sync::Semaphore::new(settings.auth.max_in_flight)),
        control,
    };
    let housekeeping = spawn_housekeeping(state.clone());
    // Pages read through the same cache, fresh enough for their reader (`db::cache`): at least
    // the version of the reader's own last save, as the committed layer found it.
    let context = move || {
        let seen = use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<crate::committed::Seen>().copied())
            .unwrap_or_default();
        provide_context::<RepoHandle>(Arc::new(surreal.for_pages(seen.0)));
    };
    let routes = generate_route_list(App);
    let remember = crate::committed::Remember {
        secure: settings.auth.secure_cookies,
        version: {
            let db = state.db.clone();
            Arc::new(move || {
                let db = db.clone();
                Box::pin(async move { crate::db::cache::data_version(&db).await.ok() })
            })
        },
    };

    let idle = time::Duration::seconds(settings.auth.session_idle.as_secs() as i64);
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name("aidtrail_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.auth.secure_cookies)
        .with_expiry(Expiry::OnInactivity(idle))
        // Stored only when changed: a page view moves the idle deadline on at most once a
        // minute (`http::middleware::touch`), so most views write nothing.
        .with_always_save(false);

    let router = plain_routes()
        .router
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(DefaultBodyLimit::max(settings.auth.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(settings.auth.max_body_bytes))
        .merge({
            let limit = attachments::MAX_FILE_BYTES + attachments::ENVELOPE_BYTES;
            upload_routes()
                .router
                .layer(DefaultBodyLimit::max(limit))
                .layer(RequestBodyLimitLayer::new(limit))
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::resolve_user))
        .layer(session_layer)
        // Outside the session layer: a request that saved a change is never answered with an
        // error because the session could not be stored afterwards.
        .layer(axum::middleware::from_fn_with_state(remember, crate::committed::layer))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::same_origin))
        .merge(assets::routes(&settings.site_root))
        .layer(axum::middleware::from_fn_with_state(state.clone(), deadline::bounded))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        // Pages rendered by leptos carry their own policy, with the nonce of their inline scripts.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&app::app::content_security_policy(None))
                .expect("the policy is plain ASCII"),
        ))
        // Pages are the reader's own and change with every save: asked for again each time.
        // (The bundle sets its own: `http::assets`.)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    (router, housekeeping)
}

/// Every minute: chain audit events left pending by a process that stopped; every five: drop
/// expired sessions and idle rate-limit buckets.
fn spawn_housekeeping(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        for minute in 0_u64.. {
            tick.tick().await;
            // Events another process wrote and could not chain before it stopped.
            match state.db.sequencer().sweep().await {
                Ok(0) => {}
                Ok(chained) => tracing::warn!(chained, "the sweep chained audit events left unchained"),
                Err(error) => tracing::error!(%error, "the sweep could not chain the pending audit events"),
            }
            if minute % 5 == 0 {
                state.sessions.delete_expired().await;
                state.limiter.forget_idle();
            }
        }
    })
}

/// Listens for Ctrl-C and SIGTERM from the moment it is called (before start-up finishes, so
/// that an early signal still shuts down cleanly); the returned future completes on either.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => tokio::select! {
                    _ = interrupt.recv() => tracing::info!("interrupt received, shutting down"),
                    _ = terminate.recv() => tracing::info!("SIGTERM received, shutting down"),
                },
                _ => {
                    tracing::warn!("cannot listen for signals; stop the server with Ctrl-C");
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("interrupt received, shutting down");
        }
    }
}
