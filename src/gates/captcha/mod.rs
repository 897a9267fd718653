//! The security code: stateless, single-use, expiring challenges.
//!
//! - **Issue**: pop a pre-rendered challenge from a bounded pool and seal its answer into
//!   the id ([`token`]). No database write. When the pool is empty at most one inline
//!   render runs at a time; other requests get 503 `overloaded` with `Retry-After`, so a
//!   flood of `GET /captcha` costs at most the refill budget plus one core-slice.
//! - **Verify**: open the id, check expiry and answer. **Every attempt burns the nonce**:
//!   a wrong answer burns it at once; a right one is burned in the same transaction as the
//!   comment, so of two requests racing with one solved id exactly one passes.
//! - **Render off the request path**: the crate's `Captcha` is `!Send` and takes ~3 ms, so
//!   rendering runs in `spawn_blocking`, fed by a background task at a configured rate.

pub mod source;
pub mod text;
pub mod token;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

pub use source::{CaptchaSource, Charset, CrateRenderer, Difficulty, Rendered};
pub use token::Challenge;

use crate::domain::lang::Lang;
use crate::secrets::keys::Secrets;

/// When a security code is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every comment needs one (422 `validation_failed` on field `captcha` without).
    #[default]
    Always,
    /// Never (trusted back-end integrations, benchmarks).
    Off,
    /// After the filter: only when the client commented recently or the class is not
    /// `ok` (428 `captcha_required`).
    Adaptive,
}

/// `[captcha]` in the config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptchaConfig {
    pub mode: Mode,
    pub charset: Charset,
    /// Characters per code.
    pub length: u32,
    pub difficulty: Difficulty,
    /// How long a challenge may be answered, in seconds.
    pub ttl_secs: u64,
    /// Pre-rendered challenges kept ready.
    pub pool_size: usize,
    /// Renders a second the background task may spend refilling the pool.
    pub refill_per_second: u32,
    /// `adaptive` mode: a client who commented within this many seconds must solve one.
    pub adaptive_window_secs: u64,
}

impl Default for CaptchaConfig {
    fn default() -> Self {
        CaptchaConfig {
            mode: Mode::Always,
            charset: Charset::Digits,
            length: 5,
            difficulty: Difficulty::Medium,
            ttl_secs: 600,
            pool_size: 256,
            refill_per_second: 50,
            adaptive_window_secs: 600,
        }
    }
}

/// A challenge handed to a reader.
#[derive(Clone, Debug)]
pub enum Issued {
    Image { id: String, png: Vec<u8> },
    Question { id: String, question: String },
}

/// Why a challenge could not be issued right now.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

/// Why an answer was refused. One reason for all: unknown, forged, expired, or wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid;

/// The captcha service: pool, keys, settings.
pub struct Captchas {
    config: CaptchaConfig,
    key: [u8; 32],
    source: Arc<dyn CaptchaSource>,
    pool: Mutex<VecDeque<Rendered>>,
    inline: Semaphore,
    /// `adaptive` mode: clients seen within the window (one cell per window).
    recent: governor::DefaultKeyedRateLimiter<u128>,
}

impl Captchas {
    pub fn new(
        config: CaptchaConfig,
        keys: &Secrets,
        source: Arc<dyn CaptchaSource>,
    ) -> Arc<Captchas> {
        let captchas = Arc::new(Captchas {
            pool: Mutex::new(VecDeque::with_capacity(config.pool_size)),
            inline: Semaphore::new(1),
            recent: governor::DefaultKeyedRateLimiter::keyed(
                crate::gates::ratelimit::memory::governor_quota(crate::gates::ratelimit::Quota {
                    per_minute: 60.0 / config.adaptive_window_secs.max(1) as f64,
                    burst: 1,
                }),
            ),
            key: keys.derive("captcha"),
            config,
            source,
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current()
            && captchas.config.mode != Mode::Off
            && captchas.config.pool_size > 0
        {
            runtime.spawn(refill(Arc::downgrade(&captchas)));
        }
        captchas
    }

    pub fn config(&self) -> &CaptchaConfig {
        &self.config
    }

    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.config.ttl_secs)
    }

