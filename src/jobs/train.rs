//! Retraining as a background job: started by an admin (`POST
//! /api/v1/admin/filter/model/train`) or once a day (`model.auto_retrain = "daily"`),
//! recorded in the `job` table with its progress and outcome so any replica answers `GET
//! /api/v1/admin/jobs/{id}`, one at a time. The training itself runs on the blocking
//! pool, so comment submission never waits for it.

use std::time::Duration;

use crate::app::AppState;
use crate::config::model::AutoRetrain;
use crate::moderation::refusal::Refusal;
use crate::moderation::retrain_promote::train_and_judge;
use crate::store::jobs::Job;
use crate::store::now_ms;

/// The kind of the job.
pub const KIND: &str = "model.train";

/// A job not updated for this long was left by a process that stopped.
const STALE_MS: i64 = 3_600_000;

/// How often the daily run looks whether a day has passed.
const DAILY: Duration = Duration::from_secs(24 * 3600);

/// Starts a retraining by `actor`; `promote`: promote the candidate when it earns it.
/// Conflict (with the running job) when one is running already.
pub async fn start(state: &AppState, actor: &str, promote: bool) -> Result<Job, Refusal> {
    crate::moderation::retrain::enough_decisions(state).await?;
    let now = now_ms();
    state.store().fail_stale_jobs(now - STALE_MS, now).await?;
    let Some(id) = state
        .store()
        .start_job(KIND, actor.to_string(), now)
        .await?
    else {
        return Err(Refusal::Conflict { current: None });
    };
    let (job_state, job_actor) = (state.clone(), actor.to_string());
    tokio::spawn(async move { run(job_state, id, job_actor, promote).await });
    state.store().job(id).await?.ok_or(Refusal::NotFound)
}

async fn run(state: AppState, id: i64, actor: String, promote: bool) {
    let store = state.store().clone();
    let progress = move |share: f64, stage: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            if let Err(err) = store.job_progress(id, share, stage.into(), now_ms()).await {
                tracing::warn!(error = %err, job = id, "could not record the job's progress");
            }
        });
    };
    let outcome = train_and_judge(&state, &actor, promote, &progress).await;
    let (job_state, result) = match outcome {
        Ok(judged) => {
            tracing::info!(job = id, candidate = judged.retrained.candidate, promoted = ?judged.promoted, why = %judged.why, "models retrained");
            ("done", serde_json::to_value(&judged).unwrap_or_default())
        }
        Err(refusal) => {
            tracing::warn!(job = id, error = %refusal, "retraining failed");
            ("failed", serde_json::json!({"error": refusal.describe()}))
        }
    };
    if let Err(err) = state
        .store()
        .finish_job(id, job_state, result, now_ms())
        .await
    {
        tracing::error!(error = %err, job = id, "could not record the job's end");
    }
}

/// The daily retraining, when the config asks for it: once a day, promoting only a
/// candidate that earns it.
pub fn spawn_daily(state: AppState) {
    if state.config().model.auto_retrain != AutoRetrain::Daily {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DAILY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await; // not at start: the first run is a day after
        loop {
            tick.tick().await;
            match start(&state, "system", true).await {
                Ok(job) => tracing::info!(job = job.id, "daily retraining started"),
                Err(err) => tracing::warn!(error = %err, "daily retraining not started"),
            }
        }
    });
}
