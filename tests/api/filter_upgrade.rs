//! A newer release's word lists reaching an existing database: applied as a new version
//! where nobody changed the filter, offered as a candidate (back-tested, promoted or
//! dismissed) where admins did; each change offered once.

use std::path::Path;

use axum::http::{Method, StatusCode};
use raqib::auth::Role;
use serde_json::{Value, json};

use crate::accounts::{authed, token_for};
use crate::support::{TestApp, TestResponse};

both!(
    new_shipped_lists_become_a_version_where_nobody_changed_the_filter,
    new_shipped_lists_are_a_candidate_where_admins_changed_the_filter,
);

/// A word-list directory with one Arabic insult list holding `entries`.
fn lists(dir: &Path, entries: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("lists.toml"),
        "[[list]]\nname = \"t/insult\"\nfile = \"insult.txt\"\ncategory = \"insult\"\nlanguage = \"ar\"\nweight = 3\n",
    )
    .unwrap();
    std::fs::write(dir.join("insult.txt"), entries).unwrap();
    dir.display().to_string()
}

/// The same database restarted on another word-list directory (and filter settings).
async fn restart(app: TestApp, wordlists: &str, link_weight: Option<f32>) -> TestApp {
    let mut config = app.state.config().clone();
    config.wordlists = wordlists.to_string();
    if let Some(weight) = link_weight {
        config.filter.signals.link = weight;
    }
    app.with_config(config).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> TestResponse {
    authed(app, Method::GET, path, Some(token), None).await
}

/// The live terms of the test list: term → weight.
async fn terms(app: &TestApp, token: &str) -> Vec<(String, f64)> {
    let response = get(
        app,
        token,
        "/api/v1/admin/filter/terms?list=t/insult&limit=100",
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    let mut out: Vec<(String, f64)> = response.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["term"].as_str().unwrap().to_string(),
                t["weight"].as_f64().unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

async fn versions(app: &TestApp, token: &str) -> Vec<Value> {
    let response = get(app, token, "/api/v1/admin/filter/versions").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    response.json()["items"].as_array().unwrap().clone()
}

async fn candidates(app: &TestApp, token: &str) -> Vec<Value> {
    let response = get(app, token, "/api/v1/admin/filter/candidates").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    response.json()["candidates"].as_array().unwrap().clone()
}

fn owned(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
    pairs.iter().map(|(t, w)| (t.to_string(), *w)).collect()
}

const RELEASE_1: &str = "زرزور\nقنفذ | 2\nحلزون\n";
/// قنفذ removed, زرزور re-weighed, ببغاء added.
const RELEASE_2: &str = "زرزور | 5\nحلزون\nببغاء\n";

async fn new_shipped_lists_become_a_version_where_nobody_changed_the_filter(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let one = lists(&dir.path().join("one"), RELEASE_1);
    let two = lists(&dir.path().join("two"), RELEASE_2);
    let app = restart(app, &one, None).await;
    let app = restart(app, &two, None).await;
    let token = token_for(&app, "adel", Role::Admin).await;
    assert_eq!(
        terms(&app, &token).await,
        owned(&[("ببغاء", 3.0), ("حلزون", 3.0), ("زرزور", 5.0)])
    );
    let history = versions(&app, &token).await;
    let newest = &history[0];
    assert_eq!(newest["created_by"], "system");
    assert!(
        newest["summary"]
            .as_str()
            .unwrap()
            .contains("2 terms added, 2 removed"),
        "{newest}"
    );
    // (زرزور re-weighed counts as one removed and one added.) In force at once: the new
    // entry holds a comment.
    let id = app.submit_ok("/news/u", "انت ببغاء").await;
    let comment = app.store().get_comment(id).await.unwrap().unwrap();
    assert!(
        comment.hits.contains("list:t/insult:ببغاء"),
        "{}",
        comment.hits
    );
    // Recorded as applied; starting again changes nothing.
    let listed = candidates(&app, &token).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["status"], "applied");
    assert_eq!(listed[0]["version"], newest["version"]);
    let app = restart(app, &two, None).await;
    assert_eq!(versions(&app, &token).await.len(), history.len());
    // Restorable like any other version.
    let before = history[1]["version"].as_i64().unwrap();
    let restored = authed(
        &app,
        Method::POST,
        &format!("/api/v1/admin/filter/versions/{before}/restore"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text);
    assert_eq!(
        terms(&app, &token).await,
        owned(&[("حلزون", 3.0), ("زرزور", 3.0), ("قنفذ", 2.0)])
    );
}

async fn new_shipped_lists_are_a_candidate_where_admins_changed_the_filter(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let one = lists(&dir.path().join("one"), RELEASE_1);
    let two = lists(&dir.path().join("two"), RELEASE_2);
    let app = restart(app, &one, None).await;
    let token = token_for(&app, "adel", Role::Admin).await;
    // The admin re-weighs قنفذ (which the release removes) and adds a word of their own.
    let live = get(
        &app,
        &token,
        "/api/v1/admin/filter/terms?list=t/insult&q=قنفذ",
    )
    .await;
    let id = live.json()["items"][0]["id"].as_i64().unwrap();
    let changed = authed(
        &app,
        Method::PATCH,
        &format!("/api/v1/admin/filter/terms/{id}"),
        Some(&token),
        Some(json!({"weight": 4})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let live_version = versions(&app, &token).await[0]["version"].clone();

    let app = restart(app, &two, None).await;
    // The admin's filter stays in force; the release waits as a candidate.
    assert_eq!(versions(&app, &token).await[0]["version"], live_version);
    let listed = candidates(&app, &token).await;
    let open: Vec<&Value> = listed.iter().filter(|c| c["status"] == "open").collect();
    assert_eq!(open.len(), 1, "{listed:?}");
    let candidate = open[0].clone();
    let proposal = &candidate["proposal"];
    let added: Vec<&str> = proposal["add_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert_eq!(added, ["ببغاء", "زرزور"], "{proposal}");
    // قنفذ is the admin's now: the release's removal does not touch it.
    assert_eq!(proposal["remove_terms"].as_array().unwrap().len(), 1);
    // Back-tested with the endpoint admins already use.
    let backtest = authed(
        &app,
        Method::POST,
        "/api/v1/admin/filter/backtest",
        Some(&token),
        Some(proposal.clone()),
    )
    .await;
    assert_eq!(backtest.status, StatusCode::OK, "{}", backtest.text);
    // Offered once, however often the service starts.
    let app = restart(app, &two, None).await;
    assert_eq!(candidates(&app, &token).await.len(), listed.len());

    let path = format!(
        "/api/v1/admin/filter/candidates/{}/promote",
        candidate["id"]
    );
    let promoted = authed(&app, Method::POST, &path, Some(&token), None).await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.text);
    assert_eq!(
        terms(&app, &token).await,
        owned(&[
            ("ببغاء", 3.0),
            ("حلزون", 3.0),
            ("زرزور", 5.0),
            ("قنفذ", 4.0)
        ])
    );
    let newest = &versions(&app, &token).await[0];
    assert_eq!(newest["version"], promoted.json()["version"]);
    assert_eq!(newest["created_by"], "adel");
    let again = authed(&app, Method::POST, &path, Some(&token), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);

    // A later release that changes a setting, dismissed: nothing changes.
    let app = restart(app, &two, Some(7.5)).await;
    let listed = candidates(&app, &token).await;
    let open: Vec<&Value> = listed.iter().filter(|c| c["status"] == "open").collect();
    assert_eq!(open.len(), 1, "{listed:?}");
    assert_eq!(
        open[0]["proposal"]["settings"],
        json!({"signals": {"link": 7.5}})
    );
    // What the promotion brought is live and not offered again, and the admin's قنفذ,
    // which the shipped lists dropped, is still not theirs to remove.
    assert_eq!(open[0]["proposal"]["add_terms"], json!([]), "{listed:?}");
    assert_eq!(open[0]["proposal"]["remove_terms"], json!([]), "{listed:?}");
    let before = versions(&app, &token).await.len();
    let path = format!("/api/v1/admin/filter/candidates/{}/dismiss", open[0]["id"]);
    let dismissed = authed(&app, Method::POST, &path, Some(&token), None).await;
    assert_eq!(
        dismissed.status,
        StatusCode::NO_CONTENT,
        "{}",
        dismissed.text
    );
    assert_eq!(versions(&app, &token).await.len(), before);
    let missing = authed(
        &app,
        Method::POST,
        "/api/v1/admin/filter/candidates/999999/promote",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
