//! Bans, closed articles, reader reports, statistics and privacy requests: one SQL text
//! for both backends (the pattern of [`super::accounts`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Comment, CommentId};

/// What a ban matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BanKind {
    /// The keyed hash of a canonical email.
    Email,
    /// An e-mail domain and its subdomains.
    Domain,
    /// The keyed hash of one address.
    Ip,
    /// The keyed hash of an IPv6 /64.
    Net,
}

impl BanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BanKind::Email => "email",
            BanKind::Domain => "domain",
            BanKind::Ip => "ip",
            BanKind::Net => "net",
        }
    }

    pub fn parse(s: &str) -> Option<BanKind> {
        match s {
            "email" => Some(BanKind::Email),
            "domain" => Some(BanKind::Domain),
            "ip" => Some(BanKind::Ip),
            "net" => Some(BanKind::Net),
            _ => None,
        }
    }
}

/// A ban.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ban {
    pub id: i64,
    pub kind: BanKind,
    /// Hash (email, ip, net) or domain.
    pub value: String,
    /// What a moderator sees instead of the hash (masked email, IP prefix).
    pub label: Option<String>,
    pub reason: Option<String>,
    pub created_at: i64,
    pub created_by: String,
    pub expires_at: Option<i64>,
}

/// A ban to add.
#[derive(Clone, Debug)]
pub struct NewBan {
    pub kind: BanKind,
    pub value: String,
    pub label: Option<String>,
    pub reason: Option<String>,
    pub by: String,
    pub now: i64,
    pub expires_at: Option<i64>,
}

/// Who is submitting, as bans see it.
#[derive(Clone, Debug, Default)]
pub struct Submitter {
    pub email_hash: String,
    /// The e-mail domain and its parent domains (`a.example.com`, `example.com`).
    pub domains: Vec<String>,
    pub ip_hash: Option<String>,
    pub net_hash: Option<String>,
}

/// What became of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reported {
    /// No such published comment.
    NotFound,
    /// This address had reported it already.
    Again,
    /// Counted; `sent_back` when it went back to the queue.
    Counted { count: i64, sent_back: bool },
}

/// The moderation dashboard's numbers.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct Stats {
    pub by_status: BTreeMap<String, i64>,
    /// Pending comments by class.
    pub pending_by_class: BTreeMap<String, i64>,
    /// Age of the oldest pending comment, in seconds.
    pub oldest_pending_seconds: Option<i64>,
    /// Decisions per moderator per day (UTC), the last 7 days: day → moderator → count.
    pub decisions: BTreeMap<String, BTreeMap<String, i64>>,
    /// Articles under the flood guard now (this replica's view).
    pub flooded_articles: Vec<String>,
}

/// Everything stored for one email (a privacy export).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PrivacyExport {
    pub comments: Vec<serde_json::Value>,
    pub bans: usize,
    pub history: super::moderation::History,
}

/// Cut-off times (Unix ms) of the retention job; None keeps that kind forever.
#[derive(Clone, Copy, Debug, Default)]
pub struct Retention {
    pub blocked_before: Option<i64>,
    pub rejected_before: Option<i64>,
    pub spam_before: Option<i64>,
    pub ip_before: Option<i64>,
}

/// What one retention run removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub blocked: u64,
    pub rejected: u64,
    pub spam: u64,
    /// Comments whose IP hashes and prefix were removed.
    pub ip_scrubbed: u64,
    /// Reader reports (keyed by the reporter's IP hash) removed.
    pub reports: u64,
    /// Per-IP reputation rows no comment refers to any more.
    pub ip_reputation: u64,
}

impl Purged {
    pub fn is_empty(&self) -> bool {
        *self == Purged::default()
    }
}

