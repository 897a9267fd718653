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
    Serve,
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
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("raqib: {err}");
            return ExitCode::from(2);
        }
    };
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
                Some(url) => live_filter_of(&config, url),
            };
            return exit(filter.and_then(|f| score(f, input, labels, output, half)));
        }
        Some(Command::Wordlists {
            command: WordlistsCommand::Check,
        }) => {
            return exit(check_wordlists(&config));
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
            return exit(train_model(&inputs, half, ham_rate, &calibrate, &out));
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
            Some(Command::User { command }) => users(config, command).await,
            Some(Command::Privacy { command }) => privacy(config, command).await,
            _ => raqib::server::serve(config).await,
        }
    });
    exit(result.map_err(|e| e.to_string()))
}

async fn users(config: Config, command: UserCommand) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::build(config).await?;
    let result = match command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            let role = raqib::auth::Role::parse(&role).ok_or("role must be admin or moderator")?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            raqib::cli::accounts::add(&state, &name, role, password).await
        }
        UserCommand::List => raqib::cli::accounts::list(&state).await,
        UserCommand::Disable { name } => raqib::cli::accounts::disable(&state, &name).await,
    };
    state.store().close().await;
    result.map_err(Into::into)
}

async fn privacy(
    config: Config,
    command: PrivacyCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::build(config).await?;
    let parse = |e: &str| {
        raqib::domain::Email::parse(e).map_err(|_| format!("{e:?} is not an email address"))
    };
    let entry = |action: &str| raqib::store::accounts::AuditEntry {
        at: raqib::store::now_ms(),
        actor: "cli".into(),
        action: action.into(),
        ..Default::default()
    };
    match command {
        PrivacyCommand::Export { email } => {
            let export = raqib::moderation::privacy::export(&state, &parse(&email)?).await?;
            println!("{}", serde_json::to_string_pretty(&export)?);
            state.store().append_audit(entry("privacy.export")).await?;
        }
        PrivacyCommand::Erase { email } => {
            let erased = raqib::moderation::privacy::erase(&state, &parse(&email)?).await?;
            state.store().append_audit(entry("privacy.erase")).await?;
            println!("erased the author data of {erased} comment(s)");
        }
    }
    state.store().close().await;
    Ok(())
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

/// The live filter version of the database at `url` (read only; nothing is seeded).
fn live_filter_of(config: &Config, url: String) -> Result<raqib::filter::Filter, String> {
    let config = Config {
        database_url: url,
        ..config.clone()
    };
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let store = raqib::store::connect(&config)
            .await
            .map_err(|e| e.to_string())?;
        let state = store
            .filter_state(None)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("that database has no filter version yet (start raqib on it once)")?;
        eprintln!(
            "raqib score: filter version {} of the database",
            state.version
        );
        store.close().await;
        raqib::tuning::compile(&state)
    })
}

fn score(
    filter: raqib::filter::Filter,
    input: Option<PathBuf>,
    labels: bool,
    output: Option<PathBuf>,
    half: Option<u8>,
) -> Result<(), String> {
    use std::io::{BufReader, Write};
    let reader: Box<dyn std::io::BufRead> = match input.as_deref() {
        None => Box::new(BufReader::new(std::io::stdin())),
        Some(path) if path.as_os_str() == "-" => Box::new(BufReader::new(std::io::stdin())),
        Some(path) => Box::new(BufReader::new(
            std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
    };
    let mut file;
    let mut stdout;
    let sink: Option<&mut dyn Write> = match (&output, labels) {
        (Some(path), _) => {
            file = std::io::BufWriter::new(
                std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
            );
            Some(&mut file)
        }
        (None, false) => {
            stdout = std::io::BufWriter::new(std::io::stdout().lock());
            Some(&mut stdout)
        }
        (None, true) => None,
    };
    let half = match half {
        Some(1) => raqib::cli::score::Half::First,
        Some(_) => raqib::cli::score::Half::Second,
        None => raqib::cli::score::Half::All,
    };
    let summary = raqib::cli::score::score(filter, reader, sink, half)?;
    if labels {
        print!("{}", summary.table());
    }
    Ok(())
}

fn train_model(
    inputs: &[PathBuf],
    half: Option<u8>,
    ham_rate: f32,
    calibrate: &[PathBuf],
    out: &std::path::Path,
) -> Result<(), String> {
    use raqib::cli::score::{Half, labelled_texts};
    use raqib::filter::learned::{Labelled, Training, train};
    let half = match half {
        Some(1) => Half::First,
        Some(_) => Half::Second,
        None => Half::All,
    };
    let mut texts = Vec::new();
    for path in inputs {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let read = labelled_texts(std::io::BufReader::new(file), half)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let calibrates = calibrate.is_empty() || calibrate.contains(path);
        println!(
            "{}: {} labelled lines{}",
            path.display(),
            read.len(),
            if calibrates {
                " (sets the cut-off)"
            } else {
                ""
            }
        );
        texts.extend(read.into_iter().map(|(text, abusive)| Labelled {
            text,
            abusive,
            calibrates,
        }));
    }
    if !(0.0..1.0).contains(&ham_rate) {
        return Err("--ham-rate must be at least 0 and below 1".into());
    }
    let training = Training {
        ham_rate,
        ..Training::default()
    };
    let (model, calibration) =
        train(&texts, training).ok_or("training needs both abuse and ham lines")?;
    println!(
        "trained on {} of the {} texts (the rest have too few Arabic letters); cut-off {:.3}: in {}-fold cross-validation it flags {:.1}% of the offensive and {:.1}% of the civil texts of the calibrating files",
        calibration.texts,
        texts.len(),
        calibration.threshold,
        training.folds,
        calibration.abuse_flagged * 100.0,
        calibration.ham_flagged * 100.0
    );
    std::fs::write(out, model.to_bytes()).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote {} (rebuild raqib to ship it)", out.display());
    Ok(())
}

fn check_wordlists(config: &Config) -> Result<(), String> {
    use raqib::filter::{Filter, Source, lists};
    let source = Source::dir_or_embedded(std::path::Path::new(&config.wordlists));
    println!("word lists: {}", source.describe());
    let loaded = lists::load(&source).map_err(|errors| {
        for error in &errors {
            eprintln!("{error}");
        }
        format!("{} error(s) in the word lists", errors.len())
    })?;
    for warning in &loaded.warnings {
        println!("warning: {warning}");
    }
    for list in &loaded.lists {
        let n = loaded.terms.iter().filter(|t| t.list == list.name).count();
        println!(
            "  {:<20} {:<17} {:>5} entries  {}",
            list.name,
            list.category.as_str(),
            n,
            list.file
        );
    }
    println!(
        "  blocked domains: {}, allowed domains: {}, disposable e-mail domains: {}, rules: {}",
        loaded.blocked_domains.len(),
        loaded.allowed_domains.len(),
        loaded.disposable_domains.len(),
        loaded.rules.len()
    );
    match raqib::filter::learned::AbuseModel::shipped() {
        Some(model) => println!(
            "  learned abuse model: built in, cut-off {:.3}, weight {}",
            model.threshold, config.filter.signals.abuse_model
        ),
        None => {
            println!("  learned abuse model: none (wordlists/abuse_model.bin is empty or invalid)")
        }
    }
    let started = std::time::Instant::now();
    let filter = Filter::compile(&loaded, config.filter.clone())?;
    println!(
        "compiled {} entries in {:.0} ms: ok",
        filter.term_count(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

async fn migrate(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::build(config).await?;
    state.store().close().await;
    println!("raqib: the database is up to date");
    Ok(())
}
