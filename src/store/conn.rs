//! The one seam between the store's queries and sqlx's two backends.
//!
//! sqlx code written generically over `DB: Database` needs a where-clause for every bound
//! type on every function, and Rust cannot bundle those into an alias. So the queries are
//! written against [`Conn`], our own trait, implemented here once for the connections of
//! both backends; the bounds sqlx needs are stated once, on that impl and on [`Bind`]. The
//! queries only ever name `impl Conn`, [`Arg`] for the values they bind and [`Record`]
//! for the rows they read (any `#[derive(sqlx::FromRow)]` struct, which derives for both
//! rows).

use std::fmt::Write as _;

use async_trait::async_trait;
use sqlx::postgres::{PgQueryResult, PgRow};
use sqlx::sqlite::{SqliteQueryResult, SqliteRow};
use sqlx::{
    Arguments, Connection, Database, Encode, Executor, FromRow, IntoArguments, Postgres,
    SqlSafeStr, Sqlite, Type,
};

use super::error::{StoreError, StoreResult};

/// Which SQL the connection speaks, for the few statements that differ (row locks,
/// `NOTIFY`, placeholders of a built query).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One bound value. Each variant binds as the Rust type it holds, so PostgreSQL infers
/// the same parameter types as it did from direct binds (`int8`, `text`, `float8`, `bool`).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Real(f64),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::OptInt(v)
    }
}

impl From<f64> for Arg {
    fn from(v: f64) -> Arg {
        Arg::Real(v)
    }
}

impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Bool(v)
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}

impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        Arg::OptText(v)
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        Arg::OptText(v.map(str::to_string))
    }
}

/// A row type both backends can decode.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A connection (or transaction) the queries run on.
#[async_trait]
pub trait Conn: Send {
    fn dialect(&self) -> Dialect;

    /// Every row the statement returns.
    async fn all<R: Record, S: SqlSafeStr + Send>(
        &mut self,
        sql: S,
        args: Vec<Arg>,
    ) -> StoreResult<Vec<R>>;

    /// The first row, if any.
    async fn optional<R: Record, S: SqlSafeStr + Send>(
        &mut self,
        sql: S,
        args: Vec<Arg>,
    ) -> StoreResult<Option<R>>;

    /// Runs a statement; returns the rows it affected.
    async fn run<S: SqlSafeStr + Send>(&mut self, sql: S, args: Vec<Arg>) -> StoreResult<u64>;

    /// The first row, which must exist (sqlx's `RowNotFound` otherwise).
    async fn one<R: Record, S: SqlSafeStr + Send>(
        &mut self,
        sql: S,
        args: Vec<Arg>,
    ) -> StoreResult<R> {
        self.optional(sql, args)
            .await?
            .ok_or_else(|| StoreError::from(sqlx::Error::RowNotFound))
    }

    /// Whether the statement returns a row (its columns are not read).
    async fn exists<S: SqlSafeStr + Send>(&mut self, sql: S, args: Vec<Arg>) -> StoreResult<bool> {
        Ok(self.optional::<(), S>(sql, args).await?.is_some())
    }
}

/// A sqlx database whose arguments take every kind of [`Arg`]. The blanket impl states the
/// encoding bounds once; generic code then needs only `DB: Bind`.
pub trait Bind: Database {
    /// The values as this database's arguments.
    fn arguments(args: Vec<Arg>) -> Result<Self::Arguments, sqlx::Error>;
}

impl<DB: Database> Bind for DB
where
    i64: for<'q> Encode<'q, DB> + Type<DB>,
    Option<i64>: for<'q> Encode<'q, DB> + Type<DB>,
    f64: for<'q> Encode<'q, DB> + Type<DB>,
    String: for<'q> Encode<'q, DB> + Type<DB>,
    Option<String>: for<'q> Encode<'q, DB> + Type<DB>,
    bool: for<'q> Encode<'q, DB> + Type<DB>,
{
    fn arguments(args: Vec<Arg>) -> Result<DB::Arguments, sqlx::Error> {
        let mut out = DB::Arguments::default();
        for arg in args {
            let added = match arg {
                Arg::Int(v) => out.add(v),
                Arg::OptInt(v) => out.add(v),
                Arg::Real(v) => out.add(v),
                Arg::Text(v) => out.add(v),
                Arg::OptText(v) => out.add(v),
                Arg::Bool(v) => out.add(v),
            };
            added.map_err(sqlx::Error::Encode)?;
        }
        Ok(out)
    }
}

