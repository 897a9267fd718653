//! The public comment endpoints: submit, and read an article's approved comments.

use crate::http::extract::Path;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ClientIp, NoStore, QueryPairs, SubmissionBody, limit};
use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::domain::{ArticleKey, CommentId, PublicComment};
use crate::gates::ratelimit::LimitedAction;
use crate::gates::ratelimit::client::limit_key;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::{receipt, submit};
use crate::store::now_ms;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/comments", post(submit).options(preflight))
        .route(
            "/api/v1/articles/{article}/comments",
            get(list).options(preflight),
        )
        .route("/api/v1/form-token", get(form_token).options(preflight))
        .route(
            "/api/v1/comments/{id}/report",
            post(report).options(preflight),
        )
        .route(
            "/api/v1/comments/{id}/status",
            get(comment_status).options(preflight),
        )
}

/// A CORS preflight that reached the route: the CORS layer around the reader routes
/// answers allowed origins before this runs; anyone else gets an empty 204.
pub(super) async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The body of `POST /api/v1/comments` (JSON; a form uses the same names, with
/// `captcha_id` and `captcha_answer`).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct SubmitRequest {
    /// Page key or URL path of the article, 1–512 characters.
    #[schema(example = "/news/2026/11/29/oil-prices")]
    article: String,
    /// Id of the approved comment of the same article this replies to.
    parent: Option<CommentId>,
    /// 1–80 characters.
    #[schema(example = "أبو فهد")]
    name: String,
    /// Never published.
    #[schema(example = "reader@example.com")]
    email: String,
    /// 1–5,000 characters; line breaks kept; stored as text, never as HTML.
    body: String,
    captcha: Option<CaptchaField>,
    /// Token from `GET /api/v1/form-token`, for the time-to-submit signal.
    form_token: Option<String>,
    /// Honeypot: humans leave it empty.
    website: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct CaptchaField {
    id: String,
    answer: String,
}

/// A comment was accepted (and committed).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Submitted {
    pub id: CommentId,
    /// `pending` (awaits moderation) or `approved` (published at once, `post` mode).
    #[schema(example = "pending")]
    pub status: String,
    /// Lets this browser ask `GET /api/v1/comments/{id}/status?receipt=` later (the
    /// widget keeps a pending comment visible to its author until it is decided).
    pub receipt: String,
}

/// Submit a comment.
#[utoipa::path(
    post, path = "/api/v1/comments", tag = "public",
    request_body(content(
        (SubmitRequest = "application/json"),
        (SubmitRequest = "application/x-www-form-urlencoded")
    )),
    responses(
        (status = 202, description = "Stored; awaits moderation or is published", body = Submitted),
        (status = 400, description = "`invalid_json`, or `captcha_invalid` (unknown, spent, expired or wrong)", body = ErrorEnvelope),
        (status = 403, description = "`banned` or `comments_closed`", body = ErrorEnvelope),
        (status = 413, description = "`payload_too_large`", body = ErrorEnvelope),
        (status = 415, description = "`unsupported_media_type`", body = ErrorEnvelope),
        (status = 422, description = "`validation_failed` with every bad field, or `content_blocked`", body = ErrorEnvelope),
        (status = 428, description = "`captcha_required` (adaptive mode)", body = ErrorEnvelope),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorEnvelope),
        (status = 503, description = "`overloaded`", body = ErrorEnvelope),
    )
)]
#[tracing::instrument(skip_all, fields(comment_id, class))]
async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    SubmissionBody(raw): SubmissionBody,
) -> Result<(StatusCode, Json<Submitted>)> {
    let request = submit::Request {
        raw,
        ip,
        user_agent: user_agent(&headers),
    };
    let accepted = submit::submit(&state, request).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Submitted {
            id: accepted.id,
            status: accepted.shown.as_str().to_string(),
            receipt: state.secrets().receipt(accepted.id),
        }),
    ))
}

/// The client's `User-Agent`, when it is readable text.
pub(super) fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// A page of an article's approved comments, and what the form should show.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CommentPage {
    pub comments: Vec<PublicComment>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Comments are closed on the article: show that instead of the form.
    #[serde(default)]
    pub closed: bool,
    /// When the server asks for a security code: `always`, `adaptive` (only when it
    /// answers 428 `captcha_required`) or `off`.
    #[schema(example = "always")]
    #[serde(default)]
    pub captcha: String,
    /// The longest comment body, in characters (grapheme clusters).
    #[serde(default)]
    pub body_max: usize,
}

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 100;

/// Approved comments of an article, oldest first, as a flat list (thread by `parent`).
#[utoipa::path(
    get, path = "/api/v1/articles/{article}/comments", tag = "public",
    params(
        ("article" = String, Path, description = "Article key (percent-encoded)"),
        ("limit" = Option<u32>, Query, description = "1–100, default 50"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, body = CommentPage),
        (status = 422, description = "bad `limit` or `cursor`", body = ErrorEnvelope),
        (status = 429, description = "`rate_limited`", body = ErrorEnvelope),
    )
)]
#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(article): Path<String>,
    query: QueryPairs,
) -> Result<axum::response::Response> {
    let mut errors = FieldErrors::default();
    let article = errors.take("article", ArticleKey::parse(&article));
    let page_size = errors.take("limit", parse_limit(query.get("limit")));
    let after = errors.take("cursor", decode_cursor(query.get("cursor")));
    errors.into_result()?;
    limit(&state, LimitedAction::Read, limit_key(ip)).await?;
    let limit = page_size;
    let (Some(article), Some(limit), Some(after)) = (article, limit, after) else {
        return Err(ApiError::Internal("unreachable: fields checked".into()));
    };
    let key = (article.as_str().to_string(), after, limit);
    if let Some(page) = state.pages().get(&key) {
        return Ok(json_bytes(page));
    }
    let generation = state.pages().generation();
    let mut comments = crate::telemetry::metrics::timed(
        "raqib_db_read_seconds",
        &[("query", "public_page")],
        state
            .store()
            .list_public(article.as_str(), after, limit + 1),
    )
    .await?;
    let next_cursor = if comments.len() > limit as usize {
        comments.truncate(limit as usize);
        comments.last().map(|c| encode_cursor(c.id))
    } else {
        None
    };
    let page = serde_json::to_vec(&CommentPage {
        comments,
        next_cursor,
        closed: state.restrictions().is_closed(article.as_str()),
        captcha: crate::filter::model::to_word(&state.config().captcha.mode),
        body_max: crate::domain::CommentBody::MAX_GRAPHEMES,
    })
    .map_err(|err| ApiError::Internal(format!("cannot encode a page: {err}")))?;
    let page = axum::body::Bytes::from(page);
    state.pages().put(key, generation, page.clone());
    Ok(json_bytes(page))
}

