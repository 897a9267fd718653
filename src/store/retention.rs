//! The retention job's work: refused comments deleted after their time, IP hashes
//! scrubbed after theirs. The [`Purge`] part of the store.

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

#[async_trait]
impl<B: Backend> Purge for B {
    async fn purge(&self, retention: Retention, now: i64) -> StoreResult<Purged> {
        self.write(move |c| Box::pin(async move { purge(c, &retention, now).await }))
            .await
    }
}

/// Deletes refused comments past their retention and scrubs old IP hashes; one
/// transaction, audited when it did anything.
async fn purge(c: &mut impl Conn, r: &Retention, now: i64) -> StoreResult<Purged> {
    let mut purged = Purged::default();
    let refused = [
        ("blocked", r.blocked_before),
        ("rejected", r.rejected_before),
        ("spam", r.spam_before),
    ];
    for (status, before) in refused {
        let Some(before) = before else { continue };
        let args = || vec![status.into(), before.into()];
        let victims = "select comment_id from comment where status = $1 and coalesce(decided_at, updated_at) < $2";
        // Replies keep their place; reports of the comment go with it.
        let sql = format!("update comment set parent_id = null where parent_id in ({victims})");
        c.run(sqlx::AssertSqlSafe(sql), args()).await?;
        let sql = format!("delete from report where comment_id in ({victims})");
        c.run(sqlx::AssertSqlSafe(sql), args()).await?;
        let sql = format!("delete from ban_sweep where comment_id in ({victims})");
        c.run(sqlx::AssertSqlSafe(sql), args()).await?;
        let sql = "delete from comment where status = $1 and coalesce(decided_at, updated_at) < $2";
        let deleted = c.run(sql, args()).await?;
        match status {
            "blocked" => purged.blocked = deleted,
            "rejected" => purged.rejected = deleted,
            _ => purged.spam = deleted,
        }
    }
    if let Some(before) = r.ip_before {
        let sql = "update comment set ip_hash = null, ip_net_hash = null, ip_prefix = null \
                   where created_at < $1 and (ip_hash is not null or ip_net_hash is not null or ip_prefix is not null)";
        purged.ip_scrubbed = c.run(sql, vec![before.into()]).await?;
        let sql = "delete from report where created_at < $1";
        purged.reports = c.run(sql, vec![before.into()]).await?;
        if purged.ip_scrubbed > 0 {
            let sql = "delete from reputation where author_key like 'i:%' and not exists \
                       (select 1 from comment where comment.ip_hash = substr(reputation.author_key, 3))";
            purged.ip_reputation = c.run(sql, vec![]).await?;
            if purged.ip_reputation > 0 {
                c.run(BUMP_REPUTATION_EPOCH, vec![]).await?;
            }
        }
    }
    if !purged.is_empty() {
        let sql = "insert into audit_log (at, actor, action, target, before, after) values ($1, 'system', 'retention.purge', null, null, $2)";
        let detail = serde_json::to_string(&purged).unwrap_or_default();
        c.run(sql, vec![now.into(), detail.into()]).await?;
    }
    Ok(purged)
}
