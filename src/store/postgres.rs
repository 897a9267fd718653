//! PostgreSQL: a connection pool; each write is its own transaction. New filter versions
//! arrive by `LISTEN`.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres};

use super::backend::{Backend, BoxFuture};
use super::comments;
use super::error::{StoreError, StoreResult};
use super::filters::FILTER_CHANNEL;
use super::traits::Store;
use crate::config::Config;
use crate::domain::{CommentId, NewComment};

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

#[async_trait]
impl Backend for PgStore {
    type Conn = PgConnection;
    type Reader = PoolConnection<Postgres>;

    /// Runs `work` in its own transaction.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut PgConnection) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
    {
        crate::telemetry::metrics::timed("raqib_db_write_seconds", &[], async move {
            let mut tx = self.pool.begin().await?;
            let result = work(&mut tx).await?;
            tx.commit().await?;
            Ok(result)
        })
        .await
    }

    async fn reader(&self) -> StoreResult<PoolConnection<Postgres>> {
        Ok(self.pool.acquire().await?)
    }

    async fn insert_new_comment(&self, comment: NewComment) -> StoreResult<CommentId> {
        self.write(move |c| Box::pin(async move { comments::insert(c, &comment).await }))
            .await
    }
}

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
        if let Err(err) = listener.listen(FILTER_CHANNEL).await {
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
