//! The HTML of the no-JavaScript frame (`/embed/frame`): the widget's structure and class
//! names, so that `frame.css` gives both the same look; the same error semantics (each
//! field's message beside it, `aria-invalid` and `aria-describedby` on the field, the
//! security code as a picture or, on request, a question in words); every reader's text
//! escaped. Knows nothing of requests: the handlers in [`super::iframe`] pass what to show.

use std::fmt::Write;

use crate::domain::PublicComment;
use crate::domain::lang::Lang;

/// What the reader typed, kept when the form comes back with errors.
#[derive(Clone, Debug, Default)]
pub struct FormValues {
    pub article: Option<String>,
    pub lang: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub body: Option<String>,
    pub website: Option<String>,
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
    pub form_token: Option<String>,
    /// `text` or `image`: the reader asked for the other kind of security code.
    pub switch: Option<String>,
    /// `text` or `image`: the kind of security code the form showed.
    pub captcha_kind: Option<String>,
}

/// The security code to show.
pub enum CaptchaView {
    Image { id: String, png_base64: String },
    Question { id: String, question: String },
}

/// Everything the form shows.
pub struct FormView<'a> {
    pub lang: Lang,
    pub article: &'a str,
    pub values: &'a FormValues,
    /// (field, message) pairs: name, email, body, captcha, or others shown above.
    pub errors: &'a [(String, String)],
    pub token: String,
    pub captcha: Option<CaptchaView>,
    pub body_max: usize,
}

/// Reader text as HTML text or attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "ar",
        Lang::En => "en",
    }
}

/// The page up to the root element.
pub fn head(lang: Lang, title: &str) -> String {
    let dir = match lang {
        Lang::Ar => "rtl",
        Lang::En => "ltr",
    };
    format!(
        "<!doctype html><html lang=\"{code}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/frame.css\"></head>\
         <body class=\"raqib-frame\"><main class=\"raqib-root\" lang=\"{code}\" dir=\"{dir}\">",
        code = lang_code(lang),
        title = esc(title)
    )
}

pub const END: &str = "</main></body></html>";

/// A message above everything (a refusal that is no field's).
pub fn notice(page: &mut String, message: &str) {
    let _ = write!(
        page,
        "<p class=\"raqib-status raqib-bad\" role=\"alert\" data-raqib=\"status\">{}</p>",
        esc(message)
    );
}

/// The page after a comment was accepted.
pub fn thanks(page: &mut String, lang: Lang, message: &str, back: &str) {
    let _ = write!(
        page,
        "<p class=\"raqib-status raqib-ok\" role=\"status\" data-raqib=\"status\">{}</p>\
         <p><a class=\"raqib-link\" href=\"{}\">{}</a></p>",
        esc(message),
        esc(back),
        lang.pick("العودة إلى التعليقات", "Back to the comments")
    );
}

/// Most nesting levels shown, as in the widget; deeper replies sit beside their parent.
const MAX_DEPTH: usize = 3;

/// The approved comments, threaded.
pub fn comments(page: &mut String, lang: Lang, comments: &[PublicComment]) {
    let _ = write!(
        page,
        "<section aria-labelledby=\"raqib-title\"><h2 class=\"raqib-title\" id=\"raqib-title\">{}</h2>",
        lang.pick("التعليقات", "Comments")
    );
    if comments.is_empty() {
        let _ = write!(
            page,
            "<p class=\"raqib-muted\" data-raqib=\"list-status\">{}</p>",
            lang.pick(
                "لا توجد تعليقات بعد، كن أول من يعلّق.",
                "No comments yet. Be the first to comment."
            )
        );
    }
    let ids: std::collections::HashSet<i64> = comments.iter().map(|c| c.id).collect();
    page.push_str("<ol class=\"raqib-list\" data-raqib=\"list\">");
    for top in comments
        .iter()
        .filter(|c| c.parent.is_none_or(|p| !ids.contains(&p)))
    {
        thread(page, comments, top, 1);
    }
    page.push_str("</ol></section>");
}

