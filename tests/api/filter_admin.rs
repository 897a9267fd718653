//! Admins tuning the filter live: terms, rules and settings as versions, in force at once
//! on this replica and soon on the others; validation; restore; shadow rules; the test
//! box; the back-test against decided comments; statistics; import and export.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use raqib::auth::Role;
use raqib::domain::Class;
use serde_json::{Value, json};

use crate::accounts::{authed, token_for};
use crate::support::{TestApp, TestResponse};

both!(
    an_added_term_affects_the_very_next_submission,
    an_exact_term_matches_only_the_word_itself,
    a_second_replica_picks_up_a_new_version,
    bad_terms_and_over_broad_patterns_are_refused_with_the_reason,
    restoring_an_old_version_brings_back_its_terms_and_settings,
    shadow_rules_are_recorded_but_do_not_change_the_class,
    the_test_box_shows_verdict_spans_keys_and_a_proposal,
    the_backtest_matches_a_hand_made_set_of_decided_comments,
    rule_statistics_show_hits_and_what_moderators_decided,
    terms_import_and_export_as_text_and_csv,
    settings_change_thresholds_live,
    moderators_cannot_tune_the_filter,
);

async fn admin(app: &TestApp) -> String {
    token_for(app, "adel", Role::Admin).await
}

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    authed(app, method, path, Some(token), body).await
}

async fn class_of(app: &TestApp, id: i64) -> (Class, Value) {
    let comment = app.store().get_comment(id).await.unwrap().unwrap();
    (comment.class, serde_json::from_str(&comment.hits).unwrap())
}

fn rules(hits: &Value) -> Vec<String> {
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| h["rule"].as_str().unwrap().to_string())
        .collect()
}

