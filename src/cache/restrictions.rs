//! What the submission path reads on every comment, held in memory by each replica:
//! bans, closed articles and author reputation.
//!
//! Every submission asks "is this author banned?", "is this article closed?" and "what
//! is this author's history?"; asking the database each time cost three round trips per
//! comment. Bans and closed articles are small lists that change rarely: each replica
//! keeps a copy, swapped whole, reloaded every second (so a ban made on another replica
//! applies within a second) and at once after a change made through this replica; expiry
//! is checked at lookup time. Reputation is read per author and kept until a history
//! changes: every transaction that changes one moves a counter in the database (the
//! reputation epoch), which each replica reads every second with the bans; a decision
//! made through this replica forgets at once.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::cache::memo::Memo;
use crate::store::bans::{BanKind, Submitter};
use crate::store::moderation::History;
use crate::store::{Store, StoreResult, now_ms};

#[derive(Default)]
struct Snapshot {
    /// (kind, value) → expiry (None: never).
    bans: HashMap<(BanKind, String), Option<i64>>,
    closed: HashSet<String>,
}

/// The in-memory copy.
#[derive(Default)]
pub struct SafetyCache {
    snapshot: ArcSwap<Snapshot>,
}

impl SafetyCache {
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

/// How long an author's history is reused at most. The reputation epoch (see
/// [`ReputationCache::refresh`]) normally drops it much sooner, within a second of a change.
const REPUTATION_TTL: Duration = Duration::from_secs(60);
/// Entries kept at most.
const REPUTATION_MAX: usize = 100_000;

/// Email hash and IP hash.
type ReputationKey = (String, Option<String>);

/// Author histories, kept until the database says some history changed.
pub struct ReputationCache {
    histories: Memo<ReputationKey, (History, History)>,
    /// The database's reputation epoch the histories belong to (None: not read yet).
    epoch: Mutex<Option<i64>>,
}

impl Default for ReputationCache {
    fn default() -> Self {
        ReputationCache {
            histories: Memo::new(REPUTATION_TTL, REPUTATION_MAX),
            epoch: Mutex::new(None),
        }
    }
}

impl ReputationCache {
    /// The history of an email hash and of an IP hash, from memory when read since the
    /// last change.
    pub async fn get(
        &self,
        store: &dyn Store,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> StoreResult<(History, History)> {
        let key = (email_hash.to_string(), ip_hash.map(str::to_string));
        if let Some(histories) = self.histories.get(&key) {
            return Ok(histories);
        }
        let generation = self.histories.generation();
        let histories = store.reputation(email_hash, ip_hash).await?;
        self.histories.put(key, generation, histories);
        Ok(histories)
    }

    /// Reads the reputation epoch (every second, with bans): when any history changed
    /// since the entries were read, through any replica, they are dropped.
    pub async fn refresh(&self, store: &dyn Store) -> StoreResult<()> {
        let epoch = store.reputation_epoch().await?;
        if let Ok(mut known) = self.epoch.lock()
            && *known != Some(epoch)
        {
            self.histories.invalidate();
            *known = Some(epoch);
        }
        Ok(())
    }

    /// Forgets every history (a decision through this replica changed one).
    pub fn forget(&self) {
        self.histories.invalidate();
    }
}
