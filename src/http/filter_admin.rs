//! The admin side of the filter: terms, rules and settings (each change a new filter
//! version, in force on this replica before the reply and on the others within a
//! second), versions and restore, bulk import/export, the test box, the back-test and
//! rule statistics. Every change is audited (in the same transaction as the change).

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::auth::Admin;
use super::extract::{JsonBody, QueryPairs, body_bytes};
use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::filter::normalize::Keys;
use crate::filter::{Action, Category, Context, FilterSettings, Hit, Input};
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::store::filters::{
    FilterEdit, FilterOp, FilterState, FilterVersion, StoredRule, StoredTerm, TermQuery,
    VersionChanges,
};
use crate::store::{StoreError, now_ms};
use crate::tuning::backtest::{self, Report};
use crate::tuning::import::{self, Defaults};
use crate::tuning::stats::{self, Statistics};
use crate::tuning::{self, Proposal, RuleInput, RulePatch, TermInput, TermPatch};

/// Largest import body (the global body limit is for comments).
const IMPORT_MAX_BYTES: usize = 4 << 20;
const DAY_MS: i64 = 86_400_000;
/// Most comments a back-test or the statistics read.
const REPLAY_MAX: i64 = 200_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/filter", get(overview))
        .route("/api/v1/admin/filter/terms", get(list_terms).post(add_term))
        .route("/api/v1/admin/filter/terms/export", get(export_terms))
        .route(
            "/api/v1/admin/filter/terms/import",
            post(import_terms).layer(axum::extract::DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
        .route(
            "/api/v1/admin/filter/terms/{id}",
            get(get_term).patch(change_term).delete(remove_term),
        )
        .route("/api/v1/admin/filter/rules", get(list_rules).post(add_rule))
        .route(
            "/api/v1/admin/filter/rules/{id}",
            get(get_rule).patch(change_rule).delete(remove_rule),
        )
        .route(
            "/api/v1/admin/filter/settings",
            get(get_settings).put(change_settings),
        )
        .route("/api/v1/admin/filter/versions", get(list_versions))
        .route("/api/v1/admin/filter/versions/{n}", get(get_version))
        .route(
            "/api/v1/admin/filter/versions/{n}/restore",
            post(restore_version),
        )
        .route("/api/v1/admin/filter/test", post(test_text))
        .route("/api/v1/admin/filter/backtest", post(run_backtest))
        .route("/api/v1/admin/filter/stats", get(rule_stats))
}

/// The live state, or a 500 when the database holds no version (it is seeded at start).
async fn live_state(state: &AppState) -> Result<FilterState> {
    state
        .store()
        .filter_state(None)
        .await?
        .ok_or_else(|| ApiError::Internal("no filter version in the database".into()))
}

/// Stores an edit, then puts the new version in force on this replica. A duplicate is
/// named on the field that makes it one: a rule's `name`, a term's `term`.
async fn apply(state: &AppState, edit: FilterEdit) -> Result<crate::store::filters::FilterEdited> {
    let field = if edit.action.starts_with("filter.rule") {
        "name"
    } else {
        "term"
    };
    let done = state
        .store()
        .apply_filter_edit(edit)
        .await
        .map_err(|err| match err {
            StoreError::Duplicate(what) => {
                let mut errors = FieldErrors::default();
                errors.add_detail(field, FieldCode::Duplicate, what);
                ApiError::Validation(errors)
            }
            other => other.into(),
        })?;
    state.refresh_filter().await?;
    Ok(done)
}

fn edit(
    admin: &Admin,
    action: &str,
    summary: String,
    detail: serde_json::Value,
    ops: Vec<FilterOp>,
) -> FilterEdit {
    FilterEdit {
        by: admin.0.user.username.clone(),
        now: now_ms(),
        summary,
        action: action.into(),
        detail,
        ops,
        check_duplicates: true,
        if_current: None,
    }
}

/// The filter at a glance.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Overview {
    /// The newest version in the database.
    pub version: i64,
    /// The version this replica checks comments with.
    pub in_force: i64,
    pub terms: usize,
    pub rules: usize,
    /// Terms and rules evaluated but not counted.
    pub shadow: usize,
    pub disabled: usize,
    #[schema(value_type = Object)]
    pub settings: FilterSettings,
}

