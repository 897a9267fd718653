//! The `raqib` command: `serve` (default) and `migrate`. Thin: everything lives in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use raqib::app::AppState;
use raqib::config::Config;

#[derive(Parser)]
#[command(
    name = "raqib",
    version,
    about = "Arabic-first comment moderation for news sites"
)]
struct Cli {
    /// Configuration file (TOML). Default: ./raqib.toml when it exists.
    #[arg(long, global = true, env = "RAQIB_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("raqib: {err}");
            return ExitCode::from(2);
        }
    };
    raqib::telemetry::init(&config.log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("raqib: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => raqib::server::serve(config).await,
            Command::Migrate => migrate(config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("raqib: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::build(config).await?;
    state.store().close().await;
    println!("raqib: the database is up to date");
    Ok(())
}