async fn an_added_term_affects_the_very_next_submission(app: TestApp) {
    let token = admin(&app).await;
    let before = app.submit_ok("/news/t", "هذا الزرزور يغرد كل صباح").await;
    assert_eq!(class_of(&app, before).await.0, Class::Ok);

    let added = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/terms",
        Some(json!({"term": "زرزور", "category": "insult", "weight": 3})),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let body = added.json();
    assert_eq!(body["term"]["term"], "زرزور");
    assert_eq!(body["term"]["list"], "admin");
    assert_eq!(body["term"]["language"], "ar");
    let version = body["version"].as_i64().unwrap();
    assert!(version >= 2, "version 1 is the seed");
    assert_eq!(
        app.state.live_filter().version(),
        version,
        "in force before the reply"
    );

    // No restart: the very next comment is held, with the admin's term as the reason.
    let after = app.submit_ok("/news/t", "هذا الزرزور يغرد كل صباح").await;
    let (class, hits) = class_of(&app, after).await;
    assert_eq!(class, Class::Hold);
    assert!(
        rules(&hits).contains(&"list:admin:زرزور".to_string()),
        "{hits}"
    );

    // The change is in the audit log with its author.
    let audit = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/moderation/audit?action=filter.term.add",
        None,
    )
    .await;
    let entries = audit.json()["items"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1, "{}", audit.text);
    assert_eq!(entries[0]["actor"], "adel");
    assert_eq!(entries[0]["target"], format!("filter:version:{version}"));

    // And it can be taken back the same way.
    let id = body["term"]["id"].as_i64().unwrap();
    let removed = call(
        &app,
        &token,
        Method::DELETE,
        &format!("/api/v1/admin/filter/terms/{id}"),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    let again = app.submit_ok("/news/t", "هذا الزرزور يغرد كل صباح").await;
    assert_eq!(class_of(&app, again).await.0, Class::Ok);
    let gone = call(
        &app,
        &token,
        Method::DELETE,
        &format!("/api/v1/admin/filter/terms/{id}"),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

async fn a_second_replica_picks_up_a_new_version(app: TestApp) {
    // A second instance with its own connections to the same database, as another
    // machine would have.
    let other = app.replica().await.state;
    let first_version = other.live_filter().version();
    assert_eq!(
        first_version,
        app.state.live_filter().version(),
        "seeded once"
    );

    let token = admin(&app).await;
    let added = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/terms",
        Some(json!({"term": "قرقوش", "category": "spam_phrase", "weight": 7})),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let version = added.json()["version"].as_i64().unwrap();

    let started = Instant::now();
    while other.live_filter().version() != version {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the second replica still runs version {} after 15 s",
            other.live_filter().version()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let verdict = other.live_filter().check(
        &raqib::filter::Input {
            body: "عروض قرقوش اليوم",
            ..Default::default()
        },
        Default::default(),
    );
    assert_eq!(verdict.class, Class::Spam, "{:?}", verdict.hits);
    eprintln!(
        "second replica took version {version} after {} ms",
        started.elapsed().as_millis()
    );
}

async fn bad_terms_and_over_broad_patterns_are_refused_with_the_reason(app: TestApp) {
    let token = admin(&app).await;
    let term = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            call(
                app,
                &token,
                Method::POST,
                "/api/v1/admin/filter/terms",
                Some(body),
            )
            .await
        }
    };
    let short = term(json!({"term": "ـكَـ", "category": "insult", "weight": 3})).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(short.field_code("term").as_deref(), Some("too_short"));
    let empty = term(json!({"term": "  ", "category": "insult", "weight": 3})).await;
    assert_eq!(empty.field_code("term").as_deref(), Some("required"));
    let domain =
        term(json!({"term": "not a domain", "category": "domain_block", "weight": 3})).await;
    assert_eq!(domain.field_code("term").as_deref(), Some("invalid"));
    let weight = term(json!({"term": "كلمة", "category": "insult", "weight": 1e9})).await;
    assert_eq!(weight.field_code("weight").as_deref(), Some("invalid"));
    let category = term(json!({"term": "كلمة", "category": "nonsense", "weight": 1})).await;
    assert_eq!(category.status, StatusCode::BAD_REQUEST);
    // «حمار» is a shipped insult: the same word (in any spelling) again is a duplicate.
    let duplicate = term(json!({"term": "حِمَـــار", "category": "insult", "weight": 3})).await;
    assert_eq!(
        duplicate.field_code("term").as_deref(),
        Some("duplicate"),
        "{}",
        duplicate.text
    );
    // In another category where both count it would weigh twice: refused, naming where
    // it is; as a qualifier (identity, dehumanizing, warning), which never counts, it may.
    let twice = term(json!({"term": "حمار", "category": "profanity", "weight": 2})).await;
    assert_eq!(
        twice.field_code("term").as_deref(),
        Some("duplicate"),
        "{}",
        twice.text
    );
    assert!(
        twice.text.contains("insult"),
        "names the category it is in: {}",
        twice.text
    );

    for (pattern, code) in [
        ("(unclosed", "invalid"),
        (".*", "too_broad"),
        ("\\d*", "too_broad"),
        ("a|", "too_broad"),
        ("\\s", "too_broad"),
        ("(?:x{1000}){1000}", "too_large"),
    ] {
        let response = call(
            &app,
            &token,
            Method::POST,
            "/api/v1/admin/filter/rules",
            Some(json!({"pattern": pattern, "weight": 2})),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pattern}"
        );
        assert_eq!(
            response.field_code("pattern").as_deref(),
            Some(code),
            "{pattern}: {}",
            response.text
        );
        assert!(
            response.json()["error"]["fields"]["pattern"]["detail"].is_string(),
            "the reason is named"
        );
    }
    // In Arabic for an Arabic admin.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/admin/filter/rules")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("accept-language", "ar")
        .body(Body::from(
            json!({"pattern": ".*", "weight": 2}).to_string(),
        ))
        .unwrap();
    let arabic = app.send(request).await;
    let message = arabic.json()["error"]["fields"]["pattern"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("النمط"), "{message}");

    // Nothing refused made a version.
    let versions = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/versions",
        None,
    )
    .await;
    assert_eq!(versions.json()["items"].as_array().unwrap().len(), 1);
    // A qualifier (never counted) may share a word with a counting category.
    let qualifier = term(json!({"term": "حمار", "category": "dehumanizing", "weight": 0})).await;
    assert!(qualifier.status.is_success(), "{}", qualifier.text);
}