/// The filter at a glance.
#[utoipa::path(get, path = "/api/v1/admin/filter", tag = "admin-filter",
    responses((status = 200, body = Overview), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
async fn overview(State(state): State<AppState>, _: Admin) -> Result<Json<Overview>> {
    let live = live_state(&state).await?;
    Ok(Json(Overview {
        version: live.version,
        in_force: state.live_filter().version(),
        terms: live.terms.len(),
        rules: live.rules.len(),
        shadow: live.terms.iter().filter(|t| t.shadow).count()
            + live.rules.iter().filter(|r| r.shadow).count(),
        disabled: live.terms.iter().filter(|t| !t.enabled).count()
            + live.rules.iter().filter(|r| !r.enabled).count(),
        settings: live.settings,
    }))
}

/// A page of terms.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TermPage {
    pub items: Vec<StoredTerm>,
    pub total: i64,
}

fn parse_word<T: serde::de::DeserializeOwned>(
    q: &QueryPairs,
    key: &'static str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let raw = q.get(key).filter(|v| !v.is_empty())?;
    let parsed = crate::filter::model::from_word(raw);
    if parsed.is_none() {
        errors.add(key, FieldCode::Invalid);
    }
    parsed
}

/// `format=text` (the default) or `format=csv`: whether it is CSV.
fn csv_format(q: &QueryPairs, errors: &mut FieldErrors) -> bool {
    match q.get("format").unwrap_or("text") {
        "text" | "" => false,
        "csv" => true,
        _ => {
            errors.add("format", FieldCode::Invalid);
            false
        }
    }
}

fn flag(q: &QueryPairs, key: &'static str, errors: &mut FieldErrors) -> Option<bool> {
    match q.get(key)? {
        "" => None,
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => {
            errors.add(key, FieldCode::Invalid);
            None
        }
    }
}

fn term_query(q: &QueryPairs, errors: &mut FieldErrors, max: i64) -> TermQuery {
    let limit = q.number("limit", errors).unwrap_or(max.min(100));
    if !(1..=max).contains(&limit) {
        errors.add("limit", FieldCode::Invalid);
    }
    let offset = q.number("offset", errors).unwrap_or(0);
    if offset < 0 {
        errors.add("offset", FieldCode::Invalid);
    }
    TermQuery {
        category: parse_word(q, "category", errors),
        list: q.get("list").filter(|v| !v.is_empty()).map(str::to_string),
        search: q
            .get("q")
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.trim().to_string()),
        shadow: flag(q, "shadow", errors),
        enabled: flag(q, "enabled", errors),
        limit,
        offset,
    }
}

/// Live terms, newest first: `category`, `list`, `q` (in the term or its normalized form),
/// `shadow`, `enabled`, `limit` (≤ 500), `offset`.
#[utoipa::path(get, path = "/api/v1/admin/filter/terms", tag = "admin-filter",
    responses((status = 200, body = TermPage), (status = 422, body = ErrorEnvelope)))]
async fn list_terms(
    State(state): State<AppState>,
    _: Admin,
    q: QueryPairs,
) -> Result<Json<TermPage>> {
    let mut errors = FieldErrors::default();
    let query = term_query(&q, &mut errors, 500);
    errors.into_result()?;
    let (items, total) = state.store().list_terms(&query).await?;
    Ok(Json(TermPage { items, total }))
}

/// A term after a change, and the version the change made.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TermChanged {
    pub term: StoredTerm,
    pub version: i64,
}

