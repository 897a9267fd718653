//! Rate limiting: limited actions with a quota each, keyed on an honest client identity
//! ([`client`]), decided in process ([`memory`], `governor`) or shared through Redis
//! ([`redis`]) — falling back to the in-process limiter, and saying so in `/readyz`, while
//! Redis is unreachable. Also the per-article flood guard.

pub mod client;
mod flood;
pub mod memory;
mod redis;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use flood::MinuteCounter;
use memory::MemoryLimiter;

/// What is limited, each with its own quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitedAction {
    /// Submitting a comment, per client IP (IPv6 per /64).
    SubmitPerIp,
    /// Submitting a comment, per canonical email.
    SubmitPerEmail,
    /// Issuing a captcha challenge, per IP.
    Captcha,
    /// Issuing a form token, per IP.
    FormToken,
    /// Reporting a comment, per IP.
    Report,
    /// Public reads, per IP.
    Read,
    /// Login attempts, per IP.
    LoginPerIp,
    /// Login attempts, per username.
    LoginPerUser,
    /// Moderation and admin API calls, per token or session.
    ApiPerToken,
}

impl LimitedAction {
    pub const ALL: [LimitedAction; 9] = [
        LimitedAction::SubmitPerIp,
        LimitedAction::SubmitPerEmail,
        LimitedAction::Captcha,
        LimitedAction::FormToken,
        LimitedAction::Report,
        LimitedAction::Read,
        LimitedAction::LoginPerIp,
        LimitedAction::LoginPerUser,
        LimitedAction::ApiPerToken,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The config key under `rate_limits`.
    pub fn name(self) -> &'static str {
        match self {
            LimitedAction::SubmitPerIp => "submit_ip",
            LimitedAction::SubmitPerEmail => "submit_email",
            LimitedAction::Captcha => "captcha",
            LimitedAction::FormToken => "form_token",
            LimitedAction::Report => "report",
            LimitedAction::Read => "read",
            LimitedAction::LoginPerIp => "login_ip",
            LimitedAction::LoginPerUser => "login_user",
            LimitedAction::ApiPerToken => "api_token",
        }
    }
}

/// A sustained rate and a burst.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Requests a minute, sustained (may be fractional: 0.5 is one every two minutes).
    pub per_minute: f64,
    /// Requests allowed at once before the rate applies.
    pub burst: u32,
}

const fn quota(per_minute: f64, burst: u32) -> Quota {
    Quota { per_minute, burst }
}

/// Which limiter decides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    #[default]
    Memory,
    Redis,
}

/// `[rate_limits]` in the config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// `memory` (one replica) or `redis` (replicas share one quota).
    pub backend: Backend,
    pub redis_url: String,
    /// Prefix of every Redis key, so several services (or tests) can share one Redis.
    pub redis_prefix: String,
    /// Comments a minute on one article above which new comments arrive held.
    pub flood_per_minute: u64,
    /// A newsroom behind one NAT address posts many comments an hour: 30 at once, then
    /// 10 a minute.
    pub submit_ip: Quota,
    /// One person: 5 at once, then 2 a minute.
    pub submit_email: Quota,
    pub captcha: Quota,
    /// One per article page view that shows the form.
    pub form_token: Quota,
    pub report: Quota,
    /// Public reads of comment threads (embedded widgets reload often).
    pub read: Quota,
    pub login_ip: Quota,
    pub login_user: Quota,
    pub api_token: Quota,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            backend: Backend::Memory,
            redis_url: "redis://127.0.0.1:6379".into(),
            redis_prefix: "raqib".into(),
            flood_per_minute: 120,
            submit_ip: quota(10.0, 30),
            submit_email: quota(2.0, 5),
            captcha: quota(20.0, 30),
            form_token: quota(60.0, 120),
            report: quota(5.0, 10),
            read: quota(600.0, 300),
            login_ip: quota(5.0, 10),
            login_user: quota(1.0, 5),
            api_token: quota(600.0, 120),
        }
    }
}

impl RateLimitConfig {
    pub fn quota(&self, action: LimitedAction) -> Quota {
        match action {
            LimitedAction::SubmitPerIp => self.submit_ip,
            LimitedAction::SubmitPerEmail => self.submit_email,
            LimitedAction::Captcha => self.captcha,
            LimitedAction::FormToken => self.form_token,
            LimitedAction::Report => self.report,
            LimitedAction::Read => self.read,
            LimitedAction::LoginPerIp => self.login_ip,
            LimitedAction::LoginPerUser => self.login_user,
            LimitedAction::ApiPerToken => self.api_token,
        }
    }

    /// Every quota positive, the Redis URL readable.
    pub fn check(&self) -> Result<(), String> {
        for action in LimitedAction::ALL {
            let q = self.quota(action);
            if !(q.per_minute.is_finite() && q.per_minute > 0.0) || q.burst == 0 {
                return Err(format!(
                    "key `rate_limits.{}`: per_minute and burst must be positive",
                    action.name()
                ));
            }
        }
        if self.backend == Backend::Redis && ::redis::Client::open(self.redis_url.as_str()).is_err()
        {
            return Err(format!(
                "key `rate_limits.redis_url`: {:?} is not a Redis URL",
                self.redis_url
            ));
        }
        Ok(())
    }
}

/// The key of a text (email, username, token) for the limiters: 128 bits of SHA-256,
/// the same on every replica.
pub fn text_key(text: &str) -> u128 {
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(bytes)
}

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
}

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
                tracing::info!(
                    action = action.name(),
                    wait_ms = wait.as_millis() as u64,
                    "rate limited"
                );
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
            })
            .map_err(|secs| secs.max(1))
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
