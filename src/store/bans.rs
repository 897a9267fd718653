//! Bans: who may not comment (by email hash, e-mail domain, IP hash or IPv6 /64 hash), and
//! the pending comments of someone about to be banned. The [`Bans`] part of the store.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::backend::Backend;
use super::conn::Conn;
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

/// Bans (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Bans: Send + Sync {
    async fn add_ban(&self, ban: NewBan) -> StoreResult<Ban>;
    async fn lift_ban(&self, id: i64, now: i64) -> StoreResult<bool>;
    async fn list_bans(&self, now: i64) -> StoreResult<Vec<Ban>>;
    async fn pending_of(
        &self,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> StoreResult<Vec<CommentId>>;
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
        let sql = format!(
            "select {BAN_COLUMNS} from ban where lifted_at is null and (expires_at is null or expires_at > $1) order by ban_id desc"
        );
        let rows: Vec<BanRow> = self
            .reader()
            .await?
            .all(sqlx::AssertSqlSafe(sql), vec![now.into()])
            .await?;
        Ok(rows.into_iter().map(Ban::from).collect())
    }

    async fn pending_of(
        &self,
        email_hash: &str,
        ip_hash: Option<&str>,
    ) -> StoreResult<Vec<CommentId>> {
        let sql = "select comment_id from comment where status = 'pending' and (email_hash = $1 or ($2 is not null and ip_hash = $2)) order by comment_id";
        let args = vec![email_hash.into(), ip_hash.into()];
        let rows: Vec<(CommentId,)> = self.reader().await?.all(sql, args).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}

const BAN_COLUMNS: &str = "ban_id, kind, value, label, reason, created_at, created_by, expires_at";

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
        }
    }
}
