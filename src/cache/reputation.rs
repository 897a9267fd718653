//! Author histories (approved, rejected, spam by email and by address), read per author
//! for the filter's context and kept until some history changes: every transaction that
//! changes one moves a counter in the database (the reputation epoch), which each replica
//! reads every second; a decision made through this replica forgets at once.

use std::sync::Mutex;
use std::time::Duration;

use super::memo::Memo;
use crate::store::moderation::History;
use crate::store::{Store, StoreResult};

/// How long an author's history is reused at most. The reputation epoch (see
/// [`ReputationMemory::refresh`]) normally drops it much sooner, within a second of a change.
const REPUTATION_TTL: Duration = Duration::from_secs(60);
/// Entries kept at most.
const REPUTATION_MAX: usize = 100_000;

/// Email hash and IP hash.
type ReputationKey = (String, Option<String>);

/// Author histories, kept until the database says some history changed.
pub struct ReputationMemory {
    histories: Memo<ReputationKey, (History, History)>,
    /// The database's reputation epoch the histories belong to (None: not read yet).
    epoch: Mutex<Option<i64>>,
}

impl Default for ReputationMemory {
    fn default() -> Self {
        ReputationMemory {
            histories: Memo::new(REPUTATION_TTL, REPUTATION_MAX),
            epoch: Mutex::new(None),
        }
    }
}

impl ReputationMemory {
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
