//! Trying the filter before a change goes live: the test box, the back-test and rule statistics.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::filter::normalize::Keys;
use crate::filter::{Context, Hit, Input};
use crate::http::auth::Admin;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::http::extract::{JsonBody, QueryPairs};
use crate::store::filters::FilterState;
use crate::store::now_ms;
use crate::tuning::backtest::{self, Report};
use crate::tuning::stats::{self, Statistics};
use crate::tuning::{self, Proposal, RuleInput, TermInput};

use super::edits::*;
use crate::moderation::tune;

/// Text to test, under the live filter or a proposed change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestRequest {
    pub body: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// A change not saved yet; the text is judged as if it were in force.
    pub proposal: Option<Proposal>,
}

/// The normalized keys the filter matched on.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct KeysView {
    pub text: String,
    /// Letters split by spaces or dots joined again (when any were).
    pub joined: Option<String>,
    /// Latin lookalikes and leetspeak read as letters (when any).
    pub leet: Option<String>,
}

/// A verdict, with the keys.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TestResult {
    #[schema(value_type = String)]
    pub class: crate::domain::Class,
    pub score: f32,
    pub hits: Vec<Hit>,
    pub keys: KeysView,
    /// The filter version judged by (the live one when a proposal was applied to it).
    pub version: i64,
    pub proposed: bool,
}

/// Test a text: the verdict, the hits with spans (byte offsets in the text as sent) and
/// the normalized keys. No timing, reputation or near-duplicate context.
#[utoipa::path(post, path = "/api/v1/admin/filter/test", tag = "admin-filter", request_body = TestRequest,
    responses((status = 200, body = TestResult), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn test_text(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(request): JsonBody<TestRequest>,
) -> Result<Json<TestResult>> {
    let proposal = request.proposal.clone().filter(|p| !p.is_empty());
    let (filter, version) = match &proposal {
        None => (state.live_filter().filter(), state.live_filter().version()),
        Some(proposal) => {
            let live = tune::live_state(&state).await?;
            let version = live.version;
            let next = proposal.apply(&live).map_err(proposal_errors)?;
            let filter = compile(&state, next).await?;
            (std::sync::Arc::new(filter), version)
        }
    };
    let verdict = filter.check(
        &Input {
            body: &request.body,
            name: request.name.as_deref().unwrap_or(""),
            email: request.email.as_deref().unwrap_or(""),
            website: request.website.as_deref(),
        },
        &Context::default(),
    );
    let keys = Keys::of(&request.body);
    Ok(Json(TestResult {
        class: verdict.class,
        score: verdict.score,
        hits: verdict.hits,
        keys: KeysView {
            text: keys.text.as_str().to_string(),
            joined: keys.joined.as_ref().map(|k| k.as_str().to_string()),
            leet: keys.leet.as_ref().map(|k| k.as_str().to_string()),
        },
        version,
        proposed: proposal.is_some(),
    }))
}

pub(super) async fn compile(app: &AppState, state: FilterState) -> Result<crate::filter::Filter> {
    tuning::compile_stored(app.store().as_ref(), state)
        .await
        .map_err(|message| {
            let mut errors = FieldErrors::default();
            errors.add_detail("proposal", FieldCode::Invalid, message);
            ApiError::Validation(errors)
        })
}

pub(super) fn proposal_errors(errors: Vec<(String, String)>) -> ApiError {
    let mut fields = FieldErrors::default();
    for (name, message) in errors {
        let field = [
            "add_terms",
            "remove_terms",
            "add_rules",
            "remove_rules",
            "settings",
        ]
        .into_iter()
        .find(|f| name.starts_with(f))
        .unwrap_or("proposal");
        fields.add_detail(field, FieldCode::Invalid, format!("{name}: {message}"));
    }
    ApiError::Validation(fields)
}

/// A proposed change and the comments to replay it over.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestRequest {
    #[serde(default)]
    pub add_terms: Vec<TermInput>,
    #[serde(default)]
    pub remove_terms: Vec<i64>,
    #[serde(default)]
    pub add_rules: Vec<RuleInput>,
    #[serde(default)]
    pub remove_rules: Vec<i64>,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
    /// The last N days (default 30, at most 365).
    pub days: Option<i64>,
    /// At most N comments, newest first (default and at most 200,000).
    pub comments: Option<i64>,
}

/// A back-test report and its window.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct BacktestResult {
    pub version: i64,
    pub days: i64,
    #[serde(flatten)]
    pub report: Report,
}

/// Replay a proposed change over stored comments and compare it, and the live filter,
/// with what moderators decided.
#[utoipa::path(post, path = "/api/v1/admin/filter/backtest", tag = "admin-filter", request_body = BacktestRequest,
    responses((status = 200, body = BacktestResult), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn run_backtest(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(request): JsonBody<BacktestRequest>,
) -> Result<Json<BacktestResult>> {
    let mut errors = FieldErrors::default();
    let days = request.days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        errors.add("days", FieldCode::Invalid);
    }
    let limit = request.comments.unwrap_or(REPLAY_MAX);
    if !(1..=REPLAY_MAX).contains(&limit) {
        errors.add("comments", FieldCode::Invalid);
    }
    errors.into_result()?;
    let proposal = Proposal {
        add_terms: request.add_terms,
        remove_terms: request.remove_terms,
        add_rules: request.add_rules,
        remove_rules: request.remove_rules,
        settings: request.settings,
    };
    let live = tune::live_state(&state).await?;
    let version = live.version;
    let next = proposal.apply(&live).map_err(proposal_errors)?;
    let current = if state.live_filter().version() == version {
        state.live_filter().filter()
    } else {
        std::sync::Arc::new(compile(&state, live).await?)
    };
    let proposed = compile(&state, next).await?;
    let comments = state
        .store()
        .replay_window(now_ms() - days * DAY_MS, limit)
        .await?;
    let report = tokio::task::spawn_blocking(move || backtest::run(&current, &proposed, &comments))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(BacktestResult {
        version,
        days,
        report,
    }))
}

/// Per term, rule and signal: hits in the last 7 and `days` (default 30, at most 90) days
/// and what moderators decided about those comments; and per filter version, the comments
/// each learned model fired on and how they were decided.
#[utoipa::path(get, path = "/api/v1/admin/filter/stats", tag = "admin-filter",
    responses((status = 200, body = Statistics)))]
pub(super) async fn rule_stats(
    State(state): State<AppState>,
    _: Admin,
    q: QueryPairs,
) -> Result<Json<Statistics>> {
    let mut errors = FieldErrors::default();
    let days = q.number("days", &mut errors).unwrap_or(30);
    if !(1..=90).contains(&days) {
        errors.add("days", FieldCode::Invalid);
    }
    errors.into_result()?;
    let now = now_ms();
    let live = tune::live_state(&state).await?;
    let comments = state
        .store()
        .replay_window(now - days * DAY_MS, REPLAY_MAX)
        .await?;
    let versions = state.store().list_filter_versions(1000).await?;
    let statistics = tokio::task::spawn_blocking(move || {
        let mut statistics = stats::collect(&comments, &live, now, days);
        statistics.models = crate::tuning::model_stats::collect(&comments, &versions);
        statistics
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(statistics))
}
