//! PostgreSQL: a connection pool; each write is its own transaction.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::rows::{
    BURN_NONCE, INSERT_COMMENT, PARENT_IS_PUBLISHED_LOCKED, SELECT_COMMENT, SELECT_PUBLIC_PAGE,
    SWEEP_NONCES, UPDATE_STATUS, bind_new_comment, comment_from_row, nonce_error, public_from_row,
};
use super::{Store, StoreError, StoreResult};
use crate::config::Config;
use crate::domain::{Comment, CommentId, NewComment, PublicComment, Status};

/// PostgreSQL behind a pool.
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(config: &Config) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(&config.database_url)
            .map_err(|e| StoreError::Database(format!("bad database_url: {e}")))?
            .application_name("raqib");
        let pool = PgPoolOptions::new()
            .max_connections(config.database.max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PgStore { pool })
    }
}

mod moderation_sql {
    crate::store::moderation::moderation_queries!(
        sqlx::PgConnection,
        sqlx::PgPool,
        "for update",
        "for update skip locked"
    );
}

mod safety_sql {
    crate::store::safety::safety_queries!(sqlx::PgConnection, sqlx::PgPool);
}

mod accounts_sql {
    crate::store::accounts::account_queries!(sqlx::PgConnection, sqlx::PgPool);
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

impl PgStore {
    /// Runs `work` in its own transaction.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut sqlx::PgConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        let mut tx = self.pool.begin().await?;
        let result = work(&mut tx).await?;
        tx.commit().await?;
        Ok(result)
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }
}

crate::store::accounts::account_methods!(PgStore, accounts_sql);
crate::store::moderation::moderation_methods!(PgStore, moderation_sql);
crate::store::safety::safety_methods!(PgStore, safety_sql);

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_comment(&self, c: NewComment) -> StoreResult<CommentId> {
        let mut tx = self.pool.begin().await?;
        if let Some((nonce, expires_at)) = &c.captcha_nonce {
            sqlx::query(BURN_NONCE)
                .bind(nonce.as_str())
                .bind(*expires_at)
                .execute(&mut *tx)
                .await
                .map_err(nonce_error)?;
        }
        if let Some(parent) = c.parent {
            // Lock the parent so a concurrent takedown cannot slip between check and insert.
            let found = sqlx::query(PARENT_IS_PUBLISHED_LOCKED)
                .bind(parent)
                .bind(c.article.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StoreError::ParentInvalid);
            }
        }
        let row = bind_new_comment(sqlx::query(INSERT_COMMENT), &c)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row.try_get(0)?)
    }

    async fn burn_nonce(&self, nonce: &str, expires_at: i64) -> StoreResult<bool> {
        let burned = sqlx::query(BURN_NONCE)
            .bind(nonce)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(nonce_error);
        match burned {
            Ok(_) => Ok(true),
            Err(StoreError::NonceSpent) => Ok(false),
            Err(err) => Err(err),
        }
    }

    async fn sweep_nonces(&self, now_ms: i64) -> StoreResult<u64> {
        let done = sqlx::query(SWEEP_NONCES)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn spent_nonces(&self) -> StoreResult<i64> {
        let row = sqlx::query("select count(*) from captcha_used")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    async fn get_comment(&self, id: CommentId) -> StoreResult<Option<Comment>> {
        let row = sqlx::query(SELECT_COMMENT)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(comment_from_row).transpose()?)
    }

    async fn list_public(
        &self,
        article: &str,
        after: Option<CommentId>,
        limit: u32,
    ) -> StoreResult<Vec<PublicComment>> {
        let rows = sqlx::query(SELECT_PUBLIC_PAGE)
            .bind(article)
            .bind(after.unwrap_or(0))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(public_from_row).collect::<Result<_, _>>()?)
    }

    async fn set_status(&self, id: CommentId, status: Status, now_ms: i64) -> StoreResult<bool> {
        let done = sqlx::query(UPDATE_STATUS)
            .bind(status.as_str())
            .bind(now_ms)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn count_comments(&self) -> StoreResult<i64> {
        let row = sqlx::query("select count(*) from comment")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    async fn optimize(&self) -> StoreResult<()> {
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
