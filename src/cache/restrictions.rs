//! Bans and closed articles, held in memory by each replica for the submission path
//! (author histories are kept beside them, in [`super::reputation`]).
//!
//! Every submission asks "is this author banned?", "is this article closed?" and "what
//! is this author's history?"; asking the database each time cost three round trips per
//! comment. Bans and closed articles are small lists that change rarely: each replica
//! keeps a copy, swapped whole, reloaded every second (so a ban made on another replica
//! applies within a second) and at once after a change made through this replica; expiry
//! is checked at lookup time.
//!
//! Each refusal is counted against the ban that made it, in memory, and the counts are
//! added to the database at the next reload, so a flood from a banned address costs no
//! write per request.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use arc_swap::ArcSwap;

use crate::store::bans::{BanKind, Submitter};
use crate::store::{Store, StoreResult, now_ms};

#[derive(Default)]
struct Snapshot {
    /// (kind, value) → (expiry (None: never), the ban's id).
    bans: HashMap<(BanKind, String), (Option<i64>, i64)>,
    closed: HashSet<String>,
}

/// The in-memory copy.
#[derive(Default)]
pub struct Restrictions {
    snapshot: ArcSwap<Snapshot>,
    /// Ban id → (refusals since the last reload, the last one's time).
    catches: Mutex<HashMap<i64, (i64, i64)>>,
}

impl Restrictions {
    /// Adds the refusals counted since the last reload to their bans, then reloads both
    /// lists from the database.
    pub async fn refresh(&self, store: &dyn Store) -> StoreResult<()> {
        let catches: Vec<(i64, i64, i64)> = {
            let mut catches = self.catches.lock().expect("catch counts");
            catches.drain().map(|(id, (n, at))| (id, n, at)).collect()
        };
        if let Err(err) = store.count_catches(catches.clone()).await {
            // Kept for the next reload rather than lost.
            let mut kept = self.catches.lock().expect("catch counts");
            for (id, n, at) in catches {
                let entry = kept.entry(id).or_insert((0, at));
                entry.0 += n;
                entry.1 = entry.1.max(at);
            }
            return Err(err);
        }
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
                .or_insert((ban.expires_at, ban.id));
            // The same target banned twice: the longer ban wins, and is the one counted.
            let longer = match (entry.0, ban.expires_at) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(a), Some(b)) => b > a,
            };
            if longer {
                *entry = (ban.expires_at, ban.id);
            }
        }
        self.snapshot.store(std::sync::Arc::new(snapshot));
        Ok(())
    }

    /// The id of a ban in force against the submitter, counted as one more refusal.
    pub fn banned(&self, s: &Submitter, now: i64) -> Option<i64> {
        let snapshot = self.snapshot.load();
        if snapshot.bans.is_empty() {
            return None;
        }
        let active = |kind: BanKind, value: &str| {
            snapshot
                .bans
                .get(&(kind, value.to_string()))
                .filter(|(expires, _)| expires.is_none_or(|at| at > now))
                .map(|(_, id)| *id)
        };
        let id = active(BanKind::Email, &s.email_hash)
            .or_else(|| s.ip_hash.as_deref().and_then(|h| active(BanKind::Ip, h)))
            .or_else(|| s.net_hash.as_deref().and_then(|h| active(BanKind::Net, h)))
            .or_else(|| s.domains.iter().find_map(|d| active(BanKind::Domain, d)))?;
        let mut catches = self.catches.lock().expect("catch counts");
        let entry = catches.entry(id).or_insert((0, now));
        entry.0 += 1;
        entry.1 = entry.1.max(now);
        Some(id)
    }

    /// Comments are closed on the article.
    pub fn is_closed(&self, article: &str) -> bool {
        self.snapshot.load().closed.contains(article)
    }
}
