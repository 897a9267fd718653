//! The public comment endpoints: submit, and read an article's approved comments.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ClientIp, NoStore, QueryPairs, SubmissionBody, limit};
use crate::app::AppState;
use crate::config::ModerationMode;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::domain::{
    ArticleKey, CaptchaAnswer, Class, CommentId, NewComment, PublicComment, Status, Submission,
};
use crate::filter::{Context, Input, Reputation};
use crate::gates::captcha;
use crate::gates::ratelimit::client::limit_key;
use crate::gates::ratelimit::{LimitedAction, text_key};
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::secrets::keys::display_prefix;
use crate::store::bans::Submitter;
use crate::store::reports::Reported;
use crate::store::{StoreError, now_ms};

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
    let mut class = None;
    let result = accept(&state, ip, &headers, raw, &mut class).await;
    let outcome = match &result {
        Ok(_) => "accepted",
        Err(err) => err.code(),
    };
    crate::telemetry::metrics::inc(
        "raqib_submissions_total",
        &[
            ("class", class.map(Class::as_str).unwrap_or("none")),
            ("outcome", outcome),
        ],
    );
    result
}

/// The submission path (also the no-JavaScript frame's); `seen` learns the filter's
/// class once there is one.
pub(super) async fn accept(
    state: &AppState,
    ip: std::net::IpAddr,
    headers: &HeaderMap,
    raw: crate::domain::RawSubmission,
    seen: &mut Option<Class>,
) -> Result<(StatusCode, Json<Submitted>)> {
    // Malformed requests stop here, before any quota is spent. A missing security code is
    // one of the field errors; a wrong one is judged only once every field is right, so a
    // reader with a typo in the email keeps the code.
    let mode = state.config().captcha.mode;
    let captcha_missing = mode == captcha::Mode::Always && !raw.has_captcha();
    let submission = match Submission::parse(&raw) {
        Ok(submission) if !captcha_missing => submission,
        Ok(_) => {
            return Err(ApiError::Validation(
                missing_captcha(FieldErrors::default()),
            ));
        }
        Err(errors) if captcha_missing => {
            return Err(ApiError::Validation(missing_captcha(errors)));
        }
        Err(errors) => return Err(ApiError::Validation(errors)),
    };
    if let Some(parent) = submission.parent {
        check_parent(state, parent, submission.article.as_str()).await?;
    }
    limit(state, LimitedAction::SubmitPerIp, limit_key(ip)).await?;
    limit(
        state,
        LimitedAction::SubmitPerEmail,
        text_key(submission.email.canonical()),
    )
    .await?;

    // The submitter's keyed hashes, computed once for bans, reputation and the row.
    let keys = state.keys();
    let now = now_ms();
    let submitter = Submitter {
        email_hash: keys.email_hash(submission.email.canonical()),
        domains: parent_domains(submission.email.domain()),
        ip_hash: Some(keys.ip_hash(ip)),
        net_hash: Some(keys.ip_net_hash(ip)),
    };
    // Bans and closed articles are answered before any captcha is spent.
    // From the replica's copy (at most a second old), not a database round trip each.
    if state.safety().banned(&submitter, now) {
        return Err(ApiError::Banned);
    }
    if state.safety().is_closed(submission.article.as_str()) {
        return Err(ApiError::CommentsClosed);
    }
    let email_hash = submitter.email_hash.clone();
    let article = submission.article.as_str();
    let (by_email, by_ip) = state
        .reputation(&email_hash, submitter.ip_hash.as_deref())
        .await?;
    let context = Context {
        reputation: Reputation {
            approved: by_email.approved.max(0) as u32,
            rejected: (by_email.rejected + by_ip.rejected).max(0) as u32,
            spam: (by_email.spam + by_ip.spam).max(0) as u32,
        },
        elapsed_ms: submission
            .form_token
            .as_deref()
            .and_then(|token| state.screen().elapsed_since_form(token, article, now)),
        author: Some(email_hash.clone()),
        flood: state.limiter().flood(article).await,
        ..Context::default()
    };
    let input = Input {
        body: submission.body.as_str(),
        name: submission.name.as_str(),
        email: submission.email.as_str(),
        website: submission.website.as_deref(),
    };
    let verdict = state.screen().check(&input, context);
    let class = verdict.class;
    *seen = Some(class);
    let verdict_score = verdict.score;
    let captcha_nonce = match mode {
        captcha::Mode::Off => None,
        captcha::Mode::Always => {
            Some(verify_captcha(state, submission.captcha.as_ref(), now).await?)
        }
        captcha::Mode::Adaptive => {
            let required = class != Class::Ok || state.captchas().seen_recently(limit_key(ip));
            if required || submission.captcha.is_some() {
                Some(verify_captcha(state, submission.captcha.as_ref(), now).await?)
            } else {
                None
            }
        }
    };
    let status = arriving_status(state.config().moderation.mode, class);
    let hits = serde_json::to_string(&verdict.hits)
        .map_err(|err| ApiError::Internal(format!("cannot encode hits: {err}")))?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(|ua| ua.chars().take(512).collect());
    let comment = NewComment {
        article: submission.article.as_str().to_string(),
        parent: submission.parent,
        author_name: submission.name.as_str().to_string(),
        author_email: submission.email.as_str().to_string(),
        email_hash,
        ip_hash: submitter.ip_hash,
        ip_net_hash: submitter.net_hash,
        ip_prefix: Some(display_prefix(ip)),
        user_agent,
        body: submission.body.as_str().to_string(),
        status,
        class,
        score: f64::from(verdict_score),
        hits,
        body_key: verdict.body_key,
        created_at: now,
        captcha_nonce,
    };
    let id = state
        .store()
        .insert_comment(comment)
        .await
        .map_err(|err| match err {
            StoreError::ParentInvalid => parent_not_found(),
            StoreError::NonceSpent => ApiError::CaptchaInvalid,
            other => other.into(),
        })?;
    tracing::Span::current().record("comment_id", id);
    tracing::Span::current().record("class", class.as_str());
    if status == Status::Approved {
        // Published on arrival (post-moderation): the article's pages changed.
        state.pages().invalidate();
    }
    if matches!(class, Class::Hold | Class::Spam)
        && let Some(webhook) = state.webhook()
    {
        webhook.notify(crate::jobs::webhook::Event {
            event: "comment.queued".into(),
            id,
            article: submission.article.as_str().to_string(),
            class,
            status,
            score: f64::from(verdict_score),
            created_at: crate::store::rfc3339(now),
        });
    }
    if class == Class::Block {
        // Stored for audit and back-tests, never public; the reader is told plainly.
        return Err(ApiError::ContentBlocked);
    }
    // Spam is answered like pending: spammers learn nothing.
    let shown = if status == Status::Approved {
        Status::Approved
    } else {
        Status::Pending
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(Submitted {
            id,
            status: shown.as_str().to_string(),
        }),
    ))
}

