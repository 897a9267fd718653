//! The no-JavaScript embed: `/embed/frame?article=…` renders an article's approved
//! comments and the comment form on the server, for an `<iframe>`. The form posts back
//! here as a plain HTML form (`name`, `email`, `body`, `captcha_id`, `captcha_answer`)
//! and goes through exactly the submission path of the API; the answer is a small page
//! that says what happened (or the form again, with the errors beside their fields and
//! what the reader typed kept). A button beside the security code asks for the other
//! kind (picture or question in words) without sending anything. The code is shown only
//! when the server will ask for it; a closed article shows that comments are closed.
//!
//! The HTML is [`super::frame_html`]'s; the page loads no script at all.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;

use super::extract::{ClientIp, QueryPairs, form_pairs};
use super::frame_html::{self, CaptchaView, FormValues, FormView};
use crate::app::AppState;
use crate::domain::lang::Lang;
use crate::domain::{ArticleKey, CommentBody, RawSubmission, Status};
use crate::gates::captcha::{Issued, Mode};
use crate::http::error::ApiError;
use crate::moderation::submit;
use crate::store::now_ms;

pub fn router() -> Router<AppState> {
    Router::new().route("/embed/frame", get(show).post(post))
}

fn lang_of(value: Option<&str>) -> Lang {
    match value {
        Some(v) if v.starts_with("en") => Lang::En,
        _ => Lang::Ar,
    }
}

/// The frame may be shown inside the host pages of `allowed_origins` (and this origin).
fn csp(state: &AppState) -> String {
    let ancestors = state.config().allowed_origins.join(" ");
    format!(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'self' {ancestors}"
    )
}

fn html(state: &AppState, status: StatusCode, body: String) -> Response {
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

async fn show(State(state): State<AppState>, query: QueryPairs) -> Result<Response, ApiError> {
    let lang = lang_of(query.get("lang"));
    let article =
        ArticleKey::parse(query.get("article").unwrap_or("")).map_err(|_| ApiError::NotFound)?;
    let kind = Kind::asked(query.get("captcha"));
    let screen = Screen::new(lang, article.as_str(), kind, false);
    let page = render(&state, &screen, &FormValues::default()).await?;
    Ok(html(&state, StatusCode::OK, page))
}

async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let values = read_form(&body)?;
    let lang = lang_of(values.lang.as_deref());
    let article = values.article.clone().unwrap_or_default();
    if let Some(kind) = values.switch.as_deref() {
        // The other kind of security code, nothing sent; what was typed stays.
        let screen = Screen::new(lang, &article, Kind::asked(Some(kind)), true);
        let page = render(&state, &screen, &values).await?;
        return Ok(html(&state, StatusCode::OK, page));
    }
    let request = submit::Request {
        raw: raw_submission(&values),
        ip,
        user_agent: super::comments::user_agent(&headers),
    };
    match lang.scope(submit::submit(&state, request)).await {
        Ok(accepted) => Ok(thanks(&state, lang, &article, accepted)),
        Err(refusal) => refused(&state, lang, &values, refusal.into()).await,
    }
}

/// The posted form; one whose text is not UTF-8 is refused whole.
fn read_form(body: &[u8]) -> Result<FormValues, ApiError> {
    let mut values = FormValues::default();
    for (key, value) in form_pairs(body).map_err(ApiError::InvalidForm)? {
        let slot = match key.as_str() {
            "article" => &mut values.article,
            "lang" => &mut values.lang,
            "name" => &mut values.name,
            "email" => &mut values.email,
            "body" => &mut values.body,
            "website" => &mut values.website,
            "captcha_id" => &mut values.captcha_id,
            "captcha_answer" => &mut values.captcha_answer,
            "form_token" => &mut values.form_token,
            "switch" => &mut values.switch,
            "captcha_kind" => &mut values.captcha_kind,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    Ok(values)
}

/// The form's fields as a submission (the frame posts no replies).
fn raw_submission(values: &FormValues) -> RawSubmission {
    RawSubmission {
        article: values.article.clone(),
        parent: None,
        name: values.name.clone(),
        email: values.email.clone(),
        body: values.body.clone(),
        captcha_id: values.captcha_id.clone(),
        captcha_answer: values.captcha_answer.clone(),
        form_token: values.form_token.clone(),
        website: values.website.clone(),
        wrong_type: Vec::new(),
    }
}

/// The kind of security code the reader sees.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Image,
    Text,
}

impl Kind {
    fn asked(value: Option<&str>) -> Kind {
        if value == Some("text") {
            Kind::Text
        } else {
            Kind::Image
        }
    }
}

/// What one page shows besides the reader's values.
struct Screen<'a> {
    lang: Lang,
    article: &'a str,
    kind: Kind,
    /// Show the code even in adaptive mode (the server has asked for it).
    captcha_asked: bool,
    errors: Vec<(String, String)>,
    notice: Option<String>,
}

