//! Bulk loading of generated comments for capacity tests (the [`Seeding`] part of the
//! store, used by `raqib dev seed`): many rows per statement, many statements per
//! transaction, ids given by the caller so replies can name their parents. Each decided
//! comment gets its audit row, as a moderator's decision would; the authors' histories
//! are counted once at the end ([`Seeding::finish_seeding`]).

use async_trait::async_trait;

use super::backend::Backend;
use super::conn::{Arg, Conn, Dialect, multi_row_values};
use super::error::StoreResult;

/// One generated comment, every column given.
#[derive(Clone, Debug)]
pub struct SeedComment {
    pub id: i64,
    pub article: String,
    pub parent: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub email_hash: String,
    pub ip_hash: String,
    pub ip_net_hash: String,
    pub ip_prefix: String,
    pub user_agent: String,
    pub body: String,
    pub body_key: String,
    pub status: &'static str,
    pub class: &'static str,
    pub score: f64,
    pub hits: String,
    pub created_at: i64,
    /// (moderator, time, audit action, reason) of its decision, when decided.
    pub decision: Option<(String, i64, &'static str, Option<&'static str>)>,
    pub report_count: i64,
}

/// Bulk loading (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Seeding: Send + Sync {
    /// The id after the largest stored comment's.
    async fn next_comment_id(&self) -> StoreResult<i64>;
    /// Stores `comments` and their audit rows in one transaction.
    async fn seed_comments(&self, comments: Vec<SeedComment>) -> StoreResult<()>;
    /// After the last batch: counts every author's (email and address) decided comments
    /// again from the table, moves PostgreSQL's id sequence past the ids given, and has
    /// PostgreSQL gather the planner's statistics.
    async fn finish_seeding(&self) -> StoreResult<()>;
}

const COMMENT_COLUMNS: &str = "comment_id, article, parent_id, author_name, author_email, \
    email_hash, ip_hash, ip_net_hash, ip_prefix, user_agent, body, body_key, status, class, \
    score, hits, created_at, updated_at, decided_at, decided_by, reason_code, report_count";
const COMMENT_ARITY: usize = 22;
const AUDIT_COLUMNS: &str = "at, actor, action, target, before, after, reason";
const AUDIT_ARITY: usize = 7;
/// Rows per statement: under SQLite's 32,766 parameters and PostgreSQL's 65,535.
const ROWS_PER_STATEMENT: usize = 1_000;

#[async_trait]
impl<B: Backend> Seeding for B {
    async fn next_comment_id(&self) -> StoreResult<i64> {
        let sql = "select coalesce(max(comment_id), 0) + 1 from comment";
        let (next,): (i64,) = self.reader().await?.one(sql, vec![]).await?;
        Ok(next)
    }

    async fn seed_comments(&self, comments: Vec<SeedComment>) -> StoreResult<()> {
        self.write(move |c| {
            Box::pin(async move {
                for chunk in comments.chunks(ROWS_PER_STATEMENT) {
                    insert_comments(c, chunk).await?;
                    insert_audit(c, chunk).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn finish_seeding(&self) -> StoreResult<()> {
        self.write(move |c| {
            Box::pin(async move {
                if c.dialect() == Dialect::Postgres {
                    let sql = "select setval(pg_get_serial_sequence('comment', 'comment_id'), \
                               (select coalesce(max(comment_id), 1) from comment))";
                    let _: (i64,) = c.one(sql, vec![]).await?;
                }
                c.run("delete from reputation", vec![]).await?;
                for (prefix, column) in [("e:", "email_hash"), ("i:", "ip_hash")] {
                    let sql = format!(
                        "insert into reputation (author_key, approved, rejected, spam) \
                         select '{prefix}' || {column}, \
                         sum(case when status = 'approved' and decided_at is not null then 1 else 0 end), \
                         sum(case when status = 'rejected' then 1 else 0 end), \
                         sum(case when status = 'spam' then 1 else 0 end) \
                         from comment where {column} is not null and decided_at is not null \
                         group by {column}"
                    );
                    c.run(sqlx::AssertSqlSafe(sql), vec![]).await?;
                }
                // A bulk load outruns autovacuum's statistics: without them PostgreSQL's
                // planner read a week of audit rows by a full scan (240 ms at ten million
                // comments, 7 ms after). SQLite's are refreshed by `Store::optimize`.
                if c.dialect() == Dialect::Postgres {
                    c.run("analyze comment", vec![]).await?;
                    c.run("analyze audit_log", vec![]).await?;
                    c.run("analyze reputation", vec![]).await?;
                }
                Ok(())
            })
        })
        .await
    }
}

/// `insert into {table} ({columns}) values (…), (…)` for `rows` rows of `arity` values.
fn multi_row_insert(
    dialect: Dialect,
    table: &str,
    columns: &str,
    arity: usize,
    rows: usize,
) -> String {
    let values = multi_row_values(dialect, arity, rows);
    format!("insert into {table} ({columns}) values {values}")
}

async fn insert_comments(c: &mut impl Conn, rows: &[SeedComment]) -> StoreResult<()> {
    let sql = multi_row_insert(
        c.dialect(),
        "comment",
        COMMENT_COLUMNS,
        COMMENT_ARITY,
        rows.len(),
    );
    let mut args: Vec<Arg> = Vec::with_capacity(rows.len() * COMMENT_ARITY);
    for r in rows {
        let (decided_by, decided_at, reason) = match &r.decision {
            Some((by, at, _, reason)) => (Some(by.clone()), Some(*at), reason.map(str::to_string)),
            None => (None, None, None),
        };
        args.extend([
            r.id.into(),
            r.article.clone().into(),
            r.parent.into(),
            r.author_name.clone().into(),
            r.author_email.clone().into(),
            r.email_hash.clone().into(),
            r.ip_hash.clone().into(),
            r.ip_net_hash.clone().into(),
            r.ip_prefix.clone().into(),
            r.user_agent.clone().into(),
            r.body.clone().into(),
            r.body_key.clone().into(),
            r.status.into(),
            r.class.into(),
            r.score.into(),
            r.hits.clone().into(),
            r.created_at.into(),
            decided_at.unwrap_or(r.created_at).into(),
            decided_at.into(),
            decided_by.into(),
            reason.into(),
            r.report_count.into(),
        ]);
    }
    c.run(sqlx::AssertSqlSafe(sql), args).await?;
    Ok(())
}

async fn insert_audit(c: &mut impl Conn, rows: &[SeedComment]) -> StoreResult<()> {
    let decided: Vec<&SeedComment> = rows.iter().filter(|r| r.decision.is_some()).collect();
    if decided.is_empty() {
        return Ok(());
    }
    let sql = multi_row_insert(
        c.dialect(),
        "audit_log",
        AUDIT_COLUMNS,
        AUDIT_ARITY,
        decided.len(),
    );
    let mut args: Vec<Arg> = Vec::with_capacity(decided.len() * AUDIT_ARITY);
    for r in decided {
        let Some((by, at, action, reason)) = &r.decision else {
            continue;
        };
        args.extend([
            (*at).into(),
            by.clone().into(),
            (*action).into(),
            format!("comment:{}", r.id).into(),
            serde_json::json!({"status": "pending"}).to_string().into(),
            serde_json::json!({"status": r.status, "reason": reason})
                .to_string()
                .into(),
            reason.map(str::to_string).into(),
        ]);
    }
    c.run(sqlx::AssertSqlSafe(sql), args).await?;
    Ok(())
}
