//! The validation vocabulary: what can be wrong with one field of untrusted input, and
//! the errors of every bad field collected so one reply can name them all. It knows no
//! transport: the HTTP layer maps [`FieldErrors`] to the 422 envelope.

use std::collections::BTreeMap;

use super::lang::Lang;
use super::plural::{CHARACTERS, counted};

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
                let most = counted(lang, max as u64, &CHARACTERS);
                format!("{label_ar} أطول من المسموح (الحد الأقصى {most})")
            }
            (FieldCode::TooLong { max }, Lang::En) => {
                let most = counted(lang, max as u64, &CHARACTERS);
                format!("{label_en} is too long (at most {most})")
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
        "decisions" => ("القرارات", "The decisions"),
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

    /// `Ok(())` when no field failed, else every error at once.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}
