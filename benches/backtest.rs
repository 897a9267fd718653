//! Back-test benchmark: a proposed change (ten new terms and a threshold) replayed over
//! 100,000 stored comments, as `POST /api/v1/admin/filter/backtest` does it: read the
//! window, compile the proposal, replay it and the live filter on every core. Also the
//! rule statistics over the same window. SQLite, and PostgreSQL when reachable.
//!
//!     cargo bench --bench backtest

use std::sync::Arc;
use std::time::Instant;

use raqib::config::Config;
use raqib::domain::{Class, NewComment, Status};
use raqib::filter::{Context, Input};
use raqib::store::{self, Store};
use raqib::tuning::{self, Proposal, TermInput};
use sqlx::Connection;

const COMMENTS: usize = 100_000;

/// Fragments the comments are made of: mostly ordinary remarks, some insults, some ads.
const FRAGMENTS: &[&str] = &[
    "أتفق مع الكاتب في أن أسعار النفط ستبقى مرتفعة هذا الشتاء",
    "المنتخب لعب مباراة جميلة لكن الدفاع يحتاج إلى تعديل",
    "نرجو من البلدية الاهتمام بالطرق الداخلية في الحي",
    "شكراً على التقرير المفصل، معلومات مفيدة جداً",
    "الطقس في الخليج هذه الأيام أفضل من الصيف بكثير",
    "لا أظن أن القرار سيغير شيئاً في سوق العقار",
    "كلام منطقي ويستحق النقاش بهدوء",
    "متى يفتتح المستشفى الجديد في المنطقة الشرقية؟",
    "I think the ministry should publish the full report",
    "الله يوفق الجميع ويحفظ البلد",
    "يا حمار ما تفهم شي",
    "كلامك فاضي يا غبي",
    "قروض سريعة بدون كفيل تواصل واتساب 0501234567",
    "للتواصل سناب واربح من الانترنت يومياً",
    "شيخ روحاني لجلب الحبيب وفك السحر",
];

fn body(i: usize) -> String {
    let a = FRAGMENTS[i % 10];
    let b = FRAGMENTS[(i / 10) % FRAGMENTS.len()];
    let c = FRAGMENTS[(i / 7) % 10];
    format!("{a}. {b}، {c} ({i})")
}

