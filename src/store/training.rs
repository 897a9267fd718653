//! The moderators' decisions as a training set (the [`Training`] part of the store): every
//! comment a person decided, in its last state, newest first. Erased authors' comments
//! (the privacy erase empties their email hash) are left out, and retention has already
//! deleted what it deletes; nothing identifying leaves this query but the email hash,
//! which training uses only to cap each author's weight.

use async_trait::async_trait;

use super::backend::Backend;
use super::conn::Conn;
use super::error::StoreResult;

/// One decided comment.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DecidedComment {
    pub comment_id: i64,
    pub body: String,
    /// `approved`, `rejected`, `spam`, or `pending` (moved back from spam: "not spam").
    pub status: String,
    pub reason_code: Option<String>,
    pub email_hash: String,
    pub decided_by: String,
    pub decided_at: i64,
}

/// Decisions to train on (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Training: Send + Sync {
    /// At most `limit` decided comments, newest decision first.
    async fn decided_comments(&self, limit: i64) -> StoreResult<Vec<DecidedComment>>;
    /// How many decided comments there are (what [`Training::decided_comments`] would
    /// give without a limit), counting no further than `at_most`: asked whether there are
    /// enough, a large site answers after reading that many rows, not all of them.
    async fn decided_count(&self, at_most: i64) -> StoreResult<i64>;
}

/// Decided by a person, not erased: approved, rejected and spam, and pending comments a
/// moderator moved back from spam.
const DECIDED: &str = "decided_at is not null and decided_by is not null and email_hash <> '' \
                       and body <> '' and status in ('approved', 'rejected', 'spam', 'pending')";

#[async_trait]
impl<B: Backend> Training for B {
    async fn decided_comments(&self, limit: i64) -> StoreResult<Vec<DecidedComment>> {
        let sql = format!(
            "select comment_id, body, status, reason_code, email_hash, decided_by, decided_at \
             from comment where {DECIDED} order by decided_at desc, comment_id desc limit $1"
        );
        self.reader()
            .await?
            .all(sqlx::AssertSqlSafe(sql), vec![limit.into()])
            .await
    }

    async fn decided_count(&self, at_most: i64) -> StoreResult<i64> {
        let sql =
            format!("select count(*) from (select 1 from comment where {DECIDED} limit $1) as d");
        let (n,): (i64,) = self
            .reader()
            .await?
            .one(sqlx::AssertSqlSafe(sql), vec![at_most.into()])
            .await?;
        Ok(n)
    }
}
