//! The store's error type, in a file of its own so that every store file can name it
//! without going through `store/mod.rs` (whose re-exports would make an import cycle).

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

/// A stored value that no longer parses as what it stands for (a status, a kind), as the
/// same decode error sqlx gives for a column of the wrong type.
pub(crate) fn decode_error(what: &str, value: &str) -> StoreError {
    sqlx::Error::Decode(format!("unexpected {what} value {value:?}").into()).into()
}