async fn restoring_an_old_version_brings_back_its_terms_and_settings(app: TestApp) {
    let token = admin(&app).await;
    let seed = app.state.live_filter().version();
    let added = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/terms",
        Some(json!({"term": "زرزور", "category": "insult", "weight": 3})),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED);
    let settings = call(
        &app,
        &token,
        Method::PUT,
        "/api/v1/admin/filter/settings",
        Some(json!({"hold": 5})),
    )
    .await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text);
    assert_eq!(settings.json()["settings"]["hold"], 5.0);
    // Remove a shipped term.
    let found = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/terms?q=حمار&category=insult",
        None,
    )
    .await;
    let shipped = found.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == "حمار")
        .cloned()
        .expect("the shipped term");
    let shipped_id = shipped["id"].as_i64().unwrap();
    let removed = call(
        &app,
        &token,
        Method::DELETE,
        &format!("/api/v1/admin/filter/terms/{shipped_id}"),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK);

    let versions = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/versions",
        None,
    )
    .await;
    let items = versions.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["created_by"], "adel");
    assert!(
        items[0]["summary"].as_str().unwrap().contains("حمار"),
        "{}",
        items[0]
    );
    assert_eq!(items[3]["created_by"], "system");
    let detail = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/admin/filter/versions/{}", seed + 1),
        None,
    )
    .await;
    assert_eq!(detail.json()["terms_opened"][0]["term"], "زرزور");

    let restored = call(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/admin/filter/versions/{seed}/restore"),
        None,
    )
    .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text);
    assert_eq!(restored.json()["version"], seed + 4);

    let id = app.submit_ok("/news/r", "يا زرزور").await;
    assert_eq!(
        class_of(&app, id).await.0,
        Class::Ok,
        "the added term is gone"
    );
    let id = app.submit_ok("/news/r", "يا حمار").await;
    assert_eq!(
        class_of(&app, id).await.0,
        Class::Hold,
        "the removed term is back, with the seeded hold again"
    );
    let back = call(
        &app,
        &token,
        Method::GET,
        &format!("/api/v1/admin/filter/terms/{shipped_id}"),
        None,
    )
    .await;
    assert_eq!(back.status, StatusCode::OK, "same id after restore");
    let settings = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/settings",
        None,
    )
    .await;
    assert_eq!(
        settings.json()["settings"]["hold"],
        f64::from(raqib::filter::FilterSettings::default().hold)
    );
    let overview = call(&app, &token, Method::GET, "/api/v1/admin/filter", None).await;
    let seeded_terms = app
        .store()
        .filter_state(Some(seed))
        .await
        .unwrap()
        .unwrap()
        .terms
        .len();
    assert_eq!(overview.json()["terms"], seeded_terms as i64);
    let missing = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/versions/999/restore",
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn shadow_rules_are_recorded_but_do_not_change_the_class(app: TestApp) {
    let token = admin(&app).await;
    let rule = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/rules",
        Some(
            json!({"pattern": "بطيخ\\s+مجاني", "weight": 20, "action": "block", "shadow": true,
                    "name": "free_melons", "description": "trying out a melon rule"}),
        ),
    )
    .await;
    assert_eq!(rule.status, StatusCode::CREATED, "{}", rule.text);
    let id = app.submit_ok("/news/s", "هنا بطيخ مجاني للجميع").await;
    let (class, hits) = class_of(&app, id).await;
    assert_eq!(class, Class::Ok, "a shadow rule does not change the class");
    let hit = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["rule"] == "rule:free_melons")
        .cloned()
        .expect("the shadow hit is recorded");
    assert_eq!(hit["shadow"], true);
    assert_eq!(hit["explanation"], "trying out a melon rule");

    let stats = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/stats",
        None,
    )
    .await;
    let melons = stats.json()["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "rule:free_melons")
        .cloned()
        .expect("in the statistics");
    assert_eq!(melons["hits_30d"], 1);
    assert_eq!(melons["shadow"], true);
    assert_eq!(melons["examples"], json!([id]));

    // Taking it out of shadow makes it count.
    let rule_id = rule.json()["rule"]["id"].as_i64().unwrap();
    let live = call(
        &app,
        &token,
        Method::PATCH,
        &format!("/api/v1/admin/filter/rules/{rule_id}"),
        Some(json!({"shadow": false})),
    )
    .await;
    assert_eq!(live.status, StatusCode::OK, "{}", live.text);
    let blocked = app
        .submit(&crate::support::comment("/news/s", "بطيخ   مجاني"))
        .await;
    assert_eq!(blocked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blocked.code(), "content_blocked");
    let twice = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/rules",
        Some(json!({"pattern": "شمام", "weight": 1, "name": "free_melons"})),
    )
    .await;
    assert_eq!(twice.field_code("name").as_deref(), Some("duplicate"));
}

