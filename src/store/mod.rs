//! Persistence. The only module that touches sqlx.
//!
//! [`Store`] is the one interface the rest of raqib uses; [`connect`] picks the SQLite or
//! PostgreSQL implementation from the URL scheme of `database_url`. Both run the
//! migrations of their own folder under `migrations/` on start and share the same row
//! meaning (times are Unix milliseconds).
//!
//! This file only declares the modules and re-exports; every item lives in a file of its
//! own, and the files inside `store/` name each other directly (never through here), so
//! there is no import cycle.

pub mod accounts;
mod backend;
pub mod bans;
pub mod candidates;
mod clock;
pub mod closures;
pub mod comments;
mod conn;
mod connect;
mod error;
mod filter_edit;
mod filter_types;
pub mod filters;
pub mod jobs;
pub mod models;
pub mod moderation;
pub mod plans;
mod postgres;
pub mod privacy;
pub mod reports;
mod reputation;
pub mod retention;
mod rows;
pub mod seed;
mod sqlite;
pub mod stats;
pub mod training;
mod traits;

pub use crate::config::paths::sqlite_path;
pub use clock::{now_ms, rfc3339};
pub use connect::connect;
pub use error::{StoreError, StoreResult};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use traits::Store;
