//! Opening the store: the URL scheme of `database_url` picks the backend.

use std::sync::Arc;

use super::error::StoreResult;
use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::traits::Store;
use crate::config::Config;

/// Opens the database named by the config, creating and migrating it when needed.
pub async fn connect(config: &Config) -> StoreResult<Arc<dyn Store>> {
    if config.is_postgres() {
        Ok(Arc::new(PgStore::connect(config).await?))
    } else {
        Ok(Arc::new(SqliteStore::connect(config).await?))
    }
}
