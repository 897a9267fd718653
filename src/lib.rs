//! raqib (رقيب): an Arabic-first comment moderation service for news sites.
//!
//! The binary in `main.rs` is a thin CLI over this library; tests build the same
//! [`app::AppState`] and call [`http::router`] without a socket.

/// Application state shared by every request, and building it from the config.
pub mod app;
/// Accounts, roles, passwords, sessions and API tokens.
pub mod auth;
/// What each replica remembers between requests: the live filter, public pages, bans,
/// author histories.
pub mod cache;
/// The command line's work beyond serving: accounts and `raqib score`.
pub mod cli;
/// Typed configuration: defaults < `raqib.toml` < `RAQIB_*` environment.
pub mod config;
/// Domain types parsed from untrusted input, their validation vocabulary, and languages.
pub mod domain;
/// The Arabic-aware spam and abuse filter (pure, no I/O).
pub mod filter;
/// What a request must pass: the security code and rate limits.
pub mod gates;
/// The HTTP layer: one router per area, merged and layered in [`http::router`].
pub mod http;
/// Background work: housekeeping sweeps.
pub mod jobs;
/// Training the filter's learned models, and the figures that judge them (pure, no I/O).
pub mod learning;
/// The workflow: use cases of readers, moderators and admins, over the store.
pub mod moderation;
/// Telling people and other systems what happened: the signed webhook.
pub mod notify;
/// The secret key, keyed hashes of emails and addresses, and sealed tokens.
pub mod secrets;
/// Serving the router on a socket with graceful shutdown.
pub mod server;
/// Persistence behind the [`store::Store`] trait: SQLite and PostgreSQL.
pub mod store;
/// Logs and Prometheus metrics.
pub mod telemetry;
/// Admins tuning the filter: stored terms and rules, proposals, back-tests, statistics.
pub mod tuning;
