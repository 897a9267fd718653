//! Bans and closed articles, held in memory by each replica for the submission path
//! (author histories are kept beside them, in [`super::reputation`]).
//!
//! Every submission asks "is this author banned?", "is this article closed?" and "what
//! is this author's history?"; asking the database each time cost three round trips per
//! comment. Bans and closed articles are small lists that change rarely: each replica
//! keeps a copy, swapped whole, reloaded every second (so a ban made on another replica
//! applies within a second) and at once after a change made through this replica; expiry
//! is checked at lookup time.

use std::collections::{HashMap, HashSet};

use arc_swap::ArcSwap;

use crate::store::bans::{BanKind, Submitter};
use crate::store::{Store, StoreResult, now_ms};

#[derive(Default)]
struct Snapshot {
    /// (kind, value) → expiry (None: never).
    bans: HashMap<(BanKind, String), Option<i64>>,
    closed: HashSet<String>,
}

/// The in-memory copy.
#[derive(Default)]
pub struct Restrictions {
    snapshot: ArcSwap<Snapshot>,
}

impl Restrictions {
    /// Reloads both lists from the database.
    pub async fn refresh(&self, store: &dyn Store) -> StoreResult<()> {
        let bans = store.list_bans(now_ms()).await?;
        let closed = store.closed_articles().await?;
        let mut snapshot = Snapshot {
            bans: HashMap::with_capacity(bans.len()),
            closed: closed.into_iter().collect(),
        };
        for ban in bans {
            let entry = snapshot
                .bans
                .entry((ban.kind, ban.value))
                .or_insert(ban.expires_at);
            // The same target banned twice: the longer ban wins.
            *entry = match (*entry, ban.expires_at) {
                (None, _) | (_, None) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
            };
        }
        self.snapshot.store(std::sync::Arc::new(snapshot));
        Ok(())
    }

    /// A ban in force against the submitter.
    pub fn banned(&self, s: &Submitter, now: i64) -> bool {
        let snapshot = self.snapshot.load();
        if snapshot.bans.is_empty() {
            return false;
        }
        let active = |kind: BanKind, value: &str| {
            snapshot
                .bans
                .get(&(kind, value.to_string()))
                .is_some_and(|expires| expires.is_none_or(|at| at > now))
        };
        active(BanKind::Email, &s.email_hash)
            || s.ip_hash.as_deref().is_some_and(|h| active(BanKind::Ip, h))
            || s.net_hash
                .as_deref()
                .is_some_and(|h| active(BanKind::Net, h))
            || s.domains.iter().any(|d| active(BanKind::Domain, d))
    }

    /// Comments are closed on the article.
    pub fn is_closed(&self, article: &str) -> bool {
        self.snapshot.load().closed.contains(article)
    }
}
