//! PostgreSQL: a connection pool; each write is its own transaction.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::{Store, StoreError, StoreResult};
use crate::config::Config;

/// PostgreSQL behind a pool.
pub struct PgStore {
    pool: PgPool,
    /// The `LISTEN` task: it holds a pooled connection, so closing the pool waits for it
    /// to be stopped first.
    listener: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
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
        Ok(PgStore {
            pool,
            listener: std::sync::Mutex::new(None),
        })
    }
}

mod comments_sql {
    crate::store::comments::comment_queries!(
        sqlx::PgConnection,
        sqlx::PgPool,
        crate::store::rows::PARENT_IS_PUBLISHED_LOCKED
    );
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

mod filters_sql {
    crate::store::filters::filter_queries!(
        sqlx::PgConnection,
        sqlx::PgPool,
        "lock table filter_version in exclusive mode",
        "select pg_notify('raqib_filter', $1)"
    );
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
        crate::telemetry::metrics::timed("raqib_db_write_seconds", &[], async move {
            let mut tx = self.pool.begin().await?;
            let result = work(&mut tx).await?;
            tx.commit().await?;
            Ok(result)
        })
        .await
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    async fn insert_new_comment(
        &self,
        comment: crate::domain::NewComment,
    ) -> StoreResult<crate::domain::CommentId> {
        self.write(move |c| Box::pin(async move { comments_sql::insert(c, &comment).await }))
            .await
    }
}

crate::store::comments::comment_methods!(PgStore, comments_sql);
crate::store::accounts::account_methods!(PgStore, accounts_sql);
crate::store::moderation::moderation_methods!(PgStore, moderation_sql);
crate::store::safety::safety_methods!(PgStore, safety_sql);
crate::store::filters::filter_methods!(PgStore, filters_sql);

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn optimize(&self) -> StoreResult<()> {
        Ok(())
    }

    async fn close(&self) {
        let listener = self.listener.lock().ok().and_then(|mut l| l.take());
        if let Some(task) = listener {
            task.abort();
            let _ = task.await;
        }
        self.pool.close().await;
    }

    async fn filter_announcements(&self) -> Option<tokio::sync::mpsc::Receiver<i64>> {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&self.pool).await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(error = %err, "cannot LISTEN for filter versions; polling only");
                return None;
            }
        };
        if let Err(err) = listener.listen(super::filters::FILTER_CHANNEL).await {
            tracing::warn!(error = %err, "cannot LISTEN for filter versions; polling only");
            return None;
        }
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        let task = tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(note) => {
                        // The payload is only a hint (schemas of one database share
                        // channels): the receiver re-reads its own current version.
                        let version = note.payload().parse().unwrap_or(0);
                        if tx.send(version).await.is_err() {
                            break;
                        }
                    }
                    Err(err) => {
                        // recv reconnects on the next call; polling covers the gap.
                        tracing::warn!(error = %err, "filter LISTEN connection lost");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        if tx.is_closed() {
                            break;
                        }
                    }
                }
            }
        });
        if let Ok(mut slot) = self.listener.lock()
            && let Some(old) = slot.replace(task)
        {
            old.abort();
        }
        Some(rx)
    }
}
