//! What raqib keeps in memory on its hot paths, against the well-kept crates that do the
//! same: our [`Memo`] (the public page cache and author histories) against `moka`, and our
//! metrics registry against `metrics` with `metrics-exporter-prometheus`. Prints nanoseconds
//! per operation on one thread and with two threads at once (this machine's two cores, as
//! the server's two workers would be). The README and the comments of `cache/memo.rs` and
//! `telemetry/metrics.rs` quote its figures.
//!
//!     cargo bench --bench keeping

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use raqib::cache::memo::Memo;

/// A page-cache key: article, cursor, page size.
type PageKey = (String, Option<i64>, u32);

const HOT_KEYS: usize = 1_000;

fn keys() -> Vec<PageKey> {
    (0..HOT_KEYS)
        .map(|i| (format!("/news/2026/12/article-{i}"), None, 50))
        .collect()
}

/// Runs `op` `n` times on each of `threads` threads at once; nanoseconds per operation
/// (wall time over all operations of one thread).
fn per_op(threads: usize, n: usize, op: impl Fn(usize) + Send + Sync + 'static) -> f64 {
    let op = Arc::new(op);
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let op = op.clone();
            std::thread::spawn(move || {
                for i in 0..n {
                    op(i.wrapping_mul(7919).wrapping_add(t * 13));
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("bench thread");
    }
    started.elapsed().as_secs_f64() * 1e9 / n as f64
}

/// moka behind the same contract as [`Memo`]: an entry carries the generation its read
/// began in, and only entries of the current generation are served.
struct MokaMemo {
    cache: moka::sync::Cache<PageKey, (u64, Bytes)>,
    generation: std::sync::atomic::AtomicU64,
}

impl MokaMemo {
    fn new(ttl: Duration, max: u64) -> Self {
        MokaMemo {
            cache: moka::sync::Cache::builder()
                .time_to_live(ttl)
                .max_capacity(max)
                .build(),
            generation: Default::default(),
        }
    }

    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn get(&self, key: &PageKey) -> Option<Bytes> {
        let (generation, value) = self.cache.get(key)?;
        (generation == self.generation()).then_some(value)
    }

    fn put(&self, key: PageKey, generation: u64, value: Bytes) {
        self.cache.insert(key, (generation, value));
    }
}

fn caches() {
    let page = Bytes::from(vec![b'x'; 20_000]);
    let keys = Arc::new(keys());
    let n = 1_000_000;
    println!("caches, {HOT_KEYS} hot keys, ns per operation (1 thread / 2 threads):");
    for threads in [1, 2] {
        let memo = Arc::new(Memo::new(Duration::from_secs(60), 10_000));
        for key in keys.iter() {
            memo.put(key.clone(), memo.generation(), page.clone());
        }
        let (m, k) = (memo.clone(), keys.clone());
        let ours_get = per_op(threads, n, move |i| {
            black_box(m.get(&k[i % HOT_KEYS]));
        });
        let (m, k, p) = (memo.clone(), keys.clone(), page.clone());
        let ours_put = per_op(threads, n / 4, move |i| {
            m.put(k[i % HOT_KEYS].clone(), m.generation(), p.clone());
        });

        let moka = Arc::new(MokaMemo::new(Duration::from_secs(60), 10_000));
        for key in keys.iter() {
            moka.put(key.clone(), moka.generation(), page.clone());
        }
        let (m, k) = (moka.clone(), keys.clone());
        let moka_get = per_op(threads, n, move |i| {
            black_box(m.get(&k[i % HOT_KEYS]));
        });
        let (m, k, p) = (moka.clone(), keys.clone(), page.clone());
        let moka_put = per_op(threads, n / 4, move |i| {
            m.put(k[i % HOT_KEYS].clone(), m.generation(), p.clone());
        });
        println!(
            "  {threads} thread(s): Memo get {ours_get:>6.0}  put {ours_put:>6.0}   |   moka get {moka_get:>6.0}  put {moka_put:>6.0}"
        );
    }
}

fn metrics() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets(&[
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ])
        .expect("buckets")
        .install_recorder()
        .expect("install the recorder");
    let n = 1_000_000;
    println!("metrics, ns per recording (1 thread / 2 threads):");
    for threads in [1, 2] {
        let ours_counter = per_op(threads, n, |i| {
            let class = if i % 3 == 0 { "hold" } else { "ok" };
            raqib::telemetry::metrics::inc(
                "raqib_submissions_total",
                &[("class", class), ("outcome", "accepted")],
            );
        });
        let ours_histogram = per_op(threads, n, |i| {
            raqib::telemetry::metrics::observe(
                "raqib_http_request_duration_seconds",
                &[("route", "/api/v1/comments")],
                (i % 100) as f64 * 1e-4,
            );
        });
        let crate_counter = per_op(threads, n, |i| {
            let class = if i % 3 == 0 { "hold" } else { "ok" };
            metrics::counter!("raqib_submissions_total", "class" => class, "outcome" => "accepted")
                .increment(1);
        });
        let crate_histogram = per_op(threads, n, |i| {
            metrics::histogram!("raqib_http_request_duration_seconds", "route" => "/api/v1/comments")
                .record((i % 100) as f64 * 1e-4);
        });
        println!(
            "  {threads} thread(s): ours counter {ours_counter:>6.0}  histogram {ours_histogram:>6.0}   |   metrics counter {crate_counter:>6.0}  histogram {crate_histogram:>6.0}"
        );
    }
    let started = Instant::now();
    let text = recorder.render();
    println!(
        "  metrics-exporter-prometheus render: {:.0} µs ({} bytes)",
        started.elapsed().as_secs_f64() * 1e6,
        text.len()
    );
    let started = Instant::now();
    let ours = raqib::telemetry::metrics::render(&Default::default());
    println!(
        "  ours render: {:.0} µs ({} bytes)",
        started.elapsed().as_secs_f64() * 1e6,
        ours.len()
    );
}

fn main() {
    caches();
    metrics();
}
