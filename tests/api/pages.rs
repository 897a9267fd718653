//! The pages raqib serves (demo article, widget script, console, admin page), their
//! security headers, and CORS for host pages. The pages' behaviour in a browser is the
//! subject of the browser tests.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};

use crate::support::TestApp;

fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[tokio::test]
async fn the_pages_and_everything_they_load_are_served_with_their_types() {
    let app = TestApp::sqlite().await;
    for (path, needle) in [
        ("/", "id=\"raqib-comments\""),
        ("/moderate", "data-raqib=\"login\""),
        ("/admin", "data-tab=\"terms\""),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(page.text.contains(needle), "{path} lacks {needle}");
        assert!(page.text.contains("dir=\"rtl\""), "{path} is right-to-left");
        for src in attribute_values(&page.text, "src")
            .into_iter()
            .chain(attribute_values(&page.text, "href"))
            .filter(|s| s.ends_with(".js") || s.ends_with(".css"))
        {
            let asset = app.get(src).await;
            assert_eq!(asset.status, StatusCode::OK, "{path} loads {src}");
            let kind = asset.headers["content-type"].to_str().unwrap().to_string();
            let expected = if src.ends_with(".js") {
                "text/javascript"
            } else {
                "text/css"
            };
            assert!(kind.starts_with(expected), "{src}: {kind}");
        }
    }
}

#[tokio::test]
async fn console_and_admin_pages_send_a_strict_content_security_policy() {
    let app = TestApp::sqlite().await;
    for path in ["/moderate", "/admin"] {
        let page = app.get(path).await;
        let csp = page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let script = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_default();
        assert_eq!(script, "script-src 'self'", "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-eval"), "{path}: {csp}");
        assert_eq!(page.headers["x-content-type-options"], "nosniff");
        // No inline script for the policy to block.
        assert!(
            !page.text.contains("<script>"),
            "{path} has an inline script"
        );
    }
}

