//! SQLite: WAL, a pool of read-only connections, and one writer task.
//!
//! Every write goes through the writer task, which owns the only writable connection.
//! It takes whatever writes are queued (up to `database.max_batch`), runs each inside its
//! own savepoint of one transaction, commits once, and only then answers each caller: a
//! reply means committed (group commit). One failing write rolls back to its savepoint
//! and does not disturb the others in the batch.

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Executor};
use tokio::sync::{mpsc, oneshot};

use super::{Store, StoreError, StoreResult};
use crate::config::{Config, Synchronous};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// SQLite behind a single writer and a read pool.
pub struct SqliteStore {
    read: SqlitePool,
    writer: Writer,
}

impl SqliteStore {
    pub async fn connect(config: &Config) -> StoreResult<SqliteStore> {
        let base = SqliteConnectOptions::from_str(&config.database_url)
            .map_err(|e| StoreError::Database(format!("bad database_url: {e}")))?
            .busy_timeout(Duration::from_millis(config.database.busy_timeout_ms))
            .foreign_keys(true);

        let write_options = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match config.database.synchronous {
                Synchronous::Normal => SqliteSynchronous::Normal,
                Synchronous::Full => SqliteSynchronous::Full,
            });
        let mut conn = SqliteConnection::connect_with(&write_options).await?;
        sqlx::migrate!("migrations/sqlite").run(&mut conn).await?;

        let read = SqlitePoolOptions::new()
            .max_connections(config.database.max_connections)
            .connect_with(base.read_only(true))
            .await?;
        let writer = Writer::start(conn, config.database.max_batch);
        Ok(SqliteStore { read, writer })
    }
}

mod comments_sql {
    crate::store::comments::comment_queries!(
        sqlx::SqliteConnection,
        sqlx::SqlitePool,
        crate::store::rows::PARENT_IS_PUBLISHED
    );
}

mod moderation_sql {
    crate::store::moderation::moderation_queries!(sqlx::SqliteConnection, sqlx::SqlitePool, "", "");
}

mod safety_sql {
    crate::store::safety::safety_queries!(sqlx::SqliteConnection, sqlx::SqlitePool);
}

mod filters_sql {
    crate::store::filters::filter_queries!(sqlx::SqliteConnection, sqlx::SqlitePool, "", "");
}

mod accounts_sql {
    crate::store::accounts::account_queries!(sqlx::SqliteConnection, sqlx::SqlitePool);
}

impl SqliteStore {
    /// Runs `work` through the single writer, in the next group commit.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        crate::metrics::timed("raqib_db_write_seconds", &[], self.writer.exec(work)).await
    }

    fn reader(&self) -> &SqlitePool {
        &self.read
    }
}

crate::store::comments::comment_methods!(SqliteStore, comments_sql);
crate::store::accounts::account_methods!(SqliteStore, accounts_sql);
crate::store::moderation::moderation_methods!(SqliteStore, moderation_sql);
crate::store::safety::safety_methods!(SqliteStore, safety_sql);
crate::store::filters::filter_methods!(SqliteStore, filters_sql);

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1").execute(&self.read).await?;
        Ok(())
    }

    async fn optimize(&self) -> StoreResult<()> {
        self.write(|conn| {
            Box::pin(async move {
                conn.execute("pragma optimize").await?;
                Ok(())
            })
        })
        .await
    }

    async fn close(&self) {
        self.writer.close().await;
        self.read.close().await;
    }
}

/// One queued write: runs inside the batch's transaction, answered after the commit.
trait WriteJob: Send {
    fn run<'c>(&'c mut self, conn: &'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<()>>;
    fn finish(self: Box<Self>, committed: StoreResult<()>);
}

struct Job<T, F> {
    work: Option<F>,
    output: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> WriteJob for Job<T, F>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<()>> {
        Box::pin(async move {
            let work = self.work.take().ok_or(StoreError::Closed)?;
            let result = work(conn).await;
            let status = match &result {
                Ok(_) => Ok(()),
                Err(err) => Err(err.clone()),
            };
            self.output = Some(result);
            status
        })
    }

    fn finish(self: Box<Self>, committed: StoreResult<()>) {
        let answer = match committed {
            Ok(()) => self.output.unwrap_or(Err(StoreError::Closed)),
            Err(err) => Err(err),
        };
        // The caller may have gone away (client disconnected): the write stands anyway.
        let _ = self.reply.send(answer);
    }
}

enum Message {
    Job(Box<dyn WriteJob>),
    Close(oneshot::Sender<()>),
}

/// Handle to the writer task.
struct Writer {
    queue: mpsc::Sender<Message>,
}

impl Writer {
    fn start(conn: SqliteConnection, max_batch: usize) -> Writer {
        // The queue is bounded so a flood waits here instead of growing memory without end.
        let (queue, inbox) = mpsc::channel(max_batch * 8);
        tokio::spawn(write_loop(conn, inbox, max_batch));
        Writer { queue }
    }

    async fn exec<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work: Some(work),
            output: None,
            reply,
        };
        self.queue
            .send(Message::Job(Box::new(job)))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn close(&self) {
        let (done, finished) = oneshot::channel();
        if self.queue.send(Message::Close(done)).await.is_ok() {
            let _ = finished.await;
        }
    }
}

async fn write_loop(
    mut conn: SqliteConnection,
    mut inbox: mpsc::Receiver<Message>,
    max_batch: usize,
) {
    let mut batch: Vec<Box<dyn WriteJob>> = Vec::with_capacity(max_batch);
    let mut closing: Option<oneshot::Sender<()>> = None;
    while let Some(message) = inbox.recv().await {
        match message {
            Message::Job(job) => batch.push(job),
            Message::Close(done) => {
                // Refuse new writes, but finish every one already queued.
                inbox.close();
                closing = Some(done);
            }
        }
        while batch.len() < max_batch {
            match inbox.try_recv() {
                Ok(Message::Job(job)) => batch.push(job),
                Ok(Message::Close(done)) => {
                    inbox.close();
                    closing = Some(done);
                }
                Err(_) => break,
            }
        }
        if !batch.is_empty() {
            let committed = commit_batch(&mut conn, &mut batch).await;
            if let Err(err) = &committed {
                tracing::error!(error = %err, jobs = batch.len(), "group commit failed");
            }
            for job in batch.drain(..) {
                job.finish(committed.clone());
            }
        }
    }
    let _ = conn.close().await;
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &mut [Box<dyn WriteJob>],
) -> StoreResult<()> {
    conn.execute("begin immediate").await?;
    let result = run_jobs(conn, batch).await;
    match result {
        Ok(()) => match conn.execute("commit").await {
            Ok(_) => Ok(()),
            Err(err) => {
                let _ = conn.execute("rollback").await;
                Err(err.into())
            }
        },
        Err(err) => {
            let _ = conn.execute("rollback").await;
            Err(err)
        }
    }
}

async fn run_jobs(conn: &mut SqliteConnection, batch: &mut [Box<dyn WriteJob>]) -> StoreResult<()> {
    for job in batch.iter_mut() {
        conn.execute("savepoint job").await?;
        match job.run(conn).await {
            Ok(()) => {
                conn.execute("release job").await?;
            }
            Err(_) => {
                // The job keeps its own error for its caller; the batch goes on.
                conn.execute("rollback to job").await?;
                conn.execute("release job").await?;
            }
        }
    }
    Ok(())
}