/// Add a term. Refused (422) when it normalizes to fewer than two letters, is not a
/// domain in a domain list, or the category has it already.
#[utoipa::path(post, path = "/api/v1/admin/filter/terms", tag = "admin-filter", request_body = TermInput,
    responses((status = 201, body = TermChanged), (status = 422, description = "`validation_failed`: `term` too_short, invalid or duplicate; `weight` invalid", body = ErrorEnvelope)))]
async fn add_term(
    State(state): State<AppState>,
    admin: Admin,
    JsonBody(input): JsonBody<TermInput>,
) -> Result<(StatusCode, Json<TermChanged>)> {
    let term = tuning::new_term(&input).map_err(ApiError::Validation)?;
    let summary = format!(
        "term added: «{}» ({}, weight {})",
        term.term,
        term.category.as_str(),
        term.weight
    );
    let detail = json!({"term": &term});
    let done = apply(
        &state,
        edit(
            &admin,
            "filter.term.add",
            summary,
            detail,
            vec![FilterOp::AddTerm(term)],
        ),
    )
    .await?;
    let term = stored_term(&state, done.ids.first().copied()).await?;
    Ok((
        StatusCode::CREATED,
        Json(TermChanged {
            term,
            version: done.version,
        }),
    ))
}

async fn stored_term(state: &AppState, id: Option<i64>) -> Result<StoredTerm> {
    let id = id.ok_or_else(|| ApiError::Internal("no term id written".into()))?;
    state
        .store()
        .live_term(id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("term {id} missing after writing it")))
}

/// One live term.
#[utoipa::path(get, path = "/api/v1/admin/filter/terms/{id}", tag = "admin-filter",
    params(("id" = i64, Path)), responses((status = 200, body = StoredTerm), (status = 404, body = ErrorEnvelope)))]
