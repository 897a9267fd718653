//! The moderation queue: what moderators see, decisions and their races, takedowns,
//! claims without overlap, bulk decisions, reputation and the audit trail.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use raqib::auth::Role;
use serde_json::{Value, json};

use crate::accounts::{authed, token_for};
use crate::support::TestApp;

both!(
    the_queue_shows_pending_comments_with_hits_history_and_search,
    two_moderators_deciding_one_comment_get_one_success_and_one_conflict,
    decisions_publish_take_down_and_restore,
    claims_never_overlap_and_guard_decisions,
    bulk_decisions_report_each_id,
    approved_history_lowers_the_score_of_later_comments,
    a_decision_on_one_replica_reaches_histories_another_remembers,
);

async fn decide(app: &TestApp, token: &str, id: i64, body: Value) -> crate::support::TestResponse {
    authed(
        app,
        Method::POST,
        &format!("/api/v1/moderation/comments/{id}/decision"),
        Some(token),
        Some(body),
    )
    .await
}

async fn the_queue_shows_pending_comments_with_hits_history_and_search(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let clean = app
        .submit_ok("/news/q", "أتمنى للمنتخب التوفيق في البطولة القادمة")
        .await;
    let insult = app.submit_ok("/news/q", "يا حمار كلامك فاضي").await;
    let voweled = app.submit_ok("/news/q", "مَرْحَباً بِالجَمِيعِ فِي النِّقَاشِ").await;

    let page = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue",
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let items = page.json()["items"].as_array().unwrap().clone();
    let ids: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![clean, insult, voweled], "oldest first");
    let held = &items[1];
    assert_eq!(held["class"], "hold");
    assert_eq!(
        held["email"], "reader@example.com",
        "moderators see the email"
    );
    assert!(
        held["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["span"].is_array())
    );
    assert!(held["history_email"]["approved"].is_number());

    let holds = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?class=hold",
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(holds["items"].as_array().unwrap().len(), 1);
    // By the reason it was held: a hit of that category.
    for (reason, expected) in [("insult", vec![insult]), ("spam_phrase", vec![])] {
        let listed = authed(
            &app,
            Method::GET,
            &format!("/api/v1/moderation/queue?reason={reason}"),
            Some(&moderator),
            None,
        )
        .await
        .json();
        let ids: Vec<i64> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, expected, "reason={reason}");
    }
    let unknown = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?reason=nonsense",
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let search = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?q=%D8%A8%D8%A7%D9%84%D8%AC%D9%85%D9%8A%D8%B9",
        Some(&moderator),
        None,
    )
    .await
    .json();
    let found: Vec<i64> = search["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        found,
        vec![voweled],
        "a search without harakat finds the text with them"
    );
    let newest = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?sort=newest&limit=2",
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(newest["items"][0]["id"], voweled);
    let cursor = newest["next_cursor"].as_str().unwrap().to_string();
    let rest = authed(
        &app,
        Method::GET,
        &format!("/api/v1/moderation/queue?sort=newest&limit=2&cursor={cursor}"),
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["id"], clean);
    let bad = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?status=maybe",
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(bad.field_code("status").as_deref(), Some("invalid"));
}

