//! Building the application: database, migrations, demo data, router, listener.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::FromRef;
use axum::http::{HeaderName, HeaderValue};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use app::services::RepoHandle;
use app::{App, shell};

use crate::config::Settings;
use crate::db::demo::{self, DemoOutcome};
use crate::db::repo::SurrealRepo;
use crate::db::{self, Db, DbError, Durability};
use crate::routes;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub repo: RepoHandle,
    pub db: Db,
}

/// A server ready to accept connections.
pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    addr: SocketAddr,
}

impl Application {
    /// Opens the database, brings the schema up to date, loads demo data when asked and binds
    /// the listening socket.
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
        if settings.demo {
            match demo::load_if_empty(&db).await? {
                DemoOutcome::Loaded => {}
                DemoOutcome::AlreadyLoaded => tracing::info!("demo data already present"),
                DemoOutcome::SkippedNotEmpty => {
                    tracing::info!("database holds records: demo data not loaded")
                }
            }
        } else {
            tracing::info!("demo data disabled (--no-demo)");
        }
        let listener =
            TcpListener::bind(settings.addr)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: settings.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.addr,
            source,
        })?;
        let router = router(settings, addr, db.clone());
        tracing::info!(startup_ms = started.elapsed().as_millis() as u64, "ready");
        Ok(Self {
            listener,
            router,
            db,
            addr,
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

    /// Serves until `shutdown` completes, then lets in-flight requests finish and closes the
    /// database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.addr, "listening on http://{}", self.addr);
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        tracing::info!("stopped accepting requests; closing the database");
        drop(self.db);
        Ok(())
    }
}

fn router(settings: &Settings, addr: SocketAddr, db: Db) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("aidtrail")
        .site_root(settings.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let repo: RepoHandle = Arc::new(SurrealRepo::new(db.clone()));
    let state = AppState {
        leptos_options: leptos_options.clone(),
        repo: repo.clone(),
        db,
    };
    let context = move || provide_context(repo.clone());
    let routes = generate_route_list(App);

    Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/lang", post(routes::set_language))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("interrupt received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
