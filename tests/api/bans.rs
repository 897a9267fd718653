//! Bans that hurt no bystander: a ban by comment names the author's email only, the
//! address is a separate choice that expires by default, the spam sweep touches that
//! author's comments only (and only those the moderator was shown), and bans can be
//! listed, searched, inspected, extended and lifted with what their sweep did undone.

use axum::http::{Method, StatusCode};
use raqib::auth::Role;
use serde_json::{Value, json};

use crate::accounts::{authed, token_for};
use crate::support::{TestApp, comment};

both!(
    a_ban_by_email_does_not_touch_another_authors_comment_from_the_same_address,
    the_address_is_a_separate_choice_that_says_who_shares_it_and_expires,
    the_sweep_marks_only_the_comments_the_moderator_was_shown,
    bans_are_searched_inspected_extended_and_lifted_with_their_sweep_undone,
    ban_requests_that_cannot_be_carried_out_are_refused_with_the_field_named,
    what_a_sweep_remembers_stops_neither_erasure_nor_retention,
);

/// Posts a comment by `email` (from the test reader's address) and returns its id.
async fn post_as(app: &TestApp, email: &str, text: &str) -> i64 {
    let mut body = comment("/news/shared-office", text);
    body["email"] = json!(email);
    let reply = app.submit(&body).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.json()["id"].as_i64().unwrap()
}

async fn status_of(app: &TestApp, id: i64) -> String {
    app.store()
        .get_comment(id)
        .await
        .unwrap()
        .unwrap()
        .status
        .as_str()
        .to_string()
}

async fn ban(app: &TestApp, token: &str, body: Value) -> crate::support::TestResponse {
    authed(
        app,
        Method::POST,
        "/api/v1/moderation/bans",
        Some(token),
        Some(body),
    )
    .await
}

/// What banning the author of comment `id` would touch, as the console asks it.
async fn preview(app: &TestApp, token: &str, id: i64) -> crate::support::TestResponse {
    authed(
        app,
        Method::GET,
        &format!("/api/v1/moderation/bans/preview?comment_id={id}"),
        Some(token),
        None,
    )
    .await
}

async fn a_ban_by_email_does_not_touch_another_authors_comment_from_the_same_address(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let troll = post_as(&app, "troll@example.com", "تعليق مسيء أول").await;
    let troll_again = post_as(&app, "troll@example.com", "تعليق مسيء ثان").await;
    let colleague = post_as(&app, "colleague@example.com", "تعليق زميل في نفس المكتب").await;
    let banned = ban(
        &app,
        &moderator,
        json!({"comment_id": troll, "mark_pending_spam": true}),
    )
    .await;
    assert_eq!(banned.status, StatusCode::CREATED, "{}", banned.text);
    let bans = banned.json()["bans"].as_array().unwrap().clone();
    assert_eq!(bans.len(), 1, "the email only: {bans:?}");
    assert_eq!(bans[0]["kind"], "email");
    assert_eq!(bans[0]["expires_at"], Value::Null, "email bans last");
    assert_eq!(banned.json()["marked_spam"], 2);
    assert_eq!(status_of(&app, troll).await, "spam");
    assert_eq!(status_of(&app, troll_again).await, "spam");
    assert_eq!(
        status_of(&app, colleague).await,
        "pending",
        "the colleague's comment from the same address is untouched"
    );
    // The colleague can still comment from that address; the author cannot.
    post_as(&app, "colleague@example.com", "ما زلت أستطيع التعليق").await;
    let mut again = comment("/news/shared-office", "محاولة");
    again["email"] = json!("troll@example.com");
    assert_eq!(app.submit(&again).await.code(), "banned");
}

