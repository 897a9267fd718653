//! Logging with `tracing`: human-readable text by default, JSON for log collectors.
//! Every request runs inside a span carrying its request id (see [`crate::http`]), so
//! every line logged while answering it carries the id. Nothing logs an email address, a
//! password, a token or a raw IP address (a test holds the service to that).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber, writing to standard error. `RUST_LOG`, when set,
/// overrides `log.level`.
pub fn init(config: &LogConfig) {
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = tracing::subscriber::set_global_default(subscriber(config, std::io::stderr));
}

/// The subscriber `init` installs, writing to `writer`.
pub fn subscriber<W>(config: &LogConfig, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match config.format {
        LogFormat::Json => Box::new(builder.json().flatten_event(true).finish()),
        LogFormat::Text => Box::new(builder.finish()),
    }
}