    /// Has this client commented within the adaptive window? Records this visit.
    pub fn seen_recently(&self, client: u128) -> bool {
        self.recent.check_key(&client).is_err()
    }

    /// Forgets clients whose window has passed.
    pub fn housekeep(&self) {
        self.recent.retain_recent();
        self.recent.shrink_to_fit();
    }

    /// Challenges ready in the pool.
    pub fn pooled(&self) -> usize {
        self.pool.lock().map(|p| p.len()).unwrap_or(0)
    }

    /// An image challenge: from the pool, or rendered inline when nobody else is.
    pub async fn issue_image(&self, now_ms: i64) -> Result<Issued, Busy> {
        let pooled = self.pool.lock().ok().and_then(|mut p| p.pop_front());
        let rendered = match pooled {
            Some(r) => r,
            None => {
                let _permit = self.inline.try_acquire().map_err(|_| Busy)?;
                let source = self.source.clone();
                tokio::task::spawn_blocking(move || source.render())
                    .await
                    .ok()
                    .flatten()
                    .ok_or(Busy)?
            }
        };
        crate::telemetry::metrics::inc(
            "raqib_captcha_total",
            &[("event", "issued"), ("kind", "image")],
        );
        Ok(Issued::Image {
            id: token::issue(&self.key, &rendered.answer, self.expiry(now_ms)),
            png: rendered.png,
        })
    }

    /// A question in words (no rendering).
    pub fn issue_question(&self, lang: Lang, now_ms: i64) -> Issued {
        let (question, answer) = text::question(lang);
        crate::telemetry::metrics::inc(
            "raqib_captcha_total",
            &[("event", "issued"), ("kind", "text")],
        );
        Issued::Question {
            id: token::issue(&self.key, &answer, self.expiry(now_ms)),
            question,
        }
    }

    fn expiry(&self, now_ms: i64) -> i64 {
        now_ms + (self.config.ttl_secs as i64) * 1000
    }

    /// Opens and checks an answer. On success the caller must burn the returned nonce in
    /// the transaction that uses it; on a wrong answer the caller burns it at once (the
    /// challenge is returned in the error case too, when it could be opened).
    pub fn check(
        &self,
        id: &str,
        answer: &str,
        now_ms: i64,
    ) -> Result<Challenge, (Invalid, Option<Challenge>)> {
        let checked = self.judge(id, answer, now_ms);
        let event = if checked.is_ok() { "passed" } else { "failed" };
        crate::telemetry::metrics::inc("raqib_captcha_total", &[("event", event)]);
        checked
    }

    fn judge(
        &self,
        id: &str,
        answer: &str,
        now_ms: i64,
    ) -> Result<Challenge, (Invalid, Option<Challenge>)> {
        let challenge = token::open(&self.key, id).ok_or((Invalid, None))?;
        if challenge.expires_at <= now_ms {
            return Err((Invalid, None));
        }
        if challenge.accepts(&self.key, answer) {
            Ok(challenge)
        } else {
            Err((Invalid, Some(challenge)))
        }
    }
}

/// Keeps the pool full at no more than `refill_per_second` renders a second, one render
/// at a time on the blocking pool. Ends when the service is dropped.
async fn refill(captchas: std::sync::Weak<Captchas>) {
    let every = {
        let Some(c) = captchas.upgrade() else { return };
        Duration::from_secs_f64(1.0 / f64::from(c.config.refill_per_second.max(1)))
    };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(c) = captchas.upgrade() else { return };
        if c.pooled() >= c.config.pool_size {
            continue;
        }
        let source = c.source.clone();
        drop(c);
        let Ok(Some(rendered)) = tokio::task::spawn_blocking(move || source.render()).await else {
            continue;
        };
        let Some(c) = captchas.upgrade() else { return };
        if let Ok(mut pool) = c.pool.lock()
            && pool.len() < c.config.pool_size
        {
            pool.push_back(rendered);
        }
    }
}
