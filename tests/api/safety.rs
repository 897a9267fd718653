//! Bans (enforced before any captcha is spent), closed articles, reader reports, stats
//! and privacy requests.

use axum::http::{Method, StatusCode};
use raqib::auth::Role;
use serde_json::json;

use crate::accounts::{authed, moderation_stats, token_for};
use crate::support::{KNOWN_ANSWER, TestApp, comment, reader_ip};

both!(
    banning_an_author_stops_them_before_the_captcha_and_spams_their_queue,
    domain_and_address_bans_and_lifting_them,
    closed_articles_refuse_comments_until_reopened,
    reports_count_once_per_address_and_send_comments_back_in_post_mode,
    stats_count_statuses_and_decisions,
    erasing_an_email_leaves_nothing_of_it,
    a_ban_or_closing_on_one_replica_applies_on_another_within_seconds,
);

async fn a_ban_or_closing_on_one_replica_applies_on_another_within_seconds(app: TestApp) {
    use std::time::{Duration, Instant};
    // A second replica with its own connections, as another machine would have.
    let other = app.replica().await;
    // The error code a submission to the other replica gets ("" when accepted).
    let submit = |article: &'static str, email: &'static str| {
        let other = &other;
        async move {
            let mut body = comment(article, "تعليق من نسخة أخرى");
            body["email"] = email.into();
            let reply = other.submit(&body).await;
            reply.json()["error"]["code"]
                .as_str()
                .unwrap_or("")
                .to_string()
        }
    };
    assert_eq!(submit("/news/r2", "reader@example.com").await, "");
    assert_eq!(submit("/news/closed", "other@example.com").await, "");
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let closed = authed(
        &app,
        Method::POST,
        "/api/v1/moderation/articles/%2Fnews%2Fclosed/closed",
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(closed.status, StatusCode::NO_CONTENT);
    let ban = authed(
        &app,
        Method::POST,
        "/api/v1/moderation/bans",
        Some(&moderator),
        Some(json!({"email": "reader@example.com", "reason": "test"})),
    )
    .await;
    assert_eq!(ban.status, StatusCode::CREATED, "{}", ban.text);
    let started = Instant::now();
    loop {
        let banned = submit("/news/r2", "reader@example.com").await;
        let closed = submit("/news/closed", "other@example.com").await;
        if banned == "banned" && closed == "comments_closed" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the other replica still accepts after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "the other replica applied the ban after {} ms",
        started.elapsed().as_millis()
    );
}

async fn banning_an_author_stops_them_before_the_captcha_and_spams_their_queue(app: TestApp) {
    let mut config = app.state.config().clone();
    config.captcha.mode = raqib::gates::captcha::Mode::Always;
    let app = app.with_config(config).await;
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let first = with_code(&app, "تعليق أول").await.json()["id"]
        .as_i64()
        .unwrap();
    with_code(&app, "تعليق ثان").await;
    let ban = authed(
        &app,
        Method::POST,
        "/api/v1/moderation/bans",
        Some(&moderator),
        Some(
            json!({"comment_id": first, "reason": "troll", "mark_pending_spam": true, "ip": true}),
        ),
    )
    .await;
    assert_eq!(ban.status, StatusCode::CREATED, "{}", ban.text);
    assert_eq!(ban.json()["marked_spam"], 2);
    assert_eq!(
        ban.json()["bans"][0]["label"],
        "r*****@example.com",
        "no raw email shown"
    );
    let spent_before = app.store().spent_nonces().await.unwrap();
    let refused = with_code(&app, "محاولة بعد الحظر").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "banned");
    assert_eq!(
        app.store().spent_nonces().await.unwrap(),
        spent_before,
        "the captcha was not spent"
    );
    let audit = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/audit?action=ban.add",
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(
        audit["items"].as_array().unwrap().len(),
        2,
        "email and IP bans audited"
    );
}