async fn get_term(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
) -> Result<Json<StoredTerm>> {
    Ok(Json(
        state
            .store()
            .live_term(id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// Change a term's weight, action, match mode, category, list, note, or turn it to
/// shadow or off. The term's text stays: remove it and add another to change it.
#[utoipa::path(patch, path = "/api/v1/admin/filter/terms/{id}", tag = "admin-filter", request_body = TermPatch,
    params(("id" = i64, Path)), responses((status = 200, body = TermChanged), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn change_term(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
    JsonBody(patch): JsonBody<TermPatch>,
) -> Result<Json<TermChanged>> {
    let current = state
        .store()
        .live_term(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let next = tuning::patched_term(&current, &patch).map_err(ApiError::Validation)?;
    let summary = format!("term changed: «{}»", current.term);
    let detail = json!({"before": &current, "after": &next});
    let done = apply(
        &state,
        edit(
            &admin,
            "filter.term.change",
            summary,
            detail,
            vec![FilterOp::ReplaceTerm(id, next)],
        ),
    )
    .await?;
    Ok(Json(TermChanged {
        term: stored_term(&state, Some(id)).await?,
        version: done.version,
    }))
}

/// The version a change made.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Changed {
    pub version: i64,
}

/// Remove a term (it stays in earlier versions).
#[utoipa::path(delete, path = "/api/v1/admin/filter/terms/{id}", tag = "admin-filter",
    params(("id" = i64, Path)), responses((status = 200, body = Changed), (status = 404, body = ErrorEnvelope)))]
async fn remove_term(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
) -> Result<Json<Changed>> {
    let current = state
        .store()
        .live_term(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let summary = format!(
        "term removed: «{}» ({})",
        current.term,
        current.category.as_str()
    );
    let detail = json!({"before": &current});
    let done = apply(
        &state,
        edit(
            &admin,
            "filter.term.remove",
            summary,
            detail,
            vec![FilterOp::RemoveTerm(id)],
        ),
    )
    .await?;
    Ok(Json(Changed {
        version: done.version,
    }))
}

/// Export live terms as plain text (`format=text`, the word-list file format) or CSV
/// (`format=csv`), filtered like the list.
#[utoipa::path(get, path = "/api/v1/admin/filter/terms/export", tag = "admin-filter",
    responses((status = 200, description = "text/plain or text/csv", body = String)))]
async fn export_terms(State(state): State<AppState>, _: Admin, q: QueryPairs) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let csv = csv_format(&q, &mut errors);
    let mut query = term_query(&q, &mut errors, i64::MAX);
    query.limit = i64::MAX;
    errors.into_result()?;
    let (mut terms, _) = state.store().list_terms(&query).await?;
    terms.reverse();
    let (body, kind, ext) = if csv {
        (import::to_csv(&terms), "text/csv; charset=utf-8", "csv")
    } else {
        (import::to_text(&terms), "text/plain; charset=utf-8", "txt")
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"raqib-terms.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// What an import did.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Imported {
    pub added: usize,
    /// Lines whose term the category has already (or that repeat an earlier line).
    pub skipped: usize,
    /// None when nothing was new (no version is made).
    pub version: Option<i64>,
}

/// Import terms from the request body: plain text (`format=text`, one per line) or CSV
/// with a header (`format=csv`). `category` (required for text), `weight` (default 1),
/// `action` and `list` apply to lines that do not say. All or nothing: any bad line
/// refuses the whole import (422, each bad line named in `fields.lines.detail`).
#[utoipa::path(post, path = "/api/v1/admin/filter/terms/import", tag = "admin-filter",
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = Imported), (status = 422, body = ErrorEnvelope)))]
async fn import_terms(
    State(state): State<AppState>,
    admin: Admin,
    q: QueryPairs,
    request: Request,
) -> Result<Json<Imported>> {
    let bytes = body_bytes(request, &()).await?;
    let mut errors = FieldErrors::default();
    let csv = csv_format(&q, &mut errors);
    let category: Option<Category> = parse_word(&q, "category", &mut errors);
    if category.is_none() && !csv && !errors.0.contains_key("category") {
        errors.add("category", FieldCode::Required);
    }
    let weight = match q.get("weight").filter(|w| !w.is_empty()) {
        None => 1.0,
        Some(w) => match w.parse::<f32>() {
            Ok(w) => w,
            Err(_) => {
                errors.add("weight", FieldCode::Invalid);
                1.0
            }
        },
    };
    let defaults = Defaults {
        category: category.unwrap_or_default(),
        weight,
        action: parse_word::<Action>(&q, "action", &mut errors),
        list: q.get("list").filter(|l| !l.is_empty()).map(str::to_string),
    };
    errors.into_result()?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        let mut errors = FieldErrors::default();
        errors.add_detail(
            "lines",
            FieldCode::InvalidCharacters,
            "the body is not UTF-8",
        );
        return Err(ApiError::Validation(errors));
    };
    let parsed = if csv {
        import::parse_csv(text, &defaults)
    } else {
        import::parse_text(text, &defaults)
    };
    let (parsed, mut line_errors) = parsed;
    let live = live_state(&state).await?;
    let mut known: std::collections::HashSet<(Category, String)> = live
        .terms
        .iter()
        .map(|t| (t.category, t.key.clone()))
        .collect();
    let mut terms = Vec::new();
    let mut skipped = 0;
    for (line, input) in parsed {
        match tuning::new_term(&input) {
            Ok(term) => {
                if known.insert((term.category, term.key.clone())) {
                    terms.push(term);
                } else {
                    skipped += 1;
                }
            }
            Err(fields) => {
                line_errors.extend(fields.0.iter().map(|(field, e)| import::LineError {
                    line,
                    message: format!(
                        "{field}: {}",
                        e.detail.clone().unwrap_or_else(|| e.code.as_str().into())
                    ),
                }))
            }
        }
    }
    if !line_errors.is_empty() {
        line_errors.sort_by_key(|e| e.line);
        let detail = line_errors
            .iter()
            .take(50)
            .map(|e| format!("line {}: {}", e.line, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut errors = FieldErrors::default();
        errors.add_detail("lines", FieldCode::Invalid, detail);
        return Err(ApiError::Validation(errors));
    }
    if terms.is_empty() {
        return Ok(Json(Imported {
            added: 0,
            skipped,
            version: None,
        }));
    }
    let added = terms.len();
    let summary = format!("import: {added} terms added, {skipped} already there");
    let detail =
        json!({"added": added, "skipped": skipped, "format": if csv {"csv"} else {"text"}});
    let mut change = edit(
        &admin,
        "filter.term.import",
        summary,
        detail,
        terms.into_iter().map(FilterOp::AddTerm).collect(),
    );
    change.check_duplicates = false;
    let done = apply(&state, change).await?;
    Ok(Json(Imported {
        added,
        skipped,
        version: Some(done.version),
    }))
}

/// The live rules.
#[utoipa::path(get, path = "/api/v1/admin/filter/rules", tag = "admin-filter",
    responses((status = 200, body = Vec<StoredRule>)))]
