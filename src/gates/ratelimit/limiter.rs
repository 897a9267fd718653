//! The limiter the service uses: in process, or shared through Redis with the
//! in-process limiter standing in while Redis is down; and the flood guard.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::flood::MinuteCounter;
use super::memory::MemoryLimiter;
use super::quota::{Backend, LimitedAction, Quota, RateLimitConfig, text_key};
use super::redis;

/// How long Redis is left alone after it failed, before it is tried again.
const REDIS_COOLDOWN: Duration = Duration::from_secs(5);

/// The limiter the service uses.
pub struct Limiter {
    memory: MemoryLimiter,
    redis: Option<redis::RedisLimiter>,
    redis_down_until: Mutex<Option<Instant>>,
    flood: MinuteCounter,
    flood_per_minute: u64,
    limited: Vec<AtomicU64>,
    floods: AtomicU64,
    /// Articles that tripped the guard, with when (ms), for the moderators' stats.
    flooded: Mutex<std::collections::HashMap<String, u64>>,
    /// Keys refused until a time (an address that kept failing to log in to one account).
    locks: Mutex<std::collections::HashMap<u128, Instant>>,
}

/// Locks kept at most; past it, expired ones are dropped first.
const MAX_LOCKS: usize = 100_000;

impl Limiter {
    pub fn new(config: &RateLimitConfig) -> Limiter {
        let quotas: Vec<Quota> = LimitedAction::ALL
            .iter()
            .map(|a| config.quota(*a))
            .collect();
        let redis = match config.backend {
            Backend::Memory => None,
            Backend::Redis => {
                match redis::RedisLimiter::new(&config.redis_url, &config.redis_prefix, &quotas) {
                    Ok(redis) => Some(redis),
                    Err(err) => {
                        tracing::error!(error = %err, "Redis limiter unavailable; limits are per replica");
                        None
                    }
                }
            }
        };
        Limiter {
            memory: MemoryLimiter::new(&quotas),
            redis,
            redis_down_until: Mutex::new(None),
            flood: MinuteCounter::default(),
            flood_per_minute: config.flood_per_minute,
            limited: LimitedAction::ALL
                .iter()
                .map(|_| AtomicU64::new(0))
                .collect(),
            floods: AtomicU64::new(0),
            flooded: Mutex::new(std::collections::HashMap::new()),
            locks: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// `Ok` when the action is allowed for `key`; else the wait, in whole seconds rounded
    /// up (never 0), for `Retry-After`.
    pub async fn check(&self, action: LimitedAction, key: u128) -> Result<(), u64> {
        let decision = match self.shared() {
            Some(redis) => match redis.check(action, key).await {
                Ok(decision) => decision,
                Err(err) => {
                    self.redis_failed(&err);
                    self.memory.check(action, key)
                }
            },
            None => self.memory.check(action, key),
        };
        decision
            .map_err(|wait| {
                self.limited[action.index()].fetch_add(1, Ordering::Relaxed);
                crate::telemetry::metrics::inc(
                    "raqib_rate_limited_total",
                    &[("action", action.name())],
                );
                // Logged by the HTTP layer's refusal log, which holds floods back.
                tracing::debug!(
                    action = action.name(),
                    wait_ms = wait.as_millis() as u64,
                    "rate limited"
                );
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
            })
            .map_err(|secs| secs.max(1))
    }

    /// Refuses `key` for `seconds` (see [`Limiter::locked`]).
    pub fn lock(&self, key: u128, seconds: u64) {
        let Ok(mut locks) = self.locks.lock() else {
            return;
        };
        let now = Instant::now();
        if locks.len() >= MAX_LOCKS {
            locks.retain(|_, until| *until > now);
            if locks.len() >= MAX_LOCKS {
                locks.clear();
            }
        }
        locks.insert(key, now + Duration::from_secs(seconds.max(1)));
    }

    /// Seconds until `key` may try again, while a [`Limiter::lock`] holds it.
    pub fn locked(&self, key: u128) -> Option<u64> {
        let locks = self.locks.lock().ok()?;
        let left = locks.get(&key)?.checked_duration_since(Instant::now())?;
        Some(left.as_secs() + u64::from(left.subsec_nanos() > 0))
    }

    /// Counts a comment on an article; true while the article is under a flood.
    pub async fn flood(&self, article: &str) -> bool {
        let key = text_key(article);
        let counts = match self.shared() {
            Some(redis) => match redis.count_minute(&format!("flood:{key:032x}")).await {
                Ok(counts) => counts,
                Err(err) => {
                    self.redis_failed(&err);
                    self.flood.count(key, now_minute())
                }
            },
            None => self.flood.count(key, now_minute()),
        };
        let flooded = counts.0 > self.flood_per_minute || counts.1 > self.flood_per_minute;
        if flooded {
            self.floods.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut articles) = self.flooded.lock() {
                articles.insert(article.to_string(), now_minute());
            }
            if counts.0 == self.flood_per_minute + 1 {
                tracing::warn!(
                    article,
                    per_minute = self.flood_per_minute,
                    "flood guard: new comments arrive held"
                );
            }
        }
        flooded
    }

    /// What is not working as configured (for `/readyz`), if anything.
    pub fn degraded(&self) -> Option<String> {
        self.redis.as_ref()?;
        self.redis_down()
            .then(|| "redis unreachable: rate limits are per replica until it returns".to_string())
    }

    /// Forgets refilled keys and quiet articles; run periodically.
    pub fn housekeep(&self) {
        self.memory.housekeep();
        self.flood.housekeep(now_minute());
    }

    pub fn tracked_keys(&self) -> usize {
        self.memory.tracked_keys()
    }

    /// Requests refused, per action.
    pub fn limited_counts(&self) -> Vec<(LimitedAction, u64)> {
        LimitedAction::ALL
            .iter()
            .map(|a| (*a, self.limited[a.index()].load(Ordering::Relaxed)))
            .collect()
    }

    /// Articles under the flood guard in the last two minutes.
    pub fn flooded_articles(&self) -> Vec<String> {
        let now = now_minute();
        let Ok(mut articles) = self.flooded.lock() else {
            return Vec::new();
        };
        articles.retain(|_, minute| *minute + 2 > now);
        let mut names: Vec<String> = articles.keys().cloned().collect();
        names.sort();
        names
    }

    /// Comments that arrived during a flood.
    pub fn flooded_comments(&self) -> u64 {
        self.floods.load(Ordering::Relaxed)
    }

    fn shared(&self) -> Option<&redis::RedisLimiter> {
        let redis = self.redis.as_ref()?;
        (!self.redis_down()).then_some(redis)
    }

    fn redis_down(&self) -> bool {
        self.redis_down_until
            .lock()
            .map(|until| until.is_some_and(|t| Instant::now() < t))
            .unwrap_or(false)
    }

    fn redis_failed(&self, err: &str) {
        if let Ok(mut until) = self.redis_down_until.lock() {
            if until.is_none_or(|t| Instant::now() >= t) {
                tracing::warn!(error = %err, "Redis limiter failed; using in-process limits for now");
            }
            *until = Some(Instant::now() + REDIS_COOLDOWN);
        }
    }
}

fn now_minute() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 60)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::ratelimit::quota::quota;

    fn small() -> RateLimitConfig {
        RateLimitConfig {
            submit_ip: quota(6.0, 3),
            flood_per_minute: 3,
            ..RateLimitConfig::default()
        }
    }

    #[tokio::test]
    async fn retry_after_is_whole_seconds_rounded_up() {
        let limiter = Limiter::new(&small());
        for _ in 0..3 {
            assert!(limiter.check(LimitedAction::SubmitPerIp, 7).await.is_ok());
        }
        let wait = limiter
            .check(LimitedAction::SubmitPerIp, 7)
            .await
            .unwrap_err();
        assert!((9..=10).contains(&wait), "{wait}");
        assert_eq!(limiter.limited_counts()[0].1, 1);
    }

    #[tokio::test]
    async fn the_flood_guard_trips_above_the_rate() {
        let limiter = Limiter::new(&small());
        let mut flags = Vec::new();
        for _ in 0..5 {
            flags.push(limiter.flood("/news/hot").await);
        }
        assert_eq!(flags, vec![false, false, false, true, true]);
        assert!(!limiter.flood("/news/quiet").await);
        assert_eq!(limiter.flooded_comments(), 2);
    }

    #[test]
    fn nonsense_quotas_are_refused_by_name() {
        let config = RateLimitConfig {
            captcha: quota(0.0, 3),
            ..RateLimitConfig::default()
        };
        assert!(config.check().unwrap_err().contains("rate_limits.captcha"));
    }
}
