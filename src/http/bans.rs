//! Bans: preview what banning a comment's author would touch, ban (the author's email;
//! their address only when asked), list and search, see what a ban caught, extend, and
//! lift (optionally putting back what its sweep marked spam).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Moderator;
use super::extract::{JsonBody, Path, QueryPairs};
use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::domain::{CommentId, Email};
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::ban;
use crate::moderation::ban_preview::{self, BanDetail, BanPreview};
use crate::store::bans::{Ban, BanQuery};
use crate::store::now_ms;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/moderation/bans", get(list_bans).post(add_ban))
        .route("/api/v1/moderation/bans/preview", get(preview_ban))
        .route(
            "/api/v1/moderation/bans/{id}",
            get(get_ban).patch(extend_ban).delete(lift_ban),
        )
        .route("/api/v1/moderation/bans/{id}/lift", post(lift_and_restore))
}

/// Bans in force, newest first (`all=true`: lifted and expired ones too). `q` searches
/// the label, the reason and who made it; an email or an address in `q` also finds the
/// ban on it exactly.
#[utoipa::path(get, path = "/api/v1/moderation/bans", tag = "moderation",
    params(("q" = Option<String>, Query), ("all" = Option<bool>, Query),
        ("limit" = Option<u32>, Query, description = "1–500, default 200")),
    responses((status = 200, body = Vec<Ban>), (status = 422, body = ErrorEnvelope)))]
async fn list_bans(
    State(state): State<AppState>,
    _: Moderator,
    query: QueryPairs,
) -> Result<Json<Vec<Ban>>> {
    let mut errors = FieldErrors::default();
    let limit = query
        .number("limit", &mut errors)
        .unwrap_or(200)
        .clamp(1, 500);
    errors.into_result()?;
    let search = query.get("q").map(|q| q.trim().to_string());
    let value = search.as_deref().and_then(|q| searched_value(&state, q));
    let bans = state
        .store()
        .search_bans(BanQuery {
            search,
            value,
            all: query.get("all") == Some("true"),
            now: now_ms(),
            limit,
        })
        .await?;
    Ok(Json(bans))
}

/// The keyed hash a ban on this email or address holds, so a search finds it exactly.
fn searched_value(state: &AppState, q: &str) -> Option<String> {
    if let Ok(ip) = q.parse::<std::net::IpAddr>() {
        return Some(state.secrets().ip_hash(ip));
    }
    let email = Email::parse(q).ok()?;
    Some(state.secrets().email_hash(email.canonical()))
}

/// What banning the author of `comment_id` would touch: their pending comments (the
/// ones `mark_pending_spam` marks), and other people's comments from their address.
#[utoipa::path(get, path = "/api/v1/moderation/bans/preview", tag = "moderation",
    params(("comment_id" = i64, Query)),
    responses((status = 200, body = BanPreview), (status = 422, body = ErrorEnvelope)))]
async fn preview_ban(
    State(state): State<AppState>,
    _: Moderator,
    query: QueryPairs,
) -> Result<Json<BanPreview>> {
    let mut errors = FieldErrors::default();
    let id = query.number("comment_id", &mut errors);
    if id.is_none() && errors.is_empty() {
        errors.add("comment_id", FieldCode::Required);
    }
    errors.into_result()?;
    let id = id.unwrap_or_default();
    Ok(Json(ban_preview::preview(&state, id).await?))
}

/// `ip` in a ban request: an address to ban, or (with `comment_id`) `true` to ban the
/// author's address as well as their email.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum IpField {
    AuthorAddress(bool),
    Address(String),
}

