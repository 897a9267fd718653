//! The webhook: signed, retried after a failure, and never in the way of a submission.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use raqib::notify::webhook::{WebhookConfig, signature};

use crate::support::{TestApp, comment};

const SECRET: &str = "webhook-secret-for-tests";

/// A receiver on 127.0.0.1 that refuses its first `fail_first` deliveries.
async fn receiver(
    fail_first: usize,
    delay: Duration,
) -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seen = received.clone();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            let calls = calls.clone();
            async move {
                tokio::time::sleep(delay).await;
                let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let sig = headers["x-raqib-signature"]
                    .to_str()
                    .unwrap_or("")
                    .to_string();
                seen.lock().unwrap().push((sig, body));
                if n < fail_first {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

fn with_webhook(url: String) -> impl FnOnce(&mut raqib::config::Config) {
    move |c| {
        c.webhook = WebhookConfig {
            url: Some(url),
            secret: Some(SECRET.into()),
            max_attempts: Some(3),
        };
    }
}

#[tokio::test]
async fn held_comments_are_announced_signed_and_retried() {
    let (url, received) = receiver(1, Duration::ZERO).await;
    let app = TestApp::sqlite_with(with_webhook(url)).await;
    app.submit_ok("/news/w", "تعليق عادي لا يستحق تنبيهاً").await;
    let held = app.submit_ok("/news/w", "يا حمار").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while received.lock().unwrap().len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deliveries = received.lock().unwrap().clone();
    assert_eq!(deliveries.len(), 2, "refused once, delivered on the retry");
    let (sig, body) = &deliveries[1];
    assert_eq!(deliveries[0].1, *body, "the same event");
    let event: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["id"], held, "only the held comment");
    assert_eq!(event["class"], "hold");
    let t: i64 = sig
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches("t=")
        .parse()
        .unwrap();
    assert_eq!(
        *sig,
        signature(SECRET, t, body),
        "verifiable with the shared secret"
    );
}

#[tokio::test]
async fn a_slow_webhook_never_delays_a_submission() {
    let (url, _) = receiver(0, Duration::from_secs(3)).await;
    let app = TestApp::sqlite_with(with_webhook(url)).await;
    let started = Instant::now();
    let response = app.submit(&comment("/news/w", "يا حمار")).await;
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "answered in {:?}",
        started.elapsed()
    );
}

#[test]
fn a_webhook_needs_a_secret() {
    let config = raqib::config::Config {
        webhook: WebhookConfig {
            url: Some("https://hooks.example/x".into()),
            secret: None,
            max_attempts: None,
        },
        ..raqib::config::Config::default()
    };
    let figment = figment::Figment::from(figment::providers::Serialized::defaults(config));
    // The secret is not serialized, so an extracted config has none: refused by name.
    let err = raqib::config::Config::from_figment(figment).unwrap_err();
    assert!(err.0.contains("webhook.secret"), "{err}");
}
