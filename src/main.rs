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
        /// Judge each line alone: no near-duplicate context from the lines before it.
        #[arg(long)]
        no_context: bool,
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
    /// The learned spam and abuse models: compare learners, build the shipped files,
    /// retrain them on a site's decisions.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Can an article page at URL embed raqib (widget and frame) with this
    /// configuration? Prints what to set when it cannot, and the snippets.
    CheckEmbed {
        /// An article page of the news site, e.g. https://news.example/2026/11/article
        url: String,
    },
    /// Word-list tools.
    Wordlists {
        #[command(subcommand)]
        command: WordlistsCommand,
    },
    /// Tools for developing and measuring raqib.
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

#[derive(Subcommand)]
enum DevCommand {
    /// Fill a database (created and migrated when needed) with generated comments, their
    /// decisions and audit rows, for capacity tests; prints a JSON summary.
    Seed {
        #[arg(long)]
        comments: u64,
        #[arg(long, default_value_t = 1_000)]
        articles: u64,
        /// How many years back the oldest comment is.
        #[arg(long, default_value_t = 3)]
        years: u32,
        /// The same seed makes the same comments.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The database (default: the configured one).
        #[arg(long)]
        database_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Cross-validate every learner on half 1 of the labelled corpora and score each
    /// corpus's half 2 with it left out of training; print the tables.
    Evaluate {
        /// Directories of labelled JSON Lines (`{"text","label"}`).
        #[arg(long = "data", default_values = ["../shared/data", "tests/data"])]
        data: Vec<PathBuf>,
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
    /// Retrain the models on the moderators' decisions in a database and offer them as a
    /// filter candidate; print a JSON summary (with --promote: promoted or not, and why).
    Train {
        /// The database (default: the configured one).
        #[arg(long)]
        database_url: Option<String>,
        /// Promote the candidate when it beats the live version on the held-back
        /// decisions by `model.promote_margin` without holding more civil comments.
        #[arg(long)]
        promote: bool,
    },
    /// Train the chosen learners on half 1 of every corpus and write the model files.
    Build {
        #[arg(long = "data", default_values = ["../shared/data", "tests/data"])]
        data: Vec<PathBuf>,
        #[arg(long, default_value = "wordlists/models")]
        out: PathBuf,
        #[arg(long, default_value_t = 5)]
        folds: usize,
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
            no_context,
            database_url,
        }) => {
            let filter = match database_url {
                None => raqib::app::load_filter(&config).map_err(|e| e.to_string()),
                Some(url) => raqib::cli::score::live_filter_of(&config, url),
            };
            return exit(filter.and_then(|f| {
                raqib::cli::score::run(f, input, labels, output, half, !no_context)
            }));
        }
        Some(Command::Model {
            command: ModelCommand::Evaluate { data, folds },
        }) => {
            return exit(raqib::cli::model::evaluate(&data, folds).map(|table| print!("{table}")));
        }
        Some(Command::Model {
            command: ModelCommand::Build { data, out, folds },
        }) => {
            let wordlists = std::path::PathBuf::from(&config.wordlists);
            return exit(
                raqib::cli::model::build(&data, &wordlists, &out, folds)
                    .map(|report| print!("{report}")),
            );
        }
        Some(Command::CheckEmbed { url }) => {
            return match raqib::cli::embed::check(&config, &url) {
                Ok(report) => {
                    print!("{report}");
                    ExitCode::SUCCESS
                }
                Err(report) => {
                    eprint!("{report}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Wordlists {
            command: WordlistsCommand::Check,
        }) => {
            return exit(raqib::cli::wordlists::check(&config));
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
            Some(Command::Model {
                command:
                    ModelCommand::Train {
                        database_url,
                        promote,
                    },
            }) => raqib::cli::train::run(config, database_url, promote).await,
            Some(Command::Dev {
                command:
                    DevCommand::Seed {
                        comments,
                        articles,
                        years,
                        seed,
                        database_url,
                    },
            }) => {
                let plan = raqib::cli::seed::Plan {
                    comments,
                    articles,
                    years,
                    seed,
                };
                raqib::cli::seed::run(config, database_url, plan).await
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
