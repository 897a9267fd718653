//! The moderation queue's text search, through each backend's text index: a word is found
//! however it was attached (proclitics) and spelled (harakat, letter forms, case), as a
//! whole word or a word's start, never from inside another word; several words must all
//! be there. Both backends run the same cases against the same expected lists, so they
//! find the same comments.

use axum::http::Method;
use raqib::auth::Role;
use serde_json::json;

use crate::accounts::{authed, token_for};
use crate::support::{TestApp, comment};

both!(
    the_queue_finds_a_word_however_it_was_attached_and_spelled,
    an_erased_comment_is_no_longer_found_by_its_words,
);

/// The ids the queue lists for `query` (URL-encoded here), oldest first.
async fn found(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let path = format!("/api/v1/moderation/queue?limit=50&q={}", urlencoding(query));
    let page = authed(app, Method::GET, &path, Some(token), None).await;
    assert!(page.status.is_success(), "{query}: {}", page.text);
    ids(&page.json())
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn the_queue_finds_a_word_however_it_was_attached_and_spelled(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let attached = app
        .submit_ok("/news/s", "والمنتخب لعب مباراة رائعة أمس")
        .await;
    let plural = app
        .submit_ok("/news/s", "المنتخبات العربية في البطولة")
        .await;
    let english = app
        .submit_ok("/news/s", "Great MATCH report from the stadium")
        .await;
    let inside = app.submit_ok("/news/s", "الانتخابات القادمة مهمة").await;
    let voweled = app.submit_ok("/news/s", "مُنْتَخَبُنَا بَطَلٌ").await;
    let cases: [(&str, Vec<i64>); 9] = [
        ("منتخب", vec![attached, plural, voweled]),
        ("المنتخب", vec![attached, plural]),
        ("مُنتخب مباراة", vec![attached]),
        ("مباراة منتخب", vec![attached]),
        ("match", vec![english]),
        ("MATCH rep", vec![english]),
        ("نتخب", vec![]),
        ("انتخابات", vec![inside]),
        ("!!! ...", vec![attached, plural, english, inside, voweled]),
    ];
    for (query, expected) in cases {
        assert_eq!(found(&app, &moderator, query).await, expected, "q={query}");
    }

    // A decision moves a comment between statuses in the index too.
    let approve = json!({"action": "approve"});
    let path = format!("/api/v1/moderation/comments/{plural}/decision");
    let decided = authed(&app, Method::POST, &path, Some(&moderator), Some(approve)).await;
    assert!(decided.status.is_success(), "{}", decided.text);
    assert_eq!(found(&app, &moderator, "منتخب").await, [attached, voweled]);
    let approved = format!(
        "/api/v1/moderation/queue?status=approved&q={}",
        urlencoding("منتخب")
    );
    let listed = authed(&app, Method::GET, &approved, Some(&moderator), None).await;
    assert_eq!(ids(&listed.json()), [plural]);

    // Newest first, a page at a time.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!(
            "/api/v1/moderation/queue?status=any&sort=newest&limit=1&q={}{cursor}",
            urlencoding("منتخب")
        );
        let page = authed(&app, Method::GET, &path, Some(&moderator), None)
            .await
            .json();
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, [voweled, plural, attached]);
}

fn ids(page: &serde_json::Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn an_erased_comment_is_no_longer_found_by_its_words(app: TestApp) {
    let admin = token_for(&app, "root", Role::Admin).await;
    let mut leaving = comment("/news/s", "تعليق عن الزقطوطية الغريبة");
    leaving["email"] = json!("leaving@example.com");
    let response = app.submit(&leaving).await;
    assert!(response.status.is_success(), "{}", response.text);
    let staying = app
        .submit_ok("/news/s", "الزقطوطية موضوع يستحق النقاش")
        .await;
    let before = found(&app, &admin, "زقطوطية").await;
    assert_eq!(before.len(), 2, "{before:?}");
    let erase = authed(
        &app,
        Method::DELETE,
        "/api/v1/admin/privacy?email=leaving@example.com",
        Some(&admin),
        None,
    )
    .await;
    assert!(erase.status.is_success(), "{}", erase.text);
    assert_eq!(found(&app, &admin, "زقطوطية").await, vec![staying]);
}
