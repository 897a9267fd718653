//! Learning from moderators: comments posted and decided through the API become a
//! training set; a retraining (a job to poll) offers a candidate with its report;
//! promoting it changes the verdicts on new comments of the same kind; an erased author's
//! comments leave the training set; a label is corrected by moving a comment between spam
//! and rejected.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use raqib::auth::Role;
use raqib::domain::Class;
use serde_json::{Value, json};

use crate::accounts::{authed, token_for};
use crate::support::TestApp;

both!(too_few_decisions_are_refused_before_any_work);
both!(settings_naming_a_model_the_database_lacks_are_refused);

/// With the learned models on (the test config turns the abuse model off for tests about
/// other things).
fn with_models(config: &mut raqib::config::Config) {
    config.filter.signals.abuse_model = 1.0;
}

mod retraining {
    use crate::support::TestApp;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = TestApp::sqlite_with(super::with_models).await;
        super::moderators_decisions_retrain_the_models_and_the_promoted_candidate_changes_verdicts(
            app,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = TestApp::postgres_with(super::with_models).await {
            super::moderators_decisions_retrain_the_models_and_the_promoted_candidate_changes_verdicts(app).await;
        }
    }
}

/// A site's own insults: words no shipped list or model knows.
const SLANG: [&str; 4] = ["زقطوط", "فشكول", "طرطوز", "خنفوش"];

/// A fixed stream of picks (a linear congruential generator), so the corpus is the same
/// on every run.
struct Picks(u64);

impl Picks {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        from[((self.0 >> 33) % from.len() as u64) as usize]
    }
}

const WHO: [&str; 7] = [
    "المنتخب",
    "الفريق",
    "المدرب",
    "الحكم",
    "الجمهور",
    "اللاعب",
    "النادي",
];
const DID: [&str; 6] = [
    "قدم أداء",
    "يستحق",
    "نتمنى له",
    "حقق",
    "لعب مباراة",
    "أظهر مستوى",
];
const WHAT: [&str; 6] = [
    "رائعا في المباراة",
    "التوفيق في البطولة",
    "الفوز في الجولة القادمة",
    "جيدا هذا الموسم",
    "يليق بتاريخه",
    "مقنعا أمام المنافس",
];

fn civil(p: &mut Picks) -> String {
    format!("{} {} {}", p.pick(&WHO), p.pick(&DID), p.pick(&WHAT))
}

fn abusive(p: &mut Picks) -> String {
    let who = p.pick(&WHO);
    match p.0 % 3 {
        0 => format!("{who} {} وما يفهم شي", p.pick(&SLANG)),
        1 => format!("اسكت يا {} انت و{who}", p.pick(&SLANG)),
        _ => format!("{who} كله {} {}", p.pick(&SLANG), p.pick(&SLANG)),
    }
}

async fn admin(app: &TestApp) -> String {
    token_for(app, "adel", Role::Admin).await
}

async fn post(app: &TestApp, body: &str, email: &str) -> i64 {
    let response = app
        .submit(&json!({"article": "/sport/derby", "name": "قارئ", "email": email, "body": body}))
        .await;
    assert_eq!(response.status, StatusCode::ACCEPTED, "{}", response.text);
    response.json()["id"].as_i64().unwrap()
}

async fn decide_all(app: &TestApp, token: &str, ids: &[i64], action: &str, reason: Option<&str>) {
    for chunk in ids.chunks(200) {
        let response = authed(
            app,
            Method::POST,
            "/api/v1/moderation/decisions",
            Some(token),
            Some(json!({"ids": chunk, "action": action, "reason": reason})),
        )
        .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    }
}

async fn class_of(app: &TestApp, id: i64) -> Class {
    app.store().get_comment(id).await.unwrap().unwrap().class
}

/// Asks for a retraining as `token` with `body`.
async fn train(app: &TestApp, token: &str, body: Value) -> crate::support::TestResponse {
    authed(
        app,
        Method::POST,
        "/api/v1/admin/filter/model/train",
        Some(token),
        Some(body),
    )
    .await
}

/// Starts a retraining and waits for its end.
async fn trained(app: &TestApp, admin: &str, body: Value) -> Value {
    let started = train(app, admin, body).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    let job = finished(app, admin, started.json()["id"].as_i64().unwrap()).await;
    assert_eq!(job["state"], "done", "{job}");
    job
}

