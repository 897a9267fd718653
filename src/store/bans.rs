//! Bans: who may not comment (by email hash, e-mail domain, IP hash or IPv6 /64 hash), and
//! the pending comments of someone about to be banned. The [`Bans`] part of the store.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::backend::Backend;
use super::conn::{Builder, Conn};
use super::error::StoreResult;
use crate::domain::CommentId;

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

/// A ban, with what it caught.
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
    /// When it was lifted (none while it stands).
    #[serde(default)]
    pub lifted_at: Option<i64>,
    /// Submissions it refused (each replica adds its count every second).
    #[serde(default)]
    pub caught: i64,
    #[serde(default)]
    pub last_caught_at: Option<i64>,
    /// Pending comments its sweep marked spam.
    #[serde(default)]
    pub swept: i64,
}

impl Ban {
    /// Neither lifted nor expired at `now`.
    pub fn in_force(&self, now: i64) -> bool {
        self.lifted_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

/// Which bans to list: those in force, or every one (`all`); `search` matches the label,
/// the reason or who made it, and `value` a hash or domain exactly.
#[derive(Clone, Debug, Default)]
pub struct BanQuery {
    pub search: Option<String>,
    pub value: Option<String>,
    pub all: bool,
    pub now: i64,
    pub limit: i64,
}

/// A comment of an author, as a moderator previews or reviews a ban.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct AuthorComment {
    pub id: CommentId,
    pub article: String,
    /// The first 140 characters.
    pub excerpt: String,
    pub status: String,
    pub created_at: i64,
}

/// Other people's comments from one address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Sharing {
    /// Distinct other emails.
    pub authors: i64,
    pub comments: i64,
    pub pending: i64,
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

/// Bans (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Bans: Send + Sync {
    async fn add_ban(&self, ban: NewBan) -> StoreResult<Ban>;
    async fn lift_ban(&self, id: i64, now: i64) -> StoreResult<bool>;
    /// The bans in force at `now`.
    async fn list_bans(&self, now: i64) -> StoreResult<Vec<Ban>>;
    async fn search_bans(&self, query: BanQuery) -> StoreResult<Vec<Ban>>;
    async fn get_ban(&self, id: i64) -> StoreResult<Option<Ban>>;
    /// Sets a standing (not lifted) ban's expiry; the ban after, if there is one.
    async fn set_ban_expiry(&self, id: i64, expires_at: Option<i64>) -> StoreResult<Option<Ban>>;
    /// Adds refusals to bans: (ban id, count, last time).
    async fn count_catches(&self, catches: Vec<(i64, i64, i64)>) -> StoreResult<()>;
    /// An author's pending comments, oldest first (at most 500).
    async fn pending_of_email(&self, email_hash: &str) -> StoreResult<Vec<AuthorComment>>;
    /// The comments from one address by other emails than `email_hash`.
    async fn sharing_address(&self, ip_hash: &str, email_hash: &str) -> StoreResult<Sharing>;
    /// Remembers the comments a ban's sweep marked spam.
    async fn record_sweep(&self, ban_id: i64, ids: Vec<CommentId>) -> StoreResult<()>;
    /// The comments a ban's sweep marked spam, with their status now.
    async fn swept_by(&self, ban_id: i64) -> StoreResult<Vec<AuthorComment>>;
}

#[async_trait]
impl<B: Backend> Bans for B {
    async fn add_ban(&self, ban: NewBan) -> StoreResult<Ban> {
        let sql = format!(
            "insert into ban (kind, value, label, reason, created_at, created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning {BAN_COLUMNS}"
        );
        let args = vec![
            ban.kind.as_str().into(),
            ban.value.into(),
            ban.label.into(),
            ban.reason.into(),
            ban.now.into(),
            ban.by.into(),
            ban.expires_at.into(),
        ];
        let row: BanRow = self
            .write(move |c| Box::pin(async move { c.one(sqlx::AssertSqlSafe(sql), args).await }))
            .await?;
        Ok(Ban::from(row))
    }

    async fn lift_ban(&self, id: i64, now: i64) -> StoreResult<bool> {
        let sql = "update ban set lifted_at = $2 where ban_id = $1 and lifted_at is null";
        let args = vec![id.into(), now.into()];
        let done = self
            .write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(done == 1)
    }

    async fn list_bans(&self, now: i64) -> StoreResult<Vec<Ban>> {
        self.search_bans(BanQuery {
            now,
            limit: i64::MAX,
            ..BanQuery::default()
        })
        .await
    }

    async fn search_bans(&self, query: BanQuery) -> StoreResult<Vec<Ban>> {
        let mut reader = self.reader().await?;
        let mut sql = Builder::new(
            reader.dialect(),
            format!("select {BAN_COLUMNS} from ban where 1 = 1"),
        );
        if !query.all {
            sql.push(" and lifted_at is null and (expires_at is null or expires_at > ")
                .push_bind(query.now)
                .push(")");
        }
        if let Some(search) = query.search.filter(|s| !s.is_empty()) {
            let like = format!("%{}%", escape_like(&search.to_lowercase()));
            sql.push(" and (lower(coalesce(label, '')) like ")
                .push_bind(like.clone())
                .push(" escape '\\' or lower(coalesce(reason, '')) like ")
                .push_bind(like.clone())
                .push(" escape '\\' or lower(created_by) like ")
                .push_bind(like)
                .push(" escape '\\'");
            if let Some(value) = query.value {
                sql.push(" or value = ").push_bind(value);
            }
            sql.push(")");
        }
        sql.push(" order by ban_id desc limit ")
            .push_bind(query.limit);
        let (sql, args) = sql.build();
        let rows: Vec<BanRow> = reader.all(sql, args).await?;
        Ok(rows.into_iter().map(Ban::from).collect())
    }

