//! Retraining the learned models from this site's decisions, as a job to poll: `POST
//! /api/v1/admin/filter/model/train` starts it (202 with the job), `GET
//! /api/v1/admin/jobs/{id}` follows it. The outcome is a candidate (see `candidates.rs`)
//! with its report, promoted here only when asked with `promote` and earned.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::auth::Admin;
use crate::http::error::{ErrorEnvelope, Result};
use crate::http::extract::{JsonBody, Path};
use crate::store::jobs::Job;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TrainRequest {
    /// Promote the candidate when it beats the live version on the held-back decisions by
    /// `model.promote_margin` and holds no more civil comments (else it is dismissed).
    /// Without it the candidate waits for an admin.
    pub promote: bool,
}

/// Starts retraining the spam and abuse models on the site's decided comments. 202 with
/// the job; 409 when a retraining is running; 422 `invalid` on `decisions` when the site
/// has fewer decided comments than `model.min_decisions`.
#[utoipa::path(post, path = "/api/v1/admin/filter/model/train", tag = "admin-filter",
    request_body = TrainRequest,
    responses((status = 202, body = Job), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn train(
    State(state): State<AppState>,
    admin: Admin,
    JsonBody(request): JsonBody<TrainRequest>,
) -> Result<(StatusCode, Json<Job>)> {
    let job = crate::jobs::train::start(&state, &admin.0.user.username, request.promote).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// A background job: its state, progress and, once ended, its outcome (for a retraining:
/// the candidate, its report, whether it was promoted and why).
#[utoipa::path(get, path = "/api/v1/admin/jobs/{id}", tag = "admin",
    params(("id" = i64, Path)),
    responses((status = 200, body = Job), (status = 404, body = ErrorEnvelope)))]
pub(super) async fn get_job(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
) -> Result<Json<Job>> {
    let job = state
        .store()
        .job(id)
        .await?
        .ok_or(crate::moderation::refusal::Refusal::NotFound)?;
    Ok(Json(job))
}