async fn the_address_is_a_separate_choice_that_says_who_shares_it_and_expires(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let troll = post_as(&app, "troll@example.com", "تعليق").await;
    post_as(&app, "one@example.com", "تعليق أول من نفس العنوان").await;
    post_as(&app, "two@example.com", "تعليق ثان من نفس العنوان").await;
    let preview = preview(&app, &moderator, troll).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    let preview = preview.json();
    assert_eq!(preview["email"], "t*****@example.com");
    assert_eq!(preview["pending"].as_array().unwrap().len(), 1);
    assert_eq!(preview["pending"][0]["id"], troll);
    assert_eq!(preview["address"]["label"], "203.0.113.0/24");
    assert_eq!(preview["address"]["others"]["authors"], 2);
    assert_eq!(preview["address"]["others"]["comments"], 2);
    assert_eq!(preview["address"]["default_days"], 7);

    let banned = ban(&app, &moderator, json!({"comment_id": troll, "ip": true})).await;
    assert_eq!(banned.status, StatusCode::CREATED, "{}", banned.text);
    let bans = banned.json()["bans"].as_array().unwrap().clone();
    let kinds: Vec<&str> = bans.iter().map(|b| b["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["email", "ip"]);
    let address = &bans[1];
    let lasts = address["expires_at"]
        .as_i64()
        .expect("an address ban expires")
        - address["created_at"].as_i64().unwrap();
    assert_eq!(lasts, 7 * 86_400_000, "seven days unless told");
    assert_eq!(bans[0]["expires_at"], Value::Null);
    let mut other = comment("/news/shared-office", "نص");
    other["email"] = json!("three@example.com");
    assert_eq!(
        app.submit(&other).await.code(),
        "banned",
        "chosen deliberately"
    );
}

async fn the_sweep_marks_only_the_comments_the_moderator_was_shown(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let shown = post_as(&app, "troll@example.com", "تعليق رآه المشرف").await;
    let preview = preview(&app, &moderator, shown).await.json();
    let ids: Vec<i64> = preview["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    // Posted after the moderator opened the dialog.
    let later = post_as(&app, "troll@example.com", "تعليق بعد المعاينة").await;
    let banned = ban(
        &app,
        &moderator,
        json!({"comment_id": shown, "mark_pending_spam": true, "sweep_ids": ids}),
    )
    .await;
    assert_eq!(banned.status, StatusCode::CREATED, "{}", banned.text);
    assert_eq!(banned.json()["marked_spam"], 1);
    assert_eq!(status_of(&app, shown).await, "spam");
    assert_eq!(
        status_of(&app, later).await,
        "pending",
        "not shown, not swept"
    );
}

async fn bans_are_searched_inspected_extended_and_lifted_with_their_sweep_undone(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let troll = post_as(&app, "troll@example.com", "تعليق").await;
    let banned = ban(
        &app,
        &moderator,
        json!({"comment_id": troll, "mark_pending_spam": true, "reason": "إعلانات متكررة"}),
    )
    .await;
    let id = banned.json()["bans"][0]["id"].as_i64().unwrap();
    ban(
        &app,
        &moderator,
        json!({"domain": "junk.example", "reason": "spam farm"}),
    )
    .await;
    let list = |query: &'static str| {
        let app = &app;
        let moderator = moderator.clone();
        async move {
            let reply = authed(
                app,
                Method::GET,
                &format!("/api/v1/moderation/bans{query}"),
                Some(&moderator),
                None,
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            reply
                .json()
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["id"].as_i64().unwrap())
                .collect::<Vec<i64>>()
        }
    };
    assert_eq!(list("").await.len(), 2);
    assert_eq!(list("?q=troll%40example.com").await, [id], "by the email");
    assert_eq!(
        list("?q=%D8%A5%D8%B9%D9%84%D8%A7%D9%86%D8%A7%D8%AA").await,
        [id],
        "by the reason"
    );
    assert_eq!(list("?q=JUNK").await.len(), 1, "by the label, any case");

    // A refused attempt is counted against the ban (added at the next reload).
    let mut again = comment("/news/shared-office", "محاولة");
    again["email"] = json!("troll@example.com");
    assert_eq!(app.submit(&again).await.code(), "banned");
    app.state.refresh_restrictions().await.unwrap();
    let detail = authed(
        &app,
        Method::GET,
        &format!("/api/v1/moderation/bans/{id}"),
        Some(&moderator),
        None,
    )
    .await
    .json();
    assert_eq!(detail["ban"]["caught"], 1);
    assert_eq!(detail["ban"]["swept"], 1);
    assert_eq!(detail["swept"][0]["id"], troll);
    assert_eq!(detail["swept"][0]["status"], "spam");

    let extended = authed(
        &app,
        Method::PATCH,
        &format!("/api/v1/moderation/bans/{id}"),
        Some(&moderator),
        Some(json!({"expires_in_days": 30})),
    )
    .await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.text);
    let ends = extended.json()["expires_at"].as_i64().unwrap();
    let in_days = (ends - raqib::store::now_ms()) as f64 / 86_400_000.0;
    assert!((29.9..=30.0).contains(&in_days), "{in_days}");

    let lifted = authed(
        &app,
        Method::POST,
        &format!("/api/v1/moderation/bans/{id}/lift"),
        Some(&moderator),
        Some(json!({"restore": true})),
    )
    .await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.text);
    assert_eq!(lifted.json()["restored"], 1);
    assert_eq!(status_of(&app, troll).await, "pending", "back in the queue");
    assert_eq!(app.submit(&again).await.status, StatusCode::ACCEPTED);
    assert_eq!(list("").await.len(), 1, "only the domain ban stands");
    assert_eq!(
        list("?all=true").await.len(),
        2,
        "the lifted one in the history"
    );
    let twice = authed(
        &app,
        Method::POST,
        &format!("/api/v1/moderation/bans/{id}/lift"),
        Some(&moderator),
        Some(json!({"restore": true})),
    )
    .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);
    let audit = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/audit?action=ban.",
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
    for action in ["ban.add", "ban.extend", "ban.lift"] {
        assert!(actions.contains(&action), "{action} audited: {actions:?}");
    }
}

