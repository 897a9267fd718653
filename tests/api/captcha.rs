//! The security code through the real router: single use, burned on any attempt, one
//! winner among concurrent submissions, forgiving answers, field errors first, an empty
//! pool that sheds load, adaptive mode, and issuing that writes nothing.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use raqib::gates::captcha::Mode;
use serde_json::{Value, json};

use crate::support::{KNOWN_ANSWER, KnownAnswers, TestApp, comment, json_request};

both!(
    a_solved_code_is_accepted_once,
    a_wrong_answer_burns_the_code,
    fifty_concurrent_submissions_with_one_solved_code_make_one_comment,
);

fn always(config: &mut raqib::config::Config) {
    config.captcha.mode = Mode::Always;
}

async fn on(app: TestApp) -> TestApp {
    // `both!` builds apps with the defaults of the tests (captcha off): rebuild the state
    // with the captcha on, over the same store.
    let mut config = app.state.config().clone();
    always(&mut config);
    app.with_config(config).await
}

async fn challenge(app: &TestApp) -> String {
    let response = app.get("/api/v1/captcha").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.headers["cache-control"], "no-store");
    let body = response.json();
    assert!(
        body["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    body["id"].as_str().unwrap().to_string()
}

fn with_code(mut body: Value, id: &str, answer: &str) -> Value {
    body["captcha"] = json!({"id": id, "answer": answer});
    body
}

async fn a_solved_code_is_accepted_once(app: TestApp) {
    let app = on(app).await;
    let id = challenge(&app).await;
    let first = app
        .submit(&with_code(
            comment("/news/c", "أول تعليق"),
            &id,
            KNOWN_ANSWER,
        ))
        .await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text);
    let again = app
        .submit(&with_code(
            comment("/news/c", "محاولة ثانية"),
            &id,
            KNOWN_ANSWER,
        ))
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "captcha_invalid");
    assert_eq!(app.store().count_comments().await.unwrap(), 1);
}

async fn a_wrong_answer_burns_the_code(app: TestApp) {
    let app = on(app).await;
    let id = challenge(&app).await;
    let wrong = app
        .submit(&with_code(comment("/news/c", "نص"), &id, "1111"))
        .await;
    assert_eq!(wrong.code(), "captcha_invalid");
    let right = app
        .submit(&with_code(comment("/news/c", "نص"), &id, KNOWN_ANSWER))
        .await;
    assert_eq!(
        right.code(),
        "captcha_invalid",
        "the first attempt burned it"
    );
    assert_eq!(app.store().count_comments().await.unwrap(), 0);
    assert_eq!(app.store().spent_nonces().await.unwrap(), 1);
}

async fn fifty_concurrent_submissions_with_one_solved_code_make_one_comment(app: TestApp) {
    let app = Arc::new(on(app).await);
    let id = challenge(&app).await;
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let app = app.clone();
            let body = with_code(
                comment("/news/race", &format!("سباق {n}")),
                &id,
                KNOWN_ANSWER,
            );
            tokio::spawn(async move { app.submit(&body).await.status.as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let accepted = statuses.iter().filter(|s| **s == 202).count();
    let refused = statuses.iter().filter(|s| **s == 400).count();
    assert_eq!((accepted, refused), (1, 49), "{statuses:?}");
    assert_eq!(app.store().count_comments().await.unwrap(), 1);
}

#[tokio::test]
async fn answers_are_forgiving_and_the_code_is_required() {
    let app = TestApp::sqlite_with(always).await;
    let missing = app.submit(&comment("/news/c", "بلا رمز")).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.field_code("captcha").as_deref(), Some("required"));

    let id = challenge(&app).await;
    let arabic_digits = app
        .submit(&with_code(comment("/news/c", "نص"), &id, " ٤٧ ٢٩ "))
        .await;
    assert_eq!(
        arabic_digits.status,
        StatusCode::ACCEPTED,
        "Arabic-Indic digits and spaces: {}",
        arabic_digits.text
    );

    let id = challenge(&app).await;
    let persian = app
        .submit(&with_code(comment("/news/c", "نص آخر"), &id, "۴۷۲۹"))
        .await;
    assert_eq!(persian.status, StatusCode::ACCEPTED, "Persian digits");

    let form = format!(
        "article=%2Fnews%2Fc&name=x&email=x%40example.com&body=form&captcha_id={}&captcha_answer={KNOWN_ANSWER}",
        challenge(&app).await
    );
    let request = axum::http::Request::post("/api/v1/comments")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(form))
        .unwrap();
    assert_eq!(
        app.send(request).await.status,
        StatusCode::ACCEPTED,
        "form fields captcha_id/captcha_answer"
    );
}