macro_rules! safety_queries {
    ($Conn:ty, $Pool:ty) => {
        use sqlx::Row;

        use crate::domain::{CommentId, Status};
        use crate::store::safety::{Ban, BanKind, NewBan, Reported, Stats};
        use crate::store::StoreResult;

        const BAN_COLUMNS: &str = "ban_id, kind, value, label, reason, created_at, created_by, expires_at";

        fn ban(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row) -> StoreResult<Ban> {
            let kind: String = row.try_get(1)?;
            Ok(Ban {
                id: row.try_get(0)?,
                kind: BanKind::parse(&kind).unwrap_or(BanKind::Email),
                value: row.try_get(2)?,
                label: row.try_get(3)?,
                reason: row.try_get(4)?,
                created_at: row.try_get(5)?,
                created_by: row.try_get(6)?,
                expires_at: row.try_get(7)?,
            })
        }

        pub async fn add_ban(conn: &mut $Conn, b: &NewBan) -> StoreResult<Ban> {
            let sql = format!(
                "insert into ban (kind, value, label, reason, created_at, created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning {BAN_COLUMNS}"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(b.kind.as_str())
                .bind(b.value.as_str())
                .bind(b.label.as_deref())
                .bind(b.reason.as_deref())
                .bind(b.now)
                .bind(b.by.as_str())
                .bind(b.expires_at)
                .fetch_one(&mut *conn)
                .await?;
            ban(&row)
        }

        pub async fn lift_ban(conn: &mut $Conn, id: i64, now: i64) -> StoreResult<bool> {
            let done = sqlx::query("update ban set lifted_at = $2 where ban_id = $1 and lifted_at is null")
                .bind(id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        pub async fn list_bans(pool: &$Pool, now: i64) -> StoreResult<Vec<Ban>> {
            let sql = format!(
                "select {BAN_COLUMNS} from ban where lifted_at is null and (expires_at is null or expires_at > $1) order by ban_id desc"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).fetch_all(pool).await?;
            rows.iter().map(ban).collect()
        }

        pub async fn pending_of(pool: &$Pool, email_hash: &str, ip_hash: Option<&str>) -> StoreResult<Vec<CommentId>> {
            let rows = sqlx::query(
                "select comment_id from comment where status = 'pending' and (email_hash = $1 or ($2 is not null and ip_hash = $2)) order by comment_id",
            )
            .bind(email_hash)
            .bind(ip_hash)
            .fetch_all(pool)
            .await?;
            rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
        }

        pub async fn close_article(conn: &mut $Conn, article: &str, by: &str, now: i64) -> StoreResult<bool> {
            let done = sqlx::query(
                "insert into article_state (article, closed_at, closed_by) values ($1, $2, $3) on conflict (article) do nothing",
            )
            .bind(article)
            .bind(now)
            .bind(by)
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        pub async fn reopen_article(conn: &mut $Conn, article: &str) -> StoreResult<bool> {
            let done = sqlx::query("delete from article_state where article = $1").bind(article).execute(&mut *conn).await?;
            Ok(done.rows_affected() == 1)
        }

        pub async fn closed_articles(pool: &$Pool) -> StoreResult<Vec<String>> {
            let rows = sqlx::query("select article from article_state").fetch_all(pool).await?;
            rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
        }

        pub async fn report(conn: &mut $Conn, id: CommentId, ip_hash: &str, reason: Option<&str>, now: i64, send_back_at: Option<i64>) -> StoreResult<Reported> {
            let published = sqlx::query("select 1 from comment where comment_id = $1 and status = 'approved'")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            if published.is_none() {
                return Ok(Reported::NotFound);
            }
            let added = sqlx::query(
                "insert into report (comment_id, ip_hash, reason, created_at) values ($1, $2, $3, $4) on conflict (comment_id, ip_hash) do nothing",
            )
            .bind(id)
            .bind(ip_hash)
            .bind(reason)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            if added.rows_affected() == 0 {
                return Ok(Reported::Again);
            }
            let count: i64 = sqlx::query("update comment set report_count = report_count + 1 where comment_id = $1 returning report_count")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            let sent_back = send_back_at.is_some_and(|n| count >= n);
            if sent_back {
                sqlx::query("update comment set status = 'pending', updated_at = $2 where comment_id = $1 and status = 'approved'")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("insert into audit_log (at, actor, action, target, before, after) values ($1, 'readers', 'comment.reports_sent_back', $2, $3, $4)")
                    .bind(now)
                    .bind(format!("comment:{id}"))
                    .bind(serde_json::json!({"status": Status::Approved}).to_string())
                    .bind(serde_json::json!({"status": Status::Pending, "reports": count}).to_string())
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(Reported::Counted { count, sent_back })
        }

        pub async fn stats(pool: &$Pool, now: i64) -> StoreResult<Stats> {
            let mut stats = Stats::default();
            for row in sqlx::query("select status, count(*) from comment group by status").fetch_all(pool).await? {
                stats.by_status.insert(row.try_get(0)?, row.try_get(1)?);
            }
            for row in sqlx::query("select class, count(*) from comment where status = 'pending' group by class").fetch_all(pool).await? {
                stats.pending_by_class.insert(row.try_get(0)?, row.try_get(1)?);
            }
            let oldest: Option<i64> = sqlx::query("select min(created_at) from comment where status = 'pending'")
                .fetch_one(pool)
                .await?
                .try_get(0)?;
            stats.oldest_pending_seconds = oldest.map(|t| (now - t).max(0) / 1000);
            let week_ago = now - 7 * 86_400_000;
            let rows = sqlx::query(
                "select at / 86400000, actor, count(*) from audit_log where at >= $1 and action in \
                 ('comment.approve', 'comment.reject', 'comment.spam', 'comment.ham') group by at / 86400000, actor",
            )
            .bind(week_ago)
            .fetch_all(pool)
            .await?;
            for row in rows {
                let day: i64 = row.try_get(0)?;
                let date = crate::store::rfc3339(day * 86_400_000)[..10].to_string();
                stats.decisions.entry(date).or_default().insert(row.try_get(1)?, row.try_get(2)?);
            }
            Ok(stats)
        }

        /// Deletes refused comments past their retention and scrubs old IP hashes; one
        /// transaction, audited when it did anything.
        pub async fn purge(conn: &mut $Conn, r: &crate::store::safety::Retention, now: i64) -> StoreResult<crate::store::safety::Purged> {
            let mut purged = crate::store::safety::Purged::default();
            for (status, before) in [("blocked", r.blocked_before), ("rejected", r.rejected_before), ("spam", r.spam_before)] {
                let Some(before) = before else { continue };
                let victims = "select comment_id from comment where status = $1 and coalesce(decided_at, updated_at) < $2";
                // Replies keep their place; reports of the comment go with it.
                let sql = format!("update comment set parent_id = null where parent_id in ({victims})");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(status).bind(before).execute(&mut *conn).await?;
                let sql = format!("delete from report where comment_id in ({victims})");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(status).bind(before).execute(&mut *conn).await?;
                let done = sqlx::query("delete from comment where status = $1 and coalesce(decided_at, updated_at) < $2")
                    .bind(status)
                    .bind(before)
                    .execute(&mut *conn)
                    .await?;
                match status {
                    "blocked" => purged.blocked = done.rows_affected(),
                    "rejected" => purged.rejected = done.rows_affected(),
                    _ => purged.spam = done.rows_affected(),
                }
            }
            if let Some(before) = r.ip_before {
                purged.ip_scrubbed = sqlx::query(
                    "update comment set ip_hash = null, ip_net_hash = null, ip_prefix = null \
                     where created_at < $1 and (ip_hash is not null or ip_net_hash is not null or ip_prefix is not null)",
                )
                .bind(before)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                purged.reports = sqlx::query("delete from report where created_at < $1")
                    .bind(before)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                if purged.ip_scrubbed > 0 {
                    purged.ip_reputation = sqlx::query(
                        "delete from reputation where author_key like 'i:%' and not exists \
                         (select 1 from comment where comment.ip_hash = substr(reputation.author_key, 3))",
                    )
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                    if purged.ip_reputation > 0 {
                        sqlx::query(crate::store::BUMP_REPUTATION_EPOCH).execute(&mut *conn).await?;
                    }
                }
            }
            if !purged.is_empty() {
                sqlx::query("insert into audit_log (at, actor, action, target, before, after) values ($1, 'system', 'retention.purge', null, null, $2)")
                    .bind(now)
                    .bind(serde_json::to_string(&purged).unwrap_or_default())
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(purged)
        }

        pub async fn comments_of(pool: &$Pool, email_hash: &str) -> StoreResult<Vec<crate::domain::Comment>> {
            let sql = format!("select {} from comment where email_hash = $1 order by comment_id", crate::store::rows::COMMENT_COLUMN_LIST);
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email_hash).fetch_all(pool).await?;
            Ok(rows.iter().map(crate::store::rows::comment_from_row).collect::<Result<_, _>>()?)
        }

        pub async fn count_email_bans(pool: &$Pool, email_hash: &str) -> StoreResult<i64> {
            Ok(sqlx::query("select count(*) from ban where kind = 'email' and value = $1")
                .bind(email_hash)
                .fetch_one(pool)
                .await?
                .try_get(0)?)
        }

        /// Removes everything of one email: its comments keep only what was published
        /// (the text of approved ones, without name or address), their hashes go, and so
        /// do its history and its email bans. Returns the comments touched.
        pub async fn erase(conn: &mut $Conn, email_hash: &str, now: i64) -> StoreResult<u64> {
            let done = sqlx::query(
                "update comment set author_name = '', author_email = '', email_hash = '', ip_hash = null, ip_net_hash = null, \
                 ip_prefix = null, user_agent = null, updated_at = $2, \
                 body = case when status = 'approved' then body else '' end, \
                 body_key = case when status = 'approved' then body_key else '' end \
                 where email_hash = $1",
            )
            .bind(email_hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            sqlx::query("delete from reputation where author_key = $1").bind(format!("e:{email_hash}")).execute(&mut *conn).await?;
            sqlx::query(crate::store::BUMP_REPUTATION_EPOCH).execute(&mut *conn).await?;
            sqlx::query("delete from ban where kind = 'email' and value = $1").bind(email_hash).execute(&mut *conn).await?;
            Ok(done.rows_affected())
        }
    };
}

pub(crate) use safety_queries;

/// Bans, articles, reports, stats and privacy (a part of [`Store`](super::Store)).
#[async_trait::async_trait]
pub trait Safety: Send + Sync {
    async fn add_ban(&self, ban: NewBan) -> crate::store::StoreResult<Ban>;
    async fn lift_ban(&self, id: i64, now: i64) -> crate::store::StoreResult<bool>;
    async fn list_bans(&self, now: i64) -> crate::store::StoreResult<Vec<Ban>>;
    async fn pending_of(
        &self,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> crate::store::StoreResult<Vec<CommentId>>;
    async fn close_article(
        &self,
        article: String,
        by: String,
        now: i64,
    ) -> crate::store::StoreResult<bool>;
    async fn reopen_article(&self, article: String) -> crate::store::StoreResult<bool>;
    /// Every article whose comments are closed.
    async fn closed_articles(&self) -> crate::store::StoreResult<Vec<String>>;
    async fn report(
        &self,
        id: CommentId,
        ip_hash: String,
        reason: Option<String>,
        now: i64,
        send_back_at: Option<i64>,
    ) -> crate::store::StoreResult<Reported>;
    async fn stats(&self, now: i64) -> crate::store::StoreResult<Stats>;
    async fn comments_of(&self, email_hash: &str) -> crate::store::StoreResult<Vec<Comment>>;
    async fn count_email_bans(&self, email_hash: &str) -> crate::store::StoreResult<i64>;
    async fn erase(&self, email_hash: String, now: i64) -> crate::store::StoreResult<u64>;
    /// The retention job's work (see [`Retention`]).
    async fn purge(&self, retention: Retention, now: i64) -> crate::store::StoreResult<Purged>;
}

macro_rules! safety_methods {
    ($Store:ty, $q:ident) => {
        #[async_trait::async_trait]
        impl crate::store::safety::Safety for $Store {
            async fn add_ban(
                &self,
                ban: crate::store::safety::NewBan,
            ) -> crate::store::StoreResult<crate::store::safety::Ban> {
                self.write(move |c| Box::pin(async move { $q::add_ban(c, &ban).await }))
                    .await
            }
            async fn lift_ban(&self, id: i64, now: i64) -> crate::store::StoreResult<bool> {
                self.write(move |c| Box::pin(async move { $q::lift_ban(c, id, now).await }))
                    .await
            }
            async fn list_bans(
                &self,
                now: i64,
            ) -> crate::store::StoreResult<Vec<crate::store::safety::Ban>> {
                $q::list_bans(self.reader(), now).await
            }
            async fn pending_of(
                &self,
                email_hash: &str,
                ip_hash: Option<&str>,
            ) -> crate::store::StoreResult<Vec<crate::domain::CommentId>> {
                $q::pending_of(self.reader(), email_hash, ip_hash).await
            }
            async fn close_article(
                &self,
                article: String,
                by: String,
                now: i64,
            ) -> crate::store::StoreResult<bool> {
                self.write(move |c| {
                    Box::pin(async move { $q::close_article(c, &article, &by, now).await })
                })
                .await
            }
            async fn reopen_article(&self, article: String) -> crate::store::StoreResult<bool> {
                self.write(move |c| Box::pin(async move { $q::reopen_article(c, &article).await }))
                    .await
            }
            async fn closed_articles(&self) -> crate::store::StoreResult<Vec<String>> {
                $q::closed_articles(self.reader()).await
            }
            async fn report(
                &self,
                id: crate::domain::CommentId,
                ip_hash: String,
                reason: Option<String>,
                now: i64,
                send_back_at: Option<i64>,
            ) -> crate::store::StoreResult<crate::store::safety::Reported> {
                self.write(move |c| {
                    Box::pin(async move {
                        $q::report(c, id, &ip_hash, reason.as_deref(), now, send_back_at).await
                    })
                })
                .await
            }
            async fn stats(
                &self,
                now: i64,
            ) -> crate::store::StoreResult<crate::store::safety::Stats> {
                $q::stats(self.reader(), now).await
            }
            async fn comments_of(
                &self,
                email_hash: &str,
            ) -> crate::store::StoreResult<Vec<crate::domain::Comment>> {
                $q::comments_of(self.reader(), email_hash).await
            }
            async fn count_email_bans(&self, email_hash: &str) -> crate::store::StoreResult<i64> {
                $q::count_email_bans(self.reader(), email_hash).await
            }
            async fn erase(&self, email_hash: String, now: i64) -> crate::store::StoreResult<u64> {
                self.write(move |c| Box::pin(async move { $q::erase(c, &email_hash, now).await }))
                    .await
            }
            async fn purge(
                &self,
                retention: crate::store::safety::Retention,
                now: i64,
            ) -> crate::store::StoreResult<crate::store::safety::Purged> {
                self.write(move |c| Box::pin(async move { $q::purge(c, &retention, now).await }))
                    .await
            }
        }
    };
}

pub(crate) use safety_methods;
