//! Probes, request ids, the OpenAPI document, and unknown routes.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::TestApp;

both!(
    health_and_readiness_answer,
    every_response_carries_a_request_id,
    unknown_routes_get_the_error_envelope,
    metrics_count_requests_submissions_and_the_queue,
    retention_purges_refused_comments_and_old_ip_hashes,
);

/// The value of one series in an exposition text (0 when absent).
fn series(text: &str, name_and_labels: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            line.strip_prefix(name_and_labels)?
                .strip_prefix(' ')?
                .parse()
                .ok()
        })
        .unwrap_or(0.0)
}

async fn metrics_count_requests_submissions_and_the_queue(app: TestApp) {
    // Metrics are process-wide and tests run in parallel: compare before and after.
    let before = app.metrics().await;
    app.submit_ok("/news/m", "تعليق عادي عن الطقس").await;
    app.submit_ok("/news/m", "يا حمار").await;
    let refused = app
        .submit(&serde_json::json!({"article": "/news/m", "body": "x"}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .send(
            Request::get("/metrics")
                .header(
                    "authorization",
                    format!("Bearer {}", crate::support::METRICS_TOKEN),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let after = response.text;
    let grew = |s: &str| series(&after, s) - series(&before, s);
    assert!(
        grew(r#"raqib_submissions_total{class="ok",outcome="accepted"}"#) >= 1.0,
        "{after}"
    );
    assert!(grew(r#"raqib_submissions_total{class="hold",outcome="accepted"}"#) >= 1.0);
    assert!(grew(r#"raqib_submissions_total{class="none",outcome="validation_failed"}"#) >= 1.0);
    assert!(
        grew(r#"raqib_http_requests_total{route="/api/v1/comments",method="POST",status="202"}"#)
            >= 2.0
    );
    assert!(grew(r#"raqib_http_request_duration_seconds_count{route="/api/v1/comments"}"#) >= 3.0);
    assert!(series(&after, "raqib_filter_check_seconds_count") >= 2.0);
    assert!(series(&after, "raqib_db_write_seconds_count") >= 2.0);
    // Gauges read from this app's database.
    assert_eq!(
        series(&after, r#"raqib_queue_depth{status="pending"}"#),
        2.0,
        "{after}"
    );
    assert_eq!(
        series(&after, "raqib_filter_version"),
        app.state.live_filter().version() as f64
    );
    assert!(after.contains("# TYPE raqib_queue_oldest_pending_seconds gauge"));
    // No concrete ids or article keys become series.
    assert!(!after.contains("/news/m"));
}

async fn retention_purges_refused_comments_and_old_ip_hashes(app: TestApp) {
    use raqib::domain::{Class, NewComment, Status};
    let day = 86_400_000i64;
    let now = raqib::store::now_ms();
    let insert = |status: Status, age_days: i64, parent: Option<i64>| {
        let store = app.store().clone();
        async move {
            store
                .insert_comment(NewComment {
                    article: "/news/old".into(),
                    parent,
                    author_name: "قارئ".into(),
                    author_email: "old@example.com".into(),
                    email_hash: "e".repeat(64),
                    ip_hash: Some("a".repeat(64)),
                    ip_net_hash: Some("b".repeat(64)),
                    ip_prefix: Some("203.0.113.0/24".into()),
                    user_agent: None,
                    body: "نص قديم".into(),
                    body_key: "نص قديم".into(),
                    status,
                    class: Class::Ok,
                    score: 0.0,
                    hits: "[]".into(),
                    created_at: now - age_days * day,
                    captcha_nonce: None,
                })
                .await
                .unwrap()
        }
    };
    let old_blocked = insert(Status::Blocked, 40, None).await;
    let new_blocked = insert(Status::Blocked, 10, None).await;
    let old_spam = insert(Status::Spam, 40, None).await;
    let old_rejected = insert(Status::Rejected, 100, None).await;
    let new_rejected = insert(Status::Rejected, 60, None).await;
    let old_approved = insert(Status::Approved, 400, None).await;
    let reply = insert(Status::Approved, 395, Some(old_approved)).await;
    let recent = insert(Status::Approved, 1, None).await;

    let purged = raqib::jobs::housekeeping::run_retention(&app.state)
        .await
        .unwrap();
    assert_eq!(
        (purged.blocked, purged.spam, purged.rejected),
        (1, 1, 1),
        "{purged:?}"
    );
    assert_eq!(
        purged.ip_scrubbed, 2,
        "the two comments over 90 days old that stay: {purged:?}"
    );
    let store = app.store();
    for gone in [old_blocked, old_spam, old_rejected] {
        assert!(
            store.get_comment(gone).await.unwrap().is_none(),
            "{gone} purged"
        );
    }
    for kept in [new_blocked, new_rejected, old_approved, reply, recent] {
        assert!(
            store.get_comment(kept).await.unwrap().is_some(),
            "{kept} kept"
        );
    }
    let old = store.get_comment(old_approved).await.unwrap().unwrap();
    assert_eq!(
        (old.ip_hash, old.ip_net_hash, old.ip_prefix),
        (None, None, None)
    );
    assert_eq!(old.body, "نص قديم", "published text stays");
    let fresh = store.get_comment(recent).await.unwrap().unwrap();
    assert!(fresh.ip_hash.is_some(), "recent hashes stay");

    let audit = store
        .audit_log(&raqib::store::accounts::AuditFilter {
            action: Some("retention.".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "system");
    // A second run has nothing left to do and writes nothing.
    let again = raqib::jobs::housekeeping::run_retention(&app.state)
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
}

#[tokio::test]
async fn requests_over_the_concurrency_limit_are_shed_with_503() {
    use std::sync::Arc;
    use std::time::Duration;
    let slow = Arc::new(crate::support::KnownAnswers {
        delay: Duration::from_millis(400),
    });
    let app = Arc::new(
        TestApp::sqlite_with_source(
            |c| {
                c.captcha.mode = raqib::gates::captcha::Mode::Always;
                c.captcha.pool_size = 0;
                c.http.max_concurrency = 1;
            },
            slow,
        )
        .await,
    );
    let busy = {
        let app = app.clone();
        tokio::spawn(async move { app.get("/api/v1/captcha").await.status })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let shed = app.get("/healthz").await;
    assert_eq!(shed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(shed.code(), "overloaded");
    assert!(shed.headers.contains_key("retry-after"));
    assert_eq!(
        busy.await.unwrap(),
        StatusCode::OK,
        "the running request finishes"
    );
    assert_eq!(
        app.get("/healthz").await.status,
        StatusCode::OK,
        "and room is back"
    );
}

/// By default the main address does not serve metrics at all (they live on
/// `http.metrics_listen`); with a token it serves them to that token only.
#[tokio::test]
async fn metrics_are_private_by_default() {
    let default = TestApp::sqlite_with(|c| c.http.metrics_token = None).await;
    let hidden = default.get("/metrics").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.json()["error"]["code"], "not_found");

    let app = TestApp::sqlite_with(|c| c.http.metrics_token = Some("scrape-secret".into())).await;
    assert_eq!(app.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    let wrong = app
        .send(
            Request::get("/metrics")
                .header("authorization", "Bearer scrape-secreT")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let ok = app
        .send(
            Request::get("/metrics")
                .header("authorization", "Bearer scrape-secret")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

async fn health_and_readiness_answer(app: TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["database"], "ok");
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let first = app.get("/healthz").await;
    let second = app.get("/healthz").await;
    let id =
        |r: &crate::support::TestResponse| r.headers["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(id(&first), id(&second));
    let given = app
        .send(
            Request::get("/healthz")
                .header("x-request-id", "abc-123")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(id(&given), "abc-123", "a caller's id is kept");
    let error = app.get("/nope").await;
    assert!(error.headers.contains_key("x-request-id"), "errors too");
}

async fn unknown_routes_get_the_error_envelope(app: TestApp) {
    let missing = app.get("/api/v1/nothing-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
    let wrong_method = app
        .send(
            Request::delete("/api/v1/comments")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    // A route that exists, asked with a method it does not take: 405 with `Allow`.
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.code(), "method_not_allowed");
    assert!(wrong_method.headers.contains_key("allow"));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::sqlite().await;
    let doc = app.get("/api/v1/openapi.json").await.json();
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/v1/comments", "post"),
        ("/api/v1/articles/{article}/comments", "get"),
        ("/api/v1/form-token", "get"),
        ("/api/v1/captcha", "get"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/password", "post"),
        ("/api/v1/admin/users", "get"),
        ("/api/v1/admin/users", "post"),
        ("/api/v1/admin/users/{id}", "patch"),
        ("/api/v1/admin/users/{id}/password", "post"),
        ("/api/v1/admin/tokens", "get"),
        ("/api/v1/admin/tokens", "post"),
        ("/api/v1/admin/tokens/{id}", "delete"),
        ("/api/v1/moderation/audit", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/api/v1/openapi.json", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} documented"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    assert!(
        schemas.contains_key("ErrorEnvelope"),
        "the error envelope is documented"
    );
}