/// One comment and its replies; past [`MAX_DEPTH`] replies stay at the last level.
fn thread(page: &mut String, all: &[PublicComment], c: &PublicComment, depth: usize) {
    let _ = write!(
        page,
        "<li class=\"raqib-comment\" data-raqib=\"comment\" data-id=\"{}\"><div class=\"raqib-meta\">\
         <bdi class=\"raqib-author\">{}</bdi> <time class=\"raqib-time\" datetime=\"{}\">{}</time></div>\
         <div class=\"raqib-body\" dir=\"auto\">{}</div>",
        c.id,
        esc(&c.name),
        esc(&c.created_at),
        esc(c.created_at.get(..10).unwrap_or(&c.created_at)),
        esc(&c.body)
    );
    let replies: Vec<&PublicComment> = all.iter().filter(|r| r.parent == Some(c.id)).collect();
    if depth < MAX_DEPTH {
        if !replies.is_empty() {
            page.push_str("<ol class=\"raqib-replies\">");
            for reply in replies {
                thread(page, all, reply, depth + 1);
            }
            page.push_str("</ol>");
        }
        page.push_str("</li>");
    } else {
        page.push_str("</li>");
        for reply in replies {
            thread(page, all, reply, depth);
        }
    }
}

/// Instead of the form, on an article whose comments are closed.
pub fn closed(page: &mut String, lang: Lang) {
    let _ = write!(
        page,
        "<p class=\"raqib-status\" role=\"status\" data-raqib=\"closed\">{}</p>",
        lang.pick(
            "التعليقات مغلقة على هذا المقال.",
            "Comments are closed on this article."
        )
    );
}

/// The comment form.
pub fn form(page: &mut String, view: &FormView) {
    let lang = view.lang;
    let values = view.values;
    let _ = write!(
        page,
        "<form method=\"post\" action=\"/embed/frame\" class=\"raqib-form\" data-raqib=\"form\" novalidate aria-labelledby=\"raqib-form\">\
         <h3 id=\"raqib-form\">{title}</h3>\
         <input type=\"hidden\" name=\"article\" value=\"{article}\">\
         <input type=\"hidden\" name=\"lang\" value=\"{lang_code}\">\
         <input type=\"hidden\" name=\"form_token\" value=\"{token}\">",
        title = lang.pick("أضف تعليقك", "Add a comment"),
        article = esc(view.article),
        lang_code = lang_code(lang),
        token = esc(&view.token),
    );
    // Enter in a field submits with the first submit button in the form: this one, kept
    // out of sight, rather than the security code's "other kind" button further down.
    let _ = write!(
        page,
        "<button type=\"submit\" class=\"raqib-hp\" tabindex=\"-1\" aria-hidden=\"true\">{}</button>",
        lang.pick("إرسال التعليق", "Post comment")
    );
    let others: Vec<&str> = view
        .errors
        .iter()
        .filter(|(f, _)| !["name", "email", "body", "captcha"].contains(&f.as_str()))
        .map(|(_, m)| m.as_str())
        .collect();
    if !others.is_empty() {
        let _ = write!(
            page,
            "<p class=\"raqib-error\" data-raqib-error=\"other\" role=\"alert\">{}</p>",
            esc(&others.join(" "))
        );
    }
    let note = lang.pick(
        "البريد الإلكتروني لن يُنشر.",
        "Your email address is never published.",
    );
    field(
        page,
        view,
        "name",
        lang.pick("اسم المشترك", "Name"),
        &values.name,
        "",
        "",
    );
    field(
        page,
        view,
        "email",
        lang.pick("البريد الإلكتروني", "Email address"),
        &values.email,
        note,
        "",
    );
    let max = view.body_max.to_string();
    field(
        page,
        view,
        "body",
        lang.pick("نص التعليق", "Comment"),
        &values.body,
        "",
        &max,
    );
    honeypot(page, lang);
    if let Some(captcha) = &view.captcha {
        captcha_field(page, view, captcha);
    }
    let _ = write!(
        page,
        "<button type=\"submit\" class=\"raqib-button\" data-raqib=\"submit\">{}</button></form>",
        lang.pick("إرسال التعليق", "Post comment")
    );
}

/// The field people leave empty (out of sight and out of the tab order).
fn honeypot(page: &mut String, lang: Lang) {
    let _ = write!(
        page,
        "<div class=\"raqib-hp\" aria-hidden=\"true\"><label for=\"raqib-website\">{}</label>\
         <input id=\"raqib-website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>",
        lang.pick("اترك هذا الحقل فارغاً", "Leave this field empty")
    );
}

