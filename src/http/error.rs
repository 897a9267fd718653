//! The one error type of the API and its JSON envelope (DESIGN §3).
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

use crate::i18n::Lang;
use crate::store::StoreError;

/// Result type of handlers.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Every way a request can fail, as the client sees it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
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
            ApiError::Conflict { .. } => "conflict",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_) => StatusCode::BAD_REQUEST,
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

/// What is wrong with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldCode {
    Required,
    TooLong {
        max: usize,
    },
    Invalid,
    InvalidCharacters,
    NotFound,
    /// A word-list entry that normalizes to fewer than two letters.
    TooShort,
    /// A pattern that matches trivial text (it would flag nearly every comment).
    TooBroad,
    /// A pattern whose compiled program is over the size limit.
    TooLarge,
    /// The same entry exists already.
    Duplicate,
}

impl FieldCode {
    pub fn as_str(&self) -> &'static str {
        match self {
            FieldCode::Required => "required",
            FieldCode::TooLong { .. } => "too_long",
            FieldCode::Invalid => "invalid",
            FieldCode::InvalidCharacters => "invalid_characters",
            FieldCode::NotFound => "not_found",
            FieldCode::TooShort => "too_short",
            FieldCode::TooBroad => "too_broad",
            FieldCode::TooLarge => "too_large",
            FieldCode::Duplicate => "duplicate",
        }
    }
}

/// A field error: its code (the message is made per language when rendered) and the
/// specifics, when there are any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub code: FieldCode,
    pub detail: Option<String>,
}

impl From<FieldCode> for FieldError {
    fn from(code: FieldCode) -> Self {
        FieldError { code, detail: None }
    }
}

impl FieldError {
    /// The message for `field` in `lang`, in the wording readers know from Arabic
    /// news sites ("اسم المشترك، حقل إجباري").
    pub fn message(&self, field: &str, lang: Lang) -> String {
        let (label_ar, label_en) = field_label(field);
        match (self.code, lang) {
            (FieldCode::Required, Lang::Ar) => format!("{label_ar}، حقل إجباري"),
            (FieldCode::Required, Lang::En) => format!("{label_en} is required"),
            (FieldCode::TooLong { max }, Lang::Ar) => {
                format!("{label_ar} أطول من المسموح (الحد الأقصى {max} حرف)")
            }
            (FieldCode::TooLong { max }, Lang::En) => {
                format!("{label_en} is too long (at most {max} characters)")
            }
            (FieldCode::Invalid, Lang::Ar) => format!("{label_ar} غير صحيح"),
            (FieldCode::Invalid, Lang::En) => format!("{label_en} is not valid"),
            (FieldCode::InvalidCharacters, Lang::Ar) => {
                format!("{label_ar} يحتوي على رموز غير مسموح بها")
            }
            (FieldCode::InvalidCharacters, Lang::En) => {
                format!("{label_en} contains characters that are not allowed")
            }
            (FieldCode::NotFound, Lang::Ar) => {
                format!("{label_ar} غير موجود أو غير منشور في هذا المقال")
            }
            (FieldCode::NotFound, Lang::En) => {
                format!("{label_en} does not exist or is not published on this article")
            }
            (FieldCode::TooShort, Lang::Ar) => {
                format!("{label_ar}: أقل من حرفين بعد التوحيد، فسيطابق نصوصاً كثيرة جداً")
            }
            (FieldCode::TooShort, Lang::En) => format!(
                "{label_en} has fewer than two letters once normalized; it would match far too much"
            ),
            (FieldCode::TooBroad, Lang::Ar) => {
                format!("{label_ar} يطابق نصاً عادياً جداً فسيوقف كل التعليقات تقريباً")
            }
            (FieldCode::TooBroad, Lang::En) => {
                format!("{label_en} matches trivial text; it would flag almost every comment")
            }
            (FieldCode::TooLarge, Lang::Ar) => format!("{label_ar} أكبر من الحد المسموح"),
            (FieldCode::TooLarge, Lang::En) => format!("{label_en} is over the size limit"),
            (FieldCode::Duplicate, Lang::Ar) => format!("{label_ar} موجود من قبل"),
            (FieldCode::Duplicate, Lang::En) => format!("{label_en} exists already"),
        }
    }
}

/// Arabic and English labels of the submission's fields.
fn field_label(field: &str) -> (&'static str, &'static str) {
    match field {
        "name" => ("اسم المشترك", "Name"),
        "email" => ("البريد الإلكتروني", "Email address"),
        "body" => ("نص التعليق", "Comment"),
        "article" => ("المقال", "Article"),
        "parent" => ("التعليق الأصلي", "The comment you reply to"),
        "captcha" => ("رمز الأمان", "Security code"),
        "website" => ("الموقع", "Website"),
        "form_token" => ("رمز النموذج", "Form token"),
        "term" => ("الكلمة", "The term"),
        "pattern" => ("النمط", "The pattern"),
        "weight" => ("الوزن", "The weight"),
        "category" => ("التصنيف", "The category"),
        "settings" => ("الإعدادات", "The settings"),
        "lines" => ("الأسطر", "The lines"),
        _ => ("الحقل", "This field"),
    }
}

/// Errors per field, collected so one reply names every bad field at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<&'static str, FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, code: FieldCode) {
        self.0
            .entry(field)
            .or_insert(FieldError { code, detail: None });
    }

    /// Records an error with its specifics.
    pub fn add_detail(&mut self, field: &'static str, code: FieldCode, detail: impl Into<String>) {
        self.0.entry(field).or_insert(FieldError {
            code,
            detail: Some(detail.into()),
        });
    }

    /// Keeps the value on success, records the error on failure.
    pub fn take<T>(
        &mut self,
        field: &'static str,
        result: std::result::Result<T, FieldCode>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when no field failed, else the 422.
    pub fn into_result(self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self))
        }
    }
}
