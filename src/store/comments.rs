//! Comments and spent captcha nonces: the [`Comments`] part of the store, one SQL text for
//! both backends. The only difference: PostgreSQL locks the parent of a reply
//! (`for share`) so a takedown cannot slip between the check and the insert; SQLite's
//! single writer needs no lock.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;

use super::backend::Backend;
use super::clock::rfc3339;
use super::conn::{Conn, Dialect};
use super::error::{StoreError, StoreResult};
use super::rows::{COMMENT_COLUMN_LIST, CommentRow, new_comment_args};
use crate::domain::{Comment, CommentId, NewComment, PublicComment, Status};

/// Comments and spent nonces (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Comments: Send + Sync {
    /// Stores a new comment and returns its id once it is committed. A parent, when
    /// given, must be an approved comment of the same article, checked in the same
    /// transaction; a solved captcha's nonce is burned in it too.
    async fn insert_comment(&self, comment: NewComment) -> StoreResult<CommentId>;

    /// Records a captcha nonce as spent. False when it already was.
    async fn burn_nonce(&self, nonce: &str, expires_at: i64) -> StoreResult<bool>;

    /// Forgets spent nonces whose challenges have expired; returns how many.
    async fn sweep_nonces(&self, now_ms: i64) -> StoreResult<u64>;

    /// Number of spent nonces on record.
    async fn spent_nonces(&self) -> StoreResult<i64>;

    /// One comment with everything stored about it.
    async fn get_comment(&self, id: CommentId) -> StoreResult<Option<Comment>>;

    /// Approved comments of an article with ids above `after`, oldest first.
    async fn list_public(
        &self,
        article: &str,
        after: Option<CommentId>,
        limit: u32,
    ) -> StoreResult<Vec<PublicComment>>;

    /// Moves a comment to `status` without the workflow's checks (tests, tools).
    /// Returns false when there is no such comment.
    async fn set_status(&self, id: CommentId, status: Status, now_ms: i64) -> StoreResult<bool>;

    /// Number of stored comments (all statuses).
    async fn count_comments(&self) -> StoreResult<i64>;
}

#[async_trait]
impl<B: Backend> Comments for B {
    async fn insert_comment(&self, comment: NewComment) -> StoreResult<CommentId> {
        self.insert_new_comment(comment).await
    }

    async fn burn_nonce(&self, nonce: &str, expires_at: i64) -> StoreResult<bool> {
        let nonce = nonce.to_string();
        self.write(move |c| Box::pin(async move { burn_nonce(c, nonce, expires_at).await }))
            .await
    }

    async fn sweep_nonces(&self, now_ms: i64) -> StoreResult<u64> {
        self.write(move |c| Box::pin(async move { c.run(SWEEP_NONCES, vec![now_ms.into()]).await }))
            .await
    }

    async fn spent_nonces(&self) -> StoreResult<i64> {
        let (n,) = self.reader().await?.one(COUNT_NONCES, vec![]).await?;
        Ok(n)
    }

    async fn get_comment(&self, id: CommentId) -> StoreResult<Option<Comment>> {
        get(&mut *self.reader().await?, id).await
    }

    async fn list_public(
        &self,
        article: &str,
        after: Option<CommentId>,
        limit: u32,
    ) -> StoreResult<Vec<PublicComment>> {
        let args = vec![
            article.into(),
            after.unwrap_or(0).into(),
            i64::from(limit).into(),
        ];
        let rows: Vec<PublicRow> = self.reader().await?.all(SELECT_PUBLIC_PAGE, args).await?;
        Ok(rows.into_iter().map(PublicComment::from).collect())
    }

    async fn set_status(&self, id: CommentId, status: Status, now_ms: i64) -> StoreResult<bool> {
        let args = vec![status.as_str().into(), now_ms.into(), id.into()];
        let done = self
            .write(move |c| Box::pin(async move { c.run(UPDATE_STATUS, args).await }))
            .await?;
        Ok(done == 1)
    }

    async fn count_comments(&self) -> StoreResult<i64> {
        let (n,) = self.reader().await?.one(COUNT_COMMENTS, vec![]).await?;
        Ok(n)
    }
}

