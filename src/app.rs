//! The application state every handler receives, and building it from the config.

use std::sync::Arc;

use crate::config::Config;
use crate::keys::Keys;
use crate::store::{self, Store, StoreError};

/// Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Arc<dyn Store>,
    keys: Keys,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot read or create the secret key file: {0}")]
    Key(#[from] std::io::Error),
}

impl AppState {
    /// Opens (and migrates) the database and loads the secret key.
    pub async fn build(config: Config) -> Result<AppState, StartError> {
        let store = store::connect(&config).await?;
        let keys = Keys::load(&config)?;
        Ok(AppState::from_parts(config, store, keys))
    }

    /// Assembles a state from parts already built (tests share one store between apps).
    pub fn from_parts(config: Config, store: Arc<dyn Store>, keys: Keys) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                config,
                store,
                keys,
            }),
        }
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
