//! Rate-limiter benchmark: cost per check (in process and through Redis), memory per
//! tracked key, and RSS after a million distinct keys. Prints the figures the README
//! quotes.
//!
//!     cargo bench --bench ratelimit       (Redis from TEST_REDIS_URL, when reachable)

use std::hint::black_box;
use std::time::Instant;

use raqib::gates::ratelimit::{Backend, LimitedAction, Limiter, Quota, RateLimitConfig};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn config(backend: Backend) -> RateLimitConfig {
    RateLimitConfig {
        backend,
        redis_url: std::env::var("TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
        redis_prefix: format!("raqibbench{}", std::process::id()),
        // Generous: the benchmark measures the decision, not refusals.
        submit_ip: Quota {
            per_minute: 1e9,
            burst: 1_000_000,
        },
        ..RateLimitConfig::default()
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let limiter = Limiter::new(&config(Backend::Memory));
        // Warm one key: the common case of a returning client.
        let n = 2_000_000u64;
        let started = Instant::now();
        for i in 0..n {
            black_box(limiter.check(LimitedAction::SubmitPerIp, u128::from(i % 1_000)).await.ok());
        }
        let per = started.elapsed().as_secs_f64() / n as f64;
        println!("memory limiter, 1,000 hot keys:      {:>7.0} ns per check ({:.1} M checks/s on one core)", per * 1e9, 1e-6 / per);

        let before = rss_kib();
        let keys = 1_000_000u64;
        let started = Instant::now();
        for i in 0..keys {
            black_box(limiter.check(LimitedAction::SubmitPerIp, u128::from(i) << 64 | 0xdead).await.ok());
        }
        let per = started.elapsed().as_secs_f64() / keys as f64;
        let after = rss_kib();
        println!("memory limiter, 1,000,000 new keys:  {:>7.0} ns per check", per * 1e9);
        println!(
            "tracked keys: {}; RSS {} MiB → {} MiB: {:.0} bytes per tracked key",
            limiter.tracked_keys(),
            before / 1024,
            after / 1024,
            (after.saturating_sub(before) as f64 * 1024.0) / keys as f64
        );

        let redis = Limiter::new(&config(Backend::Redis));
        if redis.check(LimitedAction::SubmitPerIp, 1).await.is_err() || redis.degraded().is_some() {
            println!("redis: unreachable, skipped");
            return;
        }
        let n = 20_000u64;
        let started = Instant::now();
        for i in 0..n {
            black_box(redis.check(LimitedAction::SubmitPerIp, u128::from(i % 1_000)).await.ok());
        }
        let per = started.elapsed().as_secs_f64() / n as f64;
        println!("redis limiter, one at a time:        {:>7.1} µs per check (round trip included)", per * 1e6);

        let redis = std::sync::Arc::new(redis);
        let started = Instant::now();
        let tasks: Vec<_> = (0..64)
            .map(|t| {
                let redis = redis.clone();
                tokio::spawn(async move {
                    for i in 0..1_000u64 {
                        black_box(redis.check(LimitedAction::SubmitPerIp, u128::from(t * 1_000 + i)).await.ok());
                    }
                })
            })
            .collect();
        for task in tasks {
            let _ = task.await;
        }
        let elapsed = started.elapsed();
        println!(
            "redis limiter, 64 concurrent:        {:>7.0} checks/s",
            64_000.0 / elapsed.as_secs_f64()
        );
        assert!(redis.degraded().is_none(), "redis stayed up during the run");
    });
}