async fn list_rules(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<StoredRule>>> {
    Ok(Json(live_state(&state).await?.rules))
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
async fn add_rule(
    State(state): State<AppState>,
    admin: Admin,
    JsonBody(input): JsonBody<RuleInput>,
) -> Result<(StatusCode, Json<RuleChanged>)> {
    let rule = tuning::new_rule(&input).map_err(ApiError::Validation)?;
    let summary = format!("rule added: {} /{}/", rule.name, rule.pattern);
    let detail = json!({"rule": &rule});
    let done = apply(
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

async fn stored_rule(state: &AppState, id: Option<i64>) -> Result<StoredRule> {
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
async fn get_rule(
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
async fn change_rule(
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
    let done = apply(
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
async fn remove_rule(
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
    let done = apply(
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

/// Settings and the version they belong to.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SettingsView {
    #[schema(value_type = Object)]
    pub settings: FilterSettings,
    pub version: i64,
}

/// Thresholds, signal weights and per-category actions in force.
#[utoipa::path(get, path = "/api/v1/admin/filter/settings", tag = "admin-filter",
    responses((status = 200, body = SettingsView)))]
async fn get_settings(State(state): State<AppState>, _: Admin) -> Result<Json<SettingsView>> {
    let live = live_state(&state).await?;
    Ok(Json(SettingsView {
        settings: live.settings,
        version: live.version,
    }))
}

/// Change settings: a partial object merged over the live settings
/// (`{"hold": 2.5, "signals": {"link": 1}}`; `category_actions` is replaced whole).
#[utoipa::path(put, path = "/api/v1/admin/filter/settings", tag = "admin-filter",
    request_body = Object, responses((status = 200, body = SettingsView), (status = 422, body = ErrorEnvelope)))]
async fn change_settings(
    State(state): State<AppState>,
    admin: Admin,
    JsonBody(patch): JsonBody<serde_json::Value>,
) -> Result<Json<SettingsView>> {
    let live = live_state(&state).await?;
    let next = tuning::merged_settings(&live.settings, &patch).map_err(|message| {
        let mut errors = FieldErrors::default();
        errors.add_detail("settings", FieldCode::Invalid, message);
        ApiError::Validation(errors)
    })?;
    let summary = format!("settings changed: {}", patch);
    let detail = json!({"before": &live.settings, "after": &next});
    let done = apply(
        &state,
        edit(
            &admin,
            "filter.settings",
            summary,
            detail,
            vec![FilterOp::Settings(next.clone())],
        ),
    )
    .await?;
    Ok(Json(SettingsView {
        settings: next,
        version: done.version,
    }))
}

/// Versions, newest first.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct VersionList {
    /// The newest version.
    pub current: i64,
    pub items: Vec<FilterVersion>,
}

/// Filter versions, newest first (`limit` ≤ 500, default 50).
#[utoipa::path(get, path = "/api/v1/admin/filter/versions", tag = "admin-filter",
    responses((status = 200, body = VersionList)))]
async fn list_versions(
    State(state): State<AppState>,
    _: Admin,
    q: QueryPairs,
) -> Result<Json<VersionList>> {
    let mut errors = FieldErrors::default();
    let limit = q.number("limit", &mut errors).unwrap_or(50);
    if !(1..=500).contains(&limit) {
        errors.add("limit", FieldCode::Invalid);
    }
    errors.into_result()?;
    let items = state.store().list_filter_versions(limit).await?;
    Ok(Json(VersionList {
        current: items.first().map(|v| v.version).unwrap_or(0),
        items,
    }))
}

/// What one version changed: the term and rule rows it opened and closed.
#[utoipa::path(get, path = "/api/v1/admin/filter/versions/{n}", tag = "admin-filter",
    params(("n" = i64, Path)), responses((status = 200, body = VersionChanges), (status = 404, body = ErrorEnvelope)))]
