//! Serving the router on a socket, with graceful shutdown on SIGINT or SIGTERM.

use crate::app::AppState;
use crate::config::Config;

/// Opens the database, binds `listen`, prints where it listens, and serves until a
/// shutdown signal; then finishes in-flight requests and flushes the store.
pub async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::build(config.clone()).await?;
    crate::cli::accounts::ensure_first_admin(&state).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.listen))?;
    let address = listener.local_addr()?;
    let metrics = match config.http.metrics_listen {
        Some(at) => Some(tokio::net::TcpListener::bind(at).await.map_err(|err| {
            format!("cannot listen for metrics on {at}: {err} (set http.metrics_listen to another address, or to \"off\")")
        })?),
        None => None,
    };
    if let Some(metrics) = &metrics {
        println!("raqib metrics on http://{}/metrics", metrics.local_addr()?);
    }
    // Printed to stdout on purpose: the first thing a person (or a test) looks for.
    println!("raqib listening on http://{address}/");
    tracing::info!(%address, database = %redact(&config.database_url), "raqib started");

    crate::jobs::housekeeping::spawn(state.clone());
    crate::jobs::train::spawn_daily(state.clone());
    crate::telemetry::refusals::spawn_flusher();
    let app = crate::http::router(state.clone());
    if let Some(metrics) = metrics {
        // Lives as long as the process: a scrape during shutdown still answers.
        let router = crate::http::metrics_router(state.clone());
        let http = config.http.clone();
        tokio::spawn(async move {
            crate::http::listener::serve(
                metrics,
                router,
                &http,
                std::future::pending(),
                std::time::Duration::ZERO,
            )
            .await
        });
    }
    // In-flight requests get `shutdown_grace_secs` to finish; then the process goes
    // anyway (each request is bounded by its timeout too).
    let grace = std::time::Duration::from_secs(config.http.shutdown_grace_secs);
    crate::http::listener::serve(listener, app, &config.http, shutdown_signal(), grace).await;
    // Every acknowledged write is committed already; this drains the writer's queue.
    state.store().close().await;
    tracing::info!("raqib stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(
            super::redact("postgres://raqib:s3cret@db:5432/raqib"),
            "postgres://raqib:***@db:5432/raqib"
        );
        assert_eq!(super::redact("sqlite://raqib.db"), "sqlite://raqib.db");
    }
}
