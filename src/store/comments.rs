//! Comments and spent captcha nonces: one SQL text for both backends (the pattern of
//! [`super::accounts`]). The only difference: PostgreSQL locks the parent of a reply
//! (`for share`) so a takedown cannot slip between the check and the insert; SQLite's
//! single writer needs no lock.

use crate::domain::{Comment, CommentId, NewComment, PublicComment, Status};

/// Query functions over one backend's connection and pool types.
macro_rules! comment_queries {
    ($Conn:ty, $Pool:ty, $parent_check:expr) => {
        use sqlx::Row;

        use crate::domain::{Comment, CommentId, NewComment, PublicComment, Status};
        use crate::store::rows::{
            BURN_NONCE, INSERT_COMMENT, SELECT_COMMENT, SELECT_PUBLIC_PAGE, SWEEP_NONCES,
            UPDATE_STATUS, bind_new_comment, comment_from_row, nonce_error, public_from_row,
        };
        use crate::store::{StoreError, StoreResult};

        pub async fn insert(conn: &mut $Conn, c: &NewComment) -> StoreResult<CommentId> {
            if let Some((nonce, expires_at)) = &c.captcha_nonce {
                sqlx::query(BURN_NONCE)
                    .bind(nonce.as_str())
                    .bind(*expires_at)
                    .execute(&mut *conn)
                    .await
                    .map_err(nonce_error)?;
            }
            if let Some(parent) = c.parent {
                let found = sqlx::query($parent_check)
                    .bind(parent)
                    .bind(c.article.as_str())
                    .fetch_optional(&mut *conn)
                    .await?;
                if found.is_none() {
                    return Err(StoreError::ParentInvalid);
                }
            }
            let row = bind_new_comment(sqlx::query(INSERT_COMMENT), c)
                .fetch_one(&mut *conn)
                .await?;
            Ok(row.try_get(0)?)
        }

        pub async fn burn_nonce(
            conn: &mut $Conn,
            nonce: &str,
            expires_at: i64,
        ) -> StoreResult<bool> {
            let burned = sqlx::query(BURN_NONCE)
                .bind(nonce)
                .bind(expires_at)
                .execute(&mut *conn)
                .await;
            match burned.map_err(nonce_error) {
                Ok(_) => Ok(true),
                Err(StoreError::NonceSpent) => Ok(false),
                Err(err) => Err(err),
            }
        }

        pub async fn sweep_nonces(conn: &mut $Conn, now_ms: i64) -> StoreResult<u64> {
            let done = sqlx::query(SWEEP_NONCES)
                .bind(now_ms)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected())
        }

        pub async fn spent_nonces(pool: &$Pool) -> StoreResult<i64> {
            let row = sqlx::query("select count(*) from captcha_used")
                .fetch_one(pool)
                .await?;
            Ok(row.try_get(0)?)
        }

        pub async fn get(pool: &$Pool, id: CommentId) -> StoreResult<Option<Comment>> {
            let row = sqlx::query(SELECT_COMMENT)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            Ok(row.as_ref().map(comment_from_row).transpose()?)
        }

        pub async fn list_public(
            pool: &$Pool,
            article: &str,
            after: Option<CommentId>,
            limit: u32,
        ) -> StoreResult<Vec<PublicComment>> {
            let rows = sqlx::query(SELECT_PUBLIC_PAGE)
                .bind(article)
                .bind(after.unwrap_or(0))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            Ok(rows.iter().map(public_from_row).collect::<Result<_, _>>()?)
        }

        pub async fn set_status(
            conn: &mut $Conn,
            id: CommentId,
            status: Status,
            now_ms: i64,
        ) -> StoreResult<bool> {
            let done = sqlx::query(UPDATE_STATUS)
                .bind(status.as_str())
                .bind(now_ms)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        pub async fn count(pool: &$Pool) -> StoreResult<i64> {
            let row = sqlx::query("select count(*) from comment")
                .fetch_one(pool)
                .await?;
            Ok(row.try_get(0)?)
        }
    };
}