async fn two_moderators_deciding_one_comment_get_one_success_and_one_conflict(app: TestApp) {
    let a = token_for(&app, "mona", Role::Moderator).await;
    let b = token_for(&app, "sami", Role::Moderator).await;
    let id = app.submit_ok("/news/race", "تعليق عادي").await;
    let app = Arc::new(app);
    let (one, two) = tokio::join!(
        decide(
            &app,
            &a,
            id,
            json!({"action": "approve", "expected_status": "pending"})
        ),
        decide(
            &app,
            &b,
            id,
            json!({"action": "reject", "expected_status": "pending", "reason": "off_topic"})
        ),
    );
    let mut statuses = [one.status.as_u16(), two.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let loser = if one.status == StatusCode::CONFLICT {
        one
    } else {
        two
    };
    assert_eq!(loser.code(), "conflict");
    assert_ne!(
        loser.json()["error"]["current"]["status"],
        "pending",
        "current shows what happened"
    );
}

async fn decisions_publish_take_down_and_restore(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let id = app.submit_ok("/news/d", "رأي مهذب").await;
    assert_eq!(public(&app).await, 0);
    let approved = decide(&app, &moderator, id, json!({"action": "approve"})).await;
    assert_eq!(approved.json()["status"], "approved");
    assert_eq!(approved.json()["decided_by"], "mona");
    assert!(
        approved.json()["decided_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(public(&app).await, 1, "published");
    let takedown = decide(
        &app,
        &moderator,
        id,
        json!({"action": "reject", "reason": "legal", "note": "court order"}),
    )
    .await;
    assert_eq!(takedown.json()["status"], "rejected");
    assert_eq!(takedown.json()["reason"], "legal");
    assert_eq!(public(&app).await, 0, "taken down at once");
    let spam_from_rejected = decide(&app, &moderator, id, json!({"action": "ham"})).await;
    assert_eq!(
        spam_from_rejected.status,
        StatusCode::CONFLICT,
        "ham only from spam"
    );
    let back = decide(&app, &moderator, id, json!({"action": "approve"})).await;
    assert_eq!(back.json()["status"], "approved");
    let spam = decide(&app, &moderator, id, json!({"action": "spam"})).await;
    assert_eq!(spam.json()["status"], "spam");
    let ham = decide(&app, &moderator, id, json!({"action": "ham"})).await;
    assert_eq!(ham.json()["status"], "pending");
    let missing = decide(&app, &moderator, 999_999, json!({"action": "approve"})).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let audit = authed(
        &app,
        Method::GET,
        &format!("/api/v1/moderation/audit?target=comment:{id}"),
        Some(&moderator),
        None,
    )
    .await
    .json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "comment.ham",
            "comment.spam",
            "comment.approve",
            "comment.reject",
            "comment.approve"
        ]
    );
    assert_eq!(audit["items"][3]["before"]["status"], "approved");
    assert_eq!(audit["items"][3]["after"]["status"], "rejected");
}

async fn claims_never_overlap_and_guard_decisions(app: TestApp) {
    let a = token_for(&app, "mona", Role::Moderator).await;
    let b = token_for(&app, "sami", Role::Moderator).await;
    for n in 0..100 {
        app.submit_ok("/news/claims", &format!("تعليق رقم {n}"))
            .await;
    }
    let app = Arc::new(app);
    let claim = |token: String| {
        let app = app.clone();
        async move {
            let mut mine = Vec::new();
            for _ in 0..5 {
                let page = authed(
                    &app,
                    Method::POST,
                    "/api/v1/moderation/claims",
                    Some(&token),
                    Some(json!({"count": 10})),
                )
                .await
                .json();
                mine.extend(
                    page["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i["id"].as_i64().unwrap()),
                );
            }
            mine
        }
    };
    let (mine_a, mine_b) = tokio::join!(claim(a.clone()), claim(b.clone()));
    let mut all: Vec<i64> = mine_a.iter().chain(&mine_b).copied().collect();
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), total, "no comment handed to both");
    assert_eq!(total, 100, "every comment handed out once");

    let theirs = mine_b[0];
    let blocked = decide(&app, &a, theirs, json!({"action": "approve"})).await;
    assert_eq!(blocked.status, StatusCode::CONFLICT, "under sami's claim");
    assert_eq!(blocked.json()["error"]["current"]["claimed_by"], "sami");
    let forced = decide(
        &app,
        &a,
        theirs,
        json!({"action": "approve", "override": true}),
    )
    .await;
    assert_eq!(forced.status, StatusCode::OK);
    let single = authed(
        &app,
        Method::POST,
        &format!("/api/v1/moderation/comments/{}/claim", mine_b[1]),
        Some(&a),
        None,
    )
    .await;
    assert_eq!(single.status, StatusCode::CONFLICT);
    let released = authed(
        &app,
        Method::DELETE,
        &format!("/api/v1/moderation/claims/{}", mine_b[1]),
        Some(&b),
        None,
    )
    .await;
    assert_eq!(released.status, StatusCode::NO_CONTENT);
    let now_mine = authed(
        &app,
        Method::POST,
        &format!("/api/v1/moderation/comments/{}/claim", mine_b[1]),
        Some(&a),
        None,
    )
    .await;
    assert_eq!(now_mine.json()["claimed_by"], "mona");
}

