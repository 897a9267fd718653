//! What a database backend gives the store: where writes run and where reads run.
//!
//! Each part of the [`Store`](super::traits::Store) (comments, accounts, bans, …) is
//! implemented once, for every `B: Backend`, from query functions over
//! [`Conn`](super::conn::Conn). The backends differ only here: SQLite sends each write to
//! its single writer task (one group commit, a savepoint per write) and reads from a pool
//! of read-only connections; PostgreSQL runs each write in a transaction of its own and
//! reads from the same pool.

use std::future::Future;
use std::ops::DerefMut;
use std::pin::Pin;

use async_trait::async_trait;

use super::conn::Conn;
use super::error::StoreResult;
use crate::domain::{CommentId, NewComment};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The connection writes and reads run on.
    type Conn: Conn;
    /// A pooled connection for reads.
    type Reader: DerefMut<Target = Self::Conn> + Send;

    /// Runs `work` as one committed write: it all stands or none of it does, and the
    /// answer comes after the commit.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Self::Conn) -> BoxFuture<'c, StoreResult<T>> + Send + 'static;

    /// A connection for reads (outside any transaction, as a pool query would be).
    async fn reader(&self) -> StoreResult<Self::Reader>;

    /// Stores a new comment. Part of the backend because SQLite batches plain comments
    /// (no parent, no captcha nonce) into multi-row inserts.
    async fn insert_new_comment(&self, comment: NewComment) -> StoreResult<CommentId>;
}