pub(crate) use comment_queries;

/// Comments and spent nonces (a part of [`Store`](super::Store)).
#[async_trait::async_trait]
pub trait Comments: Send + Sync {
    /// Stores a new comment and returns its id once it is committed. A parent, when
    /// given, must be an approved comment of the same article, checked in the same
    /// transaction; a solved captcha's nonce is burned in it too.
    async fn insert_comment(&self, comment: NewComment) -> crate::store::StoreResult<CommentId>;

    /// Records a captcha nonce as spent. False when it already was.
    async fn burn_nonce(&self, nonce: &str, expires_at: i64) -> crate::store::StoreResult<bool>;

    /// Forgets spent nonces whose challenges have expired; returns how many.
    async fn sweep_nonces(&self, now_ms: i64) -> crate::store::StoreResult<u64>;

    /// Number of spent nonces on record.
    async fn spent_nonces(&self) -> crate::store::StoreResult<i64>;

    /// One comment with everything stored about it.
    async fn get_comment(&self, id: CommentId) -> crate::store::StoreResult<Option<Comment>>;

    /// Approved comments of an article with ids above `after`, oldest first.
    async fn list_public(
        &self,
        article: &str,
        after: Option<CommentId>,
        limit: u32,
    ) -> crate::store::StoreResult<Vec<PublicComment>>;

    /// Moves a comment to `status` without the workflow's checks (tests, tools).
    /// Returns false when there is no such comment.
    async fn set_status(
        &self,
        id: CommentId,
        status: Status,
        now_ms: i64,
    ) -> crate::store::StoreResult<bool>;

    /// Number of stored comments (all statuses).
    async fn count_comments(&self) -> crate::store::StoreResult<i64>;
}

macro_rules! comment_methods {
    ($Store:ty, $q:ident) => {
        #[async_trait::async_trait]
        impl crate::store::comments::Comments for $Store {
            async fn insert_comment(
                &self,
                comment: crate::domain::NewComment,
            ) -> crate::store::StoreResult<crate::domain::CommentId> {
                self.insert_new_comment(comment).await
            }
            async fn burn_nonce(
                &self,
                nonce: &str,
                expires_at: i64,
            ) -> crate::store::StoreResult<bool> {
                let nonce = nonce.to_string();
                self.write(move |c| {
                    Box::pin(async move { $q::burn_nonce(c, &nonce, expires_at).await })
                })
                .await
            }
            async fn sweep_nonces(&self, now_ms: i64) -> crate::store::StoreResult<u64> {
                self.write(move |c| Box::pin(async move { $q::sweep_nonces(c, now_ms).await }))
                    .await
            }
            async fn spent_nonces(&self) -> crate::store::StoreResult<i64> {
                $q::spent_nonces(self.reader()).await
            }
            async fn get_comment(
                &self,
                id: crate::domain::CommentId,
            ) -> crate::store::StoreResult<Option<crate::domain::Comment>> {
                $q::get(self.reader(), id).await
            }
            async fn list_public(
                &self,
                article: &str,
                after: Option<crate::domain::CommentId>,
                limit: u32,
            ) -> crate::store::StoreResult<Vec<crate::domain::PublicComment>> {
                $q::list_public(self.reader(), article, after, limit).await
            }
            async fn set_status(
                &self,
                id: crate::domain::CommentId,
                status: crate::domain::Status,
                now_ms: i64,
            ) -> crate::store::StoreResult<bool> {
                self.write(move |c| {
                    Box::pin(async move { $q::set_status(c, id, status, now_ms).await })
                })
                .await
            }
            async fn count_comments(&self) -> crate::store::StoreResult<i64> {
                $q::count(self.reader()).await
            }
        }
    };
}

pub(crate) use comment_methods;
