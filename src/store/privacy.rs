//! Privacy requests by email: what is stored of one email (an export), and its erasure.
//! The [`Privacy`] part of the store.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::backend::Backend;
use super::conn::Conn;
use super::error::StoreResult;
use super::reputation::{BUMP_REPUTATION_EPOCH, History};
use super::rows::{COMMENT_COLUMN_LIST, CommentRow};
use crate::domain::Comment;

/// Everything stored for one email (a privacy export).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PrivacyExport {
    pub comments: Vec<serde_json::Value>,
    pub bans: usize,
    pub history: History,
}

/// Export and erasure (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Privacy: Send + Sync {
    async fn comments_of(&self, email_hash: &str) -> StoreResult<Vec<Comment>>;
    async fn count_email_bans(&self, email_hash: &str) -> StoreResult<i64>;
    async fn erase(&self, email_hash: String, now: i64) -> StoreResult<u64>;
}

#[async_trait]
impl<B: Backend> Privacy for B {
    async fn comments_of(&self, email_hash: &str) -> StoreResult<Vec<Comment>> {
        let sql = format!(
            "select {COMMENT_COLUMN_LIST} from comment where email_hash = $1 order by comment_id"
        );
        let sql = sqlx::AssertSqlSafe(sql);
        let rows: Vec<CommentRow> = self
            .reader()
            .await?
            .all(sql, vec![email_hash.into()])
            .await?;
        rows.into_iter().map(Comment::try_from).collect()
    }

    async fn count_email_bans(&self, email_hash: &str) -> StoreResult<i64> {
        let sql = "select count(*) from ban where kind = 'email' and value = $1";
        let (n,) = self
            .reader()
            .await?
            .one(sql, vec![email_hash.into()])
            .await?;
        Ok(n)
    }

    async fn erase(&self, email_hash: String, now: i64) -> StoreResult<u64> {
        self.write(move |c| Box::pin(async move { erase(c, email_hash, now).await }))
            .await
    }
}

/// Removes everything of one email: its comments keep only what was published (the text
/// of approved ones, without name or address), their hashes go, and so do its history and
/// its email bans. Returns the comments touched.
async fn erase(c: &mut impl Conn, email_hash: String, now: i64) -> StoreResult<u64> {
    let sql = "update comment set author_name = '', author_email = '', email_hash = '', ip_hash = null, ip_net_hash = null, \
               ip_prefix = null, user_agent = null, updated_at = $2, \
               body = case when status = 'approved' then body else '' end, \
               body_key = case when status = 'approved' then body_key else '' end \
               where email_hash = $1";
    let touched = c
        .run(sql, vec![email_hash.as_str().into(), now.into()])
        .await?;
    let sql = "delete from reputation where author_key = $1";
    c.run(sql, vec![format!("e:{email_hash}").into()]).await?;
    c.run(BUMP_REPUTATION_EPOCH, vec![]).await?;
    let sql = "delete from ban_sweep where ban_id in (select ban_id from ban where kind = 'email' and value = $1)";
    c.run(sql, vec![email_hash.as_str().into()]).await?;
    let sql = "delete from ban where kind = 'email' and value = $1";
    c.run(sql, vec![email_hash.into()]).await?;
    Ok(touched)
}
