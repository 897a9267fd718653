//! `POST /api/v1/comments`: what is accepted, what is refused, and how.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use raqib::domain::Status;
use serde_json::{Value, json};

use crate::support::{TestApp, comment, json_request, reader_ip};

both!(
    an_arabic_comment_is_stored_byte_exact_with_keyed_hashes,
    each_required_field_missing_blank_or_too_long_is_named,
    every_bad_field_is_reported_at_once,
    field_messages_follow_the_readers_language,
    invalid_emails_are_refused_and_unusual_valid_ones_accepted,
    html_in_the_body_is_stored_as_text,
    a_reply_must_point_to_a_published_comment_of_the_same_article,
    a_form_post_is_accepted_like_json,
    malformed_requests_get_the_error_envelope,
    fields_of_the_wrong_json_type_are_named,
    post_moderation_publishes_clean_comments_at_once,
);

async fn an_arabic_comment_is_stored_byte_exact_with_keyed_hashes(app: TestApp) {
    let body = "مَرْحَباً بِكُم… الخبر عن «أرامكو» و Aramco في 2026م، السعر ٨٥ دولاراً 👍\nسطر ثانٍ";
    let response = app
        .submit(&json!({
            "article": " /news/2026/11/oil ",
            "name": " أمّ سلمى ",
            "email": "Reader+news@Example.COM",
            "body": body,
        }))
        .await;
    assert_eq!(response.status, StatusCode::ACCEPTED, "{}", response.text);
    let reply = response.json();
    assert_eq!(reply["status"], "pending");
    let id = reply["id"].as_i64().unwrap();

    let stored = app.store().get_comment(id).await.unwrap().expect("stored");
    assert_eq!(stored.body, body, "body is byte-exact");
    assert_eq!(stored.article, "/news/2026/11/oil", "article trimmed");
    assert_eq!(stored.author_name, "أمّ سلمى", "name trimmed");
    assert_eq!(
        stored.author_email, "Reader+news@example.com",
        "domain lower-cased"
    );
    assert_eq!(stored.status, Status::Pending);
    assert_eq!(stored.email_hash.len(), 64);
    let same_person = app.state.secrets().email_hash("reader@example.com");
    assert_eq!(
        stored.email_hash, same_person,
        "hash of the canonical email"
    );
    let ip_hash = stored.ip_hash.expect("ip hash");
    assert_eq!(ip_hash, app.state.secrets().ip_hash(reader_ip().ip()));
    let raw_ip = reader_ip().ip().to_string();
    for column in [
        &stored.article,
        &stored.author_email,
        &stored.body,
        &ip_hash,
    ] {
        assert!(!column.contains(&raw_ip), "no raw IP is stored");
    }
    assert_eq!(stored.ip_prefix.as_deref(), Some("203.0.113.0/24"));
}

async fn each_required_field_missing_blank_or_too_long_is_named(app: TestApp) {
    let cases: Vec<(&str, Value, &str)> = vec![
        ("article", Value::Null, "required"),
        ("article", json!("   "), "required"),
        ("article", json!("a".repeat(513)), "too_long"),
        ("name", Value::Null, "required"),
        ("name", json!(" \t "), "required"),
        ("name", json!("ن".repeat(81)), "too_long"),
        ("name", json!("زائر\u{200B}"), "invalid_characters"),
        ("email", Value::Null, "required"),
        ("email", json!("  "), "required"),
        (
            "email",
            json!(format!("{}@example.com", "a".repeat(250))),
            "too_long",
        ),
        ("body", Value::Null, "required"),
        ("body", json!("\n \n"), "required"),
        ("body", json!("ك".repeat(5001)), "too_long"),
    ];
    for (field, value, code) in cases {
        let mut body = comment("/news/1", "تعليق");
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        let response = app.submit(&body).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            response.text
        );
        assert_eq!(response.code(), "validation_failed");
        assert_eq!(
            response.field_code(field).as_deref(),
            Some(code),
            "{field}: {}",
            response.text
        );
    }
    assert_eq!(
        app.store().count_comments().await.unwrap(),
        0,
        "nothing stored"
    );
}

async fn every_bad_field_is_reported_at_once(app: TestApp) {
    let response = app
        .submit(&json!({"article": "/news/1", "name": "", "email": "nope", "body": ""}))
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = response.json()["error"]["fields"].clone();
    let mut names: Vec<&str> = fields
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort();
    assert_eq!(names, vec!["body", "email", "name"]);
}

async fn field_messages_follow_the_readers_language(app: TestApp) {
    let bad = json!({"article": "/news/1", "email": "x@example.com", "body": "نص"});
    let arabic = app
        .send(json_request(
            Method::POST,
            "/api/v1/comments",
            &bad,
            Some("ar-SA,ar;q=0.9,en;q=0.5"),
        ))
        .await;
    let message = arabic.json()["error"]["fields"]["name"]["message"].clone();
    assert_eq!(message, "اسم المشترك، حقل إجباري");
    assert_eq!(
        arabic.json()["error"]["message"],
        "بعض الحقول تحتاج إلى تصحيح"
    );

    let english = app.submit(&bad).await;
    assert_eq!(
        english.json()["error"]["fields"]["name"]["message"],
        "Name is required"
    );
    assert_eq!(
        english.field_code("name"),
        arabic.field_code("name"),
        "codes do not change"
    );
}