#[tokio::test]
async fn unknown_garbage_forged_and_expired_codes_are_refused_alike() {
    let app = TestApp::sqlite_with(|c| {
        always(c);
        c.captcha.ttl_secs = 1;
    })
    .await;
    let other_key =
        raqib::secrets::keys::Secrets::from_secret(b"another key, another key, another");
    let forged =
        raqib::gates::captcha::token::issue(&other_key.derive("captcha"), KNOWN_ANSWER, i64::MAX);
    for id in ["", "garbage", "AAAA", forged.as_str()] {
        let mut body = comment("/news/c", "نص");
        body["captcha"] = json!({"id": id, "answer": KNOWN_ANSWER});
        let response = app
            .send(json_request(
                Method::POST,
                "/api/v1/comments",
                &body,
                Some("ar"),
            ))
            .await;
        if id.is_empty() {
            assert_eq!(response.field_code("captcha").as_deref(), Some("required"));
        } else {
            assert_eq!(response.code(), "captcha_invalid", "{id}");
            assert!(
                response.json()["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("رمز الأمان")
            );
        }
    }
    let id = challenge(&app).await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let late = app
        .submit(&with_code(comment("/news/c", "نص"), &id, KNOWN_ANSWER))
        .await;
    assert_eq!(late.code(), "captcha_invalid", "expired");
}

#[tokio::test]
async fn field_errors_come_first_and_keep_the_code() {
    let app = TestApp::sqlite_with(always).await;
    let id = challenge(&app).await;
    let mut typo = with_code(comment("/news/c", "نص"), &id, KNOWN_ANSWER);
    typo["email"] = json!("reader@example");
    let refused = app.submit(&typo).await;
    assert_eq!(refused.field_code("email").as_deref(), Some("invalid"));
    assert_eq!(
        app.store().spent_nonces().await.unwrap(),
        0,
        "the code was not spent"
    );
    typo["email"] = json!("reader@example.com");
    assert_eq!(app.submit(&typo).await.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn issuing_writes_nothing_and_text_questions_follow_the_language() {
    let app = TestApp::sqlite_with(always).await;
    for _ in 0..20 {
        challenge(&app).await;
    }
    let arabic = app
        .send(
            axum::http::Request::get("/api/v1/captcha?kind=text")
                .header("accept-language", "ar")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert!(
        arabic["question"].as_str().unwrap().contains("بالأرقام"),
        "{arabic}"
    );
    assert!(arabic.get("image").is_none());
    let english = app.get("/api/v1/captcha?kind=text").await.json();
    assert!(english["question"].as_str().unwrap().contains("digits"));
    assert_eq!(app.store().spent_nonces().await.unwrap(), 0);
    assert_eq!(app.store().count_comments().await.unwrap(), 0);
}

#[tokio::test]
async fn an_empty_pool_under_a_burst_sheds_load_with_retry_after() {
    let slow = Arc::new(KnownAnswers {
        delay: Duration::from_millis(300),
    });
    let app = Arc::new(
        TestApp::sqlite_with_source(
            |c| {
                always(c);
                c.captcha.pool_size = 0;
            },
            slow,
        )
        .await,
    );
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let r = app.get("/api/v1/captcha").await;
                (
                    r.status.as_u16(),
                    r.headers.get("retry-after").is_some(),
                    r.text,
                )
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        let (status, retry_after, text) = task.await.unwrap();
        match status {
            200 => ok += 1,
            503 => {
                assert!(retry_after, "503 carries Retry-After");
                assert!(text.contains("overloaded"));
            }
            other => panic!("unexpected {other}: {text}"),
        }
    }
    assert!((1..=2).contains(&ok), "one render at a time: {ok} served");
}

#[tokio::test]
async fn adaptive_mode_asks_only_recent_or_doubtful_commenters() {
    let app = TestApp::sqlite_with(|c| c.captcha.mode = Mode::Adaptive).await;
    let first = app
        .submit(&comment("/news/a", "شكرا على التقرير المفيد"))
        .await;
    assert_eq!(first.status, StatusCode::ACCEPTED);
    let second = app.submit(&comment("/news/a", "تعليق ثان بعد لحظة")).await;
    assert_eq!(second.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(second.code(), "captcha_required");
    let id = challenge(&app).await;
    let solved = app
        .submit(&with_code(
            comment("/news/a", "تعليق ثان بعد لحظة"),
            &id,
            KNOWN_ANSWER,
        ))
        .await;
    assert_eq!(solved.status, StatusCode::ACCEPTED);

    let doubtful = app
        .send_from(
            std::net::SocketAddr::from(([198, 51, 100, 99], 1)),
            json_request(
                Method::POST,
                "/api/v1/comments",
                &comment("/news/a", "يا حمار"),
                None,
            ),
        )
        .await;
    assert_eq!(
        doubtful.code(),
        "captcha_required",
        "a held comment needs a code even on a first visit"
    );
}