async fn ban_requests_that_cannot_be_carried_out_are_refused_with_the_field_named(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let cases = [
        (json!({"ip": true}), "ip"),
        (
            json!({"domain": "x.example", "mark_pending_spam": true}),
            "mark_pending_spam",
        ),
        (
            json!({"email": "a@example.com", "expires_in_days": 0}),
            "expires_in_days",
        ),
        (
            json!({"ip": "203.0.113.9", "address_expires_in_days": 9000}),
            "address_expires_in_days",
        ),
        (
            json!({"email": "a@example.com", "ip": "203.0.113.9"}),
            "comment_id",
        ),
    ];
    for (body, field) in cases {
        let reply = ban(&app, &moderator, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            reply.text
        );
        assert!(reply.field_code(field).is_some(), "{body}: {}", reply.text);
    }
    let missing = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/bans/preview",
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let permanent_and_days = authed(
        &app,
        Method::PATCH,
        "/api/v1/moderation/bans/1",
        Some(&moderator),
        Some(json!({"permanent": true, "expires_in_days": 3})),
    )
    .await;
    assert_eq!(permanent_and_days.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.store()
            .list_bans(raqib::store::now_ms())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn what_a_sweep_remembers_stops_neither_erasure_nor_retention(app: TestApp) {
    let admin = token_for(&app, "root", Role::Admin).await;
    let swept = post_as(&app, "troll@example.com", "تعليق").await;
    let other = post_as(&app, "spammer@example.com", "تعليق آخر").await;
    for id in [swept, other] {
        let reply = ban(
            &app,
            &admin,
            json!({"comment_id": id, "mark_pending_spam": true}),
        )
        .await;
        assert_eq!(reply.json()["marked_spam"], 1, "{}", reply.text);
    }
    // The reader asks to be forgotten: the ban on their email and its sweep go too.
    let erased = authed(
        &app,
        Method::DELETE,
        "/api/v1/admin/privacy?email=troll%40example.com",
        Some(&admin),
        None,
    )
    .await;
    assert!(erased.status.is_success(), "{}", erased.text);
    assert_eq!(
        app.store()
            .list_bans(raqib::store::now_ms())
            .await
            .unwrap()
            .len(),
        1
    );
    // Spam past its retention is purged, what the sweep remembered with it.
    let now = raqib::store::now_ms();
    let purged = app
        .store()
        .purge(
            raqib::store::retention::Retention {
                spam_before: Some(now + 1),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(purged.spam, 2, "{purged:?}");
    assert!(app.store().get_comment(other).await.unwrap().is_none());
}