/// Polls a job until it ends (the guard only stops a hung test; no speed is asserted).
async fn finished(app: &TestApp, token: &str, job: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let response = authed(
            app,
            Method::GET,
            &format!("/api/v1/admin/jobs/{job}"),
            Some(token),
            None,
        )
        .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
        let job = response.json();
        if job["state"] == "done" || job["state"] == "failed" {
            return job;
        }
        assert!(Instant::now() < deadline, "the job never ended: {job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn moderators_decisions_retrain_the_models_and_the_promoted_candidate_changes_verdicts(
    app: TestApp,
) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let admin = admin(&app).await;
    let mut picks = Picks(7);
    // Before: the site's slang passes the shipped filter.
    let probe_before = post(&app, "المدرب فشكول وما يفهم شي", "probe@example.com").await;
    assert_eq!(class_of(&app, probe_before).await, Class::Ok);

    // A few hundred comments posted through the API and decided through it, in the
    // order they came (the newest decisions are held back to judge the candidate).
    let (mut civil_ids, mut abusive_ids) = (Vec::new(), Vec::new());
    for round in 0..40 {
        let email = format!("reader{round}@example.com");
        let (mut civil_now, mut abusive_now) = (Vec::new(), Vec::new());
        for i in 0..8 {
            if i < 5 {
                civil_now.push(post(&app, &civil(&mut picks), &email).await);
            } else {
                abusive_now.push(post(&app, &abusive(&mut picks), &email).await);
            }
        }
        decide_all(&app, &moderator, &civil_now, "approve", None).await;
        decide_all(&app, &moderator, &abusive_now, "reject", Some("insult")).await;
        civil_ids.extend(civil_now);
        abusive_ids.extend(abusive_now);
    }
    let leaving = [
        post(&app, "الحكم زقطوط طرطوز", "leaving@example.com").await,
        post(
            &app,
            "المنتخب يستحق الفوز في البطولة",
            "leaving@example.com",
        )
        .await,
    ];
    decide_all(&app, &moderator, &leaving[..1], "reject", Some("insult")).await;
    decide_all(&app, &moderator, &leaving[1..], "approve", None).await;
    // A label corrected both ways: rejected → spam → rejected.
    for action in ["spam", "reject"] {
        decide_all(&app, &moderator, &abusive_ids[..1], action, Some("insult")).await;
    }
    let corrected = app
        .store()
        .get_comment(abusive_ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(corrected.status, raqib::domain::Status::Rejected);
    // Off topic is not abuse: such a rejection teaches nothing.
    let off_topic = post(&app, "أين أجد جدول المباريات", "other@example.com").await;
    decide_all(&app, &moderator, &[off_topic], "reject", Some("off_topic")).await;

    // The erased author's comments leave the training set.
    let decided = app.store().decided_comments(10_000).await.unwrap();
    let leaving_hash = app.state.secrets().email_hash("leaving@example.com");
    assert_eq!(
        decided
            .iter()
            .filter(|d| d.email_hash == leaving_hash)
            .count(),
        2
    );
    let erase = authed(
        &app,
        Method::DELETE,
        "/api/v1/admin/privacy?email=leaving@example.com",
        Some(&admin),
        None,
    )
    .await;
    assert!(erase.status.is_success(), "{}", erase.text);
    let after_erase = app.store().decided_comments(10_000).await.unwrap();
    assert_eq!(after_erase.len(), decided.len() - 2);
    assert!(after_erase.iter().all(|d| !leaving.contains(&d.comment_id)));

    // Retrain: a job to poll, ending in a candidate with its report.
    let job = trained(&app, &admin, json!({})).await;
    let result = &job["result"];
    let report = &result["report"];
    assert_eq!(
        report["decisions"], 320,
        "the off-topic rejection and the erased author left out: {report}"
    );
    assert_eq!(report["held_back"], 64);
    let (before, after) = (&report["before"], &report["after"]);
    assert!(
        after["abuse_recall"].as_f64() > before["abuse_recall"].as_f64(),
        "{report}"
    );
    assert!(
        after["civil_held"].as_f64() <= before["civil_held"].as_f64(),
        "{report}"
    );
    assert!(result["promoted"].is_null(), "not asked to promote");
    let candidate = result["candidate"].as_i64().unwrap();

    // Promoted by the admin: a new version whose summary names the models.
    let promoted = authed(
        &app,
        Method::POST,
        &format!("/api/v1/admin/filter/candidates/{candidate}/promote"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.text);
    let version = promoted.json()["version"].as_i64().unwrap();
    let versions = authed(
        &app,
        Method::GET,
        "/api/v1/admin/filter/versions",
        Some(&admin),
        None,
    )
    .await;
    let summary = versions.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == version)
        .map(|v| v["summary"].as_str().unwrap().to_string())
        .unwrap();
    assert!(summary.contains("models retrained on"), "{summary}");
    let settings = authed(
        &app,
        Method::GET,
        "/api/v1/admin/filter/settings",
        Some(&admin),
        None,
    )
    .await;
    let abuse_model = settings.json()["settings"]["models"]["abuse_model"].clone();
    assert_eq!(abuse_model, report["abuse_model"], "{}", settings.text);

    // After: a new comment of the same kind is held, with the model's words named; a
    // civil one still passes.
    let probe_after = post(&app, "المدرب فشكول وما يفهم شي", "probe@example.com").await;
    let held = app.store().get_comment(probe_after).await.unwrap().unwrap();
    assert_eq!(held.class, Class::Hold, "{}", held.hits);
    assert!(held.hits.contains("model:abuse"), "{}", held.hits);
    let fine = post(
        &app,
        "المنتخب قدم أداء رائعا في المباراة",
        "probe@example.com",
    )
    .await;
    assert_eq!(class_of(&app, fine).await, Class::Ok);

    // The stats page: per version, what the model fired on and how it was decided.
    let stats = authed(
        &app,
        Method::GET,
        "/api/v1/admin/filter/stats",
        Some(&admin),
        None,
    )
    .await;
    let models = stats.json()["models"].clone();
    let under_new = models
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["version"] == version && m["model"] == "abuse")
        .unwrap_or_else(|| panic!("{models}"))
        .clone();
    assert!(under_new["fired"].as_u64().unwrap() >= 1, "{under_new}");
    assert!(under_new["pending"].as_u64().unwrap() >= 1, "{under_new}");

    // Asked to promote by itself: it says whether and why, and the audit log has it.
    let job = trained(&app, &admin, json!({"promote": true})).await;
    let why = job["result"]["why"].as_str().unwrap();
    let action = if job["result"]["promoted"].is_null() {
        "filter.model.refuse"
    } else {
        "filter.model.promote"
    };
    assert!(!why.is_empty());
    let audit = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/audit?limit=20",
        Some(&admin),
        None,
    )
    .await;
    assert!(audit.text.contains(action), "{action}: {}", audit.text);
}

