//! The [`Store`] trait: everything raqib keeps, as the sum of its parts (each part's trait
//! in the file of its queries), plus what only a backend itself can do.

use async_trait::async_trait;

use super::accounts::Accounts;
use super::bans::Bans;
use super::candidates::Candidates;
use super::closures::Closures;
use super::comments::Comments;
use super::error::StoreResult;
use super::filters::Filters;
use super::jobs::Jobs;
use super::models::ModelStore;
use super::moderation::Moderation;
use super::plans::Plans;
use super::privacy::Privacy;
use super::reports::Reports;
use super::retention::Purge;
use super::seed::Seeding;
use super::stats::Statistics;
use super::training::Training;

/// Everything raqib keeps.
#[async_trait]
pub trait Store:
    Comments
    + Accounts
    + Moderation
    + Bans
    + Closures
    + Reports
    + Statistics
    + Privacy
    + Purge
    + Filters
    + Candidates
    + ModelStore
    + Jobs
    + Training
    + Seeding
    + Plans
    + Send
    + Sync
    + 'static
{
    /// Succeeds when the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// Refreshes the query planner's statistics where the database needs to be told
    /// (SQLite's `pragma optimize`; PostgreSQL's autovacuum does it by itself).
    async fn optimize(&self) -> StoreResult<()>;

    /// Finishes pending writes and closes connections.
    async fn close(&self);

    /// A stream of new filter versions announced by other replicas, where the database
    /// can push them (PostgreSQL `LISTEN`); None where only polling works.
    async fn filter_announcements(&self) -> Option<tokio::sync::mpsc::Receiver<i64>> {
        None
    }
}
