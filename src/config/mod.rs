//! Typed configuration: defaults < optional `raqib.toml` < `RAQIB_*` environment.
//!
//! Every key can be set from the environment as `RAQIB_` + its path, upper-cased, levels
//! joined by `__` (`RAQIB_LISTEN`, `RAQIB_DATABASE_URL`, `RAQIB_MODERATION__MODE`).
//! `raqib.example.toml` at the repository root lists every key with its default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub mod lenient;
pub mod model;
pub mod origins;
pub mod paths;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The whole configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on. Port 0 picks a free port (printed at start).
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` (default) or `postgres://user@host/db`.
    #[serde(deserialize_with = "lenient::lenient_string")]
    pub database_url: String,
    /// The public base URL of the service, e.g. `https://comments.example.com`.
    #[serde(deserialize_with = "lenient::lenient_option_string")]
    pub public_url: Option<String>,
    /// Key for keyed hashes and sealed tokens. Unset with SQLite: a key file beside the
    /// database is created on first start. Required with PostgreSQL.
    #[serde(deserialize_with = "lenient::lenient_option_string", skip_serializing)]
    pub secret_key: Option<String>,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers are believed (CIDR blocks;
    /// empty: every client is the socket peer). From the environment as a comma list:
    /// `RAQIB_TRUSTED_PROXIES=127.0.0.1/32,10.0.0.0/8`.
    #[serde(deserialize_with = "crate::gates::ratelimit::client::deserialize_cidrs")]
    pub trusted_proxies: Vec<crate::gates::ratelimit::client::Cidr>,
    /// Origins of the host pages whose browsers may call the reader API (CORS), e.g.
    /// `https://news.example`; `*` for any. The service's own pages need no entry. From
    /// the environment as a comma list.
    #[serde(deserialize_with = "lenient::lenient_list")]
    pub allowed_origins: Vec<String>,
    /// Logins and sessions.
    pub auth: AuthConfig,
    /// A signed POST when a comment is queued held or as spam (optional).
    pub webhook: crate::notify::webhook::WebhookConfig,
    /// The security code.
    pub captcha: crate::gates::captcha::CaptchaConfig,
    /// Quotas per limited action, the limiter backend, the flood guard.
    pub rate_limits: crate::gates::ratelimit::RateLimitConfig,
    /// Directory of the word lists (`lists.toml` and the files it names). When it has no
    /// `lists.toml`, the lists built into the binary are used.
    #[serde(deserialize_with = "lenient::lenient_string")]
    pub wordlists: String,
    /// Filter thresholds and signal weights (seed values; see `wordlists/README.md`).
    pub filter: crate::filter::FilterSettings,
    pub database: DatabaseConfig,
    pub moderation: ModerationConfig,
    pub http: HttpConfig,
    pub retention: RetentionConfig,
    pub log: LogConfig,
    /// Retraining the learned models from the moderators' decisions.
    pub model: model::ModelConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://raqib.db".to_string(),
            public_url: None,
            secret_key: None,
            trusted_proxies: Vec::new(),
            allowed_origins: Vec::new(),
            captcha: crate::gates::captcha::CaptchaConfig::default(),
            auth: AuthConfig::default(),
            webhook: crate::notify::webhook::WebhookConfig::default(),
            rate_limits: crate::gates::ratelimit::RateLimitConfig::default(),
            wordlists: "wordlists".to_string(),
            filter: crate::filter::FilterSettings::default(),
            database: DatabaseConfig::default(),
            moderation: ModerationConfig::default(),
            http: HttpConfig::default(),
            retention: RetentionConfig::default(),
            log: LogConfig::default(),
            model: model::ModelConfig::default(),
        }
    }
}