async fn too_few_decisions_are_refused_before_any_work(app: TestApp) {
    let admin = admin(&app).await;
    let refused = train(&app, &admin, json!({"promote": true})).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(
        refused.json()["error"]["fields"]["decisions"]["code"],
        "invalid",
        "{}",
        refused.text
    );
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let forbidden = train(&app, &moderator, json!({})).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

async fn settings_naming_a_model_the_database_lacks_are_refused(app: TestApp) {
    let admin = admin(&app).await;
    let path = "/api/v1/admin/filter/settings";
    let before = authed(&app, Method::GET, path, Some(&admin), None).await;
    let unknown = "0".repeat(64);
    let body = json!({"models": {"abuse_model": unknown}});
    let refused = authed(&app, Method::PUT, path, Some(&admin), Some(body)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    let field = &refused.json()["error"]["fields"]["models.abuse_model"];
    assert_eq!(field["code"], "invalid", "{}", refused.text);
    // Nothing was stored: the live version is the one before, and the filter still works.
    let after = authed(&app, Method::GET, path, Some(&admin), None).await;
    assert_eq!(after.json()["version"], before.json()["version"]);
    assert_eq!(
        class_of(
            &app,
            post(&app, "مقال جميل ومفيد", "reader@example.com").await
        )
        .await,
        Class::Ok
    );
}
