//! Probes, request ids, the OpenAPI document, and unknown routes.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::TestApp;

both!(
    health_and_readiness_answer,
    every_response_carries_a_request_id,
    unknown_routes_get_the_error_envelope,
);

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
    assert_eq!(wrong_method.code(), "not_found");
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
