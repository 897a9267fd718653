//! Authors' histories: how many of an author's comments (by canonical email, by IP hash)
//! were approved, rejected or marked spam. Moderators' decisions move the counts,
//! retention and privacy erasure remove them, and each such change moves an epoch that
//! replicas watch to know when what they remember of histories is stale.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::conn::Conn;
use super::error::StoreResult;
use crate::domain::Status;

/// An author's decided comments.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::FromRow,
)]
pub struct History {
    pub approved: i64,
    pub rejected: i64,
    pub spam: i64,
}

/// Run in every transaction that changes the reputation table (see migration 0008).
pub const BUMP_REPUTATION_EPOCH: &str =
    "update change_epoch set n = n + 1 where name = 'reputation'";

/// One reputation row.
#[derive(sqlx::FromRow)]
struct ReputationRow {
    author_key: String,
    #[sqlx(flatten)]
    history: History,
}

/// The histories of an email key (`e:…`) and an IP key (`i:…`).
pub async fn histories(
    c: &mut impl Conn,
    email_key: &str,
    ip_key: Option<&str>,
) -> StoreResult<(History, History)> {
    let sql = "select author_key, approved, rejected, spam from reputation where author_key = $1 or author_key = $2";
    let rows: Vec<ReputationRow> = c.all(sql, vec![email_key.into(), ip_key.into()]).await?;
    let (mut email, mut ip) = (History::default(), History::default());
    for row in rows {
        if row.author_key == email_key {
            email = row.history
        } else {
            ip = row.history
        }
    }
    Ok((email, ip))
}

pub async fn epoch(c: &mut impl Conn) -> StoreResult<i64> {
    let sql = "select n from change_epoch where name = 'reputation'";
    let (n,) = c.one(sql, vec![]).await?;
    Ok(n)
}

/// What moving a comment from `from` to `to` adds to its author's (approved, rejected,
/// spam) counts.
pub fn history_delta(from: Status, to: Status) -> (i64, i64, i64) {
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

/// Adds a delta to one author key's counts.
pub async fn bump(c: &mut impl Conn, key: String, (a, r, s): (i64, i64, i64)) -> StoreResult<()> {
    let sql = "insert into reputation (author_key, approved, rejected, spam) values ($1, $2, $3, $4) \
               on conflict (author_key) do update set approved = reputation.approved + excluded.approved, \
               rejected = reputation.rejected + excluded.rejected, spam = reputation.spam + excluded.spam";
    c.run(sql, vec![key.into(), a.into(), r.into(), s.into()])
        .await?;
    Ok(())
}
