//! The in-process limiter: one `governor` keyed GCRA limiter per action.
//!
//! Keyed stores never forget a key by themselves, so [`MemoryLimiter::housekeep`] (run
//! periodically by the background jobs) drops keys whose quota has fully refilled and
//! gives the memory back.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota as GovernorQuota};

use super::quota::{LimitedAction, Quota};

pub struct MemoryLimiter {
    limiters: Vec<DefaultKeyedRateLimiter<u128>>,
    clock: DefaultClock,
}

/// A quota as governor takes it.
pub fn governor_quota(quota: Quota) -> GovernorQuota {
    let per_minute = quota.per_minute.max(0.001);
    let period = Duration::from_secs_f64(60.0 / per_minute).max(Duration::from_nanos(1));
    let burst = NonZeroU32::new(quota.burst.max(1)).unwrap_or(NonZeroU32::MIN);
    GovernorQuota::with_period(period)
        .unwrap_or_else(|| GovernorQuota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl MemoryLimiter {
    /// One limiter per action, with the quotas given in [`LimitedAction::ALL`] order.
    pub fn new(quotas: &[Quota]) -> MemoryLimiter {
        MemoryLimiter {
            limiters: quotas
                .iter()
                .map(|q| DefaultKeyedRateLimiter::keyed(governor_quota(*q)))
                .collect(),
            clock: DefaultClock::default(),
        }
    }

    /// `Ok` when allowed, else how long until the next request would be.
    pub fn check(&self, action: LimitedAction, key: u128) -> Result<(), Duration> {
        self.limiters[action.index()]
            .check_key(&key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Forgets keys whose quota has refilled, and shrinks the stores.
    pub fn housekeep(&self) {
        for limiter in &self.limiters {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// Keys tracked, over all actions.
    pub fn tracked_keys(&self) -> usize {
        self.limiters.iter().map(|l| l.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_burst_passes_then_the_limit_answers_with_a_wait() {
        let quotas = vec![
            Quota {
                per_minute: 6.0,
                burst: 3
            };
            LimitedAction::ALL.len()
        ];
        let limiter = MemoryLimiter::new(&quotas);
        for _ in 0..3 {
            assert!(limiter.check(LimitedAction::SubmitPerIp, 1).is_ok());
        }
        let wait = limiter.check(LimitedAction::SubmitPerIp, 1).unwrap_err();
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert!(
            limiter.check(LimitedAction::SubmitPerIp, 2).is_ok(),
            "another key"
        );
        assert!(
            limiter.check(LimitedAction::SubmitPerEmail, 1).is_ok(),
            "another action"
        );
    }

    #[test]
    fn tracked_keys_return_to_zero_once_quotas_have_refilled() {
        // 6,000 a minute: a burst of 2 refills in 20 ms.
        let quotas = vec![
            Quota {
                per_minute: 6_000.0,
                burst: 2
            };
            LimitedAction::ALL.len()
        ];
        let limiter = MemoryLimiter::new(&quotas);
        for key in 0..1_000u128 {
            let _ = limiter.check(LimitedAction::Read, key);
        }
        assert_eq!(limiter.tracked_keys(), 1_000);
        std::thread::sleep(Duration::from_millis(60));
        limiter.housekeep();
        assert_eq!(limiter.tracked_keys(), 0);
    }
}