async fn bulk_decisions_report_each_id(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let one = app.submit_ok("/news/b", "أول").await;
    let two = app.submit_ok("/news/b", "ثان").await;
    decide(&app, &moderator, two, json!({"action": "reject"})).await;
    let response = authed(
        &app,
        Method::POST,
        "/api/v1/moderation/decisions",
        Some(&moderator),
        Some(json!({"ids": [one, two, 424242], "action": "reject"})),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    let outcomes: Vec<(i64, String)> = response.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (one, "ok".into()),
            (two, "conflict".into()),
            (424242, "not_found".into())
        ]
    );
    // A colleague approved `three` after this moderator saw it pending: a bulk reject
    // that says what it saw does not overrule the approval.
    let three = app.submit_ok("/news/b", "ثالث").await;
    decide(&app, &moderator, three, json!({"action": "approve"})).await;
    let response = authed(
        &app,
        Method::POST,
        "/api/v1/moderation/decisions",
        Some(&moderator),
        Some(
            json!({"ids": [three], "action": "reject", "expected": {three.to_string(): "pending"}}),
        ),
    )
    .await;
    assert_eq!(
        response.json()["results"][0]["outcome"],
        "conflict",
        "{}",
        response.text
    );
    assert_eq!(
        response.json()["results"][0]["current"]["status"],
        "approved"
    );
}

async fn approved_history_lowers_the_score_of_later_comments(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let phone = "للاستفسار عن الفعالية اتصلوا بالبلدية على 0551234567";
    let first = app.submit_ok("/news/r", phone).await;
    let stored = app.store().get_comment(first).await.unwrap().unwrap();
    assert_eq!(
        stored.class,
        raqib::domain::Class::Hold,
        "a phone number holds a newcomer's comment"
    );
    for n in 0..3 {
        let id = app
            .submit_ok("/news/r", &format!("تعليق مفيد رقم {n}"))
            .await;
        decide(&app, &moderator, id, json!({"action": "approve"})).await;
    }
    let later = app
        .submit_ok(
            "/news/r",
            "سؤال آخر لو سمحتم: هل خط الطوارئ 0557654321 يعمل طوال أيام الأسبوع؟",
        )
        .await;
    let stored = app.store().get_comment(later).await.unwrap().unwrap();
    assert_eq!(
        stored.class,
        raqib::domain::Class::Ok,
        "a trusted author's: {}",
        stored.hits
    );
    let item = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue?article=%2Fnews%2Fr",
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(item["items"][0]["history_email"]["approved"], 3);
}

async fn public(app: &TestApp) -> usize {
    app.get("/api/v1/articles/%2Fnews%2Fd/comments")
        .await
        .json()["comments"]
        .as_array()
        .unwrap()
        .len()
}

async fn a_decision_on_one_replica_reaches_histories_another_remembers(app: TestApp) {
    use std::time::{Duration, Instant};
    let other = app.replica().await;
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    // The other replica reads (and remembers) this author's empty history.
    let first = other.submit_ok("/news/r", "سؤال أول لو سمحتم").await;
    let stored = app.store().get_comment(first).await.unwrap().unwrap();
    assert!(
        !stored.hits.contains("signal:trusted_author"),
        "{}",
        stored.hits
    );
    for n in 0..3 {
        let id = app
            .submit_ok("/news/r", &format!("تعليق مفيد رقم {n}"))
            .await;
        decide(&app, &moderator, id, json!({"action": "approve"})).await;
    }
    // Decided through the first replica; the other learns it from the reputation epoch.
    let started = Instant::now();
    loop {
        let id = other.submit_ok("/news/r", "سؤال آخر لو سمحتم").await;
        let stored = app.store().get_comment(id).await.unwrap().unwrap();
        if stored.hits.contains("signal:trusted_author") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the other replica still sees no history after 10 s: {}",
            stored.hits
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "the other replica saw the new history after {} ms",
        started.elapsed().as_millis()
    );
}
