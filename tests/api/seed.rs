//! `raqib dev seed` on both backends: the generated comments have the shape of a busy
//! site (statuses, classes, threads, decisions with their audit rows, authors' histories)
//! and the service keeps working on them: the queue, its search, the public thread, and a
//! new submission after the seeded ids.

use axum::http::Method;
use raqib::auth::Role;
use raqib::cli::seed::{Plan, seed};
use serde_json::Value;

use crate::accounts::{authed, moderation_stats, token_for};
use crate::support::TestApp;

both!(a_seeded_database_has_the_shape_of_a_site_and_keeps_working);

async fn items(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let path = format!("/api/v1/moderation/queue?limit=200&{query}");
    let page = authed(app, Method::GET, &path, Some(token), None).await;
    assert!(page.status.is_success(), "{query}: {}", page.text);
    page.json()["items"].as_array().unwrap().clone()
}

async fn a_seeded_database_has_the_shape_of_a_site_and_keeps_working(app: TestApp) {
    let plan = Plan {
        comments: 3_000,
        articles: 40,
        years: 2,
        seed: 7,
    };
    let summary = seed(app.store(), app.state.secrets(), plan, &|_, _| {})
        .await
        .expect("seeded");
    assert_eq!(summary["comments"], 3_000, "{summary}");
    assert_eq!(app.store().count_comments().await.unwrap(), 3_000);

    let moderator = token_for(&app, "mona", Role::Moderator).await;
    for status in ["pending", "approved", "rejected", "spam"] {
        let found = items(&app, &moderator, &format!("status={status}")).await;
        assert!(!found.is_empty(), "some {status}");
        assert!(found.iter().all(|i| i["status"] == status), "{status}");
    }
    // The dashboard's counts (kept by triggers) agree with the rows.
    let stats = moderation_stats(&app, &moderator).await;
    let counted: i64 = stats["by_status"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(counted, 3_000, "{stats}");
    let pending = items(&app, &moderator, "status=pending").await.len();
    assert!(pending < 200, "one page holds them: {pending}");
    assert_eq!(stats["by_status"]["pending"], pending as i64, "{stats}");
    // Authors come back: someone's history by email counts earlier decisions.
    let decided = items(&app, &moderator, "status=rejected&sort=newest").await;
    assert!(
        decided
            .iter()
            .any(|i| i["history_email"]["rejected"].as_i64().unwrap_or(0) > 1),
        "{:?}",
        decided.first()
    );
    // The search index holds the seeded comments.
    let found = items(
        &app,
        &moderator,
        "status=any&q=%D8%A7%D9%84%D9%85%D9%86%D8%AA%D8%AE%D8%A8",
    )
    .await;
    assert!(!found.is_empty());
    for item in &found {
        assert!(item["body"].as_str().unwrap().contains("منتخب"), "{item}");
    }
    // Decisions have their audit rows.
    let admin = token_for(&app, "root", Role::Admin).await;
    let audit = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/audit?limit=50&action=comment.reject",
        Some(&admin),
        None,
    )
    .await;
    assert!(audit.text.contains("comment.reject"), "{}", audit.text);
    // Threads: some published comments answer an earlier published one.
    let approved = items(&app, &moderator, "status=approved&sort=newest").await;
    let reply = approved
        .iter()
        .find(|i| i["parent"].is_i64())
        .unwrap_or_else(|| panic!("a reply among {}", approved.len()));
    let article = reply["article"].as_str().unwrap().replace('/', "%2F");
    let thread = app
        .get(&format!("/api/v1/articles/{article}/comments?limit=100"))
        .await;
    assert!(thread.status.is_success(), "{}", thread.text);
    let shown: Vec<i64> = thread.json()["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    for id in [&reply["parent"], &reply["id"]] {
        assert!(shown.contains(&id.as_i64().unwrap()), "{id} in {shown:?}");
    }
    // A new comment gets an id after the seeded ones.
    let id = app
        .submit_ok("/news/0000001", "تعليق جديد بعد التعبئة")
        .await;
    assert!(id > 3_000, "{id}");

    // Retention, in batches: every refused comment goes, every address is scrubbed.
    let now = raqib::store::now_ms();
    let soon = Some(now + 60_000);
    let retention = raqib::store::retention::Retention {
        blocked_before: soon,
        rejected_before: soon,
        spam_before: soon,
        ip_before: soon,
    };
    let purged = app.store().purge(retention, now).await.unwrap();
    let count = |status: &str| stats["by_status"][status].as_u64().unwrap_or(0);
    assert_eq!(purged.rejected, count("rejected"));
    assert_eq!(purged.spam, count("spam"));
    assert_eq!(purged.blocked, count("blocked"));
    let left = 3_001 - purged.rejected - purged.spam - purged.blocked;
    assert_eq!(purged.ip_scrubbed, left, "{purged:?}");
    let after = moderation_stats(&app, &moderator).await;
    let statuses: Vec<&String> = after["by_status"].as_object().unwrap().keys().collect();
    assert_eq!(statuses, ["approved", "pending"], "{after}");
    let again = app.store().purge(retention, now).await.unwrap();
    assert!(again.is_empty(), "nothing twice: {again:?}");
}
