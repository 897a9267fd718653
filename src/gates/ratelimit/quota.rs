//! What is limited and how much: the limited actions, their quotas and the config
//! section that overrides them.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
    /// Login attempts, per IP (every attempt counts: it bounds the password hashing).
    LoginPerIp,
    /// Failed logins, per address and username: only failures count, so the owner with
    /// the right password is never refused because of someone else's guesses.
    LoginPerUser,
    /// Failed logins on one username from anywhere: past it, an alarm (log and metric),
    /// never a refusal.
    LoginAlarm,
    /// Moderation and admin API calls, per token or session.
    ApiPerToken,
}

impl LimitedAction {
    pub const ALL: [LimitedAction; 10] = [
        LimitedAction::SubmitPerIp,
        LimitedAction::SubmitPerEmail,
        LimitedAction::Captcha,
        LimitedAction::FormToken,
        LimitedAction::Report,
        LimitedAction::Read,
        LimitedAction::LoginPerIp,
        LimitedAction::LoginPerUser,
        LimitedAction::LoginAlarm,
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
            LimitedAction::LoginAlarm => "login_alarm",
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

pub(crate) const fn quota(per_minute: f64, burst: u32) -> Quota {
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
    /// Failed logins per address and username.
    pub login_user: Quota,
    /// Failed logins per username from any address before the alarm sounds.
    pub login_alarm: Quota,
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
            login_alarm: quota(10.0, 20),
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
            LimitedAction::LoginAlarm => self.login_alarm,
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