/// Inserts a comment; binds [`new_comment_args`]; returns its id.
const INSERT_COMMENT: &str = "insert into comment (article, parent_id, author_name, \
    author_email, email_hash, ip_hash, ip_net_hash, ip_prefix, user_agent, body, status, class, \
    score, hits, created_at, updated_at, body_key) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) \
    returning comment_id";

/// Is `$1` an approved comment of article `$2`?
const PARENT_IS_PUBLISHED: &str =
    "select 1 from comment where comment_id = $1 and article = $2 and status = 'approved'";

/// The same, locking the parent against a concurrent takedown (PostgreSQL).
const PARENT_IS_PUBLISHED_LOCKED: &str = "select 1 from comment where comment_id = $1 and \
    article = $2 and status = 'approved' for share";

/// A page of an article's approved comments after an id, oldest first.
pub(super) const SELECT_PUBLIC_PAGE: &str = "select comment_id, parent_id, author_name, body, created_at \
    from comment where article = $1 and status = 'approved' and comment_id > $2 \
    order by comment_id limit $3";

const UPDATE_STATUS: &str = "update comment set status = $1, updated_at = $2 where comment_id = $3";
const COUNT_COMMENTS: &str = "select count(*) from comment";

const BURN_NONCE: &str = "insert into captcha_used (nonce, expires_at) values ($1, $2)";
const SWEEP_NONCES: &str = "delete from captcha_used where expires_at < $1";
const COUNT_NONCES: &str = "select count(*) from captcha_used";

/// An approved comment as the public sees it.
#[derive(sqlx::FromRow)]
struct PublicRow {
    comment_id: i64,
    parent_id: Option<i64>,
    author_name: String,
    body: String,
    created_at: i64,
}

impl From<PublicRow> for PublicComment {
    fn from(row: PublicRow) -> PublicComment {
        PublicComment {
            id: row.comment_id,
            parent: row.parent_id,
            name: row.author_name,
            body: row.body,
            created_at: rfc3339(row.created_at),
        }
    }
}

/// Stores a comment in the caller's transaction: burns its captcha nonce, checks its
/// parent, inserts it.
pub async fn insert(c: &mut impl Conn, comment: &NewComment) -> StoreResult<CommentId> {
    if let Some((nonce, expires_at)) = &comment.captcha_nonce {
        let args = vec![nonce.as_str().into(), (*expires_at).into()];
        c.run(BURN_NONCE, args).await.map_err(nonce_error)?;
    }
    if let Some(parent) = comment.parent {
        let check = match c.dialect() {
            Dialect::Sqlite => PARENT_IS_PUBLISHED,
            Dialect::Postgres => PARENT_IS_PUBLISHED_LOCKED,
        };
        let args = vec![parent.into(), comment.article.as_str().into()];
        if !c.exists(check, args).await? {
            return Err(StoreError::ParentInvalid);
        }
    }
    let args = new_comment_args(comment).into();
    let (id,) = c.one(INSERT_COMMENT, args).await?;
    Ok(id)
}

async fn burn_nonce(c: &mut impl Conn, nonce: String, expires_at: i64) -> StoreResult<bool> {
    let burned = c
        .run(BURN_NONCE, vec![nonce.into(), expires_at.into()])
        .await;
    match burned.map_err(nonce_error) {
        Ok(_) => Ok(true),
        Err(StoreError::NonceSpent) => Ok(false),
        Err(err) => Err(err),
    }
}

/// A duplicate nonce is a spent one.
fn nonce_error(err: StoreError) -> StoreError {
    match err {
        StoreError::Duplicate(_) => StoreError::NonceSpent,
        other => other,
    }
}

/// One comment by id.
pub async fn get(c: &mut impl Conn, id: CommentId) -> StoreResult<Option<Comment>> {
    let sql = format!("select {COMMENT_COLUMN_LIST} from comment where comment_id = $1");
    let row: Option<CommentRow> = c.optional(AssertSqlSafe(sql), vec![id.into()]).await?;
    row.map(Comment::try_from).transpose()
}
