//! The moderation dashboard's numbers. The [`Statistics`] part of the store.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::backend::Backend;
use super::clock::rfc3339;
use super::conn::Conn;
use super::error::StoreResult;

/// The moderation dashboard's numbers.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct Stats {
    pub by_status: BTreeMap<String, i64>,
    /// Pending comments by class.
    pub pending_by_class: BTreeMap<String, i64>,
    /// Age of the oldest pending comment, in seconds.
    pub oldest_pending_seconds: Option<i64>,
    /// Decisions per moderator per day (UTC), the last 7 days: day → moderator → count.
    pub decisions: BTreeMap<String, BTreeMap<String, i64>>,
    /// Articles under the flood guard now (this replica's view).
    pub flooded_articles: Vec<String>,
}

/// Dashboard statistics (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Statistics: Send + Sync {
    async fn stats(&self, now: i64) -> StoreResult<Stats>;
}

#[async_trait]
impl<B: Backend> Statistics for B {
    async fn stats(&self, now: i64) -> StoreResult<Stats> {
        stats(&mut *self.reader().await?, now).await
    }
}

/// When the oldest pending comment came.
pub(super) const OLDEST_PENDING: &str =
    "select min(created_at) from comment where status = 'pending'";

/// A group and how many rows it has.
#[derive(sqlx::FromRow)]
struct Group {
    name: String,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct Decisions {
    day: i64,
    actor: String,
    n: i64,
}

async fn stats(c: &mut impl Conn, now: i64) -> StoreResult<Stats> {
    let mut stats = Stats::default();
    // The counts kept by triggers (`comment_count`), not a count of every comment.
    let sql = "select status as name, cast(sum(n) as bigint) as n from comment_count \
               group by status having sum(n) <> 0";
    for row in c.all::<Group, _>(sql, vec![]).await? {
        stats.by_status.insert(row.name, row.n);
    }
    let sql = "select class as name, cast(sum(n) as bigint) as n from comment_count \
               where status = 'pending' group by class having sum(n) <> 0";
    for row in c.all::<Group, _>(sql, vec![]).await? {
        stats.pending_by_class.insert(row.name, row.n);
    }
    let (oldest,): (Option<i64>,) = c.one(OLDEST_PENDING, vec![]).await?;
    stats.oldest_pending_seconds = oldest.map(|t| (now - t).max(0) / 1000);
    let week_ago = now - 7 * 86_400_000;
    let sql = "select at / 86400000 as day, actor, count(*) as n from audit_log where at >= $1 and action in \
               ('comment.approve', 'comment.reject', 'comment.spam', 'comment.ham') group by at / 86400000, actor";
    for row in c.all::<Decisions, _>(sql, vec![week_ago.into()]).await? {
        let date = rfc3339(row.day * 86_400_000)[..10].to_string();
        stats
            .decisions
            .entry(date)
            .or_default()
            .insert(row.actor, row.n);
    }
    Ok(stats)
}
