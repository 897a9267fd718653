//! raqib (رقيب): an Arabic-first comment moderation service for news sites.
//!
//! The binary in `main.rs` is a thin CLI over this library; tests build the same
//! [`app::AppState`] and call [`http::router`] without a socket.

/// The first admin, and the `raqib user` commands.
pub mod accounts_cli;
/// Application state shared by every request, and building it from the config.
pub mod app;
/// Accounts, roles, passwords, sessions and API tokens.
pub mod auth;
/// The security code: sealed single-use challenges, a render pool, text questions.
pub mod captcha;
/// Typed configuration: defaults < `raqib.toml` < `RAQIB_*` environment.
pub mod config;
/// Field types parsed from untrusted input (names, emails, bodies, articles) and comments.
pub mod domain;
/// The API error type and its JSON envelope.
pub mod error;
/// The Arabic-aware spam and abuse filter (pure, no I/O).
pub mod filter;
/// The HTTP layer: one router per area, merged and layered in [`http::router`].
pub mod http;
/// Localized messages (Arabic and English) and `Accept-Language` negotiation.
pub mod i18n;
/// Background work: sweeps and housekeeping.
pub mod jobs;
/// Keyed hashes of emails and IP addresses, and the secret key they derive from.
pub mod keys;
/// Values read from the database, remembered until they expire or are invalidated.
pub mod memo;
/// Prometheus metrics kept in process, rendered at `/metrics`.
pub mod metrics;
/// Rendered pages of approved comments, kept for a second.
pub mod page_cache;
/// Privacy requests: export or erase everything of one email.
pub mod privacy;
/// Rate limits: limited actions, client identity behind proxies, memory or Redis.
pub mod ratelimit;
/// Bans and closed articles held in memory for the submission path.
pub mod safety_cache;
/// `raqib score`: the filter offline over JSON Lines, with a summary table.
pub mod scoring;
/// Screening submissions with the live filter and its memory.
pub mod screen;
/// Sealed (HMAC-authenticated) tokens.
pub mod seal;
/// Serving the router on a socket with graceful shutdown.
pub mod server;
/// Persistence behind the [`store::Store`] trait: SQLite and PostgreSQL.
pub mod store;
/// Logging setup (`tracing`), text or JSON.
pub mod telemetry;
/// Admins tuning the filter: stored terms and rules, proposals, back-tests, statistics.
pub mod tuning;
/// Unicode character classes the parsers and the filter share.
pub mod unicode;
/// The optional signed webhook for held and spam comments.
pub mod webhook;
