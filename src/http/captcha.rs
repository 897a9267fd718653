//! `GET /api/v1/captcha`: a security-code challenge, as a picture or (`?kind=text`) as a
//! question in words in the reader's language.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ClientIp, NoStore, QueryPairs, limit};
use crate::app::AppState;
use crate::domain::lang::Lang;
use crate::gates::captcha::Issued;
use crate::gates::ratelimit::LimitedAction;
use crate::gates::ratelimit::client::limit_key;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::store::now_ms;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/captcha",
        get(issue).options(super::comments::preflight),
    )
}

/// A challenge: send `id` back with the reader's answer.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CaptchaChallenge {
    pub id: String,
    /// `data:image/png;base64,…` (picture challenges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The question in words (`kind=text`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Seconds the challenge may be answered.
    pub expires_in: u64,
}

/// Issue a security-code challenge (single use: every answer burns it).
#[utoipa::path(
    get, path = "/api/v1/captcha", tag = "public",
    params(("kind" = Option<String>, Query, description = "`text` for a question in words instead of a picture")),
    responses(
        (status = 200, body = CaptchaChallenge, description = "`Cache-Control: no-store`"),
        (status = 429, description = "`rate_limited`", body = ErrorEnvelope),
        (status = 503, description = "`overloaded`: no challenge ready, try again (`Retry-After`)", body = ErrorEnvelope),
    )
)]
#[tracing::instrument(skip_all)]
async fn issue(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    query: QueryPairs,
) -> Result<NoStore<CaptchaChallenge>> {
    limit(&state, LimitedAction::Captcha, limit_key(ip)).await?;
    let captchas = state.captchas();
    let now = now_ms();
    let issued = match query.get("kind") {
        Some("text") => captchas.issue_question(Lang::current(), now),
        _ => captchas
            .issue_image(now)
            .await
            .map_err(|_| ApiError::Overloaded { retry_after: 1 })?,
    };
    let expires_in = captchas.ttl().as_secs();
    let body = match issued {
        Issued::Image { id, png } => CaptchaChallenge {
            id,
            image: Some(format!("data:image/png;base64,{}", STANDARD.encode(png))),
            question: None,
            expires_in,
        },
        Issued::Question { id, question } => CaptchaChallenge {
            id,
            image: None,
            question: Some(question),
            expires_in,
        },
    };
    Ok(NoStore(body))
}
