//! Why a use case said no, in the workflow's own words. Each refusal has a stable code
//! (the same codes the API's error envelope carries) and no transport: the HTTP layer
//! maps it to a status and the envelope, the iframe to a page, the CLI to a message.

use crate::domain::errors::FieldErrors;
use crate::gates::ratelimit::{LimitedAction, Limiter};
use crate::store::StoreError;

/// A use case refused, or could not finish.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// One or more fields are malformed; every bad field is named.
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// A quota is spent; try again after this many seconds.
    #[error("rate limited for {retry_after}s")]
    RateLimited { retry_after: u64 },
    /// The submitter (email, address, network or email domain) is banned.
    #[error("banned")]
    Banned,
    /// Comments are closed on the article.
    #[error("comments closed")]
    CommentsClosed,
    /// The security code is needed and was not given.
    #[error("captcha required")]
    CaptchaRequired,
    /// The security code is unknown, spent, expired or wrong.
    #[error("captcha invalid")]
    CaptchaInvalid,
    /// The filter blocks the text; it is stored for audit, never public.
    #[error("content blocked")]
    ContentBlocked,
    /// Not signed in, or the name or password is wrong.
    #[error("unauthorized")]
    Unauthorized,
    /// The thing acted on does not exist.
    #[error("not found")]
    NotFound,
    /// Someone else changed it first; `current` is how it is now, when known.
    #[error("conflict")]
    Conflict { current: Option<serde_json::Value> },
    /// The store failed (the cause is for the log, never for the client).
    #[error("store: {0}")]
    Store(StoreError),
}

impl Refusal {
    /// The stable code programs branch on (and metrics count by).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Invalid(_) => "validation_failed",
            Refusal::RateLimited { .. } => "rate_limited",
            Refusal::Banned => "banned",
            Refusal::CommentsClosed => "comments_closed",
            Refusal::CaptchaRequired => "captcha_required",
            Refusal::CaptchaInvalid => "captcha_invalid",
            Refusal::ContentBlocked => "content_blocked",
            Refusal::Unauthorized => "unauthorized",
            Refusal::NotFound => "not_found",
            Refusal::Conflict { .. } => "conflict",
            Refusal::Store(_) => "internal",
        }
    }

    /// What went wrong in English, for a log line, a job's outcome or the command line: a
    /// field's specifics where it has them.
    pub fn describe(&self) -> String {
        match self {
            Refusal::Invalid(fields) => fields
                .0
                .iter()
                .map(|(field, e)| {
                    e.detail
                        .clone()
                        .unwrap_or_else(|| e.message(field, crate::domain::lang::Lang::En))
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        }
    }

    /// One bad field.
    pub fn field(field: &'static str, code: crate::domain::errors::FieldCode) -> Refusal {
        let mut errors = FieldErrors::default();
        errors.add(field, code);
        Refusal::Invalid(errors)
    }
}

impl From<StoreError> for Refusal {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Refusal::NotFound,
            StoreError::Conflict => Refusal::Conflict { current: None },
            other => Refusal::Store(other),
        }
    }
}

impl From<FieldErrors> for Refusal {
    fn from(errors: FieldErrors) -> Self {
        Refusal::Invalid(errors)
    }
}

/// Spends one of `action`'s quota for `key`: past it, `RateLimited` with the wait.
pub async fn spend(limiter: &Limiter, action: LimitedAction, key: u128) -> Result<(), Refusal> {
    limiter
        .check(action, key)
        .await
        .map_err(|retry_after| Refusal::RateLimited { retry_after })
}