/// Database tuning.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Connections in the pool (PostgreSQL), or readers beside the single writer (SQLite).
    pub max_connections: u32,
    /// SQLite `synchronous`: `normal` survives a process crash, `full` a power cut.
    pub synchronous: Synchronous,
    /// How long SQLite waits for a lock before giving up, in milliseconds.
    pub busy_timeout_ms: u64,
    /// Most writes the SQLite writer commits in one transaction (group commit).
    pub max_batch: usize,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            max_connections: 8,
            synchronous: Synchronous::Normal,
            busy_timeout_ms: 5_000,
            max_batch: 256,
        }
    }
}

/// SQLite's durability level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    Normal,
    Full,
}

/// Logins and sessions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// How long a login session lasts, in hours.
    pub session_hours: u64,
    /// The first admin's name, created on first start when no admin exists.
    #[serde(deserialize_with = "lenient::lenient_string")]
    pub first_admin: String,
    /// On first start, the first admin's password is read from this file (a container
    /// secret) instead of being generated; then nothing secret is printed.
    #[serde(default)]
    pub first_admin_password_file: Option<std::path::PathBuf>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            session_hours: 12,
            first_admin: "admin".to_string(),
            first_admin_password_file: None,
        }
    }
}

/// How comments are published.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModerationConfig {
    /// `pre`: nothing is public before a moderator approves it. `post`: clean comments
    /// are published at once and held ones wait.
    pub mode: ModerationMode,
    /// `post` mode: reader reports (one per address) that send a published comment back
    /// to the queue.
    pub reports_to_pending: u32,
}

impl Default for ModerationConfig {
    fn default() -> Self {
        ModerationConfig {
            mode: ModerationMode::Pre,
            reports_to_pending: 3,
        }
    }
}

/// Pre- or post-moderation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModerationMode {
    #[default]
    Pre,
    Post,
}

/// Limits of the HTTP layer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub max_body_bytes: usize,
    /// A request that takes longer is answered 503 `overloaded`.
    pub request_timeout_secs: u64,
    /// Requests answered at once; more are refused at once with 503 `overloaded` rather
    /// than queued without bound.
    pub max_concurrency: usize,
    /// After SIGTERM, how long in-flight requests may take before the process exits
    /// anyway.
    pub shutdown_grace_secs: u64,
    /// When set, `GET /metrics` is also served on the main address, to
    /// `Authorization: Bearer <token>` only (and the metrics address asks for it too).
    #[serde(default, deserialize_with = "lenient::lenient_option_string")]
    pub metrics_token: Option<String>,
    /// A second, private address that serves only `GET /metrics` (`off` or empty: none).
    /// Without `metrics_token`, the main address does not serve `/metrics` at all.
    #[serde(default, deserialize_with = "lenient_option_address")]
    pub metrics_listen: Option<SocketAddr>,
    /// A request header must arrive whole within this many seconds; also how long an idle
    /// keep-alive connection stays open.
    pub header_read_timeout_secs: u64,
    /// A request body must arrive whole within this many seconds.
    pub body_timeout_secs: u64,
    /// Connections open at once (0: as many as the open-file limit allows, less 64).
    pub max_connections: usize,
    /// Connections open at once from one client address (IPv6: one /64).
    pub max_connections_per_ip: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            max_body_bytes: 64 * 1024,
            request_timeout_secs: 30,
            max_concurrency: 1024,
            shutdown_grace_secs: 10,
            metrics_token: None,
            metrics_listen: Some(SocketAddr::from(([127, 0, 0, 1], 9464))),
            header_read_timeout_secs: 20,
            body_timeout_secs: 20,
            max_connections: 0,
            max_connections_per_ip: 256,
        }
    }
}

/// An address, or None for `off` / `none` / an empty string.
fn lenient_option_address<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Option<SocketAddr>, D::Error> {
    match lenient::lenient_option_string(de)? {
        None => Ok(None),
        Some(text) if ["off", "none", ""].contains(&text.trim().to_ascii_lowercase().as_str()) => {
            Ok(None)
        }
        Some(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// How long refused comments and IP hashes are kept (days; 0 keeps them forever). The
/// retention job runs every hour, writes what it did to the audit log and counts it in
/// `raqib_retention_purged_total`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Comments the filter blocked (never public).
    pub blocked_days: u32,
    /// Comments moderators rejected, counted from the decision.
    pub rejected_days: u32,
    /// Comments marked spam.
    pub spam_days: u32,
    /// IP hashes (and the display prefix) of every comment and report.
    pub ip_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            blocked_days: 30,
            rejected_days: 90,
            spam_days: 30,
            ip_days: 90,
        }
    }
}

