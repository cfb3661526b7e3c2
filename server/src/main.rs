//! `aidtrail`: serve the application, administer users, check the audit log, or back up and
//! restore from the command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use aidtrail::cli::{self, AuditCommand, UserCommand};
use aidtrail::config::Settings;
use aidtrail::startup::{Application, shutdown_signal};
use aidtrail::telemetry;

/// mimalloc rather than the system's allocator: a page view allocates and frees many small
/// values (the database's rows, the rendered page), and with glibc's allocator that was a fifth
/// of the server's time under load (see README, "Measured here").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// aidtrail: tracking what donor-funded programmes did, from grant to classroom.
///
/// Configuration comes from AIDTRAIL_* environment variables (see README.md).
#[derive(Parser)]
#[command(name = "aidtrail", version)]
struct Cli {
    /// Start without loading the demo data into an empty database.
    #[arg(long)]
    no_demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Administer user accounts (with the server stopped).
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log (with the server stopped).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a backup (the database and the attached files) to FILE, while the server runs or
    /// not.
    Backup { file: std::path::PathBuf },
    /// Load a backup into an empty database (with the server stopped); with --check, only load
    /// it into memory and verify it.
    Restore {
        file: std::path::PathBuf,
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("aidtrail: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    if cli.no_demo {
        settings.demo = false;
    }
    if cli.command.is_some() {
        // Commands print their own result; keep the log to problems.
        settings.log_filter = "warn,surrealdb=error,surrealkv=error".into();
    }
    telemetry::init(&settings.log_filter, settings.log_format);

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("aidtrail: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match cli.command {
            Some(Command::User(command)) => {
                return match cli::run(&settings, command).await {
                    Ok(output) => {
                        println!("{output}");
                        ExitCode::SUCCESS
                    }
                    Err(error) => {
                        eprintln!("aidtrail: {error}");
                        ExitCode::FAILURE
                    }
                };
            }
            Some(Command::Audit(command)) => {
                return match cli::audit(&settings, command).await {
                    Ok((output, intact)) => {
                        println!("{output}");
                        if intact { ExitCode::SUCCESS } else { ExitCode::from(1) }
                    }
                    Err(error) => {
                        eprintln!("aidtrail: {error}");
                        ExitCode::from(2)
                    }
                };
            }
            Some(Command::Backup { file }) => {
                return match cli::backup(&settings, &file).await {
                    Ok(output) => {
                        println!("{output}");
                        ExitCode::SUCCESS
                    }
                    Err(error) => {
                        eprintln!("aidtrail: {error}");
                        ExitCode::FAILURE
                    }
                };
            }
            Some(Command::Restore { file, check }) => {
                return match cli::restore(&settings, &file, check).await {
                    Ok((output, intact)) => {
                        println!("{output}");
                        if intact { ExitCode::SUCCESS } else { ExitCode::from(1) }
                    }
                    Err(error) => {
                        eprintln!("aidtrail: {error}");
                        ExitCode::from(2)
                    }
                };
            }
            None => {}
        }
        // Listen for signals before starting, so that an early SIGTERM is a clean stop too.
        let shutdown = shutdown_signal();
        let app = match Application::build(&settings).await {
            Ok(app) => app,
            Err(error) => {
                tracing::error!(%error, "start-up failed");
                eprintln!("aidtrail: {error}");
                return ExitCode::FAILURE;
            }
        };
        match app.run_until(shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("aidtrail: server error: {error}");
                ExitCode::FAILURE
            }
        }
    })
}
