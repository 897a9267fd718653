//! Refused requests (429 rate limited, 503 overloaded) in the log without flooding it.
//!
//! A flood of refusals is exactly when a log line per request hurts most (the review saw
//! over 100 MB in 15 s). In each window the first few refusals are logged one by one;
//! the rest are only counted, by reason and route, and one summary line per window says
//! how many were not logged. The metrics (`raqib_http_requests_total` by status,
//! `raqib_rate_limited_total`) keep exact counts either way.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Refusals logged one by one in each window.
pub const LOGGED_PER_WINDOW: u64 = 5;

/// How long a window lasts; also how often the summary is written.
pub const WINDOW: Duration = Duration::from_secs(10);

struct Window {
    started: Instant,
    logged: u64,
    /// (reason, route) → refusals counted but not logged.
    unlogged: BTreeMap<(&'static str, String), u64>,
}

fn window() -> &'static Mutex<Window> {
    static WINDOW_STATE: std::sync::OnceLock<Mutex<Window>> = std::sync::OnceLock::new();
    WINDOW_STATE.get_or_init(|| {
        Mutex::new(Window {
            started: Instant::now(),
            logged: 0,
            unlogged: BTreeMap::new(),
        })
    })
}

/// Records one refused request: logged while the window has room, else counted.
pub fn note(reason: &'static str, route: &str) {
    let Ok(mut window) = window().lock() else {
        return;
    };
    if window.started.elapsed() >= WINDOW {
        close(&mut window);
    }
    if window.logged < LOGGED_PER_WINDOW {
        window.logged += 1;
        tracing::info!(reason, route, "request refused");
    } else {
        *window
            .unlogged
            .entry((reason, route.to_string()))
            .or_default() += 1;
    }
}

/// Writes the summary of the current window, if anything went unlogged, and starts a
/// new one. Called every [`WINDOW`] by [`spawn_flusher`], and by [`note`] when a window
/// has run out.
pub fn flush() {
    if let Ok(mut window) = window().lock() {
        close(&mut window);
    }
}

fn close(window: &mut Window) {
    if !window.unlogged.is_empty() {
        let total: u64 = window.unlogged.values().sum();
        let counts = window
            .unlogged
            .iter()
            .map(|((reason, route), n)| format!("{reason} {route}: {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        tracing::warn!(
            total,
            seconds = window.started.elapsed().as_secs(),
            counts = %counts,
            "requests refused and not logged one by one"
        );
    }
    window.started = Instant::now();
    window.logged = 0;
    window.unlogged.clear();
}

/// Writes the summary every [`WINDOW`], so the last one of a flood is not held back.
pub fn spawn_flusher() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(WINDOW);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            flush();
        }
    });
}
