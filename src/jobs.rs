//! Background work that keeps a long-running service healthy: forgetting refilled
//! rate-limit keys, quiet articles and old adaptive-captcha visits (bounded memory), and
//! sweeping spent captcha nonces once their challenges have expired.

use std::time::Duration;

use crate::app::AppState;

/// How often housekeeping runs.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

/// Starts the background tasks; they end when the runtime shuts down.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let limiter = state.limiter();
            let before = limiter.tracked_keys();
            limiter.housekeep();
            tracing::debug!(
                before,
                after = limiter.tracked_keys(),
                "rate-limit keys swept"
            );
        }
    });
}