async fn the_test_box_shows_verdict_spans_keys_and_a_proposal(app: TestApp) {
    let token = admin(&app).await;
    let text = "والله انت يا حـــمار";
    let tested = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/test",
        Some(json!({"body": text})),
    )
    .await;
    assert_eq!(tested.status, StatusCode::OK, "{}", tested.text);
    let body = tested.json();
    assert_eq!(body["class"], "hold");
    assert_eq!(body["proposed"], false);
    let hit = &body["hits"][0];
    let span = (
        hit["span"][0].as_u64().unwrap() as usize,
        hit["span"][1].as_u64().unwrap() as usize,
    );
    assert!(
        text[span.0..span.1].ends_with("حـــمار"),
        "span in the text as sent: {:?}",
        &text[span.0..span.1]
    );
    assert_eq!(
        body["keys"]["text"], "واله انت يا حمار",
        "tatweel gone, repeated letters collapsed"
    );

    let proposed = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/test",
        Some(json!({"body": "عروض قرقوش اليوم", "proposal": {"add_terms": [{"term": "قرقوش", "category": "spam_phrase", "weight": 7}]}})),
    )
    .await;
    assert_eq!(proposed.json()["class"], "spam", "{}", proposed.text);
    assert_eq!(proposed.json()["proposed"], true);
    // Nothing was saved.
    let live = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/test",
        Some(json!({"body": "عروض قرقوش اليوم"})),
    )
    .await;
    assert_eq!(live.json()["class"], "ok");
    let bad = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/test",
        Some(json!({"body": "x", "proposal": {"add_rules": [{"pattern": ".*", "weight": 1}]}})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.field_code("add_rules").as_deref(), Some("invalid"));
}

async fn the_backtest_matches_a_hand_made_set_of_decided_comments(app: TestApp) {
    let token = admin(&app).await;
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    // Moderators' decisions: two ads for a (made-up) product marked spam, one insult
    // rejected, three approved comments of which one mentions the product innocently.
    let set = [
        ("اشتروا قرقوش من عندنا", "spam"),
        ("قرقوش بسعر لا يصدق", "spam"),
        ("يا غبي اسكت", "reject"),
        ("مقال ممتاز عن الاقتصاد", "approve"),
        ("أكلت قرقوش في طفولتي", "approve"),
        ("شكراً للكاتب على التحليل", "approve"),
    ];
    for (text, action) in set {
        let id = app.submit_ok("/news/b", text).await;
        let done = call(
            &app,
            &moderator,
            Method::POST,
            &format!("/api/v1/moderation/comments/{id}/decision"),
            Some(json!({"action": action})),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    }
    app.submit_ok("/news/b", "تعليق عن قرقوش لم يراجع").await;

    let report = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/backtest",
        Some(json!({"add_terms": [{"term": "قرقوش", "category": "spam_phrase", "weight": 7}], "days": 7})),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    let r = report.json();
    assert_eq!(r["replayed"], 7);
    assert_eq!(r["decided"], 6);
    // Every comment with the word goes from ok to spam.
    assert_eq!(r["changed"], 4, "{r}");
    assert_eq!(r["transitions"]["ok→spam"], 4, "{r}");
    assert_eq!(r["newly_flagged_approved"], 1, "the childhood memory: {r}");
    assert_eq!(r["after"]["spam"]["true_positives"], 2, "{r}");
    assert_eq!(r["after"]["spam"]["false_positives"], 1, "{r}");
    assert_eq!(r["after"]["spam"]["false_negatives"], 0, "{r}");
    assert_eq!(r["after"]["spam"]["recall"], 1.0);
    assert!((r["after"]["spam"]["precision"].as_f64().unwrap() - 0.6667).abs() < 1e-3);
    assert_eq!(r["before"]["spam"]["flagged"], 0, "{r}");
    assert_eq!(
        r["before"]["hold"]["true_positives"], 1,
        "the insult is held today: {r}"
    );
    assert_eq!(
        r["before"]["hold"]["false_negatives"], 2,
        "the ads pass today: {r}"
    );
    assert_eq!(r["after"]["hold"]["recall"], 1.0, "{r}");
    assert_eq!(
        r["examples"][0]["status"], "approved",
        "innocent comments first"
    );
    assert_eq!(r["examples"][0]["new_hits"][0]["rule"], "list:admin:قرقوش");
    // Nothing changed in the live filter.
    assert_eq!(
        app.store().current_filter_version().await.unwrap(),
        Some(app.state.live_filter().version())
    );
    let versions = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/versions",
        None,
    )
    .await;
    assert_eq!(versions.json()["items"].as_array().unwrap().len(), 1);
}