fn missing_captcha(mut errors: FieldErrors) -> FieldErrors {
    errors.add("captcha", FieldCode::Required);
    errors
}

/// Checks a security-code answer. A wrong answer burns the challenge at once; a right one
/// is returned to be burned with the comment, in one transaction.
async fn verify_captcha(
    state: &AppState,
    answer: Option<&CaptchaAnswer>,
    now: i64,
) -> Result<(String, i64)> {
    let Some(answer) = answer else {
        return Err(ApiError::CaptchaRequired);
    };
    match state.captchas().check(&answer.id, &answer.answer, now) {
        Ok(challenge) => Ok((challenge.nonce, challenge.expires_at)),
        Err((_, Some(challenge))) => {
            state
                .store()
                .burn_nonce(&challenge.nonce, challenge.expires_at)
                .await?;
            Err(ApiError::CaptchaInvalid)
        }
        Err((_, None)) => Err(ApiError::CaptchaInvalid),
    }
}

/// `a.b.example.com` → `a.b.example.com`, `b.example.com`, `example.com` (at most four).
fn parent_domains(domain: &str) -> Vec<String> {
    let labels: Vec<&str> = domain.split('.').collect();
    (0..labels.len().saturating_sub(1))
        .map(|i| labels[i..].join("."))
        .take(4)
        .collect()
}

/// Where a comment of `class` starts, by moderation mode: `ok` waits in `pre` and is published in `post`; `hold` always waits; `spam` and `block` go to their own statuses.
pub fn arriving_status(mode: ModerationMode, class: Class) -> Status {
    match (class, mode) {
        (Class::Ok, ModerationMode::Post) => Status::Approved,
        (Class::Ok | Class::Hold, _) => Status::Pending,
        (Class::Spam, _) => Status::Spam,
        (Class::Block, _) => Status::Blocked,
    }
}

async fn check_parent(state: &AppState, parent: CommentId, article: &str) -> Result<()> {
    match state.store().get_comment(parent).await? {
        Some(p) if p.article == article && p.status == Status::Approved => Ok(()),
        _ => Err(parent_not_found()),
    }
}

fn parent_not_found() -> ApiError {
    let mut errors = FieldErrors::default();
    errors.add("parent", FieldCode::NotFound);
    ApiError::Validation(errors)
}

/// A page of an article's approved comments.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CommentPage {
    pub comments: Vec<PublicComment>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
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
    })
    .map_err(|err| ApiError::Internal(format!("cannot encode a page: {err}")))?;
    let page = axum::body::Bytes::from(page);
    state.pages().put(key, generation, page.clone());
    Ok(json_bytes(page))
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
    fn arriving_status_follows_the_design_table() {
        use Class::*;
        use ModerationMode::*;
        let table = [
            (Ok, Pre, Status::Pending),
            (Hold, Pre, Status::Pending),
            (Spam, Pre, Status::Spam),
            (Block, Pre, Status::Blocked),
            (Ok, Post, Status::Approved),
            (Hold, Post, Status::Pending),
            (Spam, Post, Status::Spam),
            (Block, Post, Status::Blocked),
        ];
        for (class, mode, want) in table {
            assert_eq!(arriving_status(mode, class), want, "{class:?} in {mode:?}");
        }
    }

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
    let token = state.screen().form_token(article.as_str(), now_ms());
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
    limit(&state, LimitedAction::Report, limit_key(ip)).await?;
    let send_back_at = (state.config().moderation.mode == ModerationMode::Post)
        .then(|| i64::from(state.config().moderation.reports_to_pending.max(1)));
    let reason = request.reason.map(|r| r.chars().take(500).collect());
    match state
        .store()
        .report(id, state.keys().ip_hash(ip), reason, now_ms(), send_back_at)
        .await?
    {
        Reported::NotFound => Err(ApiError::NotFound),
        Reported::Counted {
            sent_back: true, ..
        } => {
            // Taken down for review: readers must not be served it from memory.
            state.pages().invalidate();
            Ok((
                StatusCode::ACCEPTED,
                Json(ReportReceived { reported: true }),
            ))
        }
        Reported::Again | Reported::Counted { .. } => Ok((
            StatusCode::ACCEPTED,
            Json(ReportReceived { reported: true }),
        )),
    }
}
