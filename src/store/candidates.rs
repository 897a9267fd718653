//! Filter candidates: changes offered to admins instead of applied (the shipped lists of a
//! newer release on a database whose admins changed the filter). The [`Candidates`] part
//! of the store.

use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;

use super::backend::Backend;
use super::conn::Conn;
use super::error::StoreResult;

/// Where a candidate came from.
pub const SHIPPED: &str = "shipped";

/// A stored candidate.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FilterCandidate {
    pub id: i64,
    /// Unix ms.
    pub created_at: i64,
    /// `shipped`: the word lists and settings of a newer release.
    pub source: String,
    /// The live version it was made against.
    pub base_version: i64,
    pub summary: String,
    /// The change, as the test box and `POST /api/v1/admin/filter/backtest` take it.
    #[schema(value_type = Object)]
    pub proposal: serde_json::Value,
    /// `open`, `promoted`, `dismissed`, or `applied` (by the service itself, to a filter
    /// nobody had changed).
    pub status: String,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    /// The filter version its promotion made.
    pub version: Option<i64>,
    /// A retrained model's evaluation on held-back decisions (live version against
    /// candidate); none for other candidates.
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
}

/// A candidate to record.
#[derive(Clone, Debug)]
pub struct NewCandidate {
    pub now: i64,
    pub source: String,
    pub fingerprint: String,
    pub base_version: i64,
    pub summary: String,
    pub proposal: serde_json::Value,
    pub status: String,
    /// For one recorded as applied: who applied it and the version it made.
    pub decided_by: Option<String>,
    pub version: Option<i64>,
    pub report: Option<serde_json::Value>,
}

/// Candidates (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Candidates: Send + Sync {
    /// Records a candidate; None when one with the same fingerprint exists (it was offered
    /// before, whatever became of it).
    async fn add_filter_candidate(&self, candidate: NewCandidate) -> StoreResult<Option<i64>>;
    /// Newest first.
    async fn list_filter_candidates(&self, limit: i64) -> StoreResult<Vec<FilterCandidate>>;
    async fn filter_candidate(&self, id: i64) -> StoreResult<Option<FilterCandidate>>;
    /// Closes an open candidate (`promoted` with the version it made, or `dismissed`);
    /// false when it is not open (another admin was first).
    async fn close_filter_candidate(
        &self,
        id: i64,
        status: &'static str,
        by: String,
        now: i64,
        version: Option<i64>,
    ) -> StoreResult<bool>;
    /// Records the version a promotion made.
    async fn set_filter_candidate_version(&self, id: i64, version: i64) -> StoreResult<()>;
    /// Puts a candidate whose promotion failed back to open.
    async fn reopen_filter_candidate(&self, id: i64) -> StoreResult<()>;
    /// The newest filter version the service made from the shipped lists by itself (an
    /// applied upgrade: its state is the shipped lists exactly, which a promoted one,
    /// mixed with admins' changes, is not).
    async fn last_shipped_version(&self) -> StoreResult<Option<i64>>;
    /// The first filter version, and how many versions someone other than `by` made.
    async fn filter_history(&self, by: &str) -> StoreResult<(Option<i64>, i64)>;
}

const COLUMNS: &str = "candidate_id, created_at, source, base_version, summary, proposal, status, decided_at, decided_by, version, report";

#[async_trait]
impl<B: Backend> Candidates for B {
    async fn add_filter_candidate(&self, c: NewCandidate) -> StoreResult<Option<i64>> {
        let sql = "insert into filter_candidate (created_at, source, fingerprint, base_version, summary, proposal, status, decided_at, decided_by, version, report) \
                   values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (fingerprint) do nothing returning candidate_id";
        let decided_at = c.decided_by.as_ref().map(|_| c.now);
        let args = vec![
            c.now.into(),
            c.source.into(),
            c.fingerprint.into(),
            c.base_version.into(),
            c.summary.into(),
            c.proposal.to_string().into(),
            c.status.into(),
            decided_at.into(),
            c.decided_by.into(),
            c.version.into(),
            c.report.map(|r| r.to_string()).into(),
        ];
        let row: Option<(i64,)> = self
            .write(move |conn| Box::pin(async move { conn.optional(sql, args).await }))
            .await?;
        Ok(row.map(|(id,)| id))
    }