/// Logging.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` for people, `json` for log collectors.
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `raqib=debug,tower_http=info`.
    /// `RUST_LOG`, when set, wins.
    #[serde(deserialize_with = "lenient::lenient_string")]
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// A configuration that could not be loaded; the message names the key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Loads defaults, then the TOML file, then the environment.
    ///
    /// `path` is the file named by `--config` or `RAQIB_CONFIG`: it must exist. Without
    /// one, `raqib.toml` in the working directory is read when present.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let file: PathBuf = match path {
            Some(path) => {
                if !path.is_file() {
                    return Err(ConfigError(format!(
                        "config file {} does not exist",
                        path.display()
                    )));
                }
                path.to_path_buf()
            }
            None => PathBuf::from("raqib.toml"),
        };
        Self::from_figment(
            Figment::from(Serialized::defaults(Config::default()))
                .merge(Toml::file(file))
                .merge(env_provider("RAQIB_")),
        )
    }

    /// Extracts and checks a config from any figment (tests build their own).
    pub fn from_figment(figment: Figment) -> Result<Config, ConfigError> {
        let config: Config = figment.extract().map_err(|errors| {
            let lines: Vec<String> = errors.into_iter().map(describe).collect();
            ConfigError(format!("invalid configuration:\n  {}", lines.join("\n  ")))
        })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let url = self.database_url.as_str();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            return Err(ConfigError(format!(
                "invalid configuration: key `database_url` must start with sqlite:// or postgres://, got `{url}`"
            )));
        }
        if self.is_postgres() && self.secret_key.is_none() {
            return Err(ConfigError(
                "invalid configuration: key `secret_key` (RAQIB_SECRET_KEY) is required with PostgreSQL, \
                 so that every replica derives the same hashes"
                    .to_string(),
            ));
        }
        if let Some(key) = &self.secret_key
            && key.len() < 32
        {
            return Err(ConfigError(
                "invalid configuration: key `secret_key` must be at least 32 characters"
                    .to_string(),
            ));
        }
        self.rate_limits
            .check()
            .map_err(|e| ConfigError(format!("invalid configuration: {e}")))?;
        if self.webhook.url.as_deref().is_some_and(|u| !u.is_empty())
            && self.webhook.secret.as_deref().is_none_or(|s| s.len() < 16)
        {
            return Err(ConfigError(
                "invalid configuration: key `webhook.secret` (at least 16 characters) is required with `webhook.url`".into(),
            ));
        }
        if self.captcha.length == 0 || self.captcha.length > 12 || self.captcha.ttl_secs == 0 {
            return Err(ConfigError(
                "invalid configuration: key `captcha.length` must be 1–12 and `captcha.ttl_secs` positive".into(),
            ));
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError(
                "invalid configuration: key `database.max_connections` must be at least 1"
                    .to_string(),
            ));
        }
        if self.database.max_batch == 0 {
            return Err(ConfigError(
                "invalid configuration: key `database.max_batch` must be at least 1".to_string(),
            ));
        }
        if self.http.max_body_bytes < 1024 {
            return Err(ConfigError(
                "invalid configuration: key `http.max_body_bytes` must be at least 1024"
                    .to_string(),
            ));
        }
        Ok(())
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}

/// The environment provider: `RAQIB_A__B` is key `a.b`. `RAQIB_CONFIG` names the
/// file and is not itself a key.
fn env_provider(prefix: &str) -> Env {
    Env::prefixed(prefix).split("__").ignore(&["config"])
}

