//! The no-JavaScript embed: `/embed/frame?article=…` renders an article's approved
//! comments and the comment form on the server, for an `<iframe>`. The form posts back
//! here as a plain HTML form (`name`, `email`, `body`, `captcha_id`, `captcha_answer`)
//! and goes through exactly the submission path of the API; the answer is a small page
//! that says what happened (or the form again, with the errors beside their fields and
//! what the reader typed kept).
//!
//! Everything from readers is escaped; the page loads no script at all.

use std::fmt::Write;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;

use super::extract::{ClientIp, QueryPairs, form_pairs};
use crate::app::AppState;
use crate::domain::lang::Lang;
use crate::domain::{ArticleKey, PublicComment, RawSubmission, Status};
use crate::gates::captcha::{Issued, Mode};
use crate::http::error::ApiError;
use crate::moderation::submit;
use crate::store::now_ms;

pub fn router() -> Router<AppState> {
    Router::new().route("/embed/frame", get(show).post(post))
}

/// What the reader typed, kept when the form comes back with errors.
#[derive(Default, serde::Deserialize)]
struct Typed {
    article: Option<String>,
    lang: Option<String>,
    name: Option<String>,
    email: Option<String>,
    body: Option<String>,
    website: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
    form_token: Option<String>,
}

fn lang_of(raw: Option<&str>) -> Lang {
    match raw {
        Some(l) if l.starts_with("en") => Lang::En,
        _ => Lang::Ar,
    }
}

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The frame may be shown inside the host pages of `allowed_origins` (and this origin).
fn csp(state: &AppState) -> String {
    let ancestors = state
        .config()
        .allowed_origins
        .iter()
        .map(|o| if o == "*" { "*".to_string() } else { o.clone() })
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'self' {ancestors}"
    )
}

fn html(state: &AppState, status: axum::http::StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::CONTENT_SECURITY_POLICY, csp(state)),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        body,
    )
        .into_response()
}

fn head(lang: Lang, title: &str) -> String {
    let (code, dir) = match lang {
        Lang::Ar => ("ar", "rtl"),
        Lang::En => ("en", "ltr"),
    };
    format!(
        "<!doctype html><html lang=\"{code}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/frame.css\"></head><body class=\"raqib-frame\">",
        esc(title)
    )
}

async fn show(State(state): State<AppState>, query: QueryPairs) -> Result<Response, ApiError> {
    let lang = lang_of(query.get("lang"));
    let article =
        ArticleKey::parse(query.get("article").unwrap_or("")).map_err(|_| ApiError::NotFound)?;
    let page = render(&state, lang, article.as_str(), &Typed::default(), &[], None).await?;
    Ok(html(&state, axum::http::StatusCode::OK, page))
}

async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let typed = Typed::from_form(&body)?;
    let lang = lang_of(typed.lang.as_deref());
    let request = submit::Request {
        raw: typed.raw_submission(),
        ip,
        user_agent: super::comments::user_agent(&headers),
    };
    match lang.scope(submit::submit(&state, request)).await {
        Ok(accepted) => Ok(thanks(&state, lang, &typed, accepted)),
        Err(refusal) => refused(&state, lang, &typed, refusal.into()).await,
    }
}

