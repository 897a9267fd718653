//! A submitted comment: the raw fields as they arrived (JSON or form), and the parsed
//! submission with every field checked at once.

use super::errors::{FieldCode, FieldErrors};

use super::comment::CommentId;
use super::email::Email;
use super::fields::{ArticleKey, AuthorName, CommentBody};

/// The fields of `POST /api/v1/comments` as strings, before any check. Fields that
/// arrived with the wrong JSON type are listed in `wrong_type`.
#[derive(Clone, Debug, Default)]
pub struct RawSubmission {
    pub article: Option<String>,
    pub parent: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub body: Option<String>,
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
    pub form_token: Option<String>,
    pub website: Option<String>,
    pub wrong_type: Vec<&'static str>,
}

impl RawSubmission {
    /// Both parts of a security-code answer are present.
    pub fn has_captcha(&self) -> bool {
        let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        given(&self.captcha_id) && given(&self.captcha_answer)
    }
}

/// The reader's answer to a security-code challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptchaAnswer {
    pub id: String,
    pub answer: String,
}

/// A submission whose every field is well-formed.
#[derive(Clone, Debug)]
pub struct Submission {
    pub article: ArticleKey,
    pub parent: Option<CommentId>,
    pub name: AuthorName,
    pub email: Email,
    pub body: CommentBody,
    pub captcha: Option<CaptchaAnswer>,
    pub form_token: Option<String>,
    /// The honeypot field: humans leave it empty.
    pub website: Option<String>,
}

impl Submission {
    /// Checks every field and reports all bad ones together.
    pub fn parse(raw: &RawSubmission) -> Result<Submission, FieldErrors> {
        let mut errors = FieldErrors::default();
        for field in &raw.wrong_type {
            errors.add(field, FieldCode::Invalid);
        }
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let article = errors.take("article", ArticleKey::parse(&text(&raw.article)));
        let name = errors.take("name", AuthorName::parse(&text(&raw.name)));
        let email = errors.take("email", Email::parse(&text(&raw.email)));
        let body = errors.take("body", CommentBody::parse(&text(&raw.body)));
        let parent = errors.take("parent", parse_parent(raw.parent.as_deref()));
        let captcha = match (&raw.captcha_id, &raw.captcha_answer) {
            (Some(id), Some(answer)) if !id.trim().is_empty() => Some(CaptchaAnswer {
                id: id.trim().to_string(),
                answer: answer.clone(),
            }),
            _ => None,
        };
        let non_empty = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        match (article, name, email, body, parent) {
            (Some(article), Some(name), Some(email), Some(body), Some(parent))
                if errors.is_empty() =>
            {
                Ok(Submission {
                    article,
                    parent,
                    name,
                    email,
                    body,
                    captcha,
                    form_token: non_empty(&raw.form_token),
                    website: non_empty(&raw.website),
                })
            }
            _ => Err(errors),
        }
    }
}

fn parse_parent(raw: Option<&str>) -> Result<Option<CommentId>, FieldCode> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => match text.parse::<CommentId>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(FieldCode::Invalid),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(name: &str, email: &str, body: &str) -> RawSubmission {
        RawSubmission {
            article: Some("/news/1".into()),
            name: Some(name.into()),
            email: Some(email.into()),
            body: Some(body.into()),
            ..Default::default()
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = Submission::parse(&raw("", "not-an-email", "")).unwrap_err();
        let fields: Vec<_> = errors.0.keys().copied().collect();
        assert_eq!(fields, vec!["body", "email", "name"]);
        assert_eq!(errors.0["name"].code, FieldCode::Required);
        assert_eq!(errors.0["email"].code, FieldCode::Invalid);
    }

    #[test]
    fn a_parent_must_be_a_positive_id() {
        for (parent, ok) in [
            ("12", true),
            (" 7 ", true),
            ("0", false),
            ("-3", false),
            ("x", false),
            ("", true),
        ] {
            let mut submission = raw("سالم", "salem@example.com", "نص");
            submission.parent = Some(parent.into());
            assert_eq!(
                Submission::parse(&submission).is_ok(),
                ok,
                "parent {parent:?}"
            );
        }
    }

    #[test]
    fn a_field_of_the_wrong_json_type_is_invalid() {
        let mut submission = raw("سالم", "salem@example.com", "نص");
        submission.wrong_type.push("name");
        let errors = Submission::parse(&submission).unwrap_err();
        assert_eq!(errors.0["name"].code, FieldCode::Invalid);
    }
}