/// Who to ban: name exactly one of `comment_id` (its author's email; their address too
/// with `ip: true`, their IPv6 /64 with `whole_network`), `email`, `domain` or `ip` (an
/// address).
#[derive(Deserialize, ToSchema)]
pub struct BanRequest {
    pub comment_id: Option<i64>,
    pub email: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<IpField>,
    /// With an IPv6 `ip` or a `comment_id`: ban the whole /64.
    #[serde(default)]
    pub whole_network: bool,
    pub reason: Option<String>,
    /// 1–3650; absent: permanent (address bans: 7 days).
    pub expires_in_days: Option<u32>,
    /// For the address ban of a `comment_id` ban, when it should differ (default 7).
    pub address_expires_in_days: Option<u32>,
    /// Also mark this author's pending comments (same email, never others from the same
    /// address) spam.
    #[serde(default)]
    pub mark_pending_spam: bool,
    /// With `mark_pending_spam`: only these of them (the ones the preview showed).
    pub sweep_ids: Option<Vec<CommentId>>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BanResult {
    pub bans: Vec<Ban>,
    /// Pending comments marked spam.
    pub marked_spam: usize,
}

/// Ban an author, an email, an email domain or an address.
#[utoipa::path(post, path = "/api/v1/moderation/bans", tag = "moderation", request_body = BanRequest,
    responses((status = 201, body = BanResult), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn add_ban(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    JsonBody(request): JsonBody<BanRequest>,
) -> Result<(StatusCode, Json<BanResult>)> {
    let (ip, author_address) = match request.ip {
        Some(IpField::Address(ip)) => (Some(ip), false),
        Some(IpField::AuthorAddress(yes)) => (None, yes),
        None => (None, false),
    };
    let request = ban::Request {
        comment_id: request.comment_id,
        email: request.email,
        domain: request.domain,
        ip,
        author_address,
        whole_network: request.whole_network,
        reason: request.reason,
        expires_in_days: request.expires_in_days,
        address_expires_in_days: request.address_expires_in_days,
        mark_pending_spam: request.mark_pending_spam,
        sweep_ids: request.sweep_ids,
        actor: caller.user.username.clone(),
    };
    let banned = ban::add(&state, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(BanResult {
            bans: banned.bans,
            marked_spam: banned.marked_spam,
        }),
    ))
}

/// A ban (standing or not), what it caught and the comments its sweep marked spam.
#[utoipa::path(get, path = "/api/v1/moderation/bans/{id}", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 200, body = BanDetail), (status = 404, body = ErrorEnvelope)))]
async fn get_ban(
    State(state): State<AppState>,
    _: Moderator,
    Path(id): Path<i64>,
) -> Result<Json<BanDetail>> {
    Ok(Json(ban_preview::detail(&state, id).await?))
}

/// A new end for a standing ban: `expires_in_days` from now, or `permanent`.
#[derive(Deserialize, ToSchema)]
pub struct ExtendRequest {
    pub expires_in_days: Option<u32>,
    #[serde(default)]
    pub permanent: bool,
}

/// Extend (or shorten) a standing ban, counted from now.
#[utoipa::path(patch, path = "/api/v1/moderation/bans/{id}", tag = "moderation", params(("id" = i64, Path)),
    request_body = ExtendRequest,
    responses((status = 200, body = Ban), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn extend_ban(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<ExtendRequest>,
) -> Result<Json<Ban>> {
    let days = match (request.permanent, request.expires_in_days) {
        (true, None) => None,
        (false, Some(days)) => Some(days),
        _ => {
            let mut errors = FieldErrors::default();
            errors.add("expires_in_days", FieldCode::Required);
            return Err(ApiError::Validation(errors));
        }
    };
    let ban = ban::set_expiry(&state, id, days, &caller.user.username).await?;
    Ok(Json(ban))
}

/// Lift a ban.
#[utoipa::path(delete, path = "/api/v1/moderation/bans/{id}", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
async fn lift_ban(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    ban::lift(&state, id, false, &caller.user.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How to lift a ban.
#[derive(Deserialize, ToSchema)]
pub struct LiftRequest {
    /// Put the comments its sweep marked spam (those still spam) back to pending.
    #[serde(default)]
    pub restore: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct LiftResult {
    /// Comments put back to pending.
    pub restored: usize,
}

/// Lift a ban, optionally putting back what its sweep marked spam.
#[utoipa::path(post, path = "/api/v1/moderation/bans/{id}/lift", tag = "moderation", params(("id" = i64, Path)),
    request_body = LiftRequest,
    responses((status = 200, body = LiftResult), (status = 404, body = ErrorEnvelope)))]
async fn lift_and_restore(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<LiftRequest>,
) -> Result<Json<LiftResult>> {
    let restored = ban::lift(&state, id, request.restore, &caller.user.username).await?;
    Ok(Json(LiftResult { restored }))
}
