//! Queue benchmark: page latency (p50/p99) of the moderation queue with 100,000 comments
//! stored, on SQLite and (when reachable at TEST_POSTGRES_URL) PostgreSQL, with the
//! indexes of the migrations.
//!
//!     cargo bench --bench queue

use std::sync::Arc;
use std::time::{Duration, Instant};

use raqib::config::Config;
use raqib::domain::{Class, NewComment, Status};
use raqib::store::moderation::{QueueFilter, Sort};
use raqib::store::{self, Store};
use sqlx::Connection;

const COMMENTS: usize = 100_000;

async fn fill(store: &Arc<dyn Store>) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..64)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in (t..COMMENTS).step_by(64) {
                    let class = match i % 10 {
                        0 => Class::Hold,
                        1 => Class::Spam,
                        _ => Class::Ok,
                    };
                    let status = match i % 4 {
                        0 => Status::Approved,
                        1 => Status::Rejected,
                        _ => Status::Pending,
                    };
                    let body = format!("تعليق رقم {i} عن أسعار النفط والمنتخب والطقس في الخليج");
                    store
                        .insert_comment(NewComment {
                            article: format!("/news/{}", i % 500),
                            parent: None,
                            author_name: "قارئ".into(),
                            author_email: format!("r{}@example.com", i % 5000),
                            email_hash: format!("{:064x}", i % 5000),
                            ip_hash: Some(format!("{:064x}", i % 3000)),
                            ip_net_hash: None,
                            ip_prefix: None,
                            user_agent: None,
                            body_key: raqib::filter::search::search_key(
                                raqib::filter::normalize::text_key(&body).as_str(),
                            ),
                            body,
                            status,
                            class,
                            score: (i % 17) as f64 / 2.0,
                            hits: "[]".into(),
                            created_at: 1_700_000_000_000 + i as i64 * 1000,
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

async fn measure(store: &Arc<dyn Store>, name: &str, filter: QueueFilter) {
    let mut times = Vec::with_capacity(200);
    let mut rows = 0;
    for _ in 0..200 {
        let started = Instant::now();
        rows = store.queue(&filter).await.expect("queue").len();
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {name:<44} p50 {:>6.2} ms  p99 {:>6.2} ms  ({rows} rows)",
        ms(times[100]),
        ms(times[197])
    );
}

async fn run(store: Arc<dyn Store>) {
    fill(&store).await;
    // What the service's housekeeping does every minute.
    store.optimize().await.expect("optimize");
    let page = |f: QueueFilter| QueueFilter { limit: 51, ..f };
    let pending = || QueueFilter {
        status: Some(Status::Pending),
        ..QueueFilter::default()
    };
    measure(&store, "pending, oldest first, 50", page(pending())).await;
    measure(
        &store,
        "pending, newest first, 50",
        page(QueueFilter {
            sort: Sort::Newest,
            ..pending()
        }),
    )
    .await;
    measure(
        &store,
        "pending, by score, 50",
        page(QueueFilter {
            sort: Sort::Score,
            ..pending()
        }),
    )
    .await;
    measure(
        &store,
        "pending, class hold, 50",
        page(QueueFilter {
            class: Some(Class::Hold),
            ..pending()
        }),
    )
    .await;
    measure(
        &store,
        "pending, one article, 50",
        page(QueueFilter {
            article: Some("/news/42".into()),
            ..pending()
        }),
    )
    .await;
    let deep = (1_700_000_000_000.0 + 90_000.0 * 1000.0, 90_000);
    measure(
        &store,
        "pending, oldest first, page at 90%",
        page(QueueFilter {
            after: Some(deep),
            ..pending()
        }),
    )
    .await;
    measure(
        &store,
        "pending, one author (email hash), 50",
        page(QueueFilter {
            email_hash: Some(format!("{:064x}", 42)),
            ..pending()
        }),
    )
    .await;
    measure(
        &store,
        "text search (two words through the text index), 50",
        page(QueueFilter {
            words: vec!["رقم".into(), "4242".into()],
            ..pending()
        }),
    )
    .await;
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
        let config = Config {
            database_url: format!("sqlite://{}", dir.path().join("queue.db").display()),
            secret_key: Some("queue benchmark queue benchmark queue benchmark".into()),
            ..Config::default()
        };
        println!("SQLite:");
        run(store::connect(&config).await.unwrap()).await;

        let url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let Ok(mut admin) = sqlx::PgConnection::connect(&url).await else {
            println!("PostgreSQL: unreachable, skipped");
            return;
        };
        let schema = format!("bench_queue_{}", std::process::id());
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
        run(store::connect(&config).await.unwrap()).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("drop schema {schema} cascade")))
            .execute(&mut admin)
            .await
            .unwrap();
    });
}
