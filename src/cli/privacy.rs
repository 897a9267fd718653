//! `raqib privacy`: export or erase everything of one email, audited as the admin API is.

use crate::app::AppState;
use crate::config::Config;

/// What to do for the email.
pub enum Request {
    Export { email: String },
    Erase { email: String },
}

pub async fn run(config: Config, command: Request) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::build(config).await?;
    let parse = |e: &str| {
        crate::domain::Email::parse(e).map_err(|_| format!("{e:?} is not an email address"))
    };
    let entry = |action: &str| crate::store::accounts::AuditEntry {
        at: crate::store::now_ms(),
        actor: "cli".into(),
        action: action.into(),
        ..Default::default()
    };
    match command {
        Request::Export { email } => {
            let export = crate::moderation::privacy::export(&state, &parse(&email)?).await?;
            println!("{}", serde_json::to_string_pretty(&export)?);
            state.store().append_audit(entry("privacy.export")).await?;
        }
        Request::Erase { email } => {
            let erased = crate::moderation::privacy::erase(&state, &parse(&email)?).await?;
            state.store().append_audit(entry("privacy.erase")).await?;
            println!("erased the author data of {erased} comment(s)");
        }
    }
    state.store().close().await;
    Ok(())
}
