//! SQLite: WAL, a pool of read-only connections, and one writer task.
//!
//! Every write goes through the writer task, which owns the only writable connection.
//! It takes whatever writes are queued (up to `database.max_batch`), runs each inside its
//! own savepoint of one transaction, commits once, and only then answers each caller: a
//! reply means committed (group commit). One failing write rolls back to its savepoint
//! and does not disturb the others in the batch.
//!
//! New comments without a parent or a captcha nonce (nothing to check inside the
//! transaction) skip the per-write savepoints: the batch stores them with one multi-row
//! insert per 100 comments. sqlx runs each SQLite statement on the connection's worker
//! thread, so every statement costs two thread switches; under load that, not SQLite,
//! was the limit.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Executor, Sqlite};
use tokio::sync::{mpsc, oneshot};

use super::backend::{Backend, BoxFuture};
use super::comments;
use super::conn::Bind;
use super::error::{StoreError, StoreResult};
use super::rows::{insert_comments_sql, push_new_comment_row};
use super::traits::Store;
use crate::config::paths::sqlite_path;
use crate::config::{Config, Synchronous};
use crate::domain::{CommentId, NewComment};

/// SQLite behind a single writer and a read pool.
pub struct SqliteStore {
    read: SqlitePool,
    writer: Writer,
    /// Copies the WAL back into the database file beside the writer (see [`checkpoint`]).
    checkpointer: Option<tokio::task::JoinHandle<()>>,
}

/// How often the checkpointer runs. Often, so each run copies few pages and its fsync
/// has little to flush: at 50 ms (and the writer checkpointing every 10,000 pages) one
/// request in a hundred waited 25–50 ms behind a flush; at 10 ms p99 stays near 14 ms.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(10);

/// WAL pages after which the writer checkpoints by itself (SQLite's automatic
/// checkpoint, run on the committing connection while every other write waits). Only a
/// safety net for when the checkpointer cannot keep up: it does the work, and the WAL
/// starts over whenever a run of it finds nothing left to copy.
const WRITER_CHECKPOINT_PAGES: &str = "100000";

/// Keeps the WAL short from a connection of its own, so the writer never stops a commit
/// to copy pages back into the database file (SQLite's automatic checkpoint does that on
/// the committing connection and fsyncs there, which is what made the slowest requests
/// slow).
async fn checkpoint(mut conn: SqliteConnection) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = conn.execute("pragma wal_checkpoint(PASSIVE)").await {
            tracing::warn!(error = %err, "WAL checkpoint failed; the writer's own checkpoint covers it");
        }
    }
}

impl SqliteStore {
    pub async fn connect(config: &Config) -> StoreResult<SqliteStore> {
        let base = SqliteConnectOptions::from_str(&config.database_url)
            .map_err(|e| StoreError::Database(format!("bad database_url: {e}")))?
            .busy_timeout(Duration::from_millis(config.database.busy_timeout_ms))
            .foreign_keys(true)
            // No memory-mapped reads: while comments pour in the file grows, and every
            // reader remapped it at each transaction, the unmapping stopping both cores
            // to flush their TLBs (a quarter of the process's time under load).
            .pragma("mmap_size", "0");

        let write_options = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match config.database.synchronous {
                Synchronous::Normal => SqliteSynchronous::Normal,
                Synchronous::Full => SqliteSynchronous::Full,
            })
            // The indexes of a large comment table stay in the writer's cache.
            .pragma("cache_size", "-16384")
            // Statement journals (a multi-row insert keeps one to undo itself) in memory,
            // not in a temporary file.
            .pragma("temp_store", "memory")
            .pragma("wal_autocheckpoint", WRITER_CHECKPOINT_PAGES);
        let mut conn = SqliteConnection::connect_with(&write_options).await?;
        sqlx::migrate!("migrations/sqlite").run(&mut conn).await?;
        let checkpointer = match sqlite_path(&config.database_url) {
            Some(_) => Some(tokio::spawn(checkpoint(
                SqliteConnection::connect_with(&write_options).await?,
            ))),
            None => None,
        };

        let read = SqlitePoolOptions::new()
            .max_connections(config.database.max_connections)
            .connect_with(base.read_only(true))
            .await?;
        let writer = Writer::start(conn, config.database.max_batch);
        Ok(SqliteStore {
            read,
            writer,
            checkpointer,
        })
    }
}

#[async_trait]
impl Backend for SqliteStore {
    type Conn = SqliteConnection;
    type Reader = PoolConnection<Sqlite>;

    /// Runs `work` through the single writer, in the next group commit.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        crate::telemetry::metrics::timed("raqib_db_write_seconds", &[], self.writer.exec(work))
            .await
    }

    async fn reader(&self) -> StoreResult<PoolConnection<Sqlite>> {
        Ok(self.read.acquire().await?)
    }

    /// A comment with a parent or a captcha nonce has something to check in the
    /// transaction and goes as a write of its own; any other joins the writer's next
    /// multi-row insert.
    async fn insert_new_comment(&self, comment: NewComment) -> StoreResult<CommentId> {
        if comment.parent.is_some() || comment.captcha_nonce.is_some() {
            return self
                .write(move |c| Box::pin(async move { comments::insert(c, &comment).await }))
                .await;
        }
        crate::telemetry::metrics::timed(
            "raqib_db_write_seconds",
            &[],
            self.writer.insert_plain(comment),
        )
        .await
    }
}

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
        if let Some(task) = &self.checkpointer {
            task.abort();
        }
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

