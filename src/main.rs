//! The `raqib` command: `serve` (default), `migrate`, `score`, `wordlists check`. Thin: everything lives in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use raqib::app::AppState;
use raqib::config::Config;

/// mimalloc: the filter and the request path allocate many small short-lived buffers;
/// measured 1.3–1.6× faster filter checks than the system allocator (`cargo bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Serve {
        /// On first start, give the first admin the password in this file (a container
        /// secret, say) instead of generating one (`auth.first_admin_password_file`).
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Run the filter over JSON Lines (`{"id","text"|"body","name"?,"email"?}` per line)
    /// and write `{"id","class","score","hits"}` per line.
    Score {
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
        /// Lines carry `"label": "ham"|"spam"|"abuse"`: print the summary table (result
        /// lines then go only to --output).
        #[arg(long)]
        labels: bool,
        /// Write result lines to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Score only one half of the lines: 1 (odd line numbers) or 2 (even), to tune on
        /// one half and report on the other.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
        half: Option<u8>,
        /// Use the live filter version of this database instead of `wordlists/` and the
        /// config (`sqlite://raqib.db`, `postgres://…`).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Manage moderator and admin accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Privacy requests: everything stored for one email.
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
    /// Word-list tools.
    Wordlists {
        #[command(subcommand)]
        command: WordlistsCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input with
    /// --password-stdin, else generated and printed once (to be changed at first login).
    Add {
        name: String,
        #[arg(long, value_parser = ["admin", "moderator"])]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Disable an account: its sessions and tokens stop working at once.
    Disable { name: String },
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Print everything stored for EMAIL as JSON.
    Export { email: String },
    /// Erase everything of EMAIL (published texts stay, unsigned).
    Erase { email: String },
}

impl From<UserCommand> for raqib::cli::accounts::Command {
    fn from(command: UserCommand) -> Self {
        use raqib::cli::accounts::Command;
        match command {
            UserCommand::Add {
                name,
                role,
                password_stdin,
            } => Command::Add {
                name,
                role,
                password_stdin,
            },
            UserCommand::List => Command::List,
            UserCommand::Disable { name } => Command::Disable { name },
        }
    }
}

impl From<PrivacyCommand> for raqib::cli::privacy::Request {
    fn from(command: PrivacyCommand) -> Self {
        use raqib::cli::privacy::Request;
        match command {
            PrivacyCommand::Export { email } => Request::Export { email },
            PrivacyCommand::Erase { email } => Request::Erase { email },
        }
    }
}

#[derive(Subcommand)]
enum WordlistsCommand {
    /// Load and check every list (the same checks as at start), print what was found.
    Check,
    /// Train the learned abuse model from labelled JSON Lines (`"label": "abuse"|"ham"`)
    /// and write it (README, "The learned abuse signal").
    TrainModel {
        /// Labelled files; each contributes the lines of `--half`.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Train on one half of each file only (1: odd line numbers, 2: even), so the other
        /// half stays unseen for evaluation.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
        half: Option<u8>,
        /// Share of civil comments the model may flag in cross-validation: sets its cut-off.
        #[arg(long, default_value_t = 0.05)]
        ham_rate: f32,
        /// Files whose civil lines set the cut-off (of the kind the service reads: news
        /// comments). Default: every input.
        #[arg(long)]
        calibrate: Vec<PathBuf>,
        #[arg(long, default_value = "wordlists/abuse_model.bin")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("raqib: {err}");
            return ExitCode::from(2);
        }
    };
    if let Some(Command::Serve {
        password_file: Some(file),
    }) = &cli.command
    {
        config.auth.first_admin_password_file = Some(file.clone());
    }
    match cli.command {
        Some(Command::Score {
            input,
            labels,
            output,
            half,
            database_url,
        }) => {
            let filter = match database_url {
                None => raqib::app::load_filter(&config).map_err(|e| e.to_string()),
                Some(url) => raqib::cli::score::live_filter_of(&config, url),
            };
            return exit(
                filter.and_then(|f| raqib::cli::score::run(f, input, labels, output, half)),
            );
        }
        Some(Command::Wordlists {
            command: WordlistsCommand::Check,
        }) => {
            return exit(raqib::cli::wordlists::check(&config));
        }
        Some(Command::Wordlists {
            command:
                WordlistsCommand::TrainModel {
                    inputs,
                    half,
                    ham_rate,
                    calibrate,
                    out,
                },
        }) => {
            return exit(raqib::cli::wordlists::train_model(
                &inputs, half, ham_rate, &calibrate, &out,
            ));
        }
        _ => {}
    }
    raqib::telemetry::logging::init(&config.log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("raqib: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Migrate) => migrate(config).await,
            Some(Command::User { command }) => {
                raqib::cli::accounts::run(config, command.into()).await
            }
            Some(Command::Privacy { command }) => {
                raqib::cli::privacy::run(config, command.into()).await
            }
            _ => raqib::server::serve(config).await,
        }
    });
    exit(result.map_err(|e| e.to_string()))
}

fn exit(result: Result<(), String>) -> ExitCode {
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
