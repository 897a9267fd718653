//! Rate limits through the real router: quotas per client IP and per email, client
//! identity behind trusted proxies, no quota spent by malformed requests, one quota
//! across replicas through Redis, and service without Redis.

use std::net::SocketAddr;

use axum::http::{Method, StatusCode};
use raqib::gates::ratelimit::{Backend, Quota};
use serde_json::json;

use crate::support::{TestApp, json_request, redis_url};

fn tight(config: &mut raqib::config::Config) {
    config.rate_limits.submit_ip = Quota {
        per_minute: 6.0,
        burst: 3,
    };
}

fn peer(last: u8) -> SocketAddr {
    SocketAddr::from(([198, 51, 100, last], 5000))
}

fn body(n: usize) -> serde_json::Value {
    json!({"article": "/news/limits", "name": "قارئ", "email": format!("r{n}@example.com"), "body": "تعليق عادي"})
}

async fn post(
    app: &TestApp,
    from: SocketAddr,
    n: usize,
    xff: Option<&str>,
) -> crate::support::TestResponse {
    let mut request = json_request(Method::POST, "/api/v1/comments", &body(n), Some("ar"));
    if let Some(xff) = xff {
        request
            .headers_mut()
            .insert("x-forwarded-for", xff.parse().unwrap());
    }
    app.send_from(from, request).await
}

#[tokio::test]
async fn the_fourth_rapid_submission_from_one_ip_waits() {
    let app = TestApp::sqlite_with(tight).await;
    for n in 0..3 {
        assert_eq!(
            post(&app, peer(1), n, None).await.status,
            StatusCode::ACCEPTED
        );
    }
    let refused = post(&app, peer(1), 3, None).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.code(), "rate_limited");
    let retry: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=10).contains(&retry),
        "one comment every 10 s: Retry-After {retry}"
    );
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("لاحقاً"),
        "Arabic message"
    );

    assert_eq!(
        post(&app, peer(2), 4, None).await.status,
        StatusCode::ACCEPTED,
        "another IP is unaffected"
    );
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let app = TestApp::sqlite_with(tight).await;
    for n in 0..3 {
        let spoof = format!("203.0.113.{n}");
        assert_eq!(
            post(&app, peer(1), n, Some(&spoof)).await.status,
            StatusCode::ACCEPTED
        );
    }
    let refused = post(&app, peer(1), 3, Some("203.0.113.99")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let stored = app.store().get_comment(1).await.unwrap().unwrap();
    assert_eq!(
        stored.ip_hash,
        Some(app.state.secrets().ip_hash(peer(1).ip())),
        "the peer, not the header, is hashed"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_bucket() {
    let app = TestApp::sqlite_with(|c| {
        tight(c);
        c.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    let proxy = SocketAddr::from(([10, 0, 0, 5], 443));
    let mut n = 0;
    for client in ["198.51.100.7", "198.51.100.8"] {
        for _ in 0..3 {
            n += 1;
            let xff = format!("6.6.6.6, {client}");
            assert_eq!(
                post(&app, proxy, n, Some(&xff)).await.status,
                StatusCode::ACCEPTED,
                "{client}"
            );
        }
        let refused = post(&app, proxy, n + 100, Some(client)).await;
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{client} has used its own burst"
        );
    }
    let stored = app.store().get_comment(1).await.unwrap().unwrap();
    let client: std::net::IpAddr = "198.51.100.7".parse().unwrap();
    assert_eq!(stored.ip_hash, Some(app.state.secrets().ip_hash(client)));
}

#[tokio::test]
async fn malformed_requests_use_no_quota() {
    let app = TestApp::sqlite_with(tight).await;
    for _ in 0..5 {
        let bad = json!({"article": "/news/limits", "email": "not an email"});
        let response = app
            .send_from(
                peer(1),
                json_request(Method::POST, "/api/v1/comments", &bad, None),
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    for n in 0..3 {
        assert_eq!(
            post(&app, peer(1), n, None).await.status,
            StatusCode::ACCEPTED,
            "the burst is intact"
        );
    }
}

#[tokio::test]
async fn one_email_is_limited_across_addresses() {
    let app = TestApp::sqlite_with(|c| {
        c.rate_limits.submit_email = Quota {
            per_minute: 1.0,
            burst: 2,
        }
    })
    .await;
    let same = json!({"article": "/news/limits", "name": "قارئ", "email": "Same.Person+x@Gmail.com", "body": "نص"});
    let again = json!({"article": "/news/limits", "name": "قارئ", "email": "sameperson@gmail.com", "body": "نص آخر"});
    for (i, b) in [&same, &again].into_iter().enumerate() {
        let response = app
            .send_from(
                peer(10 + i as u8),
                json_request(Method::POST, "/api/v1/comments", b, None),
            )
            .await;
        assert_eq!(response.status, StatusCode::ACCEPTED);
    }
    let third = app
        .send_from(
            peer(20),
            json_request(Method::POST, "/api/v1/comments", &same, None),
        )
        .await;
    assert_eq!(
        third.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the canonical email is the key"
    );
}

#[tokio::test]
async fn an_article_under_a_flood_holds_new_comments() {
    let app = TestApp::sqlite_with(|c| c.rate_limits.flood_per_minute = 2).await;
    let mut classes = Vec::new();
    for n in 0..4 {
        let response = post(&app, peer(n as u8 + 1), n, None).await;
        let id = response.json()["id"].as_i64().unwrap();
        classes.push(app.store().get_comment(id).await.unwrap().unwrap().class);
    }
    use raqib::domain::Class::*;
    assert_eq!(classes, vec![Ok, Ok, Hold, Hold]);
    assert_eq!(app.state.limiter().flooded_comments(), 2);
}

fn shared_redis(prefix: &str, url: &str) -> impl Fn(&mut raqib::config::Config) {
    let (prefix, url) = (prefix.to_string(), url.to_string());
    move |c: &mut raqib::config::Config| {
        tight(c);
        c.rate_limits.backend = Backend::Redis;
        c.rate_limits.redis_url = url.clone();
        c.rate_limits.redis_prefix = prefix.clone();
    }
}

#[tokio::test]
async fn two_replicas_sharing_redis_enforce_one_quota() {
    let Some(url) = redis_url().await else { return };
    let prefix = format!("raqibtest{}", rand_suffix());
    let one = TestApp::sqlite_with(shared_redis(&prefix, &url)).await;
    let two = TestApp::sqlite_with(shared_redis(&prefix, &url)).await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let app = if n % 2 == 0 { &one } else { &two };
        statuses.push(post(app, peer(1), n, None).await.status.as_u16());
    }
    assert_eq!(
        statuses,
        vec![202, 202, 202, 429],
        "the fourth, on either replica, waits"
    );
    assert_eq!(one.get("/readyz").await.json().get("degraded"), None);
}

#[tokio::test]
async fn without_redis_the_service_keeps_serving_and_says_so() {
    // Nothing listens on port 1.
    let app = TestApp::sqlite_with(shared_redis("raqibdown", "redis://127.0.0.1:1")).await;
    assert_eq!(
        post(&app, peer(1), 0, None).await.status,
        StatusCode::ACCEPTED
    );
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    let why = ready.json()["degraded"]["rate_limits"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(why.contains("redis"), "{}", ready.text);
    for n in 1..3 {
        assert_eq!(
            post(&app, peer(1), n, None).await.status,
            StatusCode::ACCEPTED
        );
    }
    assert_eq!(
        post(&app, peer(1), 3, None).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "limits still hold, per replica"
    );
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}