    async fn get_ban(&self, id: i64) -> StoreResult<Option<Ban>> {
        let sql = format!("select {BAN_COLUMNS} from ban where ban_id = $1");
        let row: Option<BanRow> = self
            .reader()
            .await?
            .optional(sqlx::AssertSqlSafe(sql), vec![id.into()])
            .await?;
        Ok(row.map(Ban::from))
    }

    async fn set_ban_expiry(&self, id: i64, expires_at: Option<i64>) -> StoreResult<Option<Ban>> {
        let sql = format!(
            "update ban set expires_at = $2 where ban_id = $1 and lifted_at is null returning {BAN_COLUMNS}"
        );
        let args = vec![id.into(), expires_at.into()];
        let row: Option<BanRow> = self
            .write(move |c| {
                Box::pin(async move { c.optional(sqlx::AssertSqlSafe(sql), args).await })
            })
            .await?;
        Ok(row.map(Ban::from))
    }

    async fn count_catches(&self, catches: Vec<(i64, i64, i64)>) -> StoreResult<()> {
        if catches.is_empty() {
            return Ok(());
        }
        self.write(move |c| {
            Box::pin(async move {
                for (id, count, last) in catches {
                    let sql = "update ban set caught = caught + $2, last_caught_at = $3 where ban_id = $1";
                    c.run(sql, vec![id.into(), count.into(), last.into()]).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn pending_of_email(&self, email_hash: &str) -> StoreResult<Vec<AuthorComment>> {
        let sql = format!(
            "select {AUTHOR_COMMENT_COLUMNS} from comment where email_hash = $1 and status = 'pending' order by comment_id limit 500"
        );
        self.reader()
            .await?
            .all(sqlx::AssertSqlSafe(sql), vec![email_hash.into()])
            .await
    }

    async fn sharing_address(&self, ip_hash: &str, email_hash: &str) -> StoreResult<Sharing> {
        let sql = "select count(distinct email_hash) as authors, count(*) as comments, \
            coalesce(sum(case when status = 'pending' then 1 else 0 end), 0) as pending \
            from comment where ip_hash = $1 and email_hash <> $2";
        let row: SharingRow = self
            .reader()
            .await?
            .one(sql, vec![ip_hash.into(), email_hash.into()])
            .await?;
        Ok(Sharing {
            authors: row.authors,
            comments: row.comments,
            pending: row.pending,
        })
    }

    async fn record_sweep(&self, ban_id: i64, ids: Vec<CommentId>) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.write(move |c| {
            Box::pin(async move {
                for id in ids {
                    let sql = "insert into ban_sweep (ban_id, comment_id) values ($1, $2) on conflict do nothing";
                    c.run(sql, vec![ban_id.into(), id.into()]).await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn swept_by(&self, ban_id: i64) -> StoreResult<Vec<AuthorComment>> {
        let sql = format!(
            "select {AUTHOR_COMMENT_COLUMNS} from comment where comment_id in (select comment_id from ban_sweep where ban_id = $1) order by comment_id"
        );
        self.reader()
            .await?
            .all(sqlx::AssertSqlSafe(sql), vec![ban_id.into()])
            .await
    }
}

/// `%`, `_` and the escape itself taken literally in a `like` pattern.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

const AUTHOR_COMMENT_COLUMNS: &str =
    "comment_id as id, article, substr(body, 1, 140) as excerpt, status, created_at";

#[derive(sqlx::FromRow)]
struct SharingRow {
    authors: i64,
    comments: i64,
    pending: i64,
}

const BAN_COLUMNS: &str = "ban_id, kind, value, label, reason, created_at, created_by, expires_at, lifted_at, caught, last_caught_at, (select count(*) from ban_sweep s where s.ban_id = ban.ban_id) as swept";

#[derive(sqlx::FromRow)]
struct BanRow {
    ban_id: i64,
    kind: String,
    value: String,
    label: Option<String>,
    reason: Option<String>,
    created_at: i64,
    created_by: String,
    expires_at: Option<i64>,
    lifted_at: Option<i64>,
    caught: i64,
    last_caught_at: Option<i64>,
    swept: i64,
}

impl From<BanRow> for Ban {
    fn from(row: BanRow) -> Ban {
        Ban {
            id: row.ban_id,
            kind: BanKind::parse(&row.kind).unwrap_or(BanKind::Email),
            value: row.value,
            label: row.label,
            reason: row.reason,
            created_at: row.created_at,
            created_by: row.created_by,
            expires_at: row.expires_at,
            lifted_at: row.lifted_at,
            caught: row.caught,
            last_caught_at: row.last_caught_at,
            swept: row.swept,
        }
    }
}