async fn get_version(
    State(state): State<AppState>,
    _: Admin,
    Path(n): Path<i64>,
) -> Result<Json<VersionChanges>> {
    Ok(Json(
        state
            .store()
            .filter_version_changes(n)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// A restore.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Restored {
    /// The new version, equal in content to `restored_from`.
    pub version: i64,
    pub restored_from: i64,
}

/// Roll back: a new version whose terms, rules and settings are those of version `n`.
#[utoipa::path(post, path = "/api/v1/admin/filter/versions/{n}/restore", tag = "admin-filter",
    params(("n" = i64, Path)), responses((status = 200, body = Restored), (status = 404, body = ErrorEnvelope)))]
async fn restore_version(
    State(state): State<AppState>,
    admin: Admin,
    Path(n): Path<i64>,
) -> Result<Json<Restored>> {
    let done = apply(
        &state,
        edit(
            &admin,
            "filter.restore",
            format!("restored version {n}"),
            json!({"restored_from": n}),
            vec![FilterOp::Restore(n)],
        ),
    )
    .await?;
    Ok(Json(Restored {
        version: done.version,
        restored_from: n,
    }))
}

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
async fn test_text(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(request): JsonBody<TestRequest>,
) -> Result<Json<TestResult>> {
    let proposal = request.proposal.clone().filter(|p| !p.is_empty());
    let (filter, version) = match &proposal {
        None => (state.live_filter().filter(), state.live_filter().version()),
        Some(proposal) => {
            let live = live_state(&state).await?;
            let version = live.version;
            let next = proposal.apply(&live).map_err(proposal_errors)?;
            let filter = compile(next).await?;
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

async fn compile(state: FilterState) -> Result<crate::filter::Filter> {
    tokio::task::spawn_blocking(move || tuning::compile(&state))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|message| {
            let mut errors = FieldErrors::default();
            errors.add_detail("proposal", FieldCode::Invalid, message);
            ApiError::Validation(errors)
        })
}

fn proposal_errors(errors: Vec<(String, String)>) -> ApiError {
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
async fn run_backtest(
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
    let live = live_state(&state).await?;
    let version = live.version;
    let next = proposal.apply(&live).map_err(proposal_errors)?;
    let current = if state.live_filter().version() == version {
        state.live_filter().filter()
    } else {
        std::sync::Arc::new(compile(live).await?)
    };
    let proposed = compile(next).await?;
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
/// and what moderators decided about those comments.
#[utoipa::path(get, path = "/api/v1/admin/filter/stats", tag = "admin-filter",
    responses((status = 200, body = Statistics)))]
async fn rule_stats(
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
    let live = live_state(&state).await?;
    let comments = state
        .store()
        .replay_window(now - days * DAY_MS, REPLAY_MAX)
        .await?;
    let statistics =
        tokio::task::spawn_blocking(move || stats::collect(&comments, &live, now, days))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(statistics))
}