/// One labelled field with its message: `aria-invalid` and the message's id in
/// `aria-describedby` when it has one. `max` (the body's) makes a textarea.
fn field(
    page: &mut String,
    view: &FormView,
    name: &str,
    label: &str,
    value: &Option<String>,
    note: &str,
    max: &str,
) {
    let error = message_of(view.errors, name);
    let mut described = Vec::new();
    if !note.is_empty() {
        described.push(format!("raqib-{name}-note"));
    }
    if error.is_some() {
        described.push(format!("raqib-{name}-error"));
    }
    let attrs = format!(
        "id=\"raqib-{name}\" name=\"{name}\" class=\"raqib-input\" aria-required=\"true\"{}",
        aria_state(error.is_some(), &described)
    );
    let value = esc(value.as_deref().unwrap_or(""));
    let _ = write!(
        page,
        "<div class=\"raqib-field\"><label class=\"raqib-label\" for=\"raqib-{name}\">{label}\
         <span class=\"raqib-req\">{req}</span></label>",
        req = view.lang.pick("حقل إجباري", "required"),
    );
    let _ = match (name, max.is_empty()) {
        (_, false) => write!(
            page,
            "<textarea {attrs} rows=\"6\" dir=\"auto\" data-maxlength=\"{max}\">{value}</textarea>"
        ),
        ("email", _) => write!(
            page,
            "<input {attrs} type=\"email\" autocomplete=\"email\" dir=\"ltr\" value=\"{value}\">"
        ),
        _ => write!(
            page,
            "<input {attrs} type=\"text\" autocomplete=\"name\" dir=\"auto\" value=\"{value}\">"
        ),
    };
    if !note.is_empty() {
        let _ = write!(
            page,
            "<p class=\"raqib-note\" id=\"raqib-{name}-note\">{}</p>",
            esc(note)
        );
    }
    field_message(page, name, error);
    page.push_str("</div>");
}

/// The security code: the picture, or the question in words, and a button that asks for
/// the other kind (the form comes back with what the reader typed, nothing sent).
fn captcha_field(page: &mut String, view: &FormView, captcha: &CaptchaView) {
    let lang = view.lang;
    let error = message_of(view.errors, "captcha");
    let legend = lang.pick("رمز الأمان", "Security code");
    let _ = write!(
        page,
        "<fieldset class=\"raqib-captcha\" data-raqib=\"captcha\"><legend>{legend}</legend><div class=\"raqib-captcha-box\">"
    );
    let kind = match captcha {
        CaptchaView::Image { .. } => "image",
        CaptchaView::Question { .. } => "text",
    };
    let _ = write!(
        page,
        "<input type=\"hidden\" name=\"captcha_kind\" value=\"{kind}\">"
    );
    let (id, label, switch_to, switch_label) = picture_or_question(page, lang, captcha);
    let _ = write!(
        page,
        "<button type=\"submit\" name=\"switch\" value=\"{switch_to}\" formnovalidate class=\"raqib-link\" data-raqib=\"captcha-kind\">{switch_label}</button></div>"
    );
    let mut described = Vec::new();
    if matches!(captcha, CaptchaView::Question { .. }) {
        described.push("raqib-question");
    }
    if error.is_some() {
        described.push("raqib-captcha-error");
    }
    let _ = write!(
        page,
        "<label class=\"raqib-label\" for=\"raqib-captcha\">{label}</label>\
         <input type=\"hidden\" name=\"captcha_id\" value=\"{id}\">\
         <input id=\"raqib-captcha\" name=\"captcha_answer\" class=\"raqib-input raqib-short\" type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" dir=\"ltr\" aria-required=\"true\"{state}>",
        id = esc(id),
        state = aria_state(error.is_some(), &described),
    );
    field_message(page, "captcha", error);
    page.push_str("</fieldset>");
}