async fn domain_and_address_bans_and_lifting_them(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let ban = authed(
        &app,
        Method::POST,
        "/api/v1/moderation/bans",
        Some(&moderator),
        Some(json!({"domain": "spam.example"})),
    )
    .await;
    assert_eq!(ban.status, StatusCode::CREATED, "{}", ban.text);
    let mut body = comment("/news/ban", "نص");
    body["email"] = json!("x@mail.spam.example");
    assert_eq!(app.submit(&body).await.code(), "banned", "subdomains too");
    let id = ban.json()["bans"][0]["id"].as_i64().unwrap();
    assert_eq!(
        authed(
            &app,
            Method::DELETE,
            &format!("/api/v1/moderation/bans/{id}"),
            Some(&moderator),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.submit(&body).await.status,
        StatusCode::ACCEPTED,
        "lifted"
    );

    let ip = reader_ip().ip().to_string();
    authed(
        &app,
        Method::POST,
        "/api/v1/moderation/bans",
        Some(&moderator),
        Some(json!({"ip": ip, "expires_in_days": 1})),
    )
    .await;
    let mut other = comment("/news/ban", "نص آخر");
    other["email"] = json!("someone.else@example.org");
    assert_eq!(
        app.submit(&other).await.code(),
        "banned",
        "the address, whatever the email"
    );
    let listed = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/bans",
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["label"], "203.0.113.0/24");
}

