//! Moderators' tools beyond single comments: bans (with "ban the author and mark their
//! pending comments spam" in one call), closing an article's comments, and the stats.

use crate::http::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Moderator;
use super::extract::JsonBody;
use crate::app::AppState;
use crate::domain::ArticleKey;
use crate::domain::errors::FieldErrors;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::{ban, close};
use crate::store::bans::Ban;
use crate::store::now_ms;
use crate::store::stats::Stats;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/moderation/bans", get(list_bans).post(add_ban))
        .route("/api/v1/moderation/bans/{id}", delete(lift_ban))
        .route(
            "/api/v1/moderation/articles/{article}/closed",
            post(close).delete(reopen),
        )
        .route("/api/v1/moderation/stats", get(stats))
}

/// Active bans (hashes, with a label a person can read).
#[utoipa::path(get, path = "/api/v1/moderation/bans", tag = "moderation", responses((status = 200, body = Vec<Ban>)))]
async fn list_bans(State(state): State<AppState>, _: Moderator) -> Result<Json<Vec<Ban>>> {
    Ok(Json(state.store().list_bans(now_ms()).await?))
}

/// Who to ban: name exactly one of `comment_id` (its author's email and address),
/// `email`, `domain` or `ip`.
#[derive(Deserialize, ToSchema)]
pub struct BanRequest {
    pub comment_id: Option<i64>,
    pub email: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    /// With an IPv6 `ip` or a `comment_id`: ban the whole /64.
    #[serde(default)]
    pub whole_network: bool,
    pub reason: Option<String>,
    pub expires_in_days: Option<u32>,
    /// Also mark every pending comment of this author spam.
    #[serde(default)]
    pub mark_pending_spam: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BanResult {
    pub bans: Vec<Ban>,
    /// Pending comments marked spam.
    pub marked_spam: usize,
}

/// Ban an author, an email domain or an address.
#[utoipa::path(post, path = "/api/v1/moderation/bans", tag = "moderation", request_body = BanRequest,
    responses((status = 201, body = BanResult), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn add_ban(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    JsonBody(request): JsonBody<BanRequest>,
) -> Result<(StatusCode, Json<BanResult>)> {
    let request = ban::Request {
        comment_id: request.comment_id,
        email: request.email,
        domain: request.domain,
        ip: request.ip,
        whole_network: request.whole_network,
        reason: request.reason,
        expires_in_days: request.expires_in_days,
        mark_pending_spam: request.mark_pending_spam,
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

/// Lift a ban.
#[utoipa::path(delete, path = "/api/v1/moderation/bans/{id}", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
async fn lift_ban(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    ban::lift(&state, id, &caller.user.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Close comments on an article (new ones get 403 `comments_closed`).
#[utoipa::path(post, path = "/api/v1/moderation/articles/{article}/closed", tag = "moderation",
    params(("article" = String, Path, description = "Article key (percent-encoded)")),
    responses((status = 204), (status = 422, body = ErrorEnvelope)))]
async fn close(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(article): Path<String>,
) -> Result<StatusCode> {
    let article = ArticleKey::parse(&article).map_err(|code| {
        let mut errors = FieldErrors::default();
        errors.add("article", code);
        ApiError::Validation(errors)
    })?;
    close::close(&state, &article, &caller.user.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reopen comments on an article.
#[utoipa::path(delete, path = "/api/v1/moderation/articles/{article}/closed", tag = "moderation",
    params(("article" = String, Path)), responses((status = 204)))]
async fn reopen(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(article): Path<String>,
) -> Result<StatusCode> {
    close::reopen(&state, &article, &caller.user.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Counts by status and class, the age of the oldest pending comment, decisions per
/// moderator per day, and articles under the flood guard.
#[utoipa::path(get, path = "/api/v1/moderation/stats", tag = "moderation", responses((status = 200, body = Stats)))]
async fn stats(State(state): State<AppState>, _: Moderator) -> Result<Json<Stats>> {
    let mut stats = state.store().stats(now_ms()).await?;
    stats.flooded_articles = state.limiter().flooded_articles();
    Ok(Json(stats))
}
