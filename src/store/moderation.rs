//! The moderation queue, decisions and claims: the [`Moderation`] part of the store, one
//! SQL text for both backends. The only difference is the row locks: PostgreSQL locks the
//! decided comment (`for update`) and skips comments others are claiming (`for update
//! skip locked`); SQLite needs neither (one writer).

use async_trait::async_trait;
use sqlx::AssertSqlSafe;

use super::backend::Backend;
use super::conn::{Builder, Conn, Dialect};
use super::error::{StoreError, StoreResult};
use super::reputation::{self, BUMP_REPUTATION_EPOCH, bump, history_delta};
use super::rows::{COMMENT_COLUMN_LIST, CommentRow};
use crate::domain::{Class, Comment, CommentId, Status};

pub use super::reputation::History;

/// A comment as moderators see it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueItem {
    pub comment: Comment,
    pub report_count: i64,
    pub claim_holder: Option<String>,
    pub claim_expires_at: Option<i64>,
    pub reason_code: Option<String>,
    pub moderator_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// History of the same canonical email.
    pub by_email: History,
    /// History of the same IP hash.
    pub by_ip: History,
}

/// Queue order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Oldest,
    Newest,
    Score,
}

/// Which comments the queue shows.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub status: Option<Status>,
    pub class: Option<Class>,
    pub article: Option<String>,
    pub email_hash: Option<String>,
    pub ip_hash: Option<String>,
    pub reported: bool,
    /// Held for this reason: a hit of this category.
    pub reason: Option<crate::filter::Category>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Words every comment shown contains, each as a whole word or a word's start
    /// (`filter::search::query_words`); none: no search.
    pub words: Vec<String>,
    pub sort: Sort,
    /// (sort value, id) of the last item of the previous page.
    pub after: Option<(f64, CommentId)>,
    pub limit: u32,
}

/// A moderator's decision on one comment.
#[derive(Clone, Debug)]
pub struct Decision {
    pub id: CommentId,
    pub to: Status,
    /// Statuses this move may start from.
    pub from: &'static [Status],
    pub expected: Option<Status>,
    pub actor: String,
    pub action: &'static str,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Decide even under another moderator's live claim.
    pub override_claim: bool,
    pub now: i64,
}

/// What became of a decision.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done(Box<Comment>),
    NotFound,
    /// Moved by someone else, or under another's claim, or not a move from this status.
    Conflict(Box<Comment>),
}

/// A claim request.
#[derive(Clone, Debug)]
pub struct ClaimRequest {
    pub holder: String,
    pub count: u32,
    pub status: Status,
    pub class: Option<Class>,
    pub article: Option<String>,
    pub now: i64,
    pub lease_ms: i64,
}

