//! Reader reports: one per comment and reporting address, counted on the comment, which
//! goes back to the queue at a threshold. The [`Reports`] part of the store.

use async_trait::async_trait;

use super::backend::Backend;
use super::conn::Conn;
use super::error::StoreResult;
use crate::domain::{CommentId, Status};

/// What became of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reported {
    /// No such published comment.
    NotFound,
    /// This address had reported it already.
    Again,
    /// Counted; `sent_back` when it went back to the queue.
    Counted { count: i64, sent_back: bool },
}

/// Reader reports (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Reports: Send + Sync {
    async fn report(
        &self,
        id: CommentId,
        ip_hash: String,
        reason: Option<String>,
        now: i64,
        send_back_at: Option<i64>,
    ) -> StoreResult<Reported>;
}

#[async_trait]
impl<B: Backend> Reports for B {
    async fn report(
        &self,
        id: CommentId,
        ip_hash: String,
        reason: Option<String>,
        now: i64,
        send_back_at: Option<i64>,
    ) -> StoreResult<Reported> {
        self.write(move |c| {
            Box::pin(async move { report(c, id, ip_hash, reason, now, send_back_at).await })
        })
        .await
    }
}

async fn report(
    c: &mut impl Conn,
    id: CommentId,
    ip_hash: String,
    reason: Option<String>,
    now: i64,
    send_back_at: Option<i64>,
) -> StoreResult<Reported> {
    let sql = "select 1 from comment where comment_id = $1 and status = 'approved'";
    if !c.exists(sql, vec![id.into()]).await? {
        return Ok(Reported::NotFound);
    }
    let sql = "insert into report (comment_id, ip_hash, reason, created_at) values ($1, $2, $3, $4) on conflict (comment_id, ip_hash) do nothing";
    let added = c
        .run(
            sql,
            vec![id.into(), ip_hash.into(), reason.into(), now.into()],
        )
        .await?;
    if added == 0 {
        return Ok(Reported::Again);
    }
    let sql = "update comment set report_count = report_count + 1 where comment_id = $1 returning report_count";
    let (count,): (i64,) = c.one(sql, vec![id.into()]).await?;
    let sent_back = send_back_at.is_some_and(|n| count >= n);
    if sent_back {
        let sql = "update comment set status = 'pending', updated_at = $2 where comment_id = $1 and status = 'approved'";
        c.run(sql, vec![id.into(), now.into()]).await?;
        let sql = "insert into audit_log (at, actor, action, target, before, after) values ($1, 'readers', 'comment.reports_sent_back', $2, $3, $4)";
        let before = serde_json::json!({"status": Status::Approved});
        let after = serde_json::json!({"status": Status::Pending, "reports": count});
        let args = vec![
            now.into(),
            format!("comment:{id}").into(),
            before.to_string().into(),
            after.to_string().into(),
        ];
        c.run(sql, args).await?;
    }
    Ok(Reported::Counted { count, sent_back })
}