/// The picture or the question, and what goes with it: the code's id, the answer's label,
/// and the other kind with the button's words.
fn picture_or_question<'a>(
    page: &mut String,
    lang: Lang,
    captcha: &'a CaptchaView,
) -> (&'a str, &'static str, &'static str, &'static str) {
    match captcha {
        CaptchaView::Image { id, png_base64 } => {
            let _ = write!(
                page,
                "<img class=\"raqib-captcha-img\" src=\"data:image/png;base64,{png_base64}\" alt=\"{}\" data-raqib=\"captcha-image\">",
                lang.pick(
                    "رمز الأمان: أرقام في صورة",
                    "Security code: digits in a picture"
                )
            );
            (
                id,
                lang.pick(
                    "اكتب الرموز الظاهرة في الصورة",
                    "Type the characters shown in the picture",
                ),
                "text",
                lang.pick(
                    "سؤال نصي بدلًا من الصورة",
                    "Text question instead of the picture",
                ),
            )
        }
        CaptchaView::Question { id, question } => {
            let _ = write!(
                page,
                "<p class=\"raqib-question\" id=\"raqib-question\" dir=\"auto\" data-raqib=\"captcha-question\">{}</p>",
                esc(question)
            );
            (
                id,
                lang.pick("اكتب الجواب بالأرقام", "Type the answer in digits"),
                "image",
                lang.pick(
                    "رمز مصوّر بدلًا من السؤال",
                    "Picture code instead of the question",
                ),
            )
        }
    }
}

/// A field's message, with the id its field's `aria-describedby` names.
fn field_message(page: &mut String, name: &str, message: Option<&str>) {
    if let Some(message) = message {
        let _ = write!(
            page,
            "<p class=\"raqib-error\" id=\"raqib-{name}-error\" data-raqib-error=\"{name}\">{}</p>",
            esc(message)
        );
    }
}

/// ` aria-invalid` when the field is wrong, and ` aria-describedby` naming its note and
/// message when it has any.
fn aria_state<S: AsRef<str>>(invalid: bool, described: &[S]) -> String {
    let mut out = String::new();
    if invalid {
        out.push_str(" aria-invalid=\"true\"");
    }
    if !described.is_empty() {
        let ids: Vec<&str> = described.iter().map(AsRef::as_ref).collect();
        let _ = write!(out, " aria-describedby=\"{}\"", ids.join(" "));
    }
    out
}

fn message_of<'a>(errors: &'a [(String, String)], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(f, _)| f == field)
        .map(|(_, m)| m.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_text_is_escaped() {
        assert_eq!(
            esc("<img src=x onerror=\"alert('x')\">&"),
            "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;"
        );
    }

    fn comment(id: i64, parent: Option<i64>) -> PublicComment {
        PublicComment {
            id,
            parent,
            name: format!("n{id}"),
            body: format!("b{id}"),
            created_at: "2026-12-07T10:00:00Z".into(),
        }
    }

    #[test]
    fn replies_nest_three_levels_and_deeper_ones_stay_beside_their_parent() {
        let all = [
            comment(1, None),
            comment(2, Some(1)),
            comment(3, Some(2)),
            comment(4, Some(3)),
        ];
        let mut page = String::new();
        comments(&mut page, Lang::Ar, &all);
        for id in 1..=4 {
            assert!(page.contains(&format!("data-id=\"{id}\"")), "{id} shown");
        }
        // 3 is at the third level; 4 (a reply to 3) sits beside it, not inside.
        assert_eq!(page.matches("<ol class=\"raqib-replies\">").count(), 2);
    }

    #[test]
    fn a_field_with_an_error_is_marked_invalid_and_described_by_its_message() {
        let values = FormValues::default();
        let errors = vec![("email".to_string(), "البريد غير صالح".to_string())];
        let view = FormView {
            lang: Lang::Ar,
            article: "a",
            values: &values,
            errors: &errors,
            token: String::new(),
            captcha: Some(CaptchaView::Question {
                id: "q".into(),
                question: "كم 2 + 3؟".into(),
            }),
            body_max: 5000,
        };
        let mut page = String::new();
        form(&mut page, &view);
        assert!(page.contains(
            "aria-invalid=\"true\" aria-describedby=\"raqib-email-note raqib-email-error\""
        ));
        assert!(page.contains("id=\"raqib-email-error\""));
        assert!(
            page.contains("aria-describedby=\"raqib-question\""),
            "the question describes the answer"
        );
        assert!(page.contains("name=\"switch\" value=\"image\""));
        assert_eq!(page.matches("aria-invalid").count(), 1);
    }
}
