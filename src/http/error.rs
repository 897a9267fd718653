//! The one error type of the API and its JSON envelope (the API contract in ARCHITECTURE.md).
//!
//! ```json
//! {"error": {"code": "validation_failed", "message": "…",
//!            "fields": {"name": {"code": "required", "message": "اسم المشترك، حقل إجباري"}}}}
//! ```
//! `code` is stable for programs, `message` follows the request's language. A 5xx never
//! carries internal detail: the cause is logged once, here, and the client sees `internal`.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::errors::FieldErrors;
use crate::domain::lang::Lang;
use crate::moderation::refusal::Refusal;
use crate::store::StoreError;

/// Result type of handlers.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Every way a request can fail, as the client sees it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    #[error("invalid form: {0}")]
    InvalidForm(String),
    #[error("invalid query string: {0}")]
    InvalidQuery(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("validation failed: {0:?}")]
    Validation(FieldErrors),
    #[error("captcha required")]
    CaptchaRequired,
    #[error("captcha invalid")]
    CaptchaInvalid,
    #[error("rate limited for {retry_after}s")]
    RateLimited { retry_after: u64 },
    #[error("banned")]
    Banned,
    #[error("comments closed")]
    CommentsClosed,
    #[error("content blocked")]
    ContentBlocked,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// Signed in, but a new password must be chosen before anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict")]
    Conflict { current: Option<serde_json::Value> },
    #[error("overloaded, retry in {retry_after}s")]
    Overloaded { retry_after: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::InvalidForm(_) => "invalid_form",
            ApiError::InvalidQuery(_) => "invalid_query",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::Validation(_) => "validation_failed",
            ApiError::CaptchaRequired => "captcha_required",
            ApiError::CaptchaInvalid => "captcha_invalid",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Banned => "banned",
            ApiError::CommentsClosed => "comments_closed",
            ApiError::ContentBlocked => "content_blocked",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::PasswordChangeRequired => "password_change_required",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict { .. } => "conflict",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_) => StatusCode::BAD_REQUEST,
            ApiError::InvalidForm(_) => StatusCode::BAD_REQUEST,
            ApiError::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::CaptchaRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::CaptchaInvalid => StatusCode::BAD_REQUEST,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Banned => StatusCode::FORBIDDEN,
            ApiError::CommentsClosed => StatusCode::FORBIDDEN,
            ApiError::ContentBlocked => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The human message in `lang`.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            ApiError::InvalidJson(_) => lang.pick(
                "تعذّرت قراءة الطلب: صيغة JSON غير صحيحة",
                "The request body is not valid JSON",
            ),
            ApiError::InvalidForm(_) => lang.pick(
                "تعذّرت قراءة النموذج: فيه حروف بترميز غير صحيح",
                "The form could not be read: it holds text that is not valid UTF-8",
            ),
            ApiError::InvalidQuery(_) => lang.pick(
                "تعذّرت قراءة معاملات الرابط: فيها حروف بترميز غير صحيح",
                "The query string could not be read: it holds text that is not valid UTF-8",
            ),
            ApiError::UnsupportedMediaType => lang.pick(
                "نوع المحتوى غير مدعوم؛ أرسل JSON أو نموذجاً",
                "Unsupported content type; send JSON or a form",
            ),
            ApiError::PayloadTooLarge => {
                lang.pick("حجم الطلب أكبر من المسموح", "The request is too large")
            }
            ApiError::Validation(_) => lang.pick(
                "بعض الحقول تحتاج إلى تصحيح",
                "Some fields need to be corrected",
            ),
            ApiError::CaptchaRequired => {
                lang.pick("يرجى إدخال رمز الأمان", "Please enter the security code")
            }
            ApiError::CaptchaInvalid => lang.pick(
                "رمز الأمان غير صحيح أو منتهي الصلاحية، يرجى المحاولة برمز جديد",
                "The security code is wrong or has expired; please try a new one",
            ),
            ApiError::RateLimited { .. } => lang.pick(
                "طلبات كثيرة في وقت قصير، يرجى المحاولة لاحقاً",
                "Too many requests; please try again later",
            ),
            ApiError::Banned => lang.pick(
                "لا يمكنك التعليق حالياً",
                "You cannot post comments at the moment",
            ),
            ApiError::CommentsClosed => lang.pick(
                "التعليقات مغلقة على هذا المقال",
                "Comments are closed on this article",
            ),
            ApiError::ContentBlocked => lang.pick(
                "لا يمكن نشر هذا التعليق لأنه يخالف شروط المشاركة",
                "This comment cannot be published because it breaks the commenting rules",
            ),
            ApiError::Unauthorized => lang.pick("يجب تسجيل الدخول", "Authentication required"),
            ApiError::Forbidden => lang.pick(
                "ليست لديك صلاحية لهذا الإجراء",
                "You are not allowed to do this",
            ),
            ApiError::PasswordChangeRequired => lang.pick(
                "يجب اختيار كلمة مرور جديدة أولاً",
                "Choose a new password first",
            ),
            ApiError::NotFound => lang.pick("غير موجود", "Not found"),
            ApiError::MethodNotAllowed => lang.pick(
                "هذا الإجراء غير مسموح به على هذا العنوان",
                "This method is not allowed on this address",
            ),
            ApiError::Conflict { .. } => lang.pick(
                "تغيّر هذا العنصر في أثناء ذلك",
                "This item was changed in the meantime",
            ),
            ApiError::Overloaded { .. } => lang.pick(
                "الخدمة مشغولة الآن، يرجى المحاولة بعد قليل",
                "The service is busy; please try again shortly",
            ),
            ApiError::Internal(_) => lang.pick(
                "حدث خطأ داخلي، يرجى المحاولة لاحقاً",
                "Internal error; please try again later",
            ),
        }
    }

    /// The envelope in `lang`.
    pub fn envelope(&self, lang: Lang) -> ErrorEnvelope {
        let fields = match self {
            ApiError::Validation(fields) => Some(
                fields
                    .0
                    .iter()
                    .map(|(name, err)| {
                        (
                            name.to_string(),
                            FieldErrorBody {
                                code: err.code.as_str().to_string(),
                                message: err.message(name, lang),
                                detail: err.detail.clone(),
                            },
                        )
                    })
                    .collect(),
            ),
            _ => None,
        };
        let current = match self {
            ApiError::Conflict { current } => current.clone(),
            _ => None,
        };
        ErrorEnvelope {
            error: ErrorBody {
                code: self.code().to_string(),
                message: self.message(lang).to_string(),
                fields,
                current,
            },
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after } | ApiError::Overloaded { retry_after } => {
                Some((*retry_after).max(1))
            }
            _ => None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict => ApiError::Conflict { current: None },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            // Logged once, here; the client gets the opaque envelope.
            tracing::error!(error = %cause, "request failed");
        }
        let lang = Lang::current();
        let mut response = (self.status(), axum::Json(self.envelope(lang))).into_response();
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The JSON error envelope.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The body of the envelope.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable code, e.g. `validation_failed`.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// Message in the request's language.
    pub message: String,
    /// Per-field errors (only with `validation_failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, FieldErrorBody>>,
    /// The resource as it is now (only with `conflict`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
}

/// One bad field.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct FieldErrorBody {
    /// `required`, `too_long`, `invalid`, `invalid_characters`, `not_found`, `too_short`,
    /// `too_broad`, `too_large` or `duplicate`.
    pub code: String,
    pub message: String,
    /// The specifics, when there are any (a regex compiler's message, the line of an
    /// import), in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Validation(errors)
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(errors) => ApiError::Validation(errors),
            Refusal::RateLimited { retry_after } => ApiError::RateLimited { retry_after },
            Refusal::Banned => ApiError::Banned,
            Refusal::CommentsClosed => ApiError::CommentsClosed,
            Refusal::CaptchaRequired => ApiError::CaptchaRequired,
            Refusal::CaptchaInvalid => ApiError::CaptchaInvalid,
            Refusal::ContentBlocked => ApiError::ContentBlocked,
            Refusal::Unauthorized => ApiError::Unauthorized,
            Refusal::NotFound => ApiError::NotFound,
            Refusal::Conflict { current } => ApiError::Conflict { current },
            Refusal::Store(err) => err.into(),
        }
    }
}