async fn rule_statistics_show_hits_and_what_moderators_decided(app: TestApp) {
    let token = admin(&app).await;
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    for (text, action) in [
        ("يا حمار", "reject"),
        ("حمار المزرعة تعبان", "approve"),
        ("ما هذا يا حمار", ""),
    ] {
        let id = app.submit_ok("/news/st", text).await;
        if !action.is_empty() {
            let done = call(
                &app,
                &moderator,
                Method::POST,
                &format!("/api/v1/moderation/comments/{id}/decision"),
                Some(json!({"action": action})),
            )
            .await;
            assert_eq!(done.status, StatusCode::OK);
        }
    }
    let stats = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/stats?days=7",
        None,
    )
    .await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.text);
    let body = stats.json();
    assert_eq!(body["comments"], 3);
    let donkey = body["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"].as_str().unwrap().ends_with(":حمار"))
        .cloned()
        .expect("the insult rule");
    assert_eq!(donkey["hits_7d"], 3);
    assert_eq!(donkey["approved"], 1);
    assert_eq!(donkey["rejected"], 1);
    assert_eq!(donkey["approved_share"], 0.5);
    assert_eq!(donkey["outcomes"]["pending"], 1);
    assert!(
        body["silent"].as_u64().unwrap() > 1_000,
        "most shipped terms never fired here"
    );
    let bad = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/stats?days=0",
        None,
    )
    .await;
    assert_eq!(bad.field_code("days").as_deref(), Some("invalid"));
}

async fn send_text(app: &TestApp, token: &str, path: &str, text: &str) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/plain; charset=utf-8")
        .body(Body::from(text.to_string()))
        .unwrap();
    app.send(request).await
}