/// The moderation queue (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Moderation: Send + Sync {
    async fn queue(&self, filter: &QueueFilter) -> StoreResult<Vec<QueueItem>>;
    async fn queue_items(&self, ids: &[CommentId]) -> StoreResult<Vec<QueueItem>>;
    async fn reputation(
        &self,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> StoreResult<(History, History)>;
    /// A counter that moves whenever any author's history changes (replicas watch it to
    /// know when what they remember of histories is stale).
    async fn reputation_epoch(&self) -> StoreResult<i64>;
    async fn decide(&self, decision: Decision) -> StoreResult<Outcome>;
    async fn claim_next(&self, request: ClaimRequest) -> StoreResult<Vec<CommentId>>;
    async fn claim_one(
        &self,
        id: CommentId,
        holder: String,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<bool>>;
    async fn release_claim(&self, id: CommentId, holder: String, any: bool) -> StoreResult<bool>;
}

#[async_trait]
impl<B: Backend> Moderation for B {
    async fn queue(&self, filter: &QueueFilter) -> StoreResult<Vec<QueueItem>> {
        queue(&mut *self.reader().await?, filter).await
    }

    async fn queue_items(&self, ids: &[CommentId]) -> StoreResult<Vec<QueueItem>> {
        let mut reader = self.reader().await?;
        let sql = format!("select {ITEM_COLUMNS}{ITEM_FROM} where c.comment_id = $1");
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let sql = AssertSqlSafe(sql.clone());
            if let Some(row) = reader
                .optional::<QueueRow, _>(sql, vec![(*id).into()])
                .await?
            {
                out.push(QueueItem::try_from(row)?);
            }
        }
        Ok(out)
    }

    async fn reputation(
        &self,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> StoreResult<(History, History)> {
        let ip_key = ip_hash.map(|h| format!("i:{h}"));
        let email_key = format!("e:{email_hash}");
        reputation::histories(&mut *self.reader().await?, &email_key, ip_key.as_deref()).await
    }

    async fn reputation_epoch(&self) -> StoreResult<i64> {
        reputation::epoch(&mut *self.reader().await?).await
    }

    async fn decide(&self, decision: Decision) -> StoreResult<Outcome> {
        self.write(move |c| Box::pin(async move { decide(c, &decision).await }))
            .await
    }

    async fn claim_next(&self, request: ClaimRequest) -> StoreResult<Vec<CommentId>> {
        self.write(move |c| Box::pin(async move { claim_next(c, &request).await }))
            .await
    }

    async fn claim_one(
        &self,
        id: CommentId,
        holder: String,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<bool>> {
        self.write(move |c| Box::pin(async move { claim_one(c, id, holder, now, lease_ms).await }))
            .await
    }

    async fn release_claim(&self, id: CommentId, holder: String, any: bool) -> StoreResult<bool> {
        let sql = "update comment set claim_holder = null, claim_expires_at = null where comment_id = $1 \
                   and claim_holder is not null and ($3 = 1 or claim_holder = $2)";
        let args = vec![id.into(), holder.into(), i64::from(any).into()];
        let done = self
            .write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(done == 1)
    }
}

/// The columns of a [`QueueRow`] (with [`ITEM_FROM`]).
const ITEM_COLUMNS: &str = "c.comment_id, c.article, c.parent_id, c.author_name, c.author_email, c.email_hash, \
    c.ip_hash, c.ip_net_hash, c.ip_prefix, c.user_agent, c.body, c.status, c.class, c.score, c.hits, \
    c.created_at, c.updated_at, c.report_count, c.claim_holder, c.claim_expires_at, c.reason_code, \
    c.moderator_note, c.decided_by, c.decided_at, \
    coalesce(re.approved, 0) as email_approved, coalesce(re.rejected, 0) as email_rejected, \
    coalesce(re.spam, 0) as email_spam, \
    coalesce(ri.approved, 0) as ip_approved, coalesce(ri.rejected, 0) as ip_rejected, \
    coalesce(ri.spam, 0) as ip_spam";

const ITEM_FROM: &str = " from comment c \
    left join reputation re on re.author_key = 'e:' || c.email_hash \
    left join reputation ri on ri.author_key = 'i:' || c.ip_hash ";

/// A comment with its moderation columns and its author's histories.
#[derive(sqlx::FromRow)]
struct QueueRow {
    #[sqlx(flatten)]
    comment: CommentRow,
    report_count: i64,
    claim_holder: Option<String>,
    claim_expires_at: Option<i64>,
    reason_code: Option<String>,
    moderator_note: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    email_approved: i64,
    email_rejected: i64,
    email_spam: i64,
    ip_approved: i64,
    ip_rejected: i64,
    ip_spam: i64,
}

impl TryFrom<QueueRow> for QueueItem {
    type Error = StoreError;

    fn try_from(row: QueueRow) -> StoreResult<QueueItem> {
        Ok(QueueItem {
            comment: Comment::try_from(row.comment)?,
            report_count: row.report_count,
            claim_holder: row.claim_holder,
            claim_expires_at: row.claim_expires_at,
            reason_code: row.reason_code,
            moderator_note: row.moderator_note,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            by_email: History {
                approved: row.email_approved,
                rejected: row.email_rejected,
                spam: row.email_spam,
            },
            by_ip: History {
                approved: row.ip_approved,
                rejected: row.ip_rejected,
                spam: row.ip_spam,
            },
        })
    }
}

async fn queue(c: &mut impl Conn, f: &QueueFilter) -> StoreResult<Vec<QueueItem>> {
    let (sql, args) = queue_statement(c.dialect(), f);
    let rows: Vec<QueueRow> = c.all(sql, args).await?;
    rows.into_iter().map(QueueItem::try_from).collect()
}

/// The queue's statement for `f`. Only the filters given become SQL, so the planner
/// (SQLite's especially) can use the queue indexes.
pub(super) fn queue_statement(
    dialect: Dialect,
    f: &QueueFilter,
) -> (sqlx::AssertSqlSafe<String>, Vec<super::conn::Arg>) {
    let searching = !f.words.is_empty();
    // SQLite's search walks its text index in id order and reads each match's row.
    let fts = searching && dialect == Dialect::Sqlite;
    let from = if fts {
        ITEM_FROM.replacen(
            " from comment c ",
            " from comment_search join comment c on c.comment_id = comment_search.rowid ",
            1,
        )
    } else {
        ITEM_FROM.to_string()
    };
    let mut q = Builder::new(dialect, format!("select {ITEM_COLUMNS}{from} where 1 = 1"));
    if let Some(status) = f.status.filter(|_| !fts) {
        q.push(" and c.status = ").push_bind(status.as_str());
    }
    push_filters(&mut q, f);
    if searching {
        search(&mut q, &f.words, f.status);
    }
    push_order(&mut q, f, searching, fts);
    q.push(" limit ")
        .push_bind(i64::from(f.limit.clamp(1, 201)));
    q.build()
}

/// The queue's filters beside status and search.
fn push_filters(q: &mut Builder, f: &QueueFilter) {
    if let Some(class) = f.class {
        q.push(" and c.class = ").push_bind(class.as_str());
    }
    if let Some(article) = &f.article {
        q.push(" and c.article = ").push_bind(article.clone());
    }
    if let Some(hash) = &f.email_hash {
        q.push(" and c.email_hash = ").push_bind(hash.clone());
    }
    if let Some(hash) = &f.ip_hash {
        q.push(" and c.ip_hash = ").push_bind(hash.clone());
    }
    if f.reported {
        q.push(" and c.report_count > 0");
    }
    if let Some(since) = f.since {
        q.push(" and c.created_at >= ").push_bind(since);
    }
    if let Some(until) = f.until {
        q.push(" and c.created_at < ").push_bind(until);
    }
    if let Some(reason) = f.reason {
        // The stored hits are compact JSON: each hit names its category exactly so.
        let pattern = format!("%\"category\":\"{}\"%", reason.as_str());
        q.push(" and c.hits like ").push_bind(pattern);
    }
}

/// The page's place and order. A search, or a list of every status, in time order goes
/// by id (the order comments were stored in, which is their time order) so an index read
/// in id order can stop at the page's end; otherwise by time, then id.
fn push_order(q: &mut Builder, f: &QueueFilter, searching: bool, fts: bool) {
    let id = if fts {
        "comment_search.rowid"
    } else {
        "c.comment_id"
    };
    // Every status at once has no (status, time) index to walk: the id (the primary
    // key) is the time order there too.
    let by_id = searching || f.status.is_none();
    if let Some((value, after)) = f.after {
        match (f.sort, by_id) {
            (Sort::Oldest, true) => {
                q.push(&format!(" and {id} > ")).push_bind(after);
            }
            (Sort::Newest, true) => {
                q.push(&format!(" and {id} < ")).push_bind(after);
            }
            (Sort::Oldest, false) => {
                q.push(" and (c.created_at, c.comment_id) > (")
                    .push_bind(value as i64);
                q.push(", ").push_bind(after).push(")");
            }
            (Sort::Newest, false) => {
                q.push(" and (c.created_at, c.comment_id) < (")
                    .push_bind(value as i64);
                q.push(", ").push_bind(after).push(")");
            }
            (Sort::Score, _) => {
                q.push(" and (c.score < ").push_bind(value);
                q.push(" or (c.score = ").push_bind(value);
                q.push(" and c.comment_id < ").push_bind(after).push("))");
            }
        }
    }
    let order = match (f.sort, by_id) {
        (Sort::Oldest, true) => format!(" order by {id}"),
        (Sort::Newest, true) => format!(" order by {id} desc"),
        (Sort::Oldest, false) => " order by c.created_at, c.comment_id".into(),
        (Sort::Newest, false) => " order by c.created_at desc, c.comment_id desc".into(),
        (Sort::Score, _) => " order by c.score desc, c.comment_id desc".into(),
    };
    q.push(&order);
}

/// Keeps the comments whose search key has every word as a word or a word's start,
/// through each backend's text index (`migrations/*/0012_search.sql`); on SQLite the
/// queue's `status` is asked of the same index. The words are letters and digits only,
/// so they need no quoting in either query language.
fn search(q: &mut Builder, words: &[String], status: Option<Status>) {
    match q.dialect() {
        Dialect::Sqlite => {
            let mut query: Vec<String> = words
                .iter()
                .map(|w| format!("body_key : \"{w}\"*"))
                .collect();
            if let Some(status) = status {
                query.push(format!("status : {}", status.as_str()));
            }
            q.push(" and comment_search match ")
                .push_bind(query.join(" AND "));
        }
        Dialect::Postgres => {
            let query: Vec<String> = words.iter().map(|w| format!("{w}:*")).collect();
            // The pending queue is small by design (moderators empty it): walking it and
            // testing each comment beats reading a common word's whole list from the text
            // index, which the planner picks by its estimates (33 ms at a million rows).
            // Wrapped, the test cannot use that index.
            let (open, close) = if status == Some(Status::Pending) {
                (
                    " and coalesce(c.search @@ to_tsquery('simple', ",
                    "), false)",
                )
            } else {
                (" and c.search @@ to_tsquery('simple', ", ")")
            };
            q.push(open).push_bind(query.join(" & ")).push(close);
        }
    }
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    claim_holder: Option<String>,
    claim_expires_at: Option<i64>,
}

async fn decide(c: &mut impl Conn, d: &Decision) -> StoreResult<Outcome> {
    let lock = match c.dialect() {
        Dialect::Sqlite => "",
        Dialect::Postgres => "for update",
    };
    let sql = format!("select {COMMENT_COLUMN_LIST} from comment where comment_id = $1 {lock}");
    let Some(row) = c
        .optional::<CommentRow, _>(AssertSqlSafe(sql), vec![d.id.into()])
        .await?
    else {
        return Ok(Outcome::NotFound);
    };
    let current = Comment::try_from(row)?;
    let sql = "select claim_holder, claim_expires_at from comment where comment_id = $1";
    let claim: ClaimRow = c.one(sql, vec![d.id.into()]).await?;
    let claimed_by_other = match (&claim.claim_holder, claim.claim_expires_at) {
        (Some(holder), Some(until)) => holder != &d.actor && until > d.now,
        _ => false,
    };
    let moved = d.expected.is_some_and(|e| e != current.status);
    if moved || !d.from.contains(&current.status) || (claimed_by_other && !d.override_claim) {
        return Ok(Outcome::Conflict(Box::new(current)));
    }
    let sql = "update comment set status = $2, updated_at = $3, decided_at = $3, decided_by = $4, reason_code = $5, \
               moderator_note = coalesce($6, moderator_note), claim_holder = null, claim_expires_at = null where comment_id = $1";
    let args = vec![
        d.id.into(),
        d.to.as_str().into(),
        d.now.into(),
        d.actor.as_str().into(),
        d.reason.as_deref().into(),
        d.note.as_deref().into(),
    ];
    c.run(sql, args).await?;
    let delta = history_delta(current.status, d.to);
    if delta != (0, 0, 0) {
        bump(c, format!("e:{}", current.email_hash), delta).await?;
        if let Some(ip) = &current.ip_hash {
            bump(c, format!("i:{ip}"), delta).await?;
        }
        c.run(BUMP_REPUTATION_EPOCH, vec![]).await?;
    }
    let before = serde_json::json!({"status": current.status});
    let after = serde_json::json!({"status": d.to, "reason": d.reason});
    let sql = "insert into audit_log (at, actor, action, target, before, after, reason) values ($1, $2, $3, $4, $5, $6, $7)";
    let args = vec![
        d.now.into(),
        d.actor.as_str().into(),
        d.action.into(),
        format!("comment:{}", d.id).into(),
        before.to_string().into(),
        after.to_string().into(),
        d.reason.as_deref().into(),
    ];
    c.run(sql, args).await?;
    let mut updated = current;
    updated.status = d.to;
    updated.updated_at = d.now;
    Ok(Outcome::Done(Box::new(updated)))
}

async fn claim_next(c: &mut impl Conn, r: &ClaimRequest) -> StoreResult<Vec<CommentId>> {
    let (sql, args) = claim_statement(c.dialect(), r);
    let rows: Vec<(CommentId,)> = c.all(sql, args).await?;
    let mut ids: Vec<CommentId> = rows.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// The statement that claims the next unclaimed comments of the queue `r` asks for.
pub(super) fn claim_statement(
    dialect: Dialect,
    r: &ClaimRequest,
) -> (AssertSqlSafe<String>, Vec<super::conn::Arg>) {
    let lock = match dialect {
        Dialect::Sqlite => "",
        Dialect::Postgres => "for update skip locked",
    };
    let sql = format!(
        "update comment set claim_holder = $1, claim_expires_at = $2 where comment_id in (\
         select comment_id from comment where status = $3 and ($4 is null or class = $4) and ($5 is null or article = $5) \
         and (claim_expires_at is null or claim_expires_at < $6) order by created_at, comment_id limit $7 {lock}) \
         returning comment_id"
    );
    let args = vec![
        r.holder.as_str().into(),
        (r.now + r.lease_ms).into(),
        r.status.as_str().into(),
        r.class.map(Class::as_str).into(),
        r.article.as_deref().into(),
        r.now.into(),
        i64::from(r.count.clamp(1, 100)).into(),
    ];
    (AssertSqlSafe(sql), args)
}

/// Claims one comment unless another holds a live claim (then `false`).
async fn claim_one(
    c: &mut impl Conn,
    id: CommentId,
    holder: String,
    now: i64,
    lease_ms: i64,
) -> StoreResult<Option<bool>> {
    let sql = "update comment set claim_holder = $2, claim_expires_at = $3 where comment_id = $1 \
               and (claim_holder is null or claim_expires_at < $4 or claim_holder = $2)";
    let args = vec![
        id.into(),
        holder.into(),
        (now + lease_ms).into(),
        now.into(),
    ];
    if c.run(sql, args).await? == 1 {
        return Ok(Some(true));
    }
    let exists = c
        .exists(
            "select 1 from comment where comment_id = $1",
            vec![id.into()],
        )
        .await?;
    Ok(exists.then_some(false))
}
