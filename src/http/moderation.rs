//! Moderation endpoints (so far: the audit log).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Moderator;
use super::extract::QueryPairs;
use crate::app::AppState;
use crate::error::{ErrorEnvelope, FieldCode, FieldErrors, Result};
use crate::store::accounts::{AuditFilter, AuditRecord};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/moderation/audit", get(audit_log))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditRecord>,
    /// Pass as `before` for older rows; null when there are none.
    pub next_cursor: Option<i64>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/moderation/audit", tag = "moderation",
    params(
        ("actor" = Option<String>, Query), ("action" = Option<String>, Query, description = "prefix, e.g. `comment.`"),
        ("target" = Option<String>, Query), ("since" = Option<i64>, Query, description = "Unix ms"),
        ("until" = Option<i64>, Query), ("before" = Option<i64>, Query, description = "`next_cursor`"),
        ("limit" = Option<u32>, Query, description = "1–500, default 100"),
    ),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn audit_log(
    State(state): State<AppState>,
    _: Moderator,
    query: QueryPairs,
) -> Result<Json<AuditPage>> {
    let mut errors = FieldErrors::default();
    let mut number = |field: &'static str| -> Option<i64> {
        let raw = query.get(field)?;
        match raw.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(field, FieldCode::Invalid);
                None
            }
        }
    };
    let since = number("since");
    let until = number("until");
    let before_id = number("before");
    let limit = number("limit").unwrap_or(100).clamp(1, 500) as u32;
    errors.into_result()?;
    let filter = AuditFilter {
        actor: query.get("actor").map(str::to_string),
        action: query.get("action").map(str::to_string),
        target: query.get("target").map(str::to_string),
        since,
        until,
        before_id,
        limit: limit + 1,
    };
    let mut items = state.store().audit_log(&filter).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Json(AuditPage { items, next_cursor }))
}
