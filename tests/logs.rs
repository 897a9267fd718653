//! What the logs hold: a test binary of its own, because it installs the process-wide
//! subscriber and reads everything logged while a reader comments and an admin works.

use std::net::SocketAddr;

use axum::http::{Method, StatusCode};
use raqib::auth::{Role, passwords};
use raqib::store::accounts::NewUser;
use serde_json::json;

#[allow(dead_code, unused_macros)]
#[path = "api/support.rs"]
#[macro_use]
mod support;

use support::{LogSink, TestApp, json_request};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_carry_request_ids_and_never_emails_passwords_tokens_or_ips() {
    let sink = LogSink::default();
    let config = raqib::config::LogConfig {
        format: raqib::config::LogFormat::Json,
        level: "debug".into(),
    };
    let writer = sink.clone();
    tracing::subscriber::set_global_default(raqib::telemetry::logging::subscriber(
        &config,
        move || writer.clone(),
    ))
    .expect("the only subscriber of this binary");

    let app = TestApp::sqlite().await;
    let peer = SocketAddr::from(([198, 51, 100, 23], 5555));
    let mut comment = support::comment("/news/log", "تعليق للاختبار");
    comment["email"] = "layla.secret@example.com".into();
    let sent = app
        .send_from(
            peer,
            json_request(Method::POST, "/api/v1/comments", &comment, None),
        )
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED);
    let bad = app
        .send_from(
            peer,
            json_request(
                Method::POST,
                "/api/v1/comments",
                &json!({"article": "/news/log", "email": "layla.secret@example.com"}),
                None,
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let password = "a long secret test password";
    app.store()
        .create_user(NewUser {
            username: "adel".into(),
            password_hash: passwords::hash(password).unwrap(),
            role: Role::Admin,
            must_change_password: false,
            now: raqib::store::now_ms(),
        })
        .await
        .unwrap();
    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "adel", "password": password}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    let token = login.json()["token"].as_str().unwrap().to_string();
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "adel", "password": "not the password at all"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let queue = app
        .send(
            axum::http::Request::get("/api/v1/moderation/queue?email=layla.secret@example.com")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(queue.status, StatusCode::OK);

    // A news site missing from allowed_origins: its browsers refuse the widget's answers
    // in silence; the server says so once per origin, naming the key.
    for _ in 0..3 {
        let request = axum::http::Request::get("/api/v1/articles/x/comments")
            .header("origin", "https://unlisted-news.example")
            .header("host", "comments.example")
            .body(axum::body::Body::empty())
            .unwrap();
        app.send_from(peer, request).await;
    }
    let frame = axum::http::Request::get("/embed/frame?article=x")
        .header("sec-fetch-dest", "iframe")
        .header("referer", "https://framing-news.example/2026/a")
        .header("host", "comments.example")
        .body(axum::body::Body::empty())
        .unwrap();
    app.send_from(peer, frame).await;

    let logs = sink.text();
    for origin in [
        "https://unlisted-news.example",
        "https://framing-news.example",
    ] {
        let warned: Vec<&str> = logs
            .lines()
            .filter(|l| l.contains("WARN") && l.contains(origin))
            .collect();
        assert_eq!(warned.len(), 1, "one warning for {origin}: {logs}");
        assert!(warned[0].contains("allowed_origins"), "{}", warned[0]);
    }
    assert!(logs.lines().count() > 5, "debug logs were written: {logs}");
    assert!(
        logs.lines()
            .any(|l| l.contains(r#""name":"request""#) && l.contains(r#""id":""#)),
        "request lines carry the request id: {logs}"
    );
    for secret in [
        "layla.secret",
        "198.51.100.23",
        password,
        "not the password at all",
        token.as_str(),
    ] {
        assert!(!logs.contains(secret), "{secret:?} appears in the logs");
    }
}
