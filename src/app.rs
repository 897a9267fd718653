//! The application state every handler receives, and building it from the config.

use std::sync::Arc;

use crate::captcha::{CaptchaSource, Captchas, CrateRenderer};
use crate::config::Config;
use crate::filter::{Filter, Source};
use crate::keys::Keys;
use crate::ratelimit::Limiter;
use crate::screen::Screen;
use crate::store::{self, Store, StoreError};
use crate::webhook::Webhook;

/// Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Arc<dyn Store>,
    keys: Keys,
    screen: Screen,
    limiter: Limiter,
    captchas: Arc<Captchas>,
    webhook: Option<Webhook>,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot read or create the secret key file: {0}")]
    Key(#[from] std::io::Error),
    #[error("cannot load the word lists:\n{0}")]
    Filter(String),
}

impl AppState {
    /// Opens (and migrates) the database and loads the secret key.
    pub async fn build(config: Config) -> Result<AppState, StartError> {
        let filter = load_filter(&config)?;
        let store = store::connect(&config).await?;
        let keys = Keys::load(&config)?;
        let renderer = Arc::new(CrateRenderer {
            charset: config.captcha.charset,
            length: config.captcha.length,
            difficulty: config.captcha.difficulty,
        });
        Ok(AppState::from_parts(config, store, keys, filter, renderer))
    }

    /// Assembles a state from parts already built. The captcha source is chosen here, in
    /// code: the service passes the real renderer, tests one whose answers they know.
    pub fn from_parts(
        config: Config,
        store: Arc<dyn Store>,
        keys: Keys,
        filter: Filter,
        captcha_source: Arc<dyn CaptchaSource>,
    ) -> AppState {
        let screen = Screen::new(filter, &keys);
        let limiter = Limiter::new(&config.rate_limits);
        let captchas = Captchas::new(config.captcha.clone(), &keys, captcha_source);
        let webhook = Webhook::start(&config.webhook);
        AppState {
            inner: Arc::new(Inner {
                config,
                store,
                keys,
                screen,
                limiter,
                captchas,
                webhook,
            }),
        }
    }

    /// The webhook, when configured.
    pub fn webhook(&self) -> Option<&Webhook> {
        self.inner.webhook.as_ref()
    }

    /// The captcha service.
    pub fn captchas(&self) -> &Captchas {
        &self.inner.captchas
    }

    /// The rate limiter and flood guard.
    pub fn limiter(&self) -> &Limiter {
        &self.inner.limiter
    }

    /// The live filter and its memory.
    pub fn screen(&self) -> &Screen {
        &self.inner.screen
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    pub fn keys(&self) -> &Keys {
        &self.inner.keys
    }
}

/// Compiles the filter from the configured word-list directory (or the built-in lists
/// when that directory has no `lists.toml`).
pub fn load_filter(config: &Config) -> Result<Filter, StartError> {
    let source = Source::dir_or_embedded(std::path::Path::new(&config.wordlists));
    let filter = Filter::load(&source, config.filter.clone()).map_err(StartError::Filter)?;
    tracing::info!(source = %source.describe(), terms = filter.term_count(), "filter compiled");
    Ok(filter)
}
