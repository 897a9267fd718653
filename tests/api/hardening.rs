//! What an outside security and robustness review broke, one test per point: each fails
//! on the code before its fix.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use raqib::auth::Role;
use serde_json::json;

use crate::accounts::{add_user, authed, token_for};
use crate::support::{TestApp, TestResponse, json_request};

both!(
    a_change_racing_a_removal_never_answers_500,
    bad_path_parameters_get_the_error_envelope,
    an_unknown_method_is_405_with_the_allowed_ones,
    a_form_post_that_is_not_utf8_is_refused_and_stores_nothing,
    a_json_body_with_a_key_twice_is_refused,
    successful_logins_never_count_toward_a_lockout,
    guesses_from_other_addresses_never_lock_the_owner_out,
    invisible_characters_in_names_and_emails_are_refused,
    a_query_string_that_is_not_utf8_is_refused,
);

/// The body is the JSON error envelope with this code.
fn assert_envelope(response: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{}", response.text);
    assert_eq!(
        response.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/json",
        "{}",
        response.text
    );
    assert_eq!(response.code(), code, "{}", response.text);
    assert!(response.json()["error"]["message"].is_string());
}

/// PATCH and DELETE of the same rule or term at once: the PATCH used to read the entry
/// back after its own write, and a DELETE landing in between made that read find
/// nothing, a 500. Now each answers 200, or 404 when the other came first.
async fn a_change_racing_a_removal_never_answers_500(app: TestApp) {
    let token = token_for(&app, "adel", Role::Admin).await;
    for round in 0..12 {
        let (path, patch) = if round % 2 == 0 {
            let rule = authed(
                &app,
                Method::POST,
                "/api/v1/admin/filter/rules",
                Some(&token),
                Some(json!({"pattern": format!("سباق{round}"), "weight": 1, "name": format!("race_{round}")})),
            )
            .await;
            assert_eq!(rule.status, StatusCode::CREATED, "{}", rule.text);
            let id = rule.json()["rule"]["id"].as_i64().unwrap();
            (format!("/api/v1/admin/filter/rules/{id}"), json!({}))
        } else {
            let term = authed(
                &app,
                Method::POST,
                "/api/v1/admin/filter/terms",
                Some(&token),
                Some(
                    json!({"term": format!("كلمةسباق{round}"), "category": "insult", "weight": 1}),
                ),
            )
            .await;
            assert_eq!(term.status, StatusCode::CREATED, "{}", term.text);
            let id = term.json()["term"]["id"].as_i64().unwrap();
            (format!("/api/v1/admin/filter/terms/{id}"), json!({}))
        };
        let (changed, removed) = tokio::join!(
            authed(&app, Method::PATCH, &path, Some(&token), Some(patch)),
            authed(&app, Method::DELETE, &path, Some(&token), None),
        );
        assert!(
            matches!(changed.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "PATCH {path}: {} {}",
            changed.status,
            changed.text
        );
        assert!(
            matches!(removed.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "DELETE {path}: {} {}",
            removed.status,
            removed.text
        );
        if changed.status == StatusCode::OK {
            // The answer is the entry as the change wrote it.
            let body = changed.json();
            let entry = body
                .get("rule")
                .or_else(|| body.get("term"))
                .expect("the entry");
            assert_eq!(entry["version"], body["version"], "{body}");
        }
        // A removal that succeeded is final: a change after it is refused, not revived.
        let after = authed(&app, Method::GET, &path, Some(&token), None).await;
        if removed.status == StatusCode::OK {
            assert_eq!(
                after.status,
                StatusCode::NOT_FOUND,
                "{path} removed: {}",
                after.text
            );
        }
    }
}

/// Ids in paths that are not ids, on every kind of route that takes one, and a bad query.
async fn bad_path_parameters_get_the_error_envelope(app: TestApp) {
    let token = token_for(&app, "adel", Role::Admin).await;
    for (method, path) in [
        (Method::DELETE, "/api/v1/moderation/bans/abc"),
        (Method::PATCH, "/api/v1/admin/users/1.5"),
        (Method::GET, "/api/v1/admin/filter/versions/-1x"),
        (
            Method::GET,
            "/api/v1/admin/filter/terms/99999999999999999999999",
        ),
        (Method::POST, "/api/v1/moderation/comments/x/decision"),
        (Method::POST, "/api/v1/comments/%F0%9F%98%80/report"),
        (Method::DELETE, "/api/v1/admin/tokens/one"),
    ] {
        let response = authed(&app, method.clone(), path, Some(&token), Some(json!({}))).await;
        assert_envelope(&response, StatusCode::NOT_FOUND, "not_found");
    }
}

/// TRACE, and methods a route does not take, answer 405 with `Allow`, in the envelope.
async fn an_unknown_method_is_405_with_the_allowed_ones(app: TestApp) {
    for (method, path, allowed) in [
        (Method::TRACE, "/api/v1/comments", "POST"),
        (Method::PUT, "/api/v1/comments", "POST"),
        (Method::DELETE, "/healthz", "GET"),
    ] {
        let response = app
            .send(
                Request::builder()
                    .method(method)
                    .uri(path)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_envelope(
            &response,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        );
        let allow = response
            .headers
            .get(header::ALLOW)
            .expect("Allow")
            .to_str()
            .unwrap();
        assert!(allow.contains(allowed), "{path}: Allow: {allow}");
    }
}

/// A form whose fields decode to bytes that are not UTF-8 is refused whole.
async fn a_form_post_that_is_not_utf8_is_refused_and_stores_nothing(app: TestApp) {
    let before = app.store().count_comments().await.unwrap();
    for body in [
        "article=%2Fnews%2Fa&name=%FF%FE&email=reader%40example.com&body=hello+there",
        "article=%2Fnews%2Fa&name=Sami&email=reader%40example.com&body=%C3%28",
    ] {
        let response = app
            .send(
                Request::post("/api/v1/comments")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_envelope(&response, StatusCode::BAD_REQUEST, "invalid_form");
    }
    assert_eq!(app.store().count_comments().await.unwrap(), before);
}

/// `{"name": "a", "name": "b"}` is ambiguous: refused, on the public and the admin API.
async fn a_json_body_with_a_key_twice_is_refused(app: TestApp) {
    let body = r#"{"article": "/news/a", "name": "Sami", "name": "Other",
        "email": "reader@example.com", "body": "a comment about the news"}"#;
    let response = app
        .send(
            Request::post("/api/v1/comments")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_envelope(&response, StatusCode::BAD_REQUEST, "invalid_json");
    let token = token_for(&app, "adel", Role::Admin).await;
    let settings = app
        .send(
            Request::put("/api/v1/admin/filter/settings")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(r#"{"hold": 2.5, "hold": 9}"#))
                .unwrap(),
        )
        .await;
    assert_envelope(&settings, StatusCode::BAD_REQUEST, "invalid_json");
    assert_eq!(app.store().count_comments().await.unwrap(), 0);
}

/// An app with the shipped login quotas (the other tests lift every limit).
async fn with_login_limits(app: TestApp) -> TestApp {
    let mut config = app.state.config().clone();
    let shipped = raqib::gates::ratelimit::RateLimitConfig::default();
    config.rate_limits.login_ip = shipped.login_ip;
    config.rate_limits.login_user = shipped.login_user;
    config.rate_limits.login_alarm = shipped.login_alarm;
    app.with_config(config).await
}

async fn login_from(app: &TestApp, last_octet: u8, password: &str) -> TestResponse {
    let peer = std::net::SocketAddr::from(([198, 51, 100, last_octet], 4000));
    let body = json!({"username": "adel", "password": password});
    app.send_from(
        peer,
        json_request(Method::POST, "/api/v1/auth/login", &body, None),
    )
    .await
}

/// The per-name limit used to count every login: about six and the admin was locked out.
async fn successful_logins_never_count_toward_a_lockout(app: TestApp) {
    let app = with_login_limits(app).await;
    add_user(&app, "adel", Role::Admin, "the right long password").await;
    for attempt in 0..8 {
        let ok = login_from(&app, 7, "the right long password").await;
        assert_eq!(ok.status, StatusCode::OK, "login {attempt}: {}", ok.text);
    }
}

/// Failures from many addresses never refuse the right password from a fresh one; an
/// address that keeps guessing is locked out of that account (even with the right
/// password), while the owner elsewhere is not; and the account's alarm sounds.
async fn guesses_from_other_addresses_never_lock_the_owner_out(app: TestApp) {
    let app = with_login_limits(app).await;
    add_user(&app, "adel", Role::Admin, "the right long password").await;
    let alarms_before = alarms(&app).await;
    for octet in 10..40 {
        let wrong = login_from(&app, octet, "a wrong guess").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    }
    let owner = login_from(&app, 200, "the right long password").await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);
    assert!(alarms(&app).await > alarms_before, "the alarm counted");

    let mut locked = None;
    for attempt in 0..8 {
        let guess = login_from(&app, 99, "another wrong guess").await;
        if guess.status == StatusCode::TOO_MANY_REQUESTS {
            locked = Some(attempt);
            break;
        }
        assert_eq!(guess.status, StatusCode::UNAUTHORIZED, "{}", guess.text);
    }
    assert!(locked.is_some(), "one address guessing is stopped");
    let same_address = login_from(&app, 99, "the right long password").await;
    assert_envelope(&same_address, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(same_address.headers.contains_key(header::RETRY_AFTER));
    let elsewhere = login_from(&app, 201, "the right long password").await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.text);
}

async fn alarms(app: &TestApp) -> u64 {
    app.metrics()
        .await
        .lines()
        .find(|l| l.starts_with("raqib_login_alarms_total"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Names and emails with characters that display as nothing (or only harakat) are
/// refused field by field and store nothing; a ZWNJ inside a Persian word is spelling.
async fn invisible_characters_in_names_and_emails_are_refused(app: TestApp) {
    for (field, value) in [
        ("name", "سا\u{200D}مي"),
        ("name", "سامي\u{2028}علي"),
        ("name", "\u{064E}\u{064F}"),
        ("name", "سامي\u{FE0F}"),
        ("name", "\u{202E}imas"),
        ("email", "reader@mailinator\u{200B}.com"),
        ("email", "rea\u{200D}der@example.com"),
    ] {
        let mut comment = crate::support::comment("/news/invisible", "تعليق عادي عن الخبر");
        comment[field] = value.into();
        let refused = app.submit(&comment).await;
        assert_envelope(
            &refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert_eq!(
            refused.field_code(field).as_deref(),
            Some("invalid_characters"),
            "{field} {value:?}: {}",
            refused.text
        );
    }
    assert_eq!(app.store().count_comments().await.unwrap(), 0);
    let mut persian = crate::support::comment("/news/invisible", "تعليق عادي عن الخبر");
    persian["name"] = "می\u{200C}خواهم".into();
    let kept = app.submit(&persian).await;
    assert_eq!(kept.status, StatusCode::ACCEPTED, "{}", kept.text);
    let id = kept.json()["id"].as_i64().unwrap();
    let stored = app.store().get_comment(id).await.unwrap().unwrap();
    assert_eq!(stored.author_name, "می\u{200C}خواهم");
}

/// A query parameter that decodes to bytes that are not UTF-8 is refused with the
/// envelope, on the JSON API and on the iframe page alike, instead of being read as U+FFFD.
async fn a_query_string_that_is_not_utf8_is_refused(app: TestApp) {
    let admin = token_for(&app, "root", Role::Admin).await;
    for path in [
        "/api/v1/admin/privacy?email=a%FF%40example.com",
        "/api/v1/moderation/queue?q=%C3",
        "/api/v1/admin/filter/versions?limit=%E0%A4",
    ] {
        let response = authed(&app, Method::GET, path, Some(&admin), None).await;
        assert_envelope(&response, StatusCode::BAD_REQUEST, "invalid_query");
    }
    let frame = app.get("/embed/frame?article=%2Fnews%2F%FF").await;
    assert_envelope(&frame, StatusCode::BAD_REQUEST, "invalid_query");
    let arabic = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?q=%D8%B3%D9%84%D8%A7%D9%85",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        arabic.status,
        StatusCode::OK,
        "well-formed text is read: {}",
        arabic.text
    );
}