    async fn list_filter_candidates(&self, limit: i64) -> StoreResult<Vec<FilterCandidate>> {
        let sql =
            format!("select {COLUMNS} from filter_candidate order by candidate_id desc limit $1");
        let rows: Vec<CandidateRow> = self
            .reader()
            .await?
            .all(sqlx::AssertSqlSafe(sql), vec![limit.into()])
            .await?;
        Ok(rows.into_iter().map(FilterCandidate::from).collect())
    }

    async fn filter_candidate(&self, id: i64) -> StoreResult<Option<FilterCandidate>> {
        let sql = format!("select {COLUMNS} from filter_candidate where candidate_id = $1");
        let row: Option<CandidateRow> = self
            .reader()
            .await?
            .optional(sqlx::AssertSqlSafe(sql), vec![id.into()])
            .await?;
        Ok(row.map(FilterCandidate::from))
    }

    async fn close_filter_candidate(
        &self,
        id: i64,
        status: &'static str,
        by: String,
        now: i64,
        version: Option<i64>,
    ) -> StoreResult<bool> {
        let sql = "update filter_candidate set status = $1, decided_by = $2, decided_at = $3, version = $4 \
                   where candidate_id = $5 and status = 'open'";
        let args = vec![
            status.into(),
            by.into(),
            now.into(),
            version.into(),
            id.into(),
        ];
        let done = self
            .write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(done == 1)
    }

    async fn set_filter_candidate_version(&self, id: i64, version: i64) -> StoreResult<()> {
        let sql = "update filter_candidate set version = $1 where candidate_id = $2";
        let args = vec![version.into(), id.into()];
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(())
    }

    async fn reopen_filter_candidate(&self, id: i64) -> StoreResult<()> {
        let sql = "update filter_candidate set status = 'open', decided_by = null, decided_at = null, version = null \
                   where candidate_id = $1";
        let args = vec![id.into()];
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(())
    }

    async fn last_shipped_version(&self) -> StoreResult<Option<i64>> {
        let sql = "select max(version) as version from filter_candidate \
                   where source = 'shipped' and status = 'applied'";
        let row: (Option<i64>,) = self.reader().await?.one(sql, vec![]).await?;
        Ok(row.0)
    }

    async fn filter_history(&self, by: &str) -> StoreResult<(Option<i64>, i64)> {
        let sql = "select (select min(version) from filter_version) as first, \
                   (select count(*) from filter_version where created_by <> $1) as others";
        let row: (Option<i64>, i64) = self
            .reader()
            .await?
            .one(sql, vec![by.to_string().into()])
            .await?;
        Ok(row)
    }
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    candidate_id: i64,
    created_at: i64,
    source: String,
    base_version: i64,
    summary: String,
    proposal: String,
    status: String,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    version: Option<i64>,
    report: Option<String>,
}

impl From<CandidateRow> for FilterCandidate {
    fn from(row: CandidateRow) -> FilterCandidate {
        FilterCandidate {
            id: row.candidate_id,
            created_at: row.created_at,
            source: row.source,
            base_version: row.base_version,
            summary: row.summary,
            // Written by this service as JSON; an unreadable one shows as null.
            proposal: serde_json::from_str(&row.proposal).unwrap_or(serde_json::Value::Null),
            status: row.status,
            decided_at: row.decided_at,
            decided_by: row.decided_by,
            version: row.version,
            report: row.report.and_then(|r| serde_json::from_str(&r).ok()),
        }
    }
}