/// What tells the two databases apart for [`Conn`]: their dialect, their row type (a
/// [`Record`] decodes from either, but only each database names its own) and their
/// statement result (sqlx has no common trait for its row count).
pub trait Db: Bind {
    const DIALECT: Dialect;

    fn decode<R: Record>(row: &Self::Row) -> Result<R, sqlx::Error>;

    fn rows_affected(done: &Self::QueryResult) -> u64;
}

impl Db for Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;

    fn decode<R: Record>(row: &SqliteRow) -> Result<R, sqlx::Error> {
        R::from_row(row)
    }

    fn rows_affected(done: &SqliteQueryResult) -> u64 {
        done.rows_affected()
    }
}

impl Db for Postgres {
    const DIALECT: Dialect = Dialect::Postgres;

    fn decode<R: Record>(row: &PgRow) -> Result<R, sqlx::Error> {
        R::from_row(row)
    }

    fn rows_affected(done: &PgQueryResult) -> u64 {
        done.rows_affected()
    }
}

/// `SqliteConnection` and `PgConnection` (and so the transactions and pooled connections
/// that dereference to them).
#[async_trait]
impl<C, DB> Conn for C
where
    C: Connection<Database = DB>,
    DB: Db,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut C: Executor<'c, Database = DB>,
{
    fn dialect(&self) -> Dialect {
        DB::DIALECT
    }

    async fn all<R: Record, S: SqlSafeStr + Send>(
        &mut self,
        sql: S,
        args: Vec<Arg>,
    ) -> StoreResult<Vec<R>> {
        let query = sqlx::query_with(sql, DB::arguments(args)?);
        let rows = query
            .try_map(|row| DB::decode(&row))
            .fetch_all(self)
            .await?;
        Ok(rows)
    }

    async fn optional<R: Record, S: SqlSafeStr + Send>(
        &mut self,
        sql: S,
        args: Vec<Arg>,
    ) -> StoreResult<Option<R>> {
        let query = sqlx::query_with(sql, DB::arguments(args)?);
        let row = query.try_map(|row| DB::decode(&row));
        Ok(row.fetch_optional(self).await?)
    }

    async fn run<S: SqlSafeStr + Send>(&mut self, sql: S, args: Vec<Arg>) -> StoreResult<u64> {
        let query = sqlx::query_with(sql, DB::arguments(args)?);
        Ok(DB::rows_affected(&query.execute(self).await?))
    }
}

/// The `(…), (…)` of a multi-row insert: `rows` rows of `arity` placeholders. Anonymous
/// `?` on SQLite (sqlx looks numbered ones up by name, which is quadratic in a statement
/// of thousands of values), `$n` on PostgreSQL.
pub fn multi_row_values(dialect: Dialect, arity: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(rows * (arity * 4 + 3));
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ",(" });
        for col in 0..arity {
            if col > 0 {
                sql.push(',');
            }
            n += 1;
            match dialect {
                Dialect::Sqlite => sql.push('?'),
                Dialect::Postgres => {
                    let _ = write!(sql, "${n}");
                }
            }
        }
        sql.push(')');
    }
    sql
}

/// A statement assembled from optional parts, like sqlx's `QueryBuilder`, and numbering
/// its placeholders the same way: `?` for SQLite, `$n` for PostgreSQL.
pub struct Builder {
    sql: String,
    args: Vec<Arg>,
    dialect: Dialect,
}

impl Builder {
    pub fn new(dialect: Dialect, sql: impl Into<String>) -> Builder {
        Builder {
            sql: sql.into(),
            args: Vec::new(),
            dialect,
        }
    }

    /// The backend the statement is for.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn push(&mut self, sql: &str) -> &mut Builder {
        self.sql.push_str(sql);
        self
    }

    pub fn push_bind(&mut self, value: impl Into<Arg>) -> &mut Builder {
        self.args.push(value.into());
        match self.dialect {
            Dialect::Sqlite => self.sql.push('?'),
            Dialect::Postgres => {
                let _ = write!(self.sql, "${}", self.args.len());
            }
        }
        self
    }

    /// The statement (its parts are constant text; values only ever go in as binds)
    /// and its values.
    pub fn build(self) -> (sqlx::AssertSqlSafe<String>, Vec<Arg>) {
        (sqlx::AssertSqlSafe(self.sql), self.args)
    }
}
