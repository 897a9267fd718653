//! Captcha benchmark: render cost (the CPU behind each challenge), challenges issued per
//! second from the pool and with an empty pool. Issuing writes nothing to the database by
//! construction (the tests check it). Saves a sample picture to
//! `target/captcha-sample.png` for a person to look at.
//!
//!     cargo bench --bench captcha

use std::sync::Arc;
use std::time::{Duration, Instant};

use raqib::gates::captcha::{
    CaptchaConfig, CaptchaSource, Captchas, Charset, CrateRenderer, Difficulty,
};
use raqib::secrets::keys::Secrets;

fn main() {
    let renderer = CrateRenderer {
        charset: Charset::Digits,
        length: 5,
        difficulty: Difficulty::Medium,
    };
    if let Some(sample) = renderer.render() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/captcha-sample.png");
        let _ = std::fs::write(path, &sample.png);
        println!("sample (answer {}): {path}", sample.answer);
    }
    let n = 300;
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(renderer.render());
    }
    let per = started.elapsed() / n;
    println!(
        "render (captcha crate, medium, 5 digits): {:.2} ms each, {:.0}/s on one core",
        per.as_secs_f64() * 1e3,
        1.0 / per.as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let keys = Secrets::from_secret(b"captcha benchmark captcha benchmark");
        let source: Arc<dyn CaptchaSource> = Arc::new(CrateRenderer { charset: Charset::Digits, length: 5, difficulty: Difficulty::Medium });

        // A full pool: issuing is a pop and a seal.
        let config = CaptchaConfig { pool_size: 2_000, refill_per_second: 5_000, ..CaptchaConfig::default() };
        let captchas = Captchas::new(config, &keys, source.clone());
        while captchas.pooled() < 2_000 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let started = Instant::now();
        let mut issued = 0;
        while captchas.pooled() > 100 {
            if captchas.issue_image(0).await.is_ok() {
                issued += 1;
            }
        }
        let elapsed = started.elapsed();
        println!(
            "issue from the pool: {issued} challenges in {:.1} ms: {:.0}/s, {:.1} µs each",
            elapsed.as_secs_f64() * 1e3,
            issued as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / issued as f64
        );
        drop(captchas);

        // An empty pool under a flood: 64 clients for 3 s, one inline render at a time.
        let config = CaptchaConfig { pool_size: 0, ..CaptchaConfig::default() };
        let captchas = Captchas::new(config, &keys, source);
        let started = Instant::now();
        let deadline = started + Duration::from_secs(3);
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let captchas = captchas.clone();
                tokio::spawn(async move {
                    let (mut ok, mut busy) = (0u64, 0u64);
                    while Instant::now() < deadline {
                        match captchas.issue_image(0).await {
                            Ok(_) => ok += 1,
                            Err(_) => {
                                busy += 1;
                                tokio::task::yield_now().await;
                            }
                        }
                    }
                    (ok, busy)
                })
            })
            .collect();
        let (mut ok, mut busy) = (0, 0);
        for task in tasks {
            let (o, b) = task.await.unwrap();
            ok += o;
            busy += b;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "empty pool, 64 clients for 3 s: {:.0} issued/s (one inline render at a time), {:.0} refused/s (503)",
            ok as f64 / secs,
            busy as f64 / secs
        );
        println!("database writes per issued challenge: 0 (issuing never touches the store)");
    });
}