async fn closed_articles_refuse_comments_until_reopened(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let path = "/api/v1/moderation/articles/%2Fnews%2Fclosed/closed";
    assert_eq!(
        authed(&app, Method::POST, path, Some(&moderator), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let refused = app
        .send(crate::support::json_request(
            Method::POST,
            "/api/v1/comments",
            &comment("/news/closed", "نص"),
            Some("ar"),
        ))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "comments_closed");
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("مغلقة")
    );
    assert_eq!(
        app.submit(&comment("/news/open", "نص")).await.status,
        StatusCode::ACCEPTED,
        "other articles stay open"
    );
    assert_eq!(
        authed(&app, Method::DELETE, path, Some(&moderator), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.submit(&comment("/news/closed", "نص")).await.status,
        StatusCode::ACCEPTED
    );
}

async fn reports_count_once_per_address_and_send_comments_back_in_post_mode(app: TestApp) {
    let mut config = app.state.config().clone();
    config.moderation.mode = raqib::config::ModerationMode::Post;
    config.moderation.reports_to_pending = 2;
    let app = app.with_config(config).await;
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let id = app.submit_ok("/news/rep", "تعليق منشور مباشرة").await;
    let report = |from: u8| {
        let app = &app;
        async move {
            let request = crate::support::json_request(
                Method::POST,
                &format!("/api/v1/comments/{id}/report"),
                &json!({"reason": "مسيء"}),
                None,
            );
            app.send_from(
                std::net::SocketAddr::from(([198, 51, 100, from], 1)),
                request,
            )
            .await
        }
    };
    assert_eq!(report(1).await.status, StatusCode::ACCEPTED);
    assert_eq!(
        report(1).await.status,
        StatusCode::ACCEPTED,
        "again: accepted, not counted"
    );
    let public = app
        .get("/api/v1/articles/%2Fnews%2Frep/comments")
        .await
        .json();
    assert_eq!(
        public["comments"].as_array().unwrap().len(),
        1,
        "one report is not enough"
    );
    assert_eq!(report(2).await.status, StatusCode::ACCEPTED);
    let public = app
        .get("/api/v1/articles/%2Fnews%2Frep/comments")
        .await
        .json();
    assert_eq!(
        public["comments"],
        json!([]),
        "two addresses: back to the queue"
    );
    let queue = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?reported=true",
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(queue["items"][0]["report_count"], 2);
    assert_eq!(
        app.post_json("/api/v1/comments/987654/report", &json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn stats_count_statuses_and_decisions(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let a = app.submit_ok("/news/s", "أول").await;
    app.submit_ok("/news/s", "ثان").await;
    app.submit_ok("/news/s", "يا حمار").await;
    authed(
        &app,
        Method::POST,
        &format!("/api/v1/moderation/comments/{a}/decision"),
        Some(&moderator),
        Some(json!({"action": "approve"})),
    )
    .await;
    let stats = moderation_stats(&app, &moderator).await;
    assert_eq!(stats["by_status"]["pending"], 2);
    assert_eq!(stats["by_status"]["approved"], 1);
    assert_eq!(stats["pending_by_class"]["hold"], 1);
    // The counts follow a decision out of pending and a comment deleted outright.
    let held = app.submit_ok("/news/s", "يا غبي").await;
    let reject = json!({"action": "reject", "reason": "insult"});
    let path = format!("/api/v1/moderation/comments/{held}/decision");
    authed(&app, Method::POST, &path, Some(&moderator), Some(reject)).await;
    let counts = |stats: serde_json::Value| stats["by_status"].clone();
    let stats_now = || moderation_stats(&app, &moderator);
    assert_eq!(
        counts(stats_now().await),
        json!({"pending": 2, "approved": 1, "rejected": 1})
    );
    let now = raqib::store::now_ms();
    let retention = raqib::store::retention::Retention {
        rejected_before: Some(now + 60_000),
        ..Default::default()
    };
    let purged = app.store().purge(retention, now).await.unwrap();
    assert_eq!(purged.rejected, 1);
    assert_eq!(
        counts(stats_now().await),
        json!({"pending": 2, "approved": 1}),
        "a status with no comment left is not listed"
    );
    assert!(stats["oldest_pending_seconds"].as_i64().unwrap() >= 0);
    let days = stats["decisions"].as_object().unwrap();
    assert_eq!(days.values().next().unwrap()["mona"], 1);
}

async fn erasing_an_email_leaves_nothing_of_it(app: TestApp) {
    let admin = token_for(&app, "adel", Role::Admin).await;
    let mut body = comment("/news/p", "نص سيبقى منشوراً");
    body["email"] = json!("Private.Person+x@Gmail.com");
    body["name"] = json!("اسم خاص");
    let published = app.submit(&body).await.json()["id"].as_i64().unwrap();
    app.approve(published).await;
    body["body"] = json!("نص لم ينشر");
    let hidden = app.submit(&body).await.json()["id"].as_i64().unwrap();

    let export = authed(
        &app,
        Method::GET,
        "/api/v1/admin/privacy?email=privateperson%40gmail.com",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    assert_eq!(
        export.json()["comments"].as_array().unwrap().len(),
        2,
        "any spelling of the address finds them"
    );
    let erased = authed(
        &app,
        Method::DELETE,
        "/api/v1/admin/privacy?email=private.person%40gmail.com",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(erased.json()["comments"], 2);
    for id in [published, hidden] {
        let c = app.store().get_comment(id).await.unwrap().unwrap();
        assert_eq!(
            (
                c.author_email.as_str(),
                c.author_name.as_str(),
                c.email_hash.as_str()
            ),
            ("", "", "")
        );
        assert_eq!((c.ip_hash, c.ip_prefix, c.user_agent), (None, None, None));
    }
    assert_eq!(
        app.store().get_comment(hidden).await.unwrap().unwrap().body,
        "",
        "unpublished text goes too"
    );
    let again = authed(
        &app,
        Method::GET,
        "/api/v1/admin/privacy?email=privateperson%40gmail.com",
        Some(&admin),
        None,
    )
    .await
    .json();
    assert_eq!(again["comments"], json!([]));
    let page = app.get("/api/v1/articles/%2Fnews%2Fp/comments").await;
    assert!(!page.text.contains("اسم خاص"));
    assert!(
        page.text.contains("نص سيبقى منشوراً"),
        "the published text stays, unsigned"
    );
}

async fn with_code(app: &TestApp, text: &str) -> crate::support::TestResponse {
    let id = app.get("/api/v1/captcha").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut body = comment("/news/ban", text);
    body["captcha"] = json!({"id": id, "answer": KNOWN_ANSWER});
    app.submit(&body).await
}
