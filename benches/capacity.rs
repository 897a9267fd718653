//! Capacity benchmark (issue #22): the latency (p50/p99) of the requests that must stay
//! fast on a full database, run against one filled by `raqib dev seed`:
//!
//!     raqib dev seed --comments 10000000 --articles 100000 --database-url sqlite://big.db
//!     CAPACITY_DATABASE_URL=sqlite://big.db cargo bench --bench capacity
//!
//! The queue's first page (pending, each sort), its search for an Arabic word (pending,
//! and among every comment), an article's comment page, and the moderation stats; through
//! the store, as the handlers call it; then the plan of every request query on this
//! database (`store::plans`). Reads only: the database is left as it was.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use raqib::config::Config;
use raqib::domain::Status;
use raqib::store::moderation::{QueueFilter, Sort};
use raqib::store::{self, Store, now_ms};

const RUNS: usize = 200;

async fn measure<F, Fut>(name: &str, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = usize>,
{
    let mut times = Vec::with_capacity(RUNS);
    let mut rows = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        rows = work().await;
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {name} | {:.2} | {:.2} | {rows} |",
        ms(times[RUNS / 2]),
        ms(times[RUNS * 99 / 100 - 1])
    );
}

async fn queue(store: &Arc<dyn Store>, filter: QueueFilter) -> usize {
    store.queue(&filter).await.expect("queue").len()
}

async fn run(store: Arc<dyn Store>) {
    let total = store.count_comments().await.expect("count");
    println!("{total} comments\n");
    println!("| request | p50 ms | p99 ms | rows |");
    println!("|---|---:|---:|---:|");
    let pending = |sort: Sort| QueueFilter {
        status: Some(Status::Pending),
        sort,
        limit: 51,
        ..QueueFilter::default()
    };
    for (name, sort) in [
        ("queue first page, oldest first", Sort::Oldest),
        ("queue first page, newest first", Sort::Newest),
        ("queue first page, by score", Sort::Score),
    ] {
        measure(name, || queue(&store, pending(sort))).await;
    }
    let words = |w: &[&str]| w.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    for (name, status, query) in [
        (
            "queue search, pending: «منتخب»",
            Some(Status::Pending),
            words(&["منتخب"]),
        ),
        (
            "queue search, every comment: «منتخب»",
            None,
            words(&["منتخب"]),
        ),
        (
            "queue search, every comment: «مطار» «تاخر»",
            None,
            words(&["مطار", "تاخر"]),
        ),
        (
            "queue search, every comment: «حمار»",
            None,
            words(&["حمار"]),
        ),
    ] {
        let filter = QueueFilter {
            status,
            words: query,
            sort: Sort::Newest,
            limit: 51,
            ..QueueFilter::default()
        };
        measure(name, || queue(&store, filter.clone())).await;
    }
    // A busy article near the newest, and an old one.
    let newest = store.next_comment_id().await.expect("next id") - 1;
    for id in [newest - 1_000, (newest / 3).max(1)] {
        let Some(comment) = store.get_comment(id).await.expect("comment") else {
            continue;
        };
        let article = comment.article.clone();
        measure(&format!("article page ({article}), 50"), || async {
            store
                .list_public(&article, None, 50)
                .await
                .expect("page")
                .len()
        })
        .await;
    }
    measure("moderation stats", || async {
        let stats = store.stats(now_ms()).await.expect("stats");
        stats.by_status.len()
    })
    .await;
    // The plans on this database, with its statistics.
    let plans = store.request_plans().await.expect("plans");
    let scanning: Vec<_> = plans.iter().filter(|p| p.scans_comments()).collect();
    println!(
        "\n{} request queries planned, {} reading every comment",
        plans.len(),
        scanning.len()
    );
    for plan in scanning {
        println!("  {}: {}", plan.name, plan.plan.join(" / "));
    }
}

fn main() {
    let Ok(url) = std::env::var("CAPACITY_DATABASE_URL") else {
        println!("set CAPACITY_DATABASE_URL to a database filled by `raqib dev seed`");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = Config {
            database_url: url,
            ..Config::default()
        };
        let store = store::connect(&config).await.expect("the database opens");
        run(store.clone()).await;
        store.close().await;
    });
}
