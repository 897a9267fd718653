//! Filter candidates: changes offered rather than applied (the shipped word lists of a
//! newer release, on a database whose admins changed the filter). Back-test one by posting
//! its `proposal` to `/api/v1/admin/filter/backtest`; then promote or dismiss it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::auth::Admin;
use crate::http::error::{ErrorEnvelope, Result};
use crate::http::extract::Path;
use crate::moderation::candidates;
use crate::store::candidates::FilterCandidate;

/// The candidates, newest first (at most 100).
#[derive(Serialize, ToSchema)]
pub struct CandidateList {
    pub candidates: Vec<FilterCandidate>,
}

/// Every candidate, open or decided, newest first.
#[utoipa::path(get, path = "/api/v1/admin/filter/candidates", tag = "admin-filter",
    responses((status = 200, body = CandidateList)))]
pub(super) async fn list_candidates(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<CandidateList>> {
    let candidates = candidates::candidates(&state).await?;
    Ok(Json(CandidateList { candidates }))
}

/// A promotion: the filter version it made.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Promoted {
    pub version: i64,
    pub candidate: i64,
}

/// Applies an open candidate as a new filter version (entries removed or added by admins
/// since it was offered are left as they are). 409 when it is not open.
#[utoipa::path(post, path = "/api/v1/admin/filter/candidates/{id}/promote", tag = "admin-filter",
    params(("id" = i64, Path)),
    responses((status = 200, body = Promoted), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub(super) async fn promote_candidate(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
) -> Result<Json<Promoted>> {
    let done = candidates::promote(&state, id, &admin.0.user.username).await?;
    Ok(Json(Promoted {
        version: done.version,
        candidate: id,
    }))
}

/// Closes an open candidate without applying it. 409 when it is not open.
#[utoipa::path(post, path = "/api/v1/admin/filter/candidates/{id}/dismiss", tag = "admin-filter",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub(super) async fn dismiss_candidate(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    candidates::dismiss(&state, id, &admin.0.user.username).await?;
    Ok(StatusCode::NO_CONTENT)
}
