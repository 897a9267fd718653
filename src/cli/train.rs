//! `raqib model train`: retrains the learned models on the decisions in a database (the
//! configured one, or `--database-url`), waits, and prints a JSON summary: the candidate,
//! its report, and with `--promote` whether it was promoted and why. Exits 0 whether or
//! not it promoted; non-zero only when it could not train.

use crate::app::AppState;
use crate::config::Config;
use crate::moderation::retrain_promote::train_and_judge;

pub async fn run(
    config: Config,
    database_url: Option<String>,
    promote: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config {
        database_url: database_url.unwrap_or(config.database_url.clone()),
        ..config
    };
    let state = AppState::build(config).await?;
    let progress = |share: f64, stage: &'static str| {
        eprintln!("raqib model train: {:>3.0}% {stage}", 100.0 * share);
    };
    let judged = train_and_judge(&state, "cli", promote, &progress).await;
    state.store().close().await;
    let judged = judged.map_err(|refusal| refusal.describe())?;
    println!("{}", serde_json::to_string_pretty(&judged)?);
    Ok(())
}
