//! Moderation endpoints: the queue, decisions (one or many), claims, and the audit log.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::extract::Path;

use super::auth::Moderator;
use super::extract::{JsonBody, QueryPairs};
use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::domain::{Class, Email, Status};
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::claim;
use crate::moderation::decide::{self, Action, Decided};
use crate::moderation::refusal::Refusal;
use crate::store::accounts::{AuditFilter, AuditRecord};
use crate::store::moderation::{History, QueueFilter, QueueItem, Sort};
use crate::store::{now_ms, rfc3339};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/moderation/audit", get(audit_log))
        .merge(queue_router())
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
    let since = query.number("since", &mut errors);
    let until = query.number("until", &mut errors);
    let before_id = query.number("before", &mut errors);
    let limit = query
        .number("limit", &mut errors)
        .unwrap_or(100)
        .clamp(1, 500) as u32;
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

/// The queue and decisions.
pub fn queue_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/moderation/queue", get(queue))
        .route(
            "/api/v1/moderation/comments/{id}/decision",
            axum::routing::post(decide),
        )
        .route(
            "/api/v1/moderation/decisions",
            axum::routing::post(decide_many),
        )
        .route("/api/v1/moderation/claims", axum::routing::post(claim_next))
        .route(
            "/api/v1/moderation/claims/{id}",
            axum::routing::delete(release),
        )
        .route(
            "/api/v1/moderation/comments/{id}/claim",
            axum::routing::post(claim_one),
        )
}

/// A comment in the queue: everything a moderator needs to decide.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct QueueEntry {
    pub id: i64,
    pub article: String,
    pub parent: Option<i64>,
    pub name: String,
    pub email: String,
    pub body: String,
    pub status: Status,
    pub class: Class,
    pub score: f64,
    /// The filter's hits, with spans (UTF-8 byte offsets into `body`, or into `name` for
    /// `field: name`).
    pub hits: serde_json::Value,
    pub report_count: i64,
    /// Who holds a live claim on it, if anyone.
    pub claimed_by: Option<String>,
    pub claim_expires_at: Option<String>,
    pub decided_by: Option<String>,
    /// When it was last decided, RFC 3339 (null: never).
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// The same canonical email's decided comments.
    pub history_email: History,
    /// The same IP's decided comments.
    pub history_ip: History,
    pub ip_prefix: Option<String>,
    pub created_at: String,
}

fn entry(item: QueueItem, now: i64) -> QueueEntry {
    let c = item.comment;
    let live = item.claim_expires_at.is_some_and(|t| t > now);
    QueueEntry {
        id: c.id,
        article: c.article,
        parent: c.parent,
        name: c.author_name,
        email: c.author_email,
        body: c.body,
        status: c.status,
        class: c.class,
        score: c.score,
        hits: serde_json::from_str(&c.hits).unwrap_or_default(),
        report_count: item.report_count,
        claimed_by: item.claim_holder.filter(|_| live),
        claim_expires_at: item.claim_expires_at.filter(|_| live).map(rfc3339),
        decided_by: item.decided_by,
        decided_at: item.decided_at.map(rfc3339),
        reason: item.reason_code,
        note: item.moderator_note,
        history_email: item.by_email,
        history_ip: item.by_ip,
        ip_prefix: c.ip_prefix,
        created_at: rfc3339(c.created_at),
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueEntry>,
    pub next_cursor: Option<String>,
}

/// The moderation queue.
#[utoipa::path(get, path = "/api/v1/moderation/queue", tag = "moderation",
    params(
        ("status" = Option<String>, Query, description = "default `pending`; `any` for all"),
        ("class" = Option<String>, Query), ("article" = Option<String>, Query),
        ("email" = Option<String>, Query, description = "author's email (any spelling of it)"),
        ("ip_hash" = Option<String>, Query), ("reported" = Option<bool>, Query),
        ("reason" = Option<String>, Query, description = "held for this reason: a hit category, e.g. `insult`, `spam_phrase`"),
        ("since" = Option<i64>, Query, description = "Unix ms"), ("until" = Option<i64>, Query),
        ("q" = Option<String>, Query, description = "text search on the normalized text (harakat-insensitive)"),
        ("sort" = Option<String>, Query, description = "`oldest` (default), `newest`, `score`"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"), ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = QueuePage), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn queue(
    State(state): State<AppState>,
    _: Moderator,
    query: QueryPairs,
) -> Result<Json<QueuePage>> {
    let filter = queue_filter(&state, &query)?;
    let limit = filter.limit as usize - 1;
    let mut items = state.store().queue(&filter).await?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|i| {
            let key = match filter.sort {
                Sort::Score => i.comment.score,
                _ => i.comment.created_at as f64,
            };
            encode_cursor(key, i.comment.id)
        })
    } else {
        None
    };
    let now = now_ms();
    Ok(Json(QueuePage {
        items: items.into_iter().map(|i| entry(i, now)).collect(),
        next_cursor,
    }))
}

