//! Accepting connections: the loop in front of the router, with the limits a public
//! service needs against slow and idle clients.
//!
//! - **Header read timeout** (`http.header_read_timeout_secs`, 20 s): a client must send a
//!   whole request header within it, or the connection is closed. hyper starts this timer
//!   whenever the connection waits for a header, so it is also the idle keep-alive
//!   timeout: a connection that sends nothing is closed after it too.
//! - **Slow bodies** (`http.body_timeout_secs`, 20 s): a body that has not fully arrived
//!   in time is refused (408), in `http::router`.
//! - **Connections at once**, in all and per client address (`http.max_connections`,
//!   `http.max_connections_per_ip`): past either, the new connection gets one 503
//!   `overloaded` answer and is closed. The total cap also follows the process's open-file
//!   limit, read again while accepting (at most once a second), so a raised or lowered
//!   limit counts without a restart: connections stop being taken 64 descriptors below it,
//!   leaving room for the database, logs and Redis.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::connect_info::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::config::HttpConfig;
use crate::gates::ratelimit::client::limit_key;

/// Descriptors kept free below the open-file limit for everything but client connections.
const FD_RESERVE: u64 = 64;

/// How often the open-file limit is read again.
const LIMIT_REFRESH: Duration = Duration::from_secs(1);

/// The answer to a connection past a cap, written before it is closed.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: 90\r\n\r\n\
{\"error\":{\"code\":\"overloaded\",\"message\":\"The service is busy; please try again shortly\"}}\n";

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting and
/// waits up to `grace` for open connections to finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &HttpConfig,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) {
    let counts = Arc::new(Counts::new(config));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(config.header_read_timeout_secs.max(1)));
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors or a client gone before accept: back off a little.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = counts.take(peer.ip()) else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let header_timeout = Duration::from_secs(config.header_read_timeout_secs.max(1));
        let service = router
            .clone()
            .map_request(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _slot = slot;
            // The protocol is detected from the first bytes, before hyper's header timer
            // runs: a connection that sends nothing at all is closed here.
            let mut first = [0u8; 1];
            if !matches!(
                tokio::time::timeout(header_timeout, stream.peek(&mut first)).await,
                Ok(Ok(1..))
            ) {
                return;
            }
            let connection = builder.serve_connection_with_upgrades(
                TokioIo::new(stream),
                TowerToHyperService::new(service.map_err(|never: Infallible| match never {})),
            );
            if let Err(err) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!(grace_secs = grace.as_secs(), "connections still open after the grace period; stopping anyway");
        }
    }
}

/// One 503 to a connection past a cap, then close; never waits long on a slow client.
async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(REFUSAL)).await;
    let _ = stream.shutdown().await;
}

/// Connections open now, in all and per address.
struct Counts {
    configured_total: usize,
    per_ip: usize,
    open: Mutex<Open>,
}

struct Open {
    total: usize,
    by_ip: HashMap<u128, usize>,
    /// The open-file limit and when it was read.
    fd_limit: Option<(u64, Instant)>,
}

impl Counts {
    fn new(config: &HttpConfig) -> Counts {
        Counts {
            configured_total: config.max_connections,
            per_ip: config.max_connections_per_ip.max(1),
            open: Mutex::new(Open {
                total: 0,
                by_ip: HashMap::new(),
                fd_limit: None,
            }),
        }
    }

    /// A slot for a new connection from `ip`, or None past a cap.
    fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let key = limit_key(ip);
        let mut open = self.open.lock().ok()?;
        let cap = self.total_cap(&mut open);
        let from_ip = open.by_ip.get(&key).copied().unwrap_or(0);
        if open.total >= cap || from_ip >= self.per_ip {
            crate::telemetry::metrics::inc("raqib_connections_refused_total", &[]);
            crate::telemetry::refusals::note("too_many_connections", "(connection)");
            return None;
        }
        open.total += 1;
        *open.by_ip.entry(key).or_default() += 1;
        Some(Slot {
            counts: self.clone(),
            key,
        })
    }

    /// The configured cap (0: none), never above the open-file limit less the reserve.
    fn total_cap(&self, open: &mut Open) -> usize {
        let stale = open
            .fd_limit
            .is_none_or(|(_, read)| read.elapsed() >= LIMIT_REFRESH);
        if stale && let Some(limit) = open_file_limit() {
            open.fd_limit = Some((limit, Instant::now()));
        }
        let by_fds = open
            .fd_limit
            .map(|(limit, _)| limit.saturating_sub(FD_RESERVE) as usize)
            .unwrap_or(usize::MAX);
        match self.configured_total {
            0 => by_fds,
            configured => configured.min(by_fds),
        }
    }

    fn release(&self, key: u128) {
        if let Ok(mut open) = self.open.lock() {
            open.total = open.total.saturating_sub(1);
            if let Some(n) = open.by_ip.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    open.by_ip.remove(&key);
                }
            }
        }
    }
}

/// A connection counted until it ends.
struct Slot {
    counts: Arc<Counts>,
    key: u128,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.counts.release(self.key);
    }
}

/// The soft open-file limit of this process, from `/proc/self/limits` (Linux).
fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line.split_whitespace().nth(3)?;
    soft.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_file_limit_is_read() {
        assert!(open_file_limit().is_some_and(|n| n > 0));
    }

    #[test]
    fn the_refusal_is_a_complete_http_answer() {
        let text = std::str::from_utf8(REFUSAL).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let json: serde_json::Value = serde_json::from_str(body.trim()).unwrap();
        assert_eq!(json["error"]["code"], "overloaded");
    }

    #[test]
    fn caps_count_per_address_and_free_their_slot() {
        let config = HttpConfig {
            max_connections: 3,
            max_connections_per_ip: 2,
            ..HttpConfig::default()
        };
        let counts = Arc::new(Counts::new(&config));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = counts.take(a).expect("first");
        let _second = counts.take(a).expect("second");
        assert!(counts.take(a).is_none(), "per address");
        let _third = counts.take(b).expect("another address");
        assert!(counts.take(b).is_none(), "in all");
        drop(first);
        assert!(counts.take(a).is_some(), "a slot freed");
    }
}