/// A new comment with nothing to check in the transaction, and who waits for its id.
struct PlainComment {
    comment: NewComment,
    reply: oneshot::Sender<StoreResult<CommentId>>,
}

enum Message {
    Job(Box<dyn WriteJob>),
    Comment(Box<PlainComment>),
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

    async fn insert_plain(&self, comment: NewComment) -> StoreResult<CommentId> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Message::Comment(Box::new(PlainComment { comment, reply })))
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
    let mut comments: Vec<PlainComment> = Vec::with_capacity(max_batch);
    let mut closing: Option<oneshot::Sender<()>> = None;
    let mut take = |message: Message,
                    batch: &mut Vec<Box<dyn WriteJob>>,
                    comments: &mut Vec<PlainComment>,
                    inbox: &mut mpsc::Receiver<Message>| match message {
        Message::Job(job) => batch.push(job),
        Message::Comment(c) => comments.push(*c),
        Message::Close(done) => {
            // Refuse new writes, but finish every one already queued.
            inbox.close();
            closing = Some(done);
        }
    };
    while let Some(message) = inbox.recv().await {
        take(message, &mut batch, &mut comments, &mut inbox);
        while batch.len() + comments.len() < max_batch {
            match inbox.try_recv() {
                Ok(message) => take(message, &mut batch, &mut comments, &mut inbox),
                Err(_) => break,
            }
        }
        if batch.is_empty() && comments.is_empty() {
            continue;
        }
        let (committed, ids) = commit_batch(&mut conn, &mut batch, &comments).await;
        if let Err(err) = &committed {
            tracing::error!(error = %err, jobs = batch.len() + comments.len(), "group commit failed");
        }
        for job in batch.drain(..) {
            job.finish(committed.clone());
        }
        for (c, id) in comments.drain(..).zip(ids) {
            let answer = match &committed {
                Ok(()) => id,
                Err(err) => Err(err.clone()),
            };
            // The caller may have gone away: the comment stands anyway.
            let _ = c.reply.send(answer);
        }
    }
    let _ = conn.close().await;
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// One transaction for the batch: the commit's outcome, and each plain comment's id.
async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &mut [Box<dyn WriteJob>],
    comments: &[PlainComment],
) -> (StoreResult<()>, Vec<StoreResult<CommentId>>) {
    let closed = || comments.iter().map(|_| Err(StoreError::Closed)).collect();
    if batch.is_empty() && comments.len() <= COMMENTS_PER_INSERT {
        // Only new comments, few enough for one statement: the statement is its own
        // transaction. That saves the BEGIN and COMMIT round trips to the connection's
        // thread and the statement journal SQLite keeps for a multi-row insert inside a
        // transaction. A statement that fails leaves nothing behind, and the comments go
        // the careful way below.
        if let Ok(ids) = insert_chunk(conn, comments).await {
            return (Ok(()), ids);
        }
    }
    if let Err(err) = conn.execute("begin immediate").await {
        return (Err(err.into()), closed());
    }
    let mut ids = Vec::with_capacity(comments.len());
    let mut result = run_jobs(conn, batch).await;
    if result.is_ok() {
        match insert_plain_comments(conn, comments).await {
            Ok(done) => ids = done,
            Err(err) => result = Err(err),
        }
    }
    let committed = match result {
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
    };
    if ids.len() != comments.len() {
        ids = closed();
    }
    (committed, ids)
}

/// Comments per multi-row insert (17 parameters each).
const COMMENTS_PER_INSERT: usize = 100;

/// Inserts plain comments, a hundred per statement. Ids come from `last_insert_rowid`:
/// with AUTOINCREMENT and the only writer, one statement's rows get consecutive ids in
/// the order of its VALUES. A chunk that fails is retried one comment at a time, so one
/// bad comment fails alone.
async fn insert_plain_comments(
    conn: &mut SqliteConnection,
    comments: &[PlainComment],
) -> StoreResult<Vec<StoreResult<CommentId>>> {
    let mut ids = Vec::with_capacity(comments.len());
    for chunk in comments.chunks(COMMENTS_PER_INSERT) {
        // A failing INSERT undoes its own rows (SQLite's default ABORT), so the chunk
        // needs no savepoint of its own.
        match insert_chunk(conn, chunk).await {
            Ok(done) => ids.extend(done),
            Err(_) => {
                // A failed one-row insert undoes itself too: no savepoint needed.
                for c in chunk {
                    match insert_chunk(conn, std::slice::from_ref(c)).await {
                        Ok(one) => ids.extend(one),
                        Err(err) => ids.push(Err(err)),
                    }
                }
            }
        }
    }
    Ok(ids)
}

/// One multi-row insert; ids come from `last_insert_rowid` (see above).
async fn insert_chunk(
    conn: &mut SqliteConnection,
    chunk: &[PlainComment],
) -> StoreResult<Vec<StoreResult<CommentId>>> {
    let sql = insert_comments_sql(chunk.len());
    let mut args = Vec::with_capacity(chunk.len() * 17);
    for c in chunk {
        push_new_comment_row(&mut args, &c.comment);
    }
    let query = sqlx::query_with(sqlx::AssertSqlSafe(sql), Sqlite::arguments(args)?);
    let last = query.execute(&mut *conn).await?.last_insert_rowid();
    let first = last - chunk.len() as i64 + 1;
    Ok((first..=last).map(Ok).collect())
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