/// The queue's query string, every bad parameter named at once. The filter asks for one
/// row more than the page, to know whether there is a next page.
fn queue_filter(
    state: &AppState,
    query: &QueryPairs,
) -> std::result::Result<QueueFilter, FieldErrors> {
    let mut errors = FieldErrors::default();
    let status = match query.get("status") {
        None | Some("") => Some(Status::Pending),
        Some("any") => None,
        Some(s) => errors
            .take(
                "status",
                Status::parse(s).map(Some).ok_or(FieldCode::Invalid),
            )
            .flatten(),
    };
    let class = match query.get("class") {
        None | Some("") => None,
        Some(c) => errors.take("class", Class::parse(c).ok_or(FieldCode::Invalid)),
    };
    let sort = match query.get("sort") {
        None | Some("") | Some("oldest") => Sort::Oldest,
        Some("newest") => Sort::Newest,
        Some("score") => Sort::Score,
        Some(_) => {
            errors.add("sort", FieldCode::Invalid);
            Sort::Oldest
        }
    };
    let reason = match query.get("reason") {
        None | Some("") => None,
        Some(r) => errors.take(
            "reason",
            crate::filter::model::from_word::<crate::filter::Category>(r).ok_or(FieldCode::Invalid),
        ),
    };
    let email_hash = match query.get("email") {
        None | Some("") => None,
        Some(e) => errors
            .take("email", Email::parse(e))
            .map(|e| state.secrets().email_hash(e.canonical())),
    };
    let since = query.number("since", &mut errors);
    let until = query.number("until", &mut errors);
    let limit = query
        .number("limit", &mut errors)
        .unwrap_or(50)
        .clamp(1, 200) as u32;
    let after = match query.get("cursor").filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => errors.take("cursor", decode_cursor(c).ok_or(FieldCode::Invalid)),
    };
    errors.into_result()?;
    let words = query
        .get("q")
        .map(crate::filter::search::query_words)
        .unwrap_or_default();
    Ok(QueueFilter {
        status,
        class,
        article: query
            .get("article")
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        email_hash,
        ip_hash: query
            .get("ip_hash")
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        reported: matches!(query.get("reported"), Some("true" | "1")),
        reason,
        since,
        until,
        words,
        sort,
        after,
        limit: limit + 1,
    })
}

fn encode_cursor(key: f64, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("q1:{key}:{id}"))
}

fn decode_cursor(raw: &str) -> Option<(f64, i64)> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.strip_prefix("q1:")?.rsplitn(2, ':');
    let id = parts.next()?.parse().ok()?;
    let key = parts.next()?.parse().ok()?;
    Some((key, id))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionRequest {
    pub action: Action,
    /// Refuse with 409 if the comment is no longer in this status.
    pub expected_status: Option<Status>,
    /// A reason code (e.g. `insult`, `off_topic`, `spam`, `legal`).
    pub reason: Option<String>,
    /// A note for colleagues.
    pub note: Option<String>,
    /// Decide even under another moderator's live claim.
    #[serde(default)]
    pub r#override: bool,
}

/// Decide one comment.
#[utoipa::path(post, path = "/api/v1/moderation/comments/{id}/decision", tag = "moderation",
    params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200, body = QueueEntry), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "`conflict` with `current`: moved by someone else, claimed by another, or not a move from its status", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all, fields(comment_id = id))]
async fn decide(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<DecisionRequest>,
) -> Result<Json<QueueEntry>> {
    let request = decide::Request {
        id,
        action: request.action,
        expected: request.expected_status,
        actor: caller.user.username.clone(),
        reason: request.reason,
        note: request.note,
        override_claim: request.r#override,
    };
    match decide::decide(&state, request).await? {
        Decided::Done => {
            let item = state
                .store()
                .queue_items(&[id])
                .await?
                .into_iter()
                .next()
                .ok_or(ApiError::NotFound)?;
            Ok(Json(entry(item, now_ms())))
        }
        Decided::NotFound => Err(ApiError::NotFound),
        Decided::Conflict => Err(conflict(&state, id).await?),
    }
}

