//! Background jobs an admin starts and polls (the [`Jobs`] part of the store): kept in the
//! database, so whichever replica answers `GET /api/v1/admin/jobs/{id}` knows the job.

use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;

use super::backend::Backend;
use super::conn::Conn;
use super::error::StoreResult;

/// A job as stored.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Job {
    pub id: i64,
    /// `model.train`.
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// 0 to 1.
    pub progress: f64,
    /// What it is doing now (`reading decisions`, `training spam`, …).
    pub stage: String,
    /// Once done: its outcome; once failed: `{"error": …}`.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// Jobs (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Jobs: Send + Sync {
    /// Records a new running job of `kind`; None when one of that kind is queued or
    /// running already (one at a time).
    async fn start_job(&self, kind: &'static str, by: String, now: i64)
    -> StoreResult<Option<i64>>;
    async fn job_progress(
        &self,
        id: i64,
        progress: f64,
        stage: String,
        now: i64,
    ) -> StoreResult<()>;
    /// Ends a job: `done` with its outcome or `failed` with `{"error": …}`.
    async fn finish_job(
        &self,
        id: i64,
        state: &'static str,
        result: serde_json::Value,
        now: i64,
    ) -> StoreResult<()>;
    async fn job(&self, id: i64) -> StoreResult<Option<Job>>;
    /// Marks jobs left running by a process that stopped (started before `before`, not
    /// updated since) failed, so a new one may start.
    async fn fail_stale_jobs(&self, before: i64, now: i64) -> StoreResult<u64>;
}

const COLUMNS: &str =
    "job_id, kind, state, progress, stage, result, created_by, created_at, updated_at, finished_at";

#[async_trait]
impl<B: Backend> Jobs for B {
    async fn start_job(
        &self,
        kind: &'static str,
        by: String,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        self.write(move |c| {
            Box::pin(async move {
                let sql = "select job_id from job where kind = $1 and state in ('queued', 'running')";
                if c.exists(sql, vec![kind.into()]).await? {
                    return Ok(None);
                }
                let sql = "insert into job (kind, state, progress, stage, created_by, created_at, updated_at) \
                           values ($1, 'running', 0, '', $2, $3, $3) returning job_id";
                let (id,): (i64,) = c.one(sql, vec![kind.into(), by.into(), now.into()]).await?;
                Ok(Some(id))
            })
        })
        .await
    }

    async fn job_progress(
        &self,
        id: i64,
        progress: f64,
        stage: String,
        now: i64,
    ) -> StoreResult<()> {
        let sql = "update job set progress = $1, stage = $2, updated_at = $3 where job_id = $4";
        let args = vec![progress.into(), stage.into(), now.into(), id.into()];
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(())
    }

    async fn finish_job(
        &self,
        id: i64,
        state: &'static str,
        result: serde_json::Value,
        now: i64,
    ) -> StoreResult<()> {
        let progress = if state == "done" { 1.0 } else { -1.0 };
        let sql = "update job set state = $1, result = $2, updated_at = $3, finished_at = $3, \
                   progress = case when $4 < 0 then progress else $4 end where job_id = $5";
        let args = vec![
            state.into(),
            result.to_string().into(),
            now.into(),
            progress.into(),
            id.into(),
        ];
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(())
    }

    async fn job(&self, id: i64) -> StoreResult<Option<Job>> {
        let sql = format!("select {COLUMNS} from job where job_id = $1");
        let row: Option<JobRow> = self
            .reader()
            .await?
            .optional(sqlx::AssertSqlSafe(sql), vec![id.into()])
            .await?;
        Ok(row.map(Job::from))
    }

    async fn fail_stale_jobs(&self, before: i64, now: i64) -> StoreResult<u64> {
        let sql = "update job set state = 'failed', finished_at = $2, updated_at = $2, \
                   result = '{\"error\":\"the process running it stopped\"}' \
                   where state in ('queued', 'running') and updated_at < $1";
        let args = vec![before.into(), now.into()];
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await
    }
}

#[derive(sqlx::FromRow)]
struct JobRow {
    job_id: i64,
    kind: String,
    state: String,
    progress: f64,
    stage: String,
    result: Option<String>,
    created_by: String,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

impl From<JobRow> for Job {
    fn from(row: JobRow) -> Job {
        Job {
            id: row.job_id,
            kind: row.kind,
            state: row.state,
            progress: row.progress,
            stage: row.stage,
            result: row.result.and_then(|r| serde_json::from_str(&r).ok()),
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
            finished_at: row.finished_at,
        }
    }
}
