//! The moderation queue, decisions, claims and reputation: one SQL text for both backends
//! (see [`super::accounts`] for the pattern). The only difference is the row lock of
//! claims: PostgreSQL `for update skip locked`; SQLite needs none (one writer).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Comment, CommentId, Status};

/// An author's decided comments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct History {
    pub approved: i64,
    pub rejected: i64,
    pub spam: i64,
}

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
    pub class: Option<crate::domain::Class>,
    pub article: Option<String>,
    pub email_hash: Option<String>,
    pub ip_hash: Option<String>,
    pub reported: bool,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Normalized search text (matched anywhere in the normalized body).
    pub text: Option<String>,
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
    pub class: Option<crate::domain::Class>,
    pub article: Option<String>,
    pub now: i64,
    pub lease_ms: i64,
}

macro_rules! moderation_queries {
    ($Conn:ty, $Pool:ty, $lock:literal, $lock_skip:literal) => {
        use sqlx::Row;

        use crate::domain::{CommentId, Status};
        use crate::store::moderation::{ClaimRequest, Decision, History, Outcome, QueueFilter, QueueItem, Sort};
        use crate::store::StoreResult;

        const ITEM_COLUMNS: &str = "c.comment_id, c.article, c.parent_id, c.author_name, c.author_email, c.email_hash, \
            c.ip_hash, c.ip_net_hash, c.ip_prefix, c.user_agent, c.body, c.status, c.class, c.score, c.hits, \
            c.created_at, c.updated_at, c.report_count, c.claim_holder, c.claim_expires_at, c.reason_code, \
            c.moderator_note, c.decided_by, c.decided_at, \
            coalesce(re.approved, 0), coalesce(re.rejected, 0), coalesce(re.spam, 0), \
            coalesce(ri.approved, 0), coalesce(ri.rejected, 0), coalesce(ri.spam, 0)";

        const ITEM_FROM: &str = " from comment c \
            left join reputation re on re.author_key = 'e:' || c.email_hash \
            left join reputation ri on ri.author_key = 'i:' || c.ip_hash ";

        fn item(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row) -> StoreResult<QueueItem> {
            Ok(QueueItem {
                comment: crate::store::rows::comment_from_row(row)?,
                report_count: row.try_get(17)?,
                claim_holder: row.try_get(18)?,
                claim_expires_at: row.try_get(19)?,
                reason_code: row.try_get(20)?,
                moderator_note: row.try_get(21)?,
                decided_by: row.try_get(22)?,
                decided_at: row.try_get(23)?,
                by_email: History { approved: row.try_get(24)?, rejected: row.try_get(25)?, spam: row.try_get(26)? },
                by_ip: History { approved: row.try_get(27)?, rejected: row.try_get(28)?, spam: row.try_get(29)? },
            })
        }

        pub async fn queue(pool: &$Pool, f: &QueueFilter) -> StoreResult<Vec<QueueItem>> {
            // Only the filters given become SQL, so the planner (SQLite's especially) can
            // use the queue indexes.
            type Db = <$Conn as sqlx::Connection>::Database;
            let mut q = sqlx::QueryBuilder::<Db>::new(format!("select {ITEM_COLUMNS}{ITEM_FROM} where 1 = 1"));
            if let Some(status) = f.status {
                q.push(" and c.status = ").push_bind(status.as_str());
            }
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
            if let Some(text) = &f.text {
                q.push(" and c.body_key like ").push_bind(format!("%{}%", text.replace(['%', '_'], "")));
            }
            if let Some((value, id)) = f.after {
                match f.sort {
                    Sort::Oldest => {
                        q.push(" and (c.created_at, c.comment_id) > (").push_bind(value as i64).push(", ").push_bind(id).push(")");
                    }
                    Sort::Newest => {
                        q.push(" and (c.created_at, c.comment_id) < (").push_bind(value as i64).push(", ").push_bind(id).push(")");
                    }
                    Sort::Score => {
                        q.push(" and (c.score < ").push_bind(value).push(" or (c.score = ").push_bind(value)
                            .push(" and c.comment_id < ").push_bind(id).push("))");
                    }
                }
            }
            q.push(match f.sort {
                Sort::Oldest => " order by c.created_at, c.comment_id",
                Sort::Newest => " order by c.created_at desc, c.comment_id desc",
                Sort::Score => " order by c.score desc, c.comment_id desc",
            });
            q.push(" limit ").push_bind(i64::from(f.limit.clamp(1, 201)));
            let rows = q.build().fetch_all(pool).await?;
            rows.iter().map(item).collect()
        }

        pub async fn items(pool: &$Pool, ids: &[CommentId]) -> StoreResult<Vec<QueueItem>> {
            let mut out = Vec::with_capacity(ids.len());
            let sql = format!("select {ITEM_COLUMNS}{ITEM_FROM} where c.comment_id = $1");
            for id in ids {
                if let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(*id).fetch_optional(pool).await? {
                    out.push(item(&row)?);
                }
            }
            Ok(out)
        }

        pub async fn reputation(pool: &$Pool, email_key: &str, ip_key: Option<&str>) -> StoreResult<(History, History)> {
            let sql = "select author_key, approved, rejected, spam from reputation where author_key = $1 or author_key = $2";
            let rows = sqlx::query(sql).bind(email_key).bind(ip_key).fetch_all(pool).await?;
            let (mut email, mut ip) = (History::default(), History::default());
            for row in rows {
                let key: String = row.try_get(0)?;
                let h = History { approved: row.try_get(1)?, rejected: row.try_get(2)?, spam: row.try_get(3)? };
                if key == email_key { email = h } else { ip = h }
            }
            Ok((email, ip))
        }

        pub async fn reputation_epoch(pool: &$Pool) -> StoreResult<i64> {
            let row = sqlx::query("select n from change_epoch where name = 'reputation'").fetch_one(pool).await?;
            Ok(row.try_get(0)?)
        }

        /// What moving a comment from `from` to `to` adds to its author's (approved,
        /// rejected, spam) counts.
        fn history_delta(from: Status, to: Status) -> (i64, i64, i64) {
            let counts = |s: Status| -> (i64, i64, i64) {
                match s {
                    Status::Approved => (1, 0, 0),
                    Status::Rejected => (0, 1, 0),
                    Status::Spam => (0, 0, 1),
                    _ => (0, 0, 0),
                }
            };
            let ((a1, r1, s1), (a0, r0, s0)) = (counts(to), counts(from));
            (a1 - a0, r1 - r0, s1 - s0)
        }

        async fn bump(conn: &mut $Conn, key: &str, (a, r, s): (i64, i64, i64)) -> StoreResult<()> {
            sqlx::query(
                "insert into reputation (author_key, approved, rejected, spam) values ($1, $2, $3, $4) \
                 on conflict (author_key) do update set approved = reputation.approved + excluded.approved, \
                 rejected = reputation.rejected + excluded.rejected, spam = reputation.spam + excluded.spam",
            )
            .bind(key)
            .bind(a)
            .bind(r)
            .bind(s)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        pub async fn decide(conn: &mut $Conn, d: &Decision) -> StoreResult<Outcome> {
            let sql = format!("select {} from comment where comment_id = $1 {}", crate::store::rows::COMMENT_COLUMN_LIST, $lock);
            let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(d.id).fetch_optional(&mut *conn).await? else {
                return Ok(Outcome::NotFound);
            };
            let current = crate::store::rows::comment_from_row(&row)?;
            let claim: (Option<String>, Option<i64>) = sqlx::query("select claim_holder, claim_expires_at from comment where comment_id = $1")
                .bind(d.id)
                .fetch_one(&mut *conn)
                .await
                .map(|r| (r.try_get(0).ok().flatten(), r.try_get(1).ok().flatten()))?;
            let claimed_by_other = matches!(&claim, (Some(holder), Some(until)) if holder != &d.actor && *until > d.now);
            let moved = d.expected.is_some_and(|e| e != current.status);
            if moved || !d.from.contains(&current.status) || (claimed_by_other && !d.override_claim) {
                return Ok(Outcome::Conflict(Box::new(current)));
            }
            sqlx::query(
                "update comment set status = $2, updated_at = $3, decided_at = $3, decided_by = $4, reason_code = $5, \
                 moderator_note = coalesce($6, moderator_note), claim_holder = null, claim_expires_at = null where comment_id = $1",
            )
            .bind(d.id)
            .bind(d.to.as_str())
            .bind(d.now)
            .bind(d.actor.as_str())
            .bind(d.reason.as_deref())
            .bind(d.note.as_deref())
            .execute(&mut *conn)
            .await?;
            let delta = history_delta(current.status, d.to);
            if delta != (0, 0, 0) {
                bump(conn, &format!("e:{}", current.email_hash), delta).await?;
                if let Some(ip) = &current.ip_hash {
                    bump(conn, &format!("i:{ip}"), delta).await?;
                }
                sqlx::query(crate::store::BUMP_REPUTATION_EPOCH).execute(&mut *conn).await?;
            }
            let before = serde_json::json!({"status": current.status});
            let after = serde_json::json!({"status": d.to, "reason": d.reason});
            sqlx::query("insert into audit_log (at, actor, action, target, before, after, reason) values ($1, $2, $3, $4, $5, $6, $7)")
                .bind(d.now)
                .bind(d.actor.as_str())
                .bind(d.action)
                .bind(format!("comment:{}", d.id))
                .bind(before.to_string())
                .bind(after.to_string())
                .bind(d.reason.as_deref())
                .execute(&mut *conn)
                .await?;
            let mut updated = current;
            updated.status = d.to;
            updated.updated_at = d.now;
            Ok(Outcome::Done(Box::new(updated)))
        }

        pub async fn claim_next(conn: &mut $Conn, c: &ClaimRequest) -> StoreResult<Vec<CommentId>> {
            let sql = format!(
                "update comment set claim_holder = $1, claim_expires_at = $2 where comment_id in (\
                 select comment_id from comment where status = $3 and ($4 is null or class = $4) and ($5 is null or article = $5) \
                 and (claim_expires_at is null or claim_expires_at < $6) order by created_at, comment_id limit $7 {}) \
                 returning comment_id",
                $lock_skip
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(c.holder.as_str())
                .bind(c.now + c.lease_ms)
                .bind(c.status.as_str())
                .bind(c.class.map(crate::domain::Class::as_str))
                .bind(c.article.as_deref())
                .bind(c.now)
                .bind(i64::from(c.count.clamp(1, 100)))
                .fetch_all(&mut *conn)
                .await?;
            let mut ids: Vec<CommentId> = rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
            ids.sort_unstable();
            Ok(ids)
        }

        /// Claims one comment unless another holds a live claim (then `false`).
        pub async fn claim_one(conn: &mut $Conn, id: CommentId, holder: &str, now: i64, lease_ms: i64) -> StoreResult<Option<bool>> {
            let done = sqlx::query(
                "update comment set claim_holder = $2, claim_expires_at = $3 where comment_id = $1 \
                 and (claim_holder is null or claim_expires_at < $4 or claim_holder = $2)",
            )
            .bind(id)
            .bind(holder)
            .bind(now + lease_ms)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() == 1 {
                return Ok(Some(true));
            }
            let exists = sqlx::query("select 1 from comment where comment_id = $1").bind(id).fetch_optional(&mut *conn).await?;
            Ok(exists.map(|_| false))
        }

        /// Releases a claim held by `holder` (any holder when `any`).
        pub async fn release(conn: &mut $Conn, id: CommentId, holder: &str, any: bool) -> StoreResult<bool> {
            let done = sqlx::query(
                "update comment set claim_holder = null, claim_expires_at = null where comment_id = $1 \
                 and claim_holder is not null and ($3 = 1 or claim_holder = $2)",
            )
            .bind(id)
            .bind(holder)
            .bind(i64::from(any))
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() == 1)
        }
    };
}

pub(crate) use moderation_queries;

/// `Store` methods of the moderation queue (a part of [`Store`](super::Store)).
#[async_trait::async_trait]
pub trait Moderation: Send + Sync {
    async fn queue(&self, filter: &QueueFilter) -> crate::store::StoreResult<Vec<QueueItem>>;
    async fn queue_items(&self, ids: &[CommentId]) -> crate::store::StoreResult<Vec<QueueItem>>;
    async fn reputation(
        &self,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> crate::store::StoreResult<(History, History)>;
    /// A counter that moves whenever any author's history changes (replicas watch it to
    /// know when what they remember of histories is stale).
    async fn reputation_epoch(&self) -> crate::store::StoreResult<i64>;
    async fn decide(&self, decision: Decision) -> crate::store::StoreResult<Outcome>;
    async fn claim_next(&self, request: ClaimRequest) -> crate::store::StoreResult<Vec<CommentId>>;
    async fn claim_one(
        &self,
        id: CommentId,
        holder: String,
        now: i64,
        lease_ms: i64,
    ) -> crate::store::StoreResult<Option<bool>>;
    async fn release_claim(
        &self,
        id: CommentId,
        holder: String,
        any: bool,
    ) -> crate::store::StoreResult<bool>;
}

macro_rules! moderation_methods {
    ($Store:ty, $q:ident) => {
        #[async_trait::async_trait]
        impl crate::store::moderation::Moderation for $Store {
            async fn queue(
                &self,
                filter: &crate::store::moderation::QueueFilter,
            ) -> crate::store::StoreResult<Vec<crate::store::moderation::QueueItem>> {
                $q::queue(self.reader(), filter).await
            }
            async fn queue_items(
                &self,
                ids: &[crate::domain::CommentId],
            ) -> crate::store::StoreResult<Vec<crate::store::moderation::QueueItem>> {
                $q::items(self.reader(), ids).await
            }
            async fn reputation(
                &self,
                email_hash: &str,
                ip_hash: Option<&str>,
            ) -> crate::store::StoreResult<(
                crate::store::moderation::History,
                crate::store::moderation::History,
            )> {
                let ip_key = ip_hash.map(|h| format!("i:{h}"));
                $q::reputation(self.reader(), &format!("e:{email_hash}"), ip_key.as_deref()).await
            }
            async fn reputation_epoch(&self) -> crate::store::StoreResult<i64> {
                $q::reputation_epoch(self.reader()).await
            }
            async fn decide(
                &self,
                decision: crate::store::moderation::Decision,
            ) -> crate::store::StoreResult<crate::store::moderation::Outcome> {
                self.write(move |c| Box::pin(async move { $q::decide(c, &decision).await }))
                    .await
            }
            async fn claim_next(
                &self,
                request: crate::store::moderation::ClaimRequest,
            ) -> crate::store::StoreResult<Vec<crate::domain::CommentId>> {
                self.write(move |c| Box::pin(async move { $q::claim_next(c, &request).await }))
                    .await
            }
            async fn claim_one(
                &self,
                id: crate::domain::CommentId,
                holder: String,
                now: i64,
                lease_ms: i64,
            ) -> crate::store::StoreResult<Option<bool>> {
                self.write(move |c| {
                    Box::pin(async move { $q::claim_one(c, id, &holder, now, lease_ms).await })
                })
                .await
            }
            async fn release_claim(
                &self,
                id: crate::domain::CommentId,
                holder: String,
                any: bool,
            ) -> crate::store::StoreResult<bool> {
                self.write(move |c| Box::pin(async move { $q::release(c, id, &holder, any).await }))
                    .await
            }
        }
    };
}

pub(crate) use moderation_methods;
