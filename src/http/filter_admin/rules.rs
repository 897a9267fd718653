//! Regex rules: list, add, change, remove.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::auth::Admin;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::http::extract::JsonBody;
use crate::store::filters::{FilterOp, StoredRule};
use crate::tuning::{self, RuleInput, RulePatch};

use super::edits::*;
use crate::moderation::tune;

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
    let rule = tuning::new_rule(&input).map_err(ApiError::Validation)?;
    let summary = format!("rule added: {} /{}/", rule.name, rule.pattern);
    let detail = json!({"rule": &rule});
    let done = tune::apply(
        &state,
        edit(
            &admin,
            "filter.rule.add",
            summary,
            detail,
            vec![FilterOp::AddRule(rule)],
        ),
    )
    .await?;
    let rule = stored_rule(&state, done.ids.first().copied()).await?;
    Ok((
        StatusCode::CREATED,
        Json(RuleChanged {
            rule,
            version: done.version,
        }),
    ))
}

pub(super) async fn stored_rule(state: &AppState, id: Option<i64>) -> Result<StoredRule> {
    let id = id.ok_or_else(|| ApiError::Internal("no rule id written".into()))?;
    state
        .store()
        .live_rule(id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("rule {id} missing after writing it")))
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
    let current = state
        .store()
        .live_rule(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let next = tuning::patched_rule(&current, &patch).map_err(ApiError::Validation)?;
    let summary = format!("rule changed: {}", current.name);
    let detail = json!({"before": &current, "after": &next});
    let done = tune::apply(
        &state,
        edit(
            &admin,
            "filter.rule.change",
            summary,
            detail,
            vec![FilterOp::ReplaceRule(id, next)],
        ),
    )
    .await?;
    Ok(Json(RuleChanged {
        rule: stored_rule(&state, Some(id)).await?,
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
    let current = state
        .store()
        .live_rule(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let summary = format!("rule removed: {}", current.name);
    let detail = json!({"before": &current});
    let done = tune::apply(
        &state,
        edit(
            &admin,
            "filter.rule.remove",
            summary,
            detail,
            vec![FilterOp::RemoveRule(id)],
        ),
    )
    .await?;
    Ok(Json(Changed {
        version: done.version,
    }))
}