async fn terms_import_and_export_as_text_and_csv(app: TestApp) {
    let token = admin(&app).await;
    let path =
        "/api/v1/admin/filter/terms/import?format=text&category=spam_phrase&weight=4&list=imported";
    let bad = send_text(&app, &token, path, "# offers\nقرقوش\nx\nفطيرة | lots\n").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    let detail = bad.json()["error"]["fields"]["lines"]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("line 3") && detail.contains("line 4"),
        "{detail}"
    );
    assert_eq!(
        call(
            &app,
            &token,
            Method::GET,
            "/api/v1/admin/filter/terms?list=imported",
            None
        )
        .await
        .json()["total"],
        0,
        "all or nothing"
    );

    let good = send_text(&app, &token, path, "# offers\nقرقوش\nفطيرة | 6\nقرقوش\n").await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text);
    assert_eq!(good.json()["added"], 2);
    assert_eq!(good.json()["skipped"], 1);
    let again = send_text(&app, &token, path, "قرقوش\n").await;
    assert_eq!(again.json()["added"], 0);
    assert_eq!(
        again.json()["version"],
        Value::Null,
        "nothing new, no version"
    );

    let csv = send_text(
        &app,
        &token,
        "/api/v1/admin/filter/terms/import?format=csv&list=imported",
        "term,category,weight,shadow\n\"شاي, بالنعناع\",spam_phrase,2,true\nبسكويت,insult,3,\n",
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert_eq!(csv.json()["added"], 2);

    let listed = call(
        &app,
        &token,
        Method::GET,
        "/api/v1/admin/filter/terms?list=imported&shadow=true",
        None,
    )
    .await;
    assert_eq!(listed.json()["total"], 1);
    assert_eq!(listed.json()["items"][0]["term"], "شاي, بالنعناع");

    let export = app
        .send(
            Request::get("/api/v1/admin/filter/terms/export?format=csv&list=imported")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = export.text.lines().collect();
    assert_eq!(
        lines[0],
        "term,category,weight,action,match,language,list,shadow,enabled,note"
    );
    assert_eq!(lines.len(), 5, "{}", export.text);
    assert!(
        lines[1].starts_with("قرقوش,spam_phrase,4,score,token,ar,imported,false,true"),
        "{}",
        lines[1]
    );
    let text = app
        .send(
            Request::get("/api/v1/admin/filter/terms/export?list=imported&category=spam_phrase")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(text.text, "قرقوش | 4\nفطيرة | 6\nشاي, بالنعناع | 2\n");

    // Imported terms are live.
    let id = app.submit_ok("/news/i", "عندنا فطيرة للبيع").await;
    assert_eq!(class_of(&app, id).await.0, Class::Spam);
}

async fn settings_change_thresholds_live(app: TestApp) {
    let token = admin(&app).await;
    let held = app.submit_ok("/news/h", "يا حمار").await;
    assert_eq!(class_of(&app, held).await.0, Class::Hold);
    let bad = call(
        &app,
        &token,
        Method::PUT,
        "/api/v1/admin/filter/settings",
        Some(json!({"hold": 50})),
    )
    .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "hold above spam: {}",
        bad.text
    );
    let typo = call(
        &app,
        &token,
        Method::PUT,
        "/api/v1/admin/filter/settings",
        Some(json!({"signals": {"lnk": 1}})),
    )
    .await;
    assert_eq!(typo.field_code("settings").as_deref(), Some("invalid"));
    let raised = call(
        &app,
        &token,
        Method::PUT,
        "/api/v1/admin/filter/settings",
        Some(json!({"hold": 5, "category_actions": {"contact": "spam"}})),
    )
    .await;
    assert_eq!(raised.status, StatusCode::OK, "{}", raised.text);
    let passes = app.submit_ok("/news/h", "يا حمار").await;
    assert_eq!(
        class_of(&app, passes).await.0,
        Class::Ok,
        "under the raised hold"
    );
    let contact = app.submit_ok("/news/h", "كلمني واتساب").await;
    assert_eq!(
        class_of(&app, contact).await.0,
        Class::Spam,
        "per-category action"
    );
}

async fn moderators_cannot_tune_the_filter(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    for (method, path) in [
        (Method::GET, "/api/v1/admin/filter/terms"),
        (Method::GET, "/api/v1/admin/filter/versions"),
        (Method::POST, "/api/v1/admin/filter/versions/1/restore"),
    ] {
        let response = call(&app, &moderator, method, path, None).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
    }
    let anonymous = app.get("/api/v1/admin/filter/stats").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

/// `"match": "exact"` (or a trailing `=`): the word itself only, not behind clitics or an
/// article, for a term that would otherwise fire inside everyday words.
async fn an_exact_term_matches_only_the_word_itself(app: TestApp) {
    let token = admin(&app).await;
    let added = call(
        &app,
        &token,
        Method::POST,
        "/api/v1/admin/filter/terms",
        Some(json!({"term": "زرزور=", "category": "insult", "weight": 3})),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.json()["term"]["match"], "exact");
    assert_eq!(added.json()["term"]["term"], "زرزور");
    let alone = app.submit_ok("/news/x", "انت زرزور").await;
    assert!(rules(&class_of(&app, alone).await.1).contains(&"list:admin:زرزور".to_string()));
    let inflected = app.submit_ok("/news/x", "هذا الزرزور يغرد كل صباح").await;
    assert!(
        !rules(&class_of(&app, inflected).await.1)
            .iter()
            .any(|r| r.contains("زرزور")),
        "not behind the article"
    );
}
