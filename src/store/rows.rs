//! Row mappings shared by both backends: same column names, same meanings.

use sqlx::Row;

use crate::domain::{Class, Comment, PublicComment, Status};

/// Columns selected for a full comment, in the order [`comment_from_row`] reads them.
macro_rules! comment_columns {
    () => {
        "comment_id, article, parent_id, author_name, author_email, email_hash, ip_hash, \
         ip_net_hash, ip_prefix, user_agent, body, status, class, score, hits, created_at, \
         updated_at"
    };
}

/// The columns [`comment_from_row`] reads, in order.
pub const COMMENT_COLUMN_LIST: &str = comment_columns!();

/// One comment by id.
pub const SELECT_COMMENT: &str = concat!(
    "select ",
    comment_columns!(),
    " from comment where comment_id = $1"
);

/// A page of an article's approved comments after an id, oldest first.
pub const SELECT_PUBLIC_PAGE: &str = "select comment_id, parent_id, author_name, body, created_at \
    from comment where article = $1 and status = 'approved' and comment_id > $2 \
    order by comment_id limit $3";

/// Moves a comment to a status.
pub const UPDATE_STATUS: &str =
    "update comment set status = $1, updated_at = $2 where comment_id = $3";

pub fn comment_from_row<'r, R>(row: &'r R) -> Result<Comment, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    &'r str: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let status: &str = row.try_get(11)?;
    let class: &str = row.try_get(12)?;
    Ok(Comment {
        id: row.try_get(0)?,
        article: row.try_get(1)?,
        parent: row.try_get(2)?,
        author_name: row.try_get(3)?,
        author_email: row.try_get(4)?,
        email_hash: row.try_get(5)?,
        ip_hash: row.try_get(6)?,
        ip_net_hash: row.try_get(7)?,
        ip_prefix: row.try_get(8)?,
        user_agent: row.try_get(9)?,
        body: row.try_get(10)?,
        status: Status::parse(status).ok_or_else(|| decode_error("status", status))?,
        class: Class::parse(class).ok_or_else(|| decode_error("class", class))?,
        score: row.try_get(13)?,
        hits: row.try_get(14)?,
        created_at: row.try_get(15)?,
        updated_at: row.try_get(16)?,
    })
}

pub fn public_from_row<'r, R>(row: &'r R) -> Result<PublicComment, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let created_at: i64 = row.try_get(4)?;
    Ok(PublicComment {
        id: row.try_get(0)?,
        parent: row.try_get(1)?,
        name: row.try_get(2)?,
        body: row.try_get(3)?,
        created_at: rfc3339(created_at),
    })
}

/// Milliseconds since the epoch as RFC 3339 in UTC.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn decode_error(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {column} value {value:?}").into())
}

/// Inserts a comment; binds in [`bind_new_comment`] order; returns its id.
pub const INSERT_COMMENT: &str = "insert into comment (article, parent_id, author_name, \
    author_email, email_hash, ip_hash, ip_net_hash, ip_prefix, user_agent, body, status, class, \
    score, hits, created_at, updated_at, body_key) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) \
    returning comment_id";

/// The columns of a comment row in the order [`bind_new_comment_row`] binds them (that of
/// [`bind_new_comment`], then `updated_at`).
const INSERT_COMMENT_COLUMNS: &str = "insert into comment (article, parent_id, author_name, \
    author_email, email_hash, ip_hash, ip_net_hash, ip_prefix, user_agent, body, status, class, \
    score, hits, created_at, body_key, updated_at) values ";

/// A multi-row insert of `rows` comments (17 parameters each), without `returning`,
/// for SQLite. Anonymous `?` parameters: with numbered ones sqlx looks each index up by
/// name, which is quadratic in a statement of 1,700 parameters.
pub fn insert_comments_sql(rows: usize) -> String {
    const ROW: &str = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    let mut sql = String::with_capacity(INSERT_COMMENT_COLUMNS.len() + rows * (ROW.len() + 1));
    sql.push_str(INSERT_COMMENT_COLUMNS);
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push_str(ROW);
    }
    sql
}

/// Binds one comment's 17 values for [`insert_comments_sql`].
pub fn bind_new_comment_row<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    c: &'q crate::domain::NewComment,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    bind_new_comment(query, c).bind(c.created_at)
}

/// Is `$1` an approved comment of article `$2`?
macro_rules! parent_is_published {
    () => {
        "select 1 from comment where comment_id = $1 and article = $2 and status = 'approved'"
    };
}
pub const PARENT_IS_PUBLISHED: &str = parent_is_published!();
/// The same, locking the parent against a concurrent takedown (PostgreSQL).
pub const PARENT_IS_PUBLISHED_LOCKED: &str = concat!(parent_is_published!(), " for share");

/// Binds a new comment to [`INSERT_COMMENT`].
pub fn bind_new_comment<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    c: &'q crate::domain::NewComment,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(c.article.as_str())
        .bind(c.parent)
        .bind(c.author_name.as_str())
        .bind(c.author_email.as_str())
        .bind(c.email_hash.as_str())
        .bind(c.ip_hash.as_deref())
        .bind(c.ip_net_hash.as_deref())
        .bind(c.ip_prefix.as_deref())
        .bind(c.user_agent.as_deref())
        .bind(c.body.as_str())
        .bind(c.status.as_str())
        .bind(c.class.as_str())
        .bind(c.score)
        .bind(c.hits.as_str())
        .bind(c.created_at)
        .bind(c.body_key.as_str())
}

/// Records a spent captcha nonce.
pub const BURN_NONCE: &str = "insert into captcha_used (nonce, expires_at) values ($1, $2)";

/// Forgets expired nonces.
pub const SWEEP_NONCES: &str = "delete from captcha_used where expires_at < $1";

/// Maps a duplicate nonce to [`StoreError::NonceSpent`](super::StoreError::NonceSpent).
pub fn nonce_error(err: sqlx::Error) -> super::StoreError {
    match super::StoreError::from(err) {
        super::StoreError::Duplicate(_) => super::StoreError::NonceSpent,
        other => other,
    }
}