#[tokio::test]
async fn the_widget_script_is_small_and_loadable_from_any_page() {
    let app = TestApp::sqlite().await;
    let script = app.get("/embed.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.headers["access-control-allow-origin"], "*");
    let size = script.text.len();
    assert!(size < 30 * 1024, "embed.js is {size} bytes");
    eprintln!("embed.js: {size} bytes uncompressed");
    assert!(
        !script.text.contains("innerHTML"),
        "the widget never parses data as HTML"
    );
}

async fn from_origin(
    app: &TestApp,
    method: Method,
    path: &str,
    origin: &str,
) -> crate::support::TestResponse {
    let mut request = Request::builder()
        .method(method.clone())
        .uri(path)
        .header("origin", origin);
    if method == Method::OPTIONS {
        request = request
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type");
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn host_pages_in_allowed_origins_may_call_the_reader_api() {
    let app =
        TestApp::sqlite_with(|c| c.allowed_origins = vec!["https://news.example".into()]).await;
    let preflight = from_origin(
        &app,
        Method::OPTIONS,
        "/api/v1/comments",
        "https://news.example",
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert_eq!(
        preflight.headers["access-control-allow-origin"],
        "https://news.example"
    );
    let list = from_origin(
        &app,
        Method::GET,
        "/api/v1/articles/x/comments",
        "https://news.example",
    )
    .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.headers["access-control-allow-origin"],
        "https://news.example"
    );
    assert!(
        list.headers["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_lowercase()
            .contains("retry-after")
    );
    let stranger = from_origin(
        &app,
        Method::GET,
        "/api/v1/articles/x/comments",
        "https://evil.example",
    )
    .await;
    assert!(!stranger.headers.contains_key("access-control-allow-origin"));
    // The moderation API is never open to other origins.
    let moderation = from_origin(
        &app,
        Method::OPTIONS,
        "/api/v1/moderation/queue",
        "https://news.example",
    )
    .await;
    assert!(
        !moderation
            .headers
            .contains_key("access-control-allow-origin")
    );
}

async fn post_form(
    app: &TestApp,
    path: &str,
    pairs: &[(&str, &str)],
) -> crate::support::TestResponse {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    app.send(
        Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// The value of a hidden input in a page.
fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + needle.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_no_javascript_frame_shows_comments_and_takes_a_plain_form() {
    let app = TestApp::sqlite().await;
    let id = app
        .submit_ok(
            "/news/frame",
            "<script>alert(1)</script><img src=x onerror=alert(2)> رأي",
        )
        .await;
    app.approve(id).await;
    let page = app.get("/embed/frame?article=%2Fnews%2Fframe").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.text.contains("<script"),
        "no script at all, and reader text escaped"
    );
    assert!(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.text.contains("dir=\"rtl\""));
    assert!(
        page.text
            .contains("<bdi class=\"raqib-author\">أبو خالد</bdi>")
    );
    let csp = page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'self'") && !csp.contains("script-src"),
        "{csp}"
    );

    let missing = post_form(
        &app,
        "/embed/frame",
        &[
            ("article", "/news/frame"),
            ("email", "reader@example.com"),
            ("body", "نص سأحتفظ به"),
        ],
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.text.contains("data-raqib-error=\"name\""),
        "{}",
        missing.text
    );
    assert!(missing.text.contains("اسم المشترك، حقل إجباري"));
    assert!(
        missing.text.contains(
            "name=\"name\" class=\"raqib-input\" aria-required=\"true\" aria-invalid=\"true\" aria-describedby=\"raqib-name-error\""
        ),
        "the field is marked invalid and described by its message: {}",
        missing.text
    );
    assert_eq!(
        missing.text.matches("aria-invalid").count(),
        1,
        "only the bad field"
    );
    assert!(
        missing.text.contains(">نص سأحتفظ به</textarea>"),
        "what was typed is kept"
    );

    let token = hidden(&page.text, "form_token");
    let sent = post_form(
        &app,
        "/embed/frame",
        &[
            ("article", "/news/frame"),
            ("name", "سلمى"),
            ("email", "salma@example.com"),
            ("body", "تعليق من إطار بلا جافاسكربت"),
            ("form_token", &token),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    assert!(sent.text.contains("بانتظار المراجعة"), "{}", sent.text);
    let english = app
        .get("/embed/frame?article=%2Fnews%2Fframe&lang=en")
        .await;
    assert!(english.text.contains("dir=\"ltr\"") && english.text.contains("Add a comment"));
    let unknown = app.get("/embed/frame").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_frame_carries_the_security_code_when_one_is_required() {
    let app = TestApp::sqlite_with(|c| c.captcha.mode = raqib::gates::captcha::Mode::Always).await;
    let page = app.get("/embed/frame?article=%2Fnews%2Fcode").await;
    assert!(
        page.text.contains("data-raqib=\"captcha-image\""),
        "{}",
        page.text
    );
    let id = hidden(&page.text, "captcha_id");
    let form = |answer: &'static str, id: String| {
        let app = &app;
        async move {
            post_form(
                app,
                "/embed/frame",
                &[
                    ("article", "/news/code"),
                    ("name", "سلمى"),
                    ("email", "salma@example.com"),
                    ("body", "تعليق مع رمز"),
                    ("captcha_id", &id),
                    ("captcha_answer", answer),
                ],
            )
            .await
        }
    };
    let wrong = form("0000", id.clone()).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.text.contains("data-raqib-error=\"captcha\""));
    let fresh = hidden(&wrong.text, "captcha_id");
    assert_ne!(fresh, id, "a new code comes with the form");
    assert!(
        wrong
            .text
            .contains("aria-invalid=\"true\" aria-describedby=\"raqib-captcha-error\""),
        "{}",
        wrong.text
    );
    // The question in words instead of the picture: nothing is sent, what was typed stays.
    let switched = post_form(
        &app,
        "/embed/frame",
        &[
            ("article", "/news/code"),
            ("body", "نص أكتبه"),
            ("captcha_id", &fresh),
            ("switch", "text"),
        ],
    )
    .await;
    assert_eq!(switched.status, StatusCode::OK);
    assert!(
        switched.text.contains("data-raqib=\"captcha-question\""),
        "{}",
        switched.text
    );
    assert!(!switched.text.contains("data-raqib=\"captcha-image\""));
    assert!(switched.text.contains(">نص أكتبه</textarea>"));
    assert!(
        !switched.text.contains("aria-invalid"),
        "nothing was checked"
    );
    let right = form(crate::support::KNOWN_ANSWER, fresh).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text);
}

#[tokio::test]
async fn the_frame_shows_the_code_only_when_asked_and_no_form_on_a_closed_article() {
    use raqib::gates::captcha::Mode;
    let off = TestApp::sqlite_with(|c| c.captcha.mode = Mode::Off).await;
    let page = off.get("/embed/frame?article=%2Fnews%2Fx").await;
    assert!(page.text.contains("data-raqib=\"form\""));
    assert!(
        !page.text.contains("data-raqib=\"captcha\""),
        "no code when none is asked"
    );
    let adaptive = TestApp::sqlite_with(|c| c.captcha.mode = Mode::Adaptive).await;
    let page = adaptive.get("/embed/frame?article=%2Fnews%2Fx").await;
    assert!(
        !page.text.contains("data-raqib=\"captcha\""),
        "adaptive: not until asked"
    );
    let listed = off
        .get("/api/v1/articles/%2Fnews%2Fx/comments")
        .await
        .json();
    assert_eq!(listed["captcha"], "off");
    assert_eq!(listed["closed"], false);
    assert_eq!(listed["body_max"], 5000);

    off.state
        .store()
        .close_article("/news/x".into(), "mona".into(), raqib::store::now_ms())
        .await
        .unwrap();
    off.state.refresh_restrictions().await.unwrap();
    let closed = off.get("/embed/frame?article=%2Fnews%2Fx").await;
    assert!(
        closed.text.contains("data-raqib=\"closed\""),
        "{}",
        closed.text
    );
    assert!(!closed.text.contains("data-raqib=\"form\""));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await; // past the page cache
    let listed = off
        .get("/api/v1/articles/%2Fnews%2Fx/comments")
        .await
        .json();
    assert_eq!(listed["closed"], true);
}

#[tokio::test]
async fn the_author_of_a_pending_comment_can_ask_its_status_with_the_receipt_only() {
    let app = TestApp::sqlite().await;
    let reply = app
        .submit(&crate::support::comment("/news/r", "تعليق ينتظر"))
        .await;
    let id = reply.json()["id"].as_i64().unwrap();
    let receipt = reply.json()["receipt"].as_str().unwrap().to_string();
    let status = |receipt: String| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/comments/{id}/status?receipt={receipt}"))
                .await
        }
    };
    let pending = status(receipt.clone()).await;
    assert_eq!(pending.status, StatusCode::OK, "{}", pending.text);
    assert_eq!(pending.json()["status"], "pending");
    let forged = status("0".repeat(32)).await;
    assert_eq!(
        forged.status,
        StatusCode::NOT_FOUND,
        "a wrong receipt learns nothing"
    );
    app.approve(id).await;
    assert_eq!(status(receipt.clone()).await.json()["status"], "published");
    app.store()
        .set_status(id, raqib::domain::Status::Rejected, raqib::store::now_ms())
        .await
        .unwrap();
    assert_eq!(status(receipt).await.json()["status"], "removed");
}
