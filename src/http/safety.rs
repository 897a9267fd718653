//! Moderators' tools beyond single comments: bans (with "ban the author and mark their
//! pending comments spam" in one call), closing an article's comments, and the stats.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::auth::{Moderator, audit};
use super::extract::JsonBody;
use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::domain::{ArticleKey, Email, Status};
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::secrets::keys::display_prefix;
use crate::store::bans::{Ban, BanKind, NewBan};
use crate::store::moderation::{Decision, Outcome};
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
    let keys = state.keys();
    let now = now_ms();
    let named = [
        request.comment_id.is_some(),
        request.email.is_some(),
        request.domain.is_some(),
        request.ip.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let mut errors = FieldErrors::default();
    if named != 1 {
        errors.add("comment_id", FieldCode::Required);
    }
    // (kind, value, label) of each ban to add, and whose pending comments to mark.
    let mut targets: Vec<(BanKind, String, String)> = Vec::new();
    let mut author: Option<(String, Option<String>)> = None;
    if let Some(id) = request.comment_id {
        let comment = state
            .store()
            .get_comment(id)
            .await?
            .ok_or(ApiError::NotFound)?;
        targets.push((
            BanKind::Email,
            comment.email_hash.clone(),
            mask_email(&comment.author_email),
        ));
        if let Some(ip) = &comment.ip_hash {
            targets.push((
                BanKind::Ip,
                ip.clone(),
                comment.ip_prefix.clone().unwrap_or_default(),
            ));
        }
        if request.whole_network
            && let Some(net) = &comment.ip_net_hash
        {
            targets.push((
                BanKind::Net,
                net.clone(),
                comment.ip_prefix.clone().unwrap_or_default(),
            ));
        }
        author = Some((comment.email_hash, comment.ip_hash));
    }
    if let Some(email) = &request.email
        && let Some(email) = errors.take("email", Email::parse(email))
    {
        let hash = keys.email_hash(email.canonical());
        targets.push((BanKind::Email, hash.clone(), mask_email(email.as_str())));
        author = Some((hash, None));
    }
    if let Some(domain) = &request.domain {
        let domain = domain.trim().trim_start_matches('@').to_ascii_lowercase();
        if domain.contains('.') && Email::parse(&format!("x@{domain}")).is_ok() {
            targets.push((BanKind::Domain, domain.clone(), domain));
        } else {
            errors.add("domain", FieldCode::Invalid);
        }
    }
    if let Some(ip) = &request.ip {
        match ip.trim().parse::<std::net::IpAddr>() {
            Ok(ip) if request.whole_network && ip.is_ipv6() => {
                targets.push((BanKind::Net, keys.ip_net_hash(ip), display_prefix(ip)))
            }
            Ok(ip) => targets.push((BanKind::Ip, keys.ip_hash(ip), display_prefix(ip))),
            Err(_) => errors.add("ip", FieldCode::Invalid),
        }
    }
    errors.into_result()?;
    let expires_at = request
        .expires_in_days
        .map(|d| now + i64::from(d) * 86_400_000);
    let mut bans = Vec::new();
    for (kind, value, label) in targets {
        let ban = state
            .store()
            .add_ban(NewBan {
                kind,
                value,
                label: Some(label),
                reason: request.reason.clone(),
                by: caller.user.username.clone(),
                now,
                expires_at,
            })
            .await?;
        audit(
            &state,
            &caller.user.username,
            "ban.add",
            Some(format!("ban:{}", ban.id)),
            Some((
                json!(null),
                json!({"kind": ban.kind, "label": ban.label, "reason": ban.reason}),
            )),
        )
        .await;
        bans.push(ban);
    }
    // In force for this replica's next submission; the others reload within a second.
    state.refresh_safety().await?;
    let mut marked_spam = 0;
    if request.mark_pending_spam
        && let Some((email_hash, ip_hash)) = author
    {
        for id in state
            .store()
            .pending_of(&email_hash, ip_hash.as_deref())
            .await?
        {
            let decision = Decision {
                id,
                to: Status::Spam,
                from: &[Status::Pending],
                expected: Some(Status::Pending),
                actor: caller.user.username.clone(),
                action: "comment.spam",
                reason: Some("banned_author".into()),
                note: None,
                override_claim: true,
                now,
            };
            if matches!(state.decide(decision).await?, Outcome::Done(_)) {
                marked_spam += 1;
            }
        }
    }
    Ok((StatusCode::CREATED, Json(BanResult { bans, marked_spam })))
}

/// `reader@example.com` → `r*****@example.com`.
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}*****@{domain}")
        }
        None => "*****".into(),
    }
}

/// Lift a ban.
#[utoipa::path(delete, path = "/api/v1/moderation/bans/{id}", tag = "moderation", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
async fn lift_ban(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    if !state.store().lift_ban(id, now_ms()).await? {
        return Err(ApiError::NotFound);
    }
    state.refresh_safety().await?;
    audit(
        &state,
        &caller.user.username,
        "ban.lift",
        Some(format!("ban:{id}")),
        None,
    )
    .await;
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
    let now = now_ms();
    if state
        .store()
        .close_article(
            article.as_str().to_string(),
            caller.user.username.clone(),
            now,
        )
        .await?
    {
        state.refresh_safety().await?;
        audit(
            &state,
            &caller.user.username,
            "article.close",
            Some(format!("article:{}", article.as_str())),
            None,
        )
        .await;
    }
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
    let article = article.trim().to_string();
    if state.store().reopen_article(article.clone()).await? {
        state.refresh_safety().await?;
        audit(
            &state,
            &caller.user.username,
            "article.reopen",
            Some(format!("article:{article}")),
            None,
        )
        .await;
    }
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