/// Where a comment stands, as its author may know it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CommentStatus {
    /// `pending` (awaits review), `published`, or `removed` (refused, or gone).
    #[schema(example = "pending")]
    pub status: String,
}

/// Whether the comment this browser posted still awaits review. Answers only to the
/// `receipt` given when it was accepted (404 otherwise, as for a comment that does not
/// exist), so nobody else learns anything of it.
#[utoipa::path(
    get, path = "/api/v1/comments/{id}/status", tag = "public",
    params(("id" = i64, Path), ("receipt" = String, Query, description = "`receipt` of the submission")),
    responses(
        (status = 200, body = CommentStatus),
        (status = 404, description = "`not_found`: no such comment, or not this receipt", body = ErrorEnvelope),
        (status = 429, description = "`rate_limited`", body = ErrorEnvelope),
    )
)]
async fn comment_status(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    query: QueryPairs,
) -> Result<Json<CommentStatus>> {
    limit(&state, LimitedAction::Read, limit_key(ip)).await?;
    let receipt = query.get("receipt").unwrap_or("");
    let status = receipt::status_for_author(&state, id, receipt).await?;
    Ok(Json(CommentStatus {
        status: status.to_string(),
    }))
}

fn json_bytes(body: axum::body::Bytes) -> axum::response::Response {
    use axum::response::IntoResponse;
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn parse_limit(raw: Option<&str>) -> std::result::Result<u32, FieldCode> {
    match raw {
        None | Some("") => Ok(DEFAULT_PAGE),
        Some(text) => match text.trim().parse::<u32>() {
            Ok(0) | Err(_) => Err(FieldCode::Invalid),
            Ok(n) => Ok(n.min(MAX_PAGE)),
        },
    }
}

fn encode_cursor(last: CommentId) -> String {
    URL_SAFE_NO_PAD.encode(format!("c1:{last}"))
}

fn decode_cursor(raw: Option<&str>) -> std::result::Result<Option<CommentId>, FieldCode> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("c1:")?.parse::<CommentId>().ok())
        .filter(|id| *id >= 0)
        .map(Some)
        .ok_or(FieldCode::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(Some(&encode_cursor(42))), Ok(Some(42)));
        assert_eq!(decode_cursor(None), Ok(None));
        assert_eq!(decode_cursor(Some("!!")), Err(FieldCode::Invalid));
        assert_eq!(decode_cursor(Some("MTIz")), Err(FieldCode::Invalid));
    }

    #[test]
    fn limits_default_cap_and_refuse_nonsense() {
        assert_eq!(parse_limit(None), Ok(50));
        assert_eq!(parse_limit(Some("10")), Ok(10));
        assert_eq!(parse_limit(Some("1000")), Ok(100));
        assert_eq!(parse_limit(Some("0")), Err(FieldCode::Invalid));
        assert_eq!(parse_limit(Some("ten")), Err(FieldCode::Invalid));
    }
}

/// A form token for `article`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct FormToken {
    /// Send back as `form_token` with the comment.
    pub token: String,
}

/// A token recording when the comment form was served (for the time-to-submit signal).
#[utoipa::path(
    get, path = "/api/v1/form-token", tag = "public",
    params(("article" = String, Query, description = "Article key")),
    responses(
        (status = 200, body = FormToken),
        (status = 422, description = "missing or bad `article`", body = ErrorEnvelope),
        (status = 429, description = "`rate_limited`", body = ErrorEnvelope),
    )
)]
async fn form_token(
    State(state): State<AppState>,
    query: QueryPairs,
) -> Result<NoStore<FormToken>> {
    let mut errors = FieldErrors::default();
    let article = errors.take(
        "article",
        ArticleKey::parse(query.get("article").unwrap_or("")),
    );
    errors.into_result()?;
    let Some(article) = article else {
        return Err(ApiError::Internal("unreachable: article checked".into()));
    };
    let token = state.live_filter().form_token(article.as_str(), now_ms());
    Ok(NoStore(FormToken { token }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ReportRequest {
    /// Why (free text, optional).
    pub reason: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReportReceived {
    pub reported: bool,
}

/// A reader flags a published comment (once per address; rate-limited).
#[utoipa::path(post, path = "/api/v1/comments/{id}/report", tag = "public", params(("id" = i64, Path)),
    request_body(content = ReportRequest, description = "optional"),
    responses((status = 202, body = ReportReceived), (status = 404, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
async fn report(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<CommentId>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ReportReceived>)> {
    let request: ReportRequest = if body.is_empty() {
        ReportRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::InvalidJson(e.to_string()))?
    };
    crate::moderation::report::report(&state, id, ip, request.reason).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ReportReceived { reported: true }),
    ))
}
