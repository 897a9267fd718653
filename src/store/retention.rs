//! The retention job's work: refused comments deleted after their time, IP hashes
//! scrubbed after theirs, in small batches. The [`Purge`] part of the store.

use async_trait::async_trait;
use serde::Serialize;

use super::backend::Backend;
use super::conn::Conn;
use super::error::StoreResult;
use super::reputation::BUMP_REPUTATION_EPOCH;

/// Cut-off times (Unix ms) of the retention job; None keeps that kind forever.
#[derive(Clone, Copy, Debug, Default)]
pub struct Retention {
    pub blocked_before: Option<i64>,
    pub rejected_before: Option<i64>,
    pub spam_before: Option<i64>,
    pub ip_before: Option<i64>,
}

/// What one retention run removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub blocked: u64,
    pub rejected: u64,
    pub spam: u64,
    /// Comments whose IP hashes and prefix were removed.
    pub ip_scrubbed: u64,
    /// Reader reports (keyed by the reporter's IP hash) removed.
    pub reports: u64,
    /// Per-IP reputation rows no comment refers to any more.
    pub ip_reputation: u64,
}

impl Purged {
    pub fn is_empty(&self) -> bool {
        *self == Purged::default()
    }
}

/// Retention (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Purge: Send + Sync {
    /// The retention job's work (see [`Retention`]).
    async fn purge(&self, retention: Retention, now: i64) -> StoreResult<Purged>;
}

/// Rows one retention transaction touches at most: each batch is a short write, so
/// submissions waiting for the writer (SQLite) or for a row lock pass between batches
/// instead of behind one transaction over a million rows.
pub const PURGE_BATCH: i64 = 1_000;

#[async_trait]
impl<B: Backend> Purge for B {
    async fn purge(&self, retention: Retention, now: i64) -> StoreResult<Purged> {
        let mut purged = Purged::default();
        let refused = [
            ("blocked", retention.blocked_before),
            ("rejected", retention.rejected_before),
            ("spam", retention.spam_before),
        ];
        for (status, before) in refused {
            let Some(before) = before else { continue };
            loop {
                let deleted = self
                    .write(move |c| Box::pin(async move { delete_batch(c, status, before).await }))
                    .await?;
                match status {
                    "blocked" => purged.blocked += deleted,
                    "rejected" => purged.rejected += deleted,
                    _ => purged.spam += deleted,
                }
                if deleted < PURGE_BATCH as u64 {
                    break;
                }
            }
        }
        if let Some(before) = retention.ip_before {
            scrub_addresses(self, before, &mut purged).await?;
        }
        if !purged.is_empty() {
            let sql = "insert into audit_log (at, actor, action, target, before, after) values ($1, 'system', 'retention.purge', null, null, $2)";
            let detail = serde_json::to_string(&purged).unwrap_or_default();
            self.write(move |c| {
                Box::pin(async move { c.run(sql, vec![now.into(), detail.into()]).await })
            })
            .await?;
        }
        Ok(purged)
    }
}

/// Deletes up to [`PURGE_BATCH`] comments of `status` decided (or, never decided, last
/// changed) before `before`, oldest first; returns how many. A comment is decided after
/// it was written, so only comments written before `before` are looked at, through the
/// (status, created_at) index.
async fn delete_batch(c: &mut impl Conn, status: &'static str, before: i64) -> StoreResult<u64> {
    let victims = "select comment_id from comment where status = $1 and created_at < $2 \
                   and coalesce(decided_at, updated_at) < $2 order by created_at, comment_id limit $3";
    let args = || vec![status.into(), before.into(), PURGE_BATCH.into()];
    // Replies keep their place; reports of the comment go with it.
    let sql = format!("update comment set parent_id = null where parent_id in ({victims})");
    c.run(sqlx::AssertSqlSafe(sql), args()).await?;
    let sql = format!("delete from report where comment_id in ({victims})");
    c.run(sqlx::AssertSqlSafe(sql), args()).await?;
    let sql = format!("delete from ban_sweep where comment_id in ({victims})");
    c.run(sqlx::AssertSqlSafe(sql), args()).await?;
    let sql = format!("delete from comment where comment_id in ({victims})");
    c.run(sqlx::AssertSqlSafe(sql), args()).await
}

/// Removes the IP hashes and prefixes of comments written before `before`, a range of
/// ids at a time from the oldest comment that still has one (ids grow with time), then
/// the reports and per-address histories that only the addresses kept.
async fn scrub_addresses<B: Backend>(
    store: &B,
    before: i64,
    purged: &mut Purged,
) -> StoreResult<()> {
    let sql = "select min(comment_id) from comment where created_at < $1 and \
               (ip_hash is not null or ip_net_hash is not null or ip_prefix is not null)";
    let (first,): (Option<i64>,) = store.reader().await?.one(sql, vec![before.into()]).await?;
    let mut from = first.unwrap_or(i64::MAX);
    while first.is_some() {
        let to = from + PURGE_BATCH;
        let (scrubbed, more) = store
            .write(move |c| {
                Box::pin(async move {
                    let sql = "update comment set ip_hash = null, ip_net_hash = null, ip_prefix = null \
                               where comment_id >= $1 and comment_id < $2 and created_at < $3 \
                               and (ip_hash is not null or ip_net_hash is not null or ip_prefix is not null)";
                    let scrubbed = c.run(sql, vec![from.into(), to.into(), before.into()]).await?;
                    // Past the range, is there a comment still old enough?
                    let sql = "select 1 from comment where comment_id >= $1 and created_at < $2";
                    let more = c.exists(sql, vec![to.into(), before.into()]).await?;
                    Ok((scrubbed, more))
                })
            })
            .await?;
        purged.ip_scrubbed += scrubbed;
        if !more {
            break;
        }
        from = to;
    }
    let scrubbed = purged.ip_scrubbed > 0;
    store
        .write(move |c| {
            Box::pin(async move {
                let sql = "delete from report where created_at < $1";
                let reports = c.run(sql, vec![before.into()]).await?;
                if !scrubbed {
                    return Ok((reports, 0));
                }
                let sql = "delete from reputation where author_key like 'i:%' and not exists \
                           (select 1 from comment where comment.ip_hash = substr(reputation.author_key, 3))";
                let histories = c.run(sql, vec![]).await?;
                if histories > 0 {
                    c.run(BUMP_REPUTATION_EPOCH, vec![]).await?;
                }
                Ok((reports, histories))
            })
        })
        .await
        .map(|(reports, histories)| {
            purged.reports += reports;
            purged.ip_reputation += histories;
        })
}
