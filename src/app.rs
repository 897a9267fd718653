//! The application state every handler receives, and building it from the config.

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::cache::live_filter::LiveFilter;
use crate::config::Config;
use crate::filter::{Filter, Source};
use crate::gates::captcha::{CaptchaSource, Captchas, CrateRenderer};
use crate::gates::ratelimit::Limiter;
use crate::moderation::shipped::Outcome;
use crate::notify::webhook::Webhook;
use crate::secrets::keys::Secrets;
use crate::store::{self, Store, StoreError, now_ms};
use crate::tuning;

/// How often a replica looks for a new filter version (besides `NOTIFY` on PostgreSQL).
pub const FILTER_POLL: Duration = Duration::from_secs(1);

/// Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Arc<dyn Store>,
    keys: Secrets,
    live_filter: LiveFilter,
    limiter: Limiter,
    captchas: Arc<Captchas>,
    webhook: Option<Webhook>,
    /// One filter compile at a time.
    reloading: tokio::sync::Mutex<()>,
    restrictions: crate::cache::restrictions::Restrictions,
    reputation: crate::cache::reputation::ReputationMemory,
    pages: crate::cache::pages::PageCache,
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
    /// Opens (and migrates) the database, loads the secret key, and assembles the state.
    pub async fn build(config: Config) -> Result<AppState, StartError> {
        let store = store::connect(&config).await?;
        let keys = Secrets::load(config.secret_key.as_deref(), &config.database_url)?;
        let renderer = Arc::new(CrateRenderer {
            charset: config.captcha.charset,
            length: config.captcha.length,
            difficulty: config.captcha.difficulty,
        });
        AppState::assemble(config, store, keys, renderer).await
    }

    /// Seeds the filter configuration on first start, compiles the live filter version,
    /// assembles the state and starts watching for new versions. The captcha source is
    /// chosen here, in code: the service passes the real renderer, tests one whose
    /// answers they know.
    pub async fn assemble(
        config: Config,
        store: Arc<dyn Store>,
        keys: Secrets,
        captcha_source: Arc<dyn CaptchaSource>,
    ) -> Result<AppState, StartError> {
        let (version, filter) = live_filter(&config, &store).await?;
        let state = AppState::from_parts(config, store, keys, filter, version, captcha_source);
        state.refresh_restrictions().await?;
        state.watch_database();
        Ok(state)
    }

    /// Assembles a state from parts already built, with a filter compiled elsewhere
    /// (`version` 0: not from the database) and no watcher.
    pub fn from_parts(
        config: Config,
        store: Arc<dyn Store>,
        keys: Secrets,
        filter: Filter,
        version: i64,
        captcha_source: Arc<dyn CaptchaSource>,
    ) -> AppState {
        let live_filter = LiveFilter::new(filter, version, &keys);
        let limiter = Limiter::new(&config.rate_limits);
        let captchas = Captchas::new(config.captcha.clone(), &keys, captcha_source);
        let webhook = Webhook::start(&config.webhook);
        AppState {
            inner: Arc::new(Inner {
                config,
                store,
                keys,
                live_filter,
                limiter,
                captchas,
                webhook,
                reloading: tokio::sync::Mutex::new(()),
                restrictions: Default::default(),
                reputation: Default::default(),
                pages: Default::default(),
            }),
        }
    }

    /// Puts the newest filter version in force when it is not already; returns the
    /// version in force. A version that fails to compile is logged and skipped (the
    /// admin API checks every entry, so this means a hand-edited database).
    pub async fn refresh_filter(&self) -> Result<i64, StoreError> {
        let _one_at_a_time = self.inner.reloading.lock().await;
        let live_filter = self.live_filter();
        let Some(newest) = self.store().current_filter_version().await? else {
            return Ok(live_filter.version());
        };
        if newest == live_filter.version() {
            return Ok(newest);
        }
        let Some(state) = self.store().filter_state(Some(newest)).await? else {
            return Ok(live_filter.version());
        };
        let compiled = tuning::compile_stored(self.store().as_ref(), state).await;
        match compiled {
            Ok(filter) => {
                live_filter.replace(newest, filter);
                tracing::info!(version = newest, "filter version in force");
            }
            Err(err) => {
                tracing::error!(version = newest, error = %err, "filter version does not compile; keeping the old one");
            }
        }
        Ok(live_filter.version())
    }

    /// Bans and closed articles as this replica sees them (at most a second old).
    pub fn restrictions(&self) -> &crate::cache::restrictions::Restrictions {
        &self.inner.restrictions
    }

    /// An author's history (by email hash and by IP hash), at most a second behind the
    /// database.
    pub async fn reputation(
        &self,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> Result<
        (
            crate::store::moderation::History,
            crate::store::moderation::History,
        ),
        StoreError,
    > {
        self.inner
            .reputation
            .get(self.store().as_ref(), email_hash, ip_hash)
            .await
    }

    /// Forgets what a decision may have changed: this replica's memory of author
    /// histories and of public pages, so the next comment and the next reader see it.
    pub fn forget_decided(&self) {
        self.inner.reputation.forget();
        self.inner.pages.invalidate();
    }

    /// Pages of approved comments served in the last second.
    pub fn pages(&self) -> &crate::cache::pages::PageCache {
        &self.inner.pages
    }

    /// Reloads bans and closed articles, and drops remembered author histories when one
    /// changed (after a change, and every second).
    pub async fn refresh_restrictions(&self) -> Result<(), StoreError> {
        self.inner
            .restrictions
            .refresh(self.store().as_ref())
            .await?;
        self.inner.reputation.refresh(self.store().as_ref()).await
    }

    /// Every [`FILTER_POLL`]: looks for a new filter version (also whenever the database
    /// announces one) and reloads bans and closed articles. Ends when the state is
    /// dropped.
    fn watch_database(&self) {
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut announcements = match weak.upgrade() {
                Some(inner) => inner.store.filter_announcements().await,
                None => return,
            };
            let mut tick = tokio::time::interval(FILTER_POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    Some(_) = next_announcement(&mut announcements) => {}
                }
                let Some(inner) = weak.upgrade() else { break };
                let state = AppState { inner };
                if let Err(err) = state.refresh_filter().await {
                    tracing::warn!(error = %err, "cannot look for a new filter version");
                }
                if let Err(err) = state.refresh_restrictions().await {
                    tracing::warn!(error = %err, "cannot reload bans and closed articles");
                }
            }
        });
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
    pub fn live_filter(&self) -> &LiveFilter {
        &self.inner.live_filter
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    pub fn secrets(&self) -> &Secrets {
        &self.inner.keys
    }
}

