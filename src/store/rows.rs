//! The comment row, shared by comments, the moderation queue and privacy exports: its
//! columns, how it reads back into a [`Comment`], and how a [`NewComment`] binds.

use super::conn::{Arg, Dialect, multi_row_values};
use super::error::{StoreError, decode_error};
use crate::domain::{Class, Comment, NewComment, Status};

/// The columns of a full comment ([`CommentRow`]).
pub const COMMENT_COLUMN_LIST: &str = "comment_id, article, parent_id, author_name, \
    author_email, email_hash, ip_hash, ip_net_hash, ip_prefix, user_agent, body, status, class, \
    score, hits, created_at, updated_at";

/// A full comment as stored.
#[derive(sqlx::FromRow)]
pub struct CommentRow {
    comment_id: i64,
    article: String,
    parent_id: Option<i64>,
    author_name: String,
    author_email: String,
    email_hash: String,
    ip_hash: Option<String>,
    ip_net_hash: Option<String>,
    ip_prefix: Option<String>,
    user_agent: Option<String>,
    body: String,
    status: String,
    class: String,
    score: f64,
    hits: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<CommentRow> for Comment {
    type Error = StoreError;

    fn try_from(row: CommentRow) -> Result<Comment, StoreError> {
        Ok(Comment {
            id: row.comment_id,
            article: row.article,
            parent: row.parent_id,
            author_name: row.author_name,
            author_email: row.author_email,
            email_hash: row.email_hash,
            ip_hash: row.ip_hash,
            ip_net_hash: row.ip_net_hash,
            ip_prefix: row.ip_prefix,
            user_agent: row.user_agent,
            body: row.body,
            status: Status::parse(&row.status)
                .ok_or_else(|| decode_error("status", &row.status))?,
            class: Class::parse(&row.class).ok_or_else(|| decode_error("class", &row.class))?,
            score: row.score,
            hits: row.hits,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The values of a new comment, in the order of the columns of an insert: `article,
/// parent_id, author_name, author_email, email_hash, ip_hash, ip_net_hash, ip_prefix,
/// user_agent, body, status, class, score, hits, created_at, body_key`.
pub fn new_comment_args(c: &NewComment) -> [Arg; 16] {
    [
        c.article.as_str().into(),
        c.parent.into(),
        c.author_name.as_str().into(),
        c.author_email.as_str().into(),
        c.email_hash.as_str().into(),
        c.ip_hash.as_deref().into(),
        c.ip_net_hash.as_deref().into(),
        c.ip_prefix.as_deref().into(),
        c.user_agent.as_deref().into(),
        c.body.as_str().into(),
        c.status.as_str().into(),
        c.class.as_str().into(),
        c.score.into(),
        c.hits.as_str().into(),
        c.created_at.into(),
        c.body_key.as_str().into(),
    ]
}

/// The start of a multi-row insert of comments: the columns of [`new_comment_args`], then
/// `updated_at`.
const INSERT_COMMENT_COLUMNS: &str = "insert into comment (article, parent_id, author_name, \
    author_email, email_hash, ip_hash, ip_net_hash, ip_prefix, user_agent, body, status, class, \
    score, hits, created_at, body_key, updated_at) values ";

/// A multi-row insert of `rows` comments (17 parameters each), without `returning`,
/// for SQLite.
pub fn insert_comments_sql(rows: usize) -> String {
    let values = multi_row_values(Dialect::Sqlite, 17, rows);
    format!("{INSERT_COMMENT_COLUMNS}{values}")
}

/// Appends one comment's 17 values for [`insert_comments_sql`].
pub fn push_new_comment_row(args: &mut Vec<Arg>, c: &NewComment) {
    args.extend(new_comment_args(c));
    args.push(c.created_at.into());
}