impl<'a> Screen<'a> {
    fn new(lang: Lang, article: &'a str, kind: Kind, captcha_asked: bool) -> Screen<'a> {
        Screen {
            lang,
            article,
            kind,
            captcha_asked,
            errors: Vec::new(),
            notice: None,
        }
    }
}

/// The page after an accepted comment: published, or awaiting moderation, with a link
/// back to the comments.
fn thanks(state: &AppState, lang: Lang, article: &str, accepted: submit::Accepted) -> Response {
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
    let back = format!(
        "/embed/frame?article={}&lang={}",
        form_urlencoded::byte_serialize(article.as_bytes()).collect::<String>(),
        frame_html::lang_code(lang)
    );
    let mut page = frame_html::head(lang, title);
    frame_html::thanks(&mut page, lang, message, &back);
    page.push_str(frame_html::END);
    html(state, StatusCode::OK, page)
}

/// The form again, with the reader's input kept: field errors beside their fields, a
/// security-code error beside the code, anything else above the form.
async fn refused(
    state: &AppState,
    lang: Lang,
    values: &FormValues,
    err: ApiError,
) -> Result<Response, ApiError> {
    let article = values.article.clone().unwrap_or_default();
    let kind = Kind::asked(values.captcha_kind.as_deref());
    let mut screen = Screen::new(lang, &article, kind, false);
    match &err {
        ApiError::Validation(fields) => {
            screen.errors = fields
                .0
                .iter()
                .map(|(field, e)| (field.to_string(), e.message(field, lang)))
                .collect();
            screen.captcha_asked = values.captcha_id.is_some();
        }
        ApiError::CaptchaInvalid | ApiError::CaptchaRequired => {
            screen.errors = vec![("captcha".to_string(), err.message(lang).to_string())];
            screen.captcha_asked = true;
        }
        ApiError::Internal(_) => return Err(err),
        ApiError::RateLimited { retry_after } => {
            screen.notice = Some(format!(
                "{} {}",
                err.message(lang),
                crate::domain::plural::wait(lang, *retry_after)
            ));
        }
        _ => screen.notice = Some(err.message(lang).to_string()),
    }
    let page = render(state, &screen, values).await?;
    Ok(html(state, err.status(), page))
}

/// The comments and the form (or that comments are closed).
async fn render(
    state: &AppState,
    screen: &Screen<'_>,
    values: &FormValues,
) -> Result<String, ApiError> {
    let lang = screen.lang;
    let comments = state.store().list_public(screen.article, None, 100).await?;
    let mut page = frame_html::head(lang, lang.pick("التعليقات", "Comments"));
    if let Some(message) = &screen.notice {
        frame_html::notice(&mut page, message);
    }
    frame_html::comments(&mut page, lang, &comments);
    if state.restrictions().is_closed(screen.article) {
        frame_html::closed(&mut page, lang);
    } else {
        let now = now_ms();
        let shown = match state.config().captcha.mode {
            Mode::Always => true,
            Mode::Adaptive => screen.captcha_asked,
            Mode::Off => false,
        };
        let captcha = if shown {
            Some(captcha(state, lang, screen.kind, now).await)
        } else {
            None
        };
        let view = FormView {
            lang,
            article: screen.article,
            values,
            errors: &screen.errors,
            token: state.live_filter().form_token(screen.article, now),
            captcha,
            body_max: CommentBody::MAX_GRAPHEMES,
        };
        frame_html::form(&mut page, &view);
    }
    page.push_str(frame_html::END);
    Ok(page)
}

/// A fresh security code of the kind asked for: a picture (the question in words when no
/// picture can be had right now), or the question.
async fn captcha(state: &AppState, lang: Lang, kind: Kind, now: i64) -> CaptchaView {
    let issued = match kind {
        Kind::Image => match state.captchas().issue_image(now).await {
            Ok(issued) => issued,
            Err(_) => state.captchas().issue_question(lang, now),
        },
        Kind::Text => state.captchas().issue_question(lang, now),
    };
    match issued {
        Issued::Image { id, png } => CaptchaView::Image {
            id,
            png_base64: base64::engine::general_purpose::STANDARD.encode(&png),
        },
        Issued::Question { id, question } => CaptchaView::Question { id, question },
    }
}
