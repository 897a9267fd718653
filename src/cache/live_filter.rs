//! Screening a submission with the live filter: the context around it (time since the
//! form was served, fingerprints of recent comments), the check, and what to remember.
//!
//! The compiled filter sits behind an `ArcSwap`, so an admin's change replaces it whole
//! while checks in flight finish on the old one.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use arc_swap::ArcSwap;

use crate::filter::fingerprint::RecentComments;
use crate::filter::{Context, Filter, Input, Verdict};
use crate::secrets::keys::Secrets;
use crate::secrets::seal;

/// How many recent fingerprints are kept for near-duplicate detection.
const RECENT: usize = 2_000;

/// Form tokens older than this carry no timing information.
const FORM_TOKEN_MAX_AGE_MS: i64 = 24 * 60 * 60 * 1000;

/// The live filter and the memory it needs between submissions.
pub struct LiveFilter {
    filter: ArcSwap<Filter>,
    /// The filter version in force (0: compiled from files, not from the database).
    version: AtomicI64,
    recent: Arc<RecentComments>,
    form_key: [u8; 32],
}

impl LiveFilter {
    pub fn new(filter: Filter, version: i64, keys: &Secrets) -> LiveFilter {
        LiveFilter {
            filter: ArcSwap::from_pointee(filter),
            version: AtomicI64::new(version),
            recent: Arc::new(RecentComments::new(RECENT)),
            form_key: keys.derive("form-token"),
        }
    }

    /// The filter now in force.
    pub fn filter(&self) -> Arc<Filter> {
        self.filter.load_full()
    }

    /// The filter version in force.
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }

    /// Puts a new filter in force for every later check.
    pub fn replace(&self, version: i64, filter: Filter) {
        self.filter.store(Arc::new(filter));
        self.version.store(version, Ordering::Release);
    }

    /// A token recording when the form for `article` was served.
    pub fn form_token(&self, article: &str, now_ms: i64) -> String {
        let mut payload = now_ms.to_be_bytes().to_vec();
        payload.extend_from_slice(article.as_bytes());
        seal::seal(&self.form_key, &payload)
    }

    /// Milliseconds since the form was served, when the token is genuine, for this
    /// article, and not stale.
    pub fn elapsed_since_form(&self, token: &str, article: &str, now_ms: i64) -> Option<u64> {
        let payload = seal::open(&self.form_key, token)?;
        let (time, rest) = payload.split_at_checked(8)?;
        if rest != article.as_bytes() {
            return None;
        }
        let issued = i64::from_be_bytes(time.try_into().ok()?);
        let elapsed = now_ms - issued;
        (0..FORM_TOKEN_MAX_AGE_MS)
            .contains(&elapsed)
            .then_some(elapsed as u64)
    }

    /// Checks a submission, then remembers its fingerprint for the ones after it.
    pub fn check(&self, input: &Input, mut ctx: Context) -> Verdict {
        ctx.recent = Some(self.recent.clone());
        let started = std::time::Instant::now();
        let verdict = self.filter.load().check(input, &ctx);
        crate::telemetry::metrics::observe(
            "raqib_filter_check_seconds",
            &[],
            started.elapsed().as_secs_f64(),
        );
        if let Some(fingerprint) = verdict.fingerprint {
            self.recent.remember(fingerprint, ctx.author.as_deref());
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen() -> LiveFilter {
        let filter = Filter::compile(&Default::default(), Default::default()).unwrap();
        LiveFilter::new(filter, 0, &Secrets::from_secret(b"test"))
    }

    #[test]
    fn form_tokens_tell_the_time_since_the_form_was_served() {
        let s = screen();
        let token = s.form_token("/news/1", 1_000_000);
        assert_eq!(
            s.elapsed_since_form(&token, "/news/1", 1_004_500),
            Some(4_500)
        );
        assert_eq!(
            s.elapsed_since_form(&token, "/news/2", 1_004_500),
            None,
            "another article"
        );
        assert_eq!(
            s.elapsed_since_form(&token, "/news/1", 999_000),
            None,
            "from the future"
        );
        assert_eq!(
            s.elapsed_since_form(&token, "/news/1", 1_000_000 + FORM_TOKEN_MAX_AGE_MS),
            None,
            "stale"
        );
        assert_eq!(s.elapsed_since_form("forged", "/news/1", 1_004_500), None);
    }
}
