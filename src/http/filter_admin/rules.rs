//! Regex rules: list, add, change, remove.

use crate::http::extract::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::auth::Admin;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::http::extract::JsonBody;
use crate::store::filters::StoredRule;
use crate::tuning::{RuleInput, RulePatch};

use super::edits::*;
use crate::moderation::{tune, tune_entry};

/// The live rules.
#[utoipa::path(get, path = "/api/v1/admin/filter/rules", tag = "admin-filter",
    responses((status = 200, body = Vec<StoredRule>)))]
pub(super) async fn list_rules(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<StoredRule>>> {
    Ok(Json(tune::live_state(&state).await?.rules))
}

/// A rule after a change, and the version the change made.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct RuleChanged {
    pub rule: StoredRule,
    pub version: i64,
}

/// Add a regex rule. Refused (422) when the pattern does not compile (`invalid`), is too
/// large (`too_large`) or matches trivial text such as "", "1", "a" or a space
/// (`too_broad`); the specifics are in `detail`.
#[utoipa::path(post, path = "/api/v1/admin/filter/rules", tag = "admin-filter", request_body = RuleInput,
    responses((status = 201, body = RuleChanged), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn add_rule(
    State(state): State<AppState>,
    admin: Admin,
    JsonBody(input): JsonBody<RuleInput>,
) -> Result<(StatusCode, Json<RuleChanged>)> {
    let done = tune_entry::add::<StoredRule>(&state, &admin.0.user.username, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(RuleChanged {
            rule: done.entry,
            version: done.version,
        }),
    ))
}

/// One live rule.
#[utoipa::path(get, path = "/api/v1/admin/filter/rules/{id}", tag = "admin-filter",
    params(("id" = i64, Path)), responses((status = 200, body = StoredRule), (status = 404, body = ErrorEnvelope)))]
pub(super) async fn get_rule(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
) -> Result<Json<StoredRule>> {
    Ok(Json(
        state
            .store()
            .live_rule(id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// Change a rule (pattern, weight, action, target, description, shadow, enabled).
#[utoipa::path(patch, path = "/api/v1/admin/filter/rules/{id}", tag = "admin-filter", request_body = RulePatch,
    params(("id" = i64, Path)), responses((status = 200, body = RuleChanged), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn change_rule(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
    JsonBody(patch): JsonBody<RulePatch>,
) -> Result<Json<RuleChanged>> {
    let done = tune_entry::change::<StoredRule>(&state, &admin.0.user.username, id, &patch).await?;
    Ok(Json(RuleChanged {
        rule: done.entry,
        version: done.version,
    }))
}

/// Remove a rule (it stays in earlier versions).
#[utoipa::path(delete, path = "/api/v1/admin/filter/rules/{id}", tag = "admin-filter",
    params(("id" = i64, Path)), responses((status = 200, body = Changed), (status = 404, body = ErrorEnvelope)))]
pub(super) async fn remove_rule(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
) -> Result<Json<Changed>> {
    let version = tune_entry::remove::<StoredRule>(&state, &admin.0.user.username, id).await?;
    Ok(Json(Changed { version }))
}
