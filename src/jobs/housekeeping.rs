//! Background work that keeps a long-running service healthy: forgetting refilled
//! rate-limit keys, quiet articles and old adaptive-captcha visits (bounded memory), and
//! every hour the retention job (refused comments and IP hashes past their periods, and
//! retrained models nobody promoted).

use std::time::Duration;

use crate::app::AppState;
use crate::store::retention::{Purged, Retention};
use crate::store::{StoreResult, now_ms};

/// How often housekeeping runs.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

/// How often the retention job runs.
pub const RETENTION_EVERY: Duration = Duration::from_secs(3600);

const DAY_MS: i64 = 86_400_000;

/// Purges what `[retention]` says is past its time; counts it in the metrics (the store
/// writes the audit entry in the same transaction).
pub async fn run_retention(state: &AppState) -> StoreResult<Purged> {
    let config = &state.config().retention;
    let now = now_ms();
    let cut = |days: u32| (days > 0).then(|| now - i64::from(days) * DAY_MS);
    let purged = state
        .store()
        .purge(
            Retention {
                blocked_before: cut(config.blocked_days),
                rejected_before: cut(config.rejected_days),
                spam_before: cut(config.spam_days),
                ip_before: cut(config.ip_days),
            },
            now,
        )
        .await?;
    for (what, n) in [
        ("blocked", purged.blocked),
        ("rejected", purged.rejected),
        ("spam", purged.spam),
        ("ip_hashes", purged.ip_scrubbed),
        ("reports", purged.reports),
        ("ip_reputation", purged.ip_reputation),
    ] {
        if n > 0 {
            crate::telemetry::metrics::add("raqib_retention_purged_total", &[("what", what)], n);
        }
    }
    if !purged.is_empty() {
        tracing::info!(?purged, "retention job purged old data");
    }
    // Retrained models nobody promoted, a week on: each is a megabyte or two.
    let models = state.store().forget_unused_models(now - 7 * DAY_MS).await?;
    if models > 0 {
        tracing::info!(models, "retention job deleted unused retrained models");
    }
    Ok(purged)
}

/// Starts the background tasks; they end when the runtime shuts down.
pub fn spawn(state: AppState) {
    let retention = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RETENTION_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(err) = run_retention(&retention).await {
                tracing::warn!(error = %err, "retention job failed; next run in an hour");
            }
        }
    });
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