async fn next_announcement(
    announcements: &mut Option<tokio::sync::mpsc::Receiver<i64>>,
) -> Option<i64> {
    match announcements {
        Some(rx) => {
            let next = rx.recv().await;
            if next.is_none() {
                *announcements = None;
            }
            next
        }
        None => std::future::pending().await,
    }
}

/// The live filter of the database: seeds version 1 from the word lists and the config
/// when there is none yet, then compiles the newest version.
pub async fn live_filter(
    config: &Config,
    store: &Arc<dyn Store>,
) -> Result<(i64, Filter), StartError> {
    let source = Source::dir_or_embedded(std::path::Path::new(&config.wordlists));
    let lists = crate::filter::lists::load(&source).map_err(|errors| {
        StartError::Filter(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    if store.current_filter_version().await?.is_none() {
        let edit = tuning::seed_edit(&lists, &config.filter, now_ms());
        match store.apply_filter_edit(edit).await {
            Ok(done) => tracing::info!(
                source = %source.describe(),
                version = done.version,
                "filter configuration seeded from the word lists"
            ),
            // Another replica seeded it first.
            Err(StoreError::Conflict) => {}
            Err(err) => return Err(err.into()),
        }
    } else {
        let outcome =
            crate::moderation::shipped::bring_shipped(store, &lists, &config.filter, now_ms())
                .await?;
        match outcome {
            Outcome::Applied(version) => tracing::info!(
                version,
                "the shipped word lists changed: applied as a new filter version"
            ),
            Outcome::Offered(candidate) => tracing::info!(
                candidate,
                "the shipped word lists changed and admins have changed the filter: offered as a candidate (admin page, versions)"
            ),
            Outcome::UpToDate | Outcome::AlreadyOffered => {}
        }
    }
    let state = store
        .filter_state(None)
        .await?
        .ok_or_else(|| StartError::Filter("no filter version in the database".into()))?;
    let version = state.version;
    let filter = tuning::compile_stored(store.as_ref(), state)
        .await
        .map_err(StartError::Filter)?;
    tracing::info!(version, terms = filter.term_count(), "filter compiled");
    Ok((version, filter))
}

/// Compiles the filter from the configured word-list directory (or the built-in lists
/// when that directory has no `lists.toml`).
pub fn load_filter(config: &Config) -> Result<Filter, StartError> {
    let source = Source::dir_or_embedded(std::path::Path::new(&config.wordlists));
    let filter = Filter::load(&source, config.filter.clone()).map_err(StartError::Filter)?;
    tracing::info!(source = %source.describe(), terms = filter.term_count(), "filter compiled");
    Ok(filter)
}