async fn conflict(state: &AppState, id: i64) -> Result<ApiError> {
    let current = state.store().queue_items(&[id]).await?.into_iter().next();
    Ok(ApiError::Conflict {
        current: current.map(|i| serde_json::to_value(entry(i, now_ms())).unwrap_or_default()),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct BulkRequest {
    pub ids: Vec<i64>,
    pub action: Action,
    pub reason: Option<String>,
    /// The status each comment had when the moderator saw it (`{"12": "pending"}`): a
    /// comment a colleague has moved since is reported as a conflict, not overruled.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub expected: std::collections::HashMap<i64, Status>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BulkResult {
    pub id: i64,
    /// `ok`, `conflict` or `not_found`.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BulkResponse {
    pub results: Vec<BulkResult>,
}

/// Decide many comments; a result per id.
#[utoipa::path(post, path = "/api/v1/moderation/decisions", tag = "moderation", request_body = BulkRequest,
    responses((status = 200, body = BulkResponse), (status = 422, body = ErrorEnvelope)))]
async fn decide_many(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    JsonBody(request): JsonBody<BulkRequest>,
) -> Result<Json<BulkResponse>> {
    let decided = decide::decide_many(
        &state,
        &request.ids,
        request.action,
        request.reason,
        &request.expected,
        &caller.user.username,
    )
    .await?;
    let mut results = Vec::with_capacity(decided.len());
    for (id, outcome) in decided {
        let current = match outcome {
            Decided::Conflict => match conflict(&state, id).await? {
                ApiError::Conflict { current } => current,
                _ => None,
            },
            Decided::Done | Decided::NotFound => None,
        };
        let outcome = match outcome {
            Decided::Done => "ok",
            Decided::NotFound => "not_found",
            Decided::Conflict => "conflict",
        };
        results.push(BulkResult {
            id,
            outcome: outcome.into(),
            current,
        });
    }
    Ok(Json(BulkResponse { results }))
}

#[derive(Deserialize, ToSchema)]
pub struct ClaimRequestBody {
    /// How many comments to claim (1–100).
    pub count: u32,
    pub status: Option<Status>,
    pub class: Option<Class>,
    pub article: Option<String>,
}

/// Claim the next unclaimed comments (leases of 5 minutes); two moderators asking at once
/// never get the same comment.
#[utoipa::path(post, path = "/api/v1/moderation/claims", tag = "moderation", request_body = ClaimRequestBody,
    responses((status = 200, body = QueuePage)))]
async fn claim_next(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    JsonBody(request): JsonBody<ClaimRequestBody>,
) -> Result<Json<QueuePage>> {
    let now = now_ms();
    let next = claim::Next {
        holder: caller.user.username.clone(),
        count: request.count,
        status: request.status,
        class: request.class,
        article: request.article,
    };
    let ids = claim::claim_next(&state, next).await?;
    let items = state.store().queue_items(&ids).await?;
    Ok(Json(QueuePage {
        items: items.into_iter().map(|i| entry(i, now)).collect(),
        next_cursor: None,
    }))
}

/// Claim one comment.
#[utoipa::path(post, path = "/api/v1/moderation/comments/{id}/claim", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 200, body = QueueEntry), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
async fn claim_one(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
) -> Result<Json<QueueEntry>> {
    match claim::claim_one(&state, id, &caller.user.username).await {
        Err(Refusal::Conflict { .. }) => Err(conflict(&state, id).await?),
        Err(refusal) => Err(refusal.into()),
        Ok(()) => {
            let item = state
                .store()
                .queue_items(&[id])
                .await?
                .into_iter()
                .next()
                .ok_or(ApiError::NotFound)?;
            Ok(Json(entry(item, now_ms())))
        }
    }
}

/// Release one's claim (admins may release anyone's).
#[utoipa::path(delete, path = "/api/v1/moderation/claims/{id}", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
async fn release(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
) -> Result<axum::http::StatusCode> {
    let any = caller.user.role == crate::auth::Role::Admin;
    claim::release(&state, id, &caller.user.username, any).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