/// One figment error as "key `a.b`: what is wrong (from where)".
fn describe(error: figment::Error) -> String {
    let key = if error.path.is_empty() {
        "(top level)".to_string()
    } else {
        error.path.join(".")
    };
    let source = error
        .metadata
        .as_ref()
        .map(|meta| meta.name.to_string())
        .unwrap_or_else(|| "defaults".to_string());
    format!("key `{key}`: {} (from {source})", error.kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::Format;

    fn load(toml: &str) -> Result<Config, ConfigError> {
        Config::from_figment(
            Figment::from(Serialized::defaults(Config::default())).merge(Toml::string(toml)),
        )
    }

    #[test]
    fn the_example_config_lists_valid_keys_with_the_defaults() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("raqib.example.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let example = load(&text).unwrap_or_else(|e| panic!("{e}"));
        let defaults = Config::default();
        assert_eq!(
            example.filter, defaults.filter,
            "the example shows the default filter settings"
        );
        assert_eq!(example.listen, defaults.listen);
        assert_eq!(example.database_url, defaults.database_url);
    }

    #[test]
    fn defaults_listen_locally_on_sqlite() {
        let config = load("").unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database_url, "sqlite://raqib.db");
        assert_eq!(config.moderation.mode, ModerationMode::Pre);
        assert_eq!(config.database.synchronous, Synchronous::Normal);
    }

    #[test]
    fn the_file_overrides_defaults() {
        let config = load("listen = \"0.0.0.0:9000\"\n[moderation]\nmode = \"post\"\n").unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(config.moderation.mode, ModerationMode::Post);
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = load("[moderation]\nmode = \"sometimes\"\n").unwrap_err();
        assert!(err.0.contains("moderation.mode"), "{err}");
        let err = load("listen = \"not an address\"\n").unwrap_err();
        assert!(err.0.contains("listen"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let err = load("[moderation]\nmood = \"pre\"\n").unwrap_err();
        assert!(err.0.contains("mood"), "{err}");
    }

    #[test]
    fn trusted_proxies_and_quotas_are_read() {
        let config = load(
            "trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n[rate_limits.submit_ip]\nper_minute = 1\nburst = 3\n",
        )
        .unwrap();
        assert_eq!(config.trusted_proxies.len(), 2);
        assert_eq!(config.rate_limits.submit_ip.burst, 3);
        let comma = load("trusted_proxies = \"127.0.0.1/32, 10.0.0.0/8\"\n").unwrap();
        assert_eq!(
            comma.trusted_proxies.len(),
            2,
            "a comma list as from the environment"
        );
        let err = load("trusted_proxies = [\"10.0.0.0/99\"]\n").unwrap_err();
        assert!(err.0.contains("trusted_proxies"), "{err}");
    }

    #[test]
    fn postgres_requires_a_secret_key() {
        let err = load("database_url = \"postgres://localhost/x\"\n").unwrap_err();
        assert!(err.0.contains("secret_key"), "{err}");
        let key = "k".repeat(32);
        let ok = load(&format!(
            "database_url = \"postgres://localhost/x\"\nsecret_key = \"{key}\"\n"
        ));
        assert!(ok.is_ok());
    }

    #[test]
    fn the_environment_maps_double_underscores_to_levels() {
        // Env reads the real process environment, so this test sets variables that no
        // other test reads.
        // SAFETY: only this test uses the RAQIBTEST_ prefix.
        unsafe {
            std::env::set_var("RAQIBTEST_MODERATION__MODE", "post");
            std::env::set_var(
                "RAQIBTEST_SECRET_KEY",
                "12345678901234567890123456789012345",
            );
            std::env::set_var("RAQIBTEST_CONFIG", "ignored.toml");
        }
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(env_provider("RAQIBTEST_"));
        let config = Config::from_figment(figment).unwrap();
        assert_eq!(config.moderation.mode, ModerationMode::Post);
        assert_eq!(
            config.secret_key.as_deref(),
            Some("12345678901234567890123456789012345"),
            "a numeric-looking key is still a string"
        );
    }
}