impl Typed {
    /// The posted form; one whose text is not UTF-8 is refused whole.
    fn from_form(body: &[u8]) -> Result<Typed, ApiError> {
        let mut typed = Typed::default();
        for (key, value) in form_pairs(body).map_err(ApiError::InvalidForm)? {
            let slot = match key.as_str() {
                "article" => &mut typed.article,
                "lang" => &mut typed.lang,
                "name" => &mut typed.name,
                "email" => &mut typed.email,
                "body" => &mut typed.body,
                "website" => &mut typed.website,
                "captcha_id" => &mut typed.captcha_id,
                "captcha_answer" => &mut typed.captcha_answer,
                "form_token" => &mut typed.form_token,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        Ok(typed)
    }

    /// The form's fields as a submission (the frame posts no replies).
    fn raw_submission(&self) -> RawSubmission {
        RawSubmission {
            article: self.article.clone(),
            parent: None,
            name: self.name.clone(),
            email: self.email.clone(),
            body: self.body.clone(),
            captcha_id: self.captcha_id.clone(),
            captcha_answer: self.captcha_answer.clone(),
            form_token: self.form_token.clone(),
            website: self.website.clone(),
            wrong_type: Vec::new(),
        }
    }
}

/// The page after an accepted comment: published, or awaiting moderation, with a link
/// back to the comments.
fn thanks(state: &AppState, lang: Lang, typed: &Typed, accepted: submit::Accepted) -> Response {
    let (title, message) = if accepted.shown == Status::Approved {
        (
            lang.pick("تم النشر", "Published"),
            lang.pick(
                "شكراً لك، نُشر تعليقك.",
                "Thank you: your comment is published.",
            ),
        )
    } else {
        (
            lang.pick("بانتظار المراجعة", "Awaiting moderation"),
            lang.pick(
                "شكراً لك، تعليقك بانتظار المراجعة وسيظهر بعد موافقة المشرفين.",
                "Thank you: your comment awaits moderation and will appear once approved.",
            ),
        )
    };
    let article = typed.article.clone().unwrap_or_default();
    let back = format!(
        "/embed/frame?article={}&lang={}",
        form_urlencoded::byte_serialize(article.as_bytes()).collect::<String>(),
        match lang {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    );
    let mut page = head(lang, title);
    let _ = write!(
        page,
        "<main><p class=\"raqib-status\" role=\"status\" data-raqib=\"status\">{}</p>\
         <p><a href=\"{}\">{}</a></p></main></body></html>",
        esc(message),
        esc(&back),
        lang.pick("العودة إلى التعليقات", "Back to the comments")
    );
    html(state, axum::http::StatusCode::OK, page)
}

/// The form again, with the reader's input kept: field errors beside their fields, a
/// security-code error beside the code, anything else above the form.
async fn refused(
    state: &AppState,
    lang: Lang,
    typed: &Typed,
    err: ApiError,
) -> Result<Response, ApiError> {
    let article = typed.article.clone().unwrap_or_default();
    let (errors, notice) = match &err {
        ApiError::Validation(fields) => (
            fields
                .0
                .iter()
                .map(|(field, e)| (field.to_string(), e.message(field, lang)))
                .collect(),
            None,
        ),
        ApiError::CaptchaInvalid | ApiError::CaptchaRequired => (
            vec![("captcha".to_string(), err.message(lang).to_string())],
            None,
        ),
        ApiError::Internal(_) => return Err(err),
        ApiError::RateLimited { retry_after } => {
            (Vec::new(), Some((err.message(lang), Some(*retry_after))))
        }
        _ => (Vec::new(), Some((err.message(lang), None))),
    };
    let page = render(state, lang, &article, typed, &errors, notice).await?;
    Ok(html(state, err.status(), page))
}

/// The comments and the form.
async fn render(
    state: &AppState,
    lang: Lang,
    article: &str,
    typed: &Typed,
    errors: &[(String, String)],
    notice: Option<(&str, Option<u64>)>,
) -> Result<String, ApiError> {
    let comments = state.store().list_public(article, None, 100).await?;
    let mut page = head(lang, lang.pick("التعليقات", "Comments"));
    page.push_str("<main>");
    if let Some((message, retry)) = notice {
        let _ = write!(
            page,
            "<p class=\"raqib-error\" role=\"alert\">{}",
            esc(message)
        );
        if let Some(seconds) = retry {
            let _ = write!(
                page,
                " {}",
                esc(&match lang {
                    Lang::Ar => format!("(حاول مجدداً بعد {seconds} ثانية)"),
                    Lang::En => format!("(try again in {seconds} s)"),
                })
            );
        }
        page.push_str("</p>");
    }
    render_comments(&mut page, lang, &comments);
    render_form(state, &mut page, lang, article, typed, errors).await;
    page.push_str("</main></body></html>");
    Ok(page)
}

fn render_comments(page: &mut String, lang: Lang, comments: &[PublicComment]) {
    let _ = write!(
        page,
        "<section class=\"raqib-list\"><h2>{} ({})</h2>",
        lang.pick("التعليقات", "Comments"),
        comments.len()
    );
    if comments.is_empty() {
        let _ = write!(
            page,
            "<p class=\"raqib-empty\">{}</p>",
            lang.pick("لا توجد تعليقات بعد.", "No comments yet.")
        );
    }
    let ids: std::collections::HashSet<i64> = comments.iter().map(|c| c.id).collect();
    let mut ordered: Vec<(&PublicComment, bool)> = Vec::new();
    for top in comments
        .iter()
        .filter(|c| c.parent.is_none_or(|p| !ids.contains(&p)))
    {
        ordered.push((top, false));
        for reply in comments.iter().filter(|c| c.parent == Some(top.id)) {
            ordered.push((reply, true));
        }
    }
    for (c, reply) in ordered {
        let _ = write!(
            page,
            "<article class=\"raqib-comment{}\" data-raqib=\"comment\" data-id=\"{}\">\
             <header><bdi class=\"raqib-name\">{}</bdi> <time datetime=\"{}\">{}</time></header>\
             <p class=\"raqib-body\" dir=\"auto\">{}</p></article>",
            if reply { " raqib-reply" } else { "" },
            c.id,
            esc(&c.name),
            esc(&c.created_at),
            esc(c.created_at.get(..10).unwrap_or(&c.created_at)),
            esc(&c.body)
        );
    }
    page.push_str("</section>");
}

async fn render_form(
    state: &AppState,
    page: &mut String,
    lang: Lang,
    article: &str,
    typed: &Typed,
    errors: &[(String, String)],
) {
    let now = now_ms();
    let error = |field: &str| field_error(errors, field);
    let value = |v: &Option<String>| esc(v.as_deref().unwrap_or(""));
    let _ = write!(
        page,
        "<form method=\"post\" action=\"/embed/frame\" data-raqib=\"form\" class=\"raqib-form\">\
         <h2>{title}</h2>\
         <input type=\"hidden\" name=\"article\" value=\"{article}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{lang_code}\">\
         <input type=\"hidden\" name=\"form_token\" value=\"{token}\">\
         <p class=\"raqib-hp\" aria-hidden=\"true\"><label>Website <input name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></label></p>\
         <p><label for=\"raqib-name\">{name_label}</label> <input id=\"raqib-name\" name=\"name\" required maxlength=\"80\" value=\"{name}\"> {name_error}</p>\
         <p><label for=\"raqib-email\">{email_label}</label> <input id=\"raqib-email\" name=\"email\" type=\"email\" required value=\"{email}\"> \
         <small>{email_note}</small> {email_error}</p>\
         <p><label for=\"raqib-body\">{body_label}</label> {body_error}<textarea id=\"raqib-body\" name=\"body\" dir=\"auto\" rows=\"5\" required>{body}</textarea></p>",
        title = lang.pick("أضف تعليقاً", "Add a comment"),
        article = esc(article),
        lang_code = match lang {
            Lang::Ar => "ar",
            Lang::En => "en",
        },
        token = esc(&state.live_filter().form_token(article, now)),
        name_label = lang.pick("الاسم", "Name"),
        name = value(&typed.name),
        name_error = error("name"),
        email_label = lang.pick("البريد الإلكتروني", "Email"),
        email = value(&typed.email),
        email_note = lang.pick("لن يُنشر بريدك", "never published"),
        email_error = error("email"),
        body_label = lang.pick("التعليق", "Comment"),
        body_error = error("body"),
        body = value(&typed.body),
    );
    if state.config().captcha.mode != Mode::Off {
        render_captcha(state, page, lang, now, &error("captcha")).await;
    }
    let _ = write!(
        page,
        "<p><button type=\"submit\">{}</button></p></form>",
        lang.pick("إرسال", "Send")
    );
}

/// The security code: a picture, or the question in words when no picture can be had.
async fn render_captcha(state: &AppState, page: &mut String, lang: Lang, now: i64, error: &str) {
    let issued = match state.captchas().issue_image(now).await {
        Ok(issued) => issued,
        // No picture to be had right now: the question in words instead.
        Err(_) => state.captchas().issue_question(lang, now),
    };
    match issued {
        Issued::Image { id, png } => {
            let _ = write!(
                page,
                "<p><label for=\"raqib-captcha\">{label}</label> {error}\
                 <img src=\"data:image/png;base64,{png}\" alt=\"{label}\" data-raqib=\"captcha-image\">\
                 <input type=\"hidden\" name=\"captcha_id\" value=\"{id}\">\
                 <input id=\"raqib-captcha\" name=\"captcha_answer\" inputmode=\"numeric\" autocomplete=\"off\" required></p>",
                label = lang.pick("رمز الأمان", "Security code"),
                png = base64::engine::general_purpose::STANDARD.encode(&png),
                id = esc(&id),
            );
        }
        Issued::Question { id, question } => {
            let _ = write!(
                page,
                "<p><label for=\"raqib-captcha\">{}</label> {}<input type=\"hidden\" name=\"captcha_id\" value=\"{}\">\
                 <input id=\"raqib-captcha\" name=\"captcha_answer\" required></p>",
                esc(&question),
                error,
                esc(&id)
            );
        }
    }
}

/// The error beside `field`, when it has one.
fn field_error(errors: &[(String, String)], field: &str) -> String {
    errors
        .iter()
        .find(|(f, _)| f == field)
        .map(|(_, m)| {
            format!(
                "<span class=\"raqib-field-error\" data-raqib-error=\"{field}\">{}</span>",
                esc(m)
            )
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reader_text_is_escaped() {
        assert_eq!(
            super::esc("<img src=x onerror=\"alert('x')\">&"),
            "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;"
        );
    }
}