async fn fill(store: &Arc<dyn Store>, filter: Arc<raqib::filter::Filter>, now: i64) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..64)
        .map(|t| {
            let store = store.clone();
            let filter = filter.clone();
            tokio::spawn(async move {
                for i in (t..COMMENTS).step_by(64) {
                    let body = body(i);
                    let verdict = filter.check(
                        &Input {
                            body: &body,
                            name: "قارئ",
                            email: "reader@example.com",
                            website: None,
                        },
                        &Context::default(),
                    );
                    // What moderators made of it, roughly: most held comments rejected,
                    // spam confirmed, clean ones approved (a few still waiting).
                    let status = match (verdict.class, i % 10) {
                        (Class::Block, _) => Status::Blocked,
                        (Class::Spam, 0) => Status::Approved,
                        (Class::Spam, _) => Status::Spam,
                        (Class::Hold, 0..=2) => Status::Approved,
                        (Class::Hold, _) => Status::Rejected,
                        (Class::Ok, 0..=1) => Status::Pending,
                        (Class::Ok, 2) => Status::Rejected,
                        (Class::Ok, _) => Status::Approved,
                    };
                    store
                        .insert_comment(NewComment {
                            article: format!("/news/{}", i % 500),
                            parent: None,
                            author_name: "قارئ".into(),
                            author_email: "reader@example.com".into(),
                            email_hash: format!("{:064x}", i % 5000),
                            ip_hash: Some(format!("{:064x}", i % 3000)),
                            ip_net_hash: None,
                            ip_prefix: None,
                            user_agent: None,
                            body_key: verdict.body_key.clone(),
                            body,
                            status,
                            class: verdict.class,
                            score: f64::from(verdict.score),
                            hits: serde_json::to_string(&verdict.hits).unwrap(),
                            created_at: now - i as i64 * 10_000,
                            captcha_nonce: None,
                        })
                        .await
                        .expect("insert");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    println!(
        "  stored {COMMENTS} comments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn run(store: Arc<dyn Store>, config: &Config, label_sql: impl AsyncFnOnce()) {
    let (_, live) = raqib::app::live_filter(config, &store).await.unwrap();
    let live = Arc::new(live);
    let now = raqib::store::now_ms();
    fill(&store, live.clone(), now).await;
    label_sql().await;
    store.optimize().await.unwrap();

    let proposal = Proposal {
        add_terms: [
            "قرقوش",
            "فطيرة",
            "بطيخ",
            "سوق العقار",
            "البلدية",
            "المستشفى",
            "دفاع",
            "ministry",
            "report",
            "الشتاء",
        ]
        .iter()
        .map(|t| TermInput {
            term: t.to_string(),
            category: raqib::filter::Category::SpamPhrase,
            weight: 3.0,
            ..Default::default()
        })
        .collect(),
        settings: Some(serde_json::json!({"hold": 2.5})),
        ..Default::default()
    };
    let total = Instant::now();
    let started = Instant::now();
    let state = store.filter_state(None).await.unwrap().unwrap();
    let proposed = tuning::compile(&proposal.apply(&state).unwrap()).unwrap();
    let compile = started.elapsed();
    let started = Instant::now();
    let comments = store
        .replay_window(now - 30 * 86_400_000, 200_000)
        .await
        .unwrap();
    let read = started.elapsed();
    let started = Instant::now();
    let report = tuning::backtest::run(&live, &proposed, &comments);
    let replay = started.elapsed();
    println!(
        "  back-test of {} comments: {:.2} s in all (read {:.2} s, compile {:.2} s, replay both filters {:.2} s on {} threads)",
        report.replayed,
        total.elapsed().as_secs_f64(),
        read.as_secs_f64(),
        compile.as_secs_f64(),
        replay.as_secs_f64(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    );
    println!(
        "    decided {}, changed {}, newly flagged approved {}, spam precision {:?} → {:?}",
        report.decided,
        report.changed,
        report.newly_flagged_approved,
        report.before.spam.precision,
        report.after.spam.precision
    );
    let started = Instant::now();
    let stats = tuning::stats::collect(&comments, &state, now, 30);
    println!(
        "  rule statistics over the same window: {:.2} s ({} rules fired, {} silent)",
        started.elapsed().as_secs_f64(),
        stats.rules.len(),
        stats.silent
    );
    store.close().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backtest.db");
        let config = Config {
            database_url: format!("sqlite://{}", path.display()),
            secret_key: Some("backtest benchmark backtest benchmark backtest".into()),
            ..Config::default()
        };
        println!("SQLite:");
        let url = config.database_url.clone();
        run(
            store::connect(&config).await.unwrap(),
            &config,
            async || {
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query(LABEL).execute(&mut conn).await.unwrap();
            },
        )
        .await;

        let url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let Ok(mut admin) = sqlx::PgConnection::connect(&url).await else {
            println!("PostgreSQL: unreachable, skipped");
            return;
        };
        let schema = format!("bench_backtest_{}", std::process::id());
        sqlx::query(sqlx::AssertSqlSafe(format!("create schema {schema}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let config = Config {
            database_url: format!("{url}?options[search_path]={schema}"),
            secret_key: config.secret_key.clone(),
            ..Config::default()
        };
        println!("PostgreSQL:");
        let url = config.database_url.clone();
        run(
            store::connect(&config).await.unwrap(),
            &config,
            async || {
                let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
                sqlx::query(LABEL).execute(&mut conn).await.unwrap();
            },
        )
        .await;
        sqlx::query(sqlx::AssertSqlSafe(format!("drop schema {schema} cascade")))
            .execute(&mut admin)
            .await
            .unwrap();
    });
}

/// Marks every approved, rejected and spam comment as decided by a person.
const LABEL: &str =
    "update comment set decided_by = 'bench' where status in ('approved', 'rejected', 'spam')";