async fn invalid_emails_are_refused_and_unusual_valid_ones_accepted(app: TestApp) {
    for bad in [
        "plain",
        "a@b",
        "a@@example.com",
        "a..b@example.com",
        "a@example..com",
        "a b@example.com",
        "a@[10.0.0.1]",
    ] {
        let mut body = comment("/news/1", "نص");
        body["email"] = json!(bad);
        let response = app.submit(&body).await;
        assert_eq!(
            response.field_code("email").as_deref(),
            Some("invalid"),
            "{bad}"
        );
    }
    for good in [
        "first.last+tag@example.com",
        "user@موقع.السعودية",
        "user@bücher.de",
        "o'neil@example.ie",
        "x@sub.example.co.uk",
    ] {
        let mut body = comment("/news/1", "نص");
        body["email"] = json!(good);
        let response = app.submit(&body).await;
        assert_eq!(
            response.status,
            StatusCode::ACCEPTED,
            "{good}: {}",
            response.text
        );
    }
}

async fn html_in_the_body_is_stored_as_text(app: TestApp) {
    let html = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\"";
    let id = app.submit_ok("/news/html", html).await;
    app.approve(id).await;
    let stored = app.store().get_comment(id).await.unwrap().unwrap();
    assert_eq!(stored.body, html);
    let page = app.get("/api/v1/articles/%2Fnews%2Fhtml/comments").await;
    assert_eq!(page.headers["content-type"], "application/json");
    assert_eq!(
        page.json()["comments"][0]["body"],
        html,
        "returned as a JSON string, unchanged"
    );
}

async fn a_reply_must_point_to_a_published_comment_of_the_same_article(app: TestApp) {
    let parent = app.submit_ok("/news/a", "الأصل").await;
    let other = app.submit_ok("/news/b", "مقال آخر").await;
    app.approve(other).await;

    let mut reply = comment("/news/a", "رد");
    reply["parent"] = json!(parent);
    let pending_parent = app.submit(&reply).await;
    assert_eq!(
        pending_parent.field_code("parent").as_deref(),
        Some("not_found"),
        "parent still pending"
    );

    app.approve(parent).await;
    let accepted = app.submit(&reply).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.text);
    let id = accepted.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.store().get_comment(id).await.unwrap().unwrap().parent,
        Some(parent)
    );

    reply["parent"] = json!(other);
    let cross = app.submit(&reply).await;
    assert_eq!(
        cross.field_code("parent").as_deref(),
        Some("not_found"),
        "parent of another article"
    );

    reply["parent"] = json!(999_999);
    let missing = app.submit(&reply).await;
    assert_eq!(missing.field_code("parent").as_deref(), Some("not_found"));
}

async fn a_form_post_is_accepted_like_json(app: TestApp) {
    let form = "article=%2Fnews%2Fform&name=%D8%B3%D8%A7%D9%84%D9%85&email=salem%40example.com&body=%D8%B4%D9%83%D8%B1%D8%A7%D9%8B%0A%D8%AB%D8%A7%D9%86%D9%8A&website=";
    let request = Request::post("/api/v1/comments")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )
        .body(Body::from(form))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::ACCEPTED, "{}", response.text);
    let id = response.json()["id"].as_i64().unwrap();
    let stored = app.store().get_comment(id).await.unwrap().unwrap();
    assert_eq!(stored.author_name, "سالم");
    assert_eq!(stored.body, "شكراً\nثاني");

    let bad = Request::post("/api/v1/comments")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept-language", "ar")
        .body(Body::from("article=%2Fnews&email=x%40example.com&body=x"))
        .unwrap();
    let refused = app.send(bad).await;
    assert_eq!(refused.field_code("name").as_deref(), Some("required"));
}

async fn malformed_requests_get_the_error_envelope(app: TestApp) {
    let broken = Request::post("/api/v1/comments")
        .header("content-type", "application/json")
        .body(Body::from("{\"name\": "))
        .unwrap();
    let response = app.send(broken).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.code(), "invalid_json");

    let not_object = Request::post("/api/v1/comments")
        .header("content-type", "application/json")
        .body(Body::from("[1, 2]"))
        .unwrap();
    assert_eq!(app.send(not_object).await.code(), "invalid_json");

    let text = Request::post("/api/v1/comments")
        .header("content-type", "text/plain")
        .body(Body::from("hello"))
        .unwrap();
    let response = app.send(text).await;
    assert_eq!(response.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(response.code(), "unsupported_media_type");

    let none = Request::post("/api/v1/comments")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(
        app.send(none).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );

    let huge = comment("/news/1", &"x".repeat(70 * 1024));
    let response = app.submit(&huge).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.code(), "payload_too_large");

    assert_eq!(app.store().count_comments().await.unwrap(), 0);
}

async fn fields_of_the_wrong_json_type_are_named(app: TestApp) {
    let response = app
        .submit(&json!({"article": "/news/1", "name": 42, "email": ["x"], "body": "نص"}))
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.field_code("name").as_deref(), Some("invalid"));
    assert_eq!(response.field_code("email").as_deref(), Some("invalid"));
}

async fn post_moderation_publishes_clean_comments_at_once(app: TestApp) {
    // Same database, a second app configured for post-moderation.
    let mut config = app.state.config().clone();
    config.moderation.mode = raqib::config::ModerationMode::Post;
    let state = raqib::app::AppState::assemble(
        config,
        app.store().clone(),
        app.state.secrets().clone(),
        std::sync::Arc::new(crate::support::KnownAnswers::default()),
    )
    .await
    .unwrap();
    let router = raqib::http::router(state);
    let mut request = json_request(
        Method::POST,
        "/api/v1/comments",
        &comment("/news/post", "منشور فوراً"),
        None,
    );
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(reader_ip()));
    let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let page = app.get("/api/v1/articles/%2Fnews%2Fpost/comments").await;
    assert_eq!(page.json()["comments"][0]["body"], "منشور فوراً");
}
