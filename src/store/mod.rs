//! Persistence. The only module that touches sqlx.
//!
//! [`Store`] is the one interface the rest of raqib uses; [`connect`] picks the SQLite or
//! PostgreSQL implementation from the URL scheme of `database_url`. Both run the
//! migrations of their own folder under `migrations/` on start and share the same row
//! meaning (times are Unix milliseconds).

pub mod accounts;
pub mod comments;
pub mod filters;
pub mod moderation;
mod postgres;
mod rows;
pub mod safety;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::Config;

pub use crate::config::paths::sqlite_path;
pub use postgres::PgStore;
pub use rows::rfc3339;
pub use sqlite::SqliteStore;

/// What can go wrong in the store. Cloneable, so one failed group commit can be reported
/// to every request in the batch.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// The parent comment does not exist, is not approved, or belongs to another article.
    #[error("parent comment is not a published comment of this article")]
    ParentInvalid,
    /// The captcha nonce was already spent.
    #[error("captcha already used")]
    NonceSpent,
    /// The row to change does not exist (or is no longer live).
    #[error("not found")]
    NotFound,
    /// Someone else changed it first (an expected version did not match).
    #[error("changed concurrently")]
    Conflict,
    /// A unique constraint refused the write.
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// The database is unreachable or failed.
    #[error("database error: {0}")]
    Database(String),
    /// The store is shutting down.
    #[error("the store is closed")]
    Closed,
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Duplicate(db.message().to_string())
            }
            _ => StoreError::Database(err.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StoreError::Database(format!("migration failed: {err}"))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything raqib keeps.
#[async_trait]
pub trait Store:
    comments::Comments
    + accounts::Accounts
    + moderation::Moderation
    + safety::Safety
    + filters::Filters
    + Send
    + Sync
    + 'static
{
    /// Succeeds when the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// Refreshes the query planner's statistics where the database needs to be told
    /// (SQLite's `pragma optimize`; PostgreSQL's autovacuum does it by itself).
    async fn optimize(&self) -> StoreResult<()>;

    /// Finishes pending writes and closes connections.
    async fn close(&self);

    /// A stream of new filter versions announced by other replicas, where the database
    /// can push them (PostgreSQL `LISTEN`); None where only polling works.
    async fn filter_announcements(&self) -> Option<tokio::sync::mpsc::Receiver<i64>> {
        None
    }
}

/// Opens the database named by the config, creating and migrating it when needed.
pub async fn connect(config: &Config) -> StoreResult<Arc<dyn Store>> {
    if config.is_postgres() {
        Ok(Arc::new(PgStore::connect(config).await?))
    } else {
        Ok(Arc::new(SqliteStore::connect(config).await?))
    }
}

/// Run in every transaction that changes the reputation table (see migration 0008).
pub(crate) const BUMP_REPUTATION_EPOCH: &str =
    "update change_epoch set n = n + 1 where name = 'reputation'";

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
