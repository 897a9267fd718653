//! `GET /api/v1/articles/{article}/comments`: approved comments only, paginated.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

both!(
    only_approved_comments_are_listed_without_private_fields,
    pages_cover_every_approved_comment_once,
    an_unknown_article_gives_an_empty_list,
    bad_limits_and_cursors_are_refused,
);

async fn only_approved_comments_are_listed_without_private_fields(app: TestApp) {
    let first = app.submit_ok("/news/read", "الأول English mixed ١٢٣").await;
    let _pending = app.submit_ok("/news/read", "ينتظر").await;
    let third = app.submit_ok("/news/read", "الثالث").await;
    app.approve(third).await;
    app.approve(first).await;

    let page = app.get("/api/v1/articles/%2Fnews%2Fread/comments").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.json();
    let comments = body["comments"].as_array().unwrap();
    let ids: Vec<i64> = comments.iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![first, third], "approved only, oldest first");
    assert_eq!(comments[0]["body"], "الأول English mixed ١٢٣");
    let mut keys: Vec<&str> = comments[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, vec!["body", "created_at", "id", "name", "parent"]);
    assert!(!page.text.contains("example.com"), "no email");
    assert!(!page.text.contains("pending"), "no status");
    assert_eq!(body["next_cursor"], Value::Null);
}

async fn pages_cover_every_approved_comment_once(app: TestApp) {
    let mut approved = Vec::new();
    for i in 0..7 {
        let id = app
            .submit_ok("/news/pages", &format!("تعليق رقم {i}"))
            .await;
        if i != 3 {
            app.approve(id).await;
            approved.push(id);
        }
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/articles/%2Fnews%2Fpages/comments?limit=4".to_string();
    let mut pages = 0;
    loop {
        let page = app.get(&path).await.json();
        pages += 1;
        let comments = page["comments"].as_array().unwrap();
        assert!(comments.len() <= 4);
        seen.extend(comments.iter().map(|c| c["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/api/v1/articles/%2Fnews%2Fpages/comments?limit=4&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(seen, approved);
}

async fn an_unknown_article_gives_an_empty_list(app: TestApp) {
    let page = app.get("/api/v1/articles/no-such-article/comments").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.json()["comments"], serde_json::json!([]));
    assert_eq!(page.json()["next_cursor"], Value::Null);
}

async fn bad_limits_and_cursors_are_refused(app: TestApp) {
    let bad_limit = app.get("/api/v1/articles/x/comments?limit=zero").await;
    assert_eq!(bad_limit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_limit.field_code("limit").as_deref(), Some("invalid"));
    let bad_cursor = app.get("/api/v1/articles/x/comments?cursor=%%%").await;
    assert_eq!(bad_cursor.field_code("cursor").as_deref(), Some("invalid"));
    let capped = app.get("/api/v1/articles/x/comments?limit=5000").await;
    assert_eq!(
        capped.status,
        StatusCode::OK,
        "a large limit is capped, not refused"
    );
}
