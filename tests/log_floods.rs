//! A flood of refused requests does not flood the log: a test binary of its own, because
//! it installs the process-wide subscriber and counts every line written.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use raqib::gates::ratelimit::Quota;

#[allow(dead_code, unused_macros)]
#[path = "api/support.rs"]
#[macro_use]
mod support;

use support::{LogSink, TestApp};

/// The lines written so far that contain `text`.
fn lines_with(sink: &LogSink, text: &str) -> Vec<String> {
    sink.text()
        .lines()
        .filter(|line| line.contains(text))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_rate_limited_requests_write_a_few_lines_and_one_summary() {
    let sink = LogSink::default();
    let config = raqib::config::LogConfig {
        format: raqib::config::LogFormat::Json,
        level: "info".into(),
    };
    let writer = sink.clone();
    tracing::subscriber::set_global_default(raqib::telemetry::logging::subscriber(
        &config,
        move || writer.clone(),
    ))
    .expect("the only subscriber of this binary");

    let app = TestApp::sqlite_with(|config| {
        config.rate_limits.read = Quota {
            per_minute: 1.0,
            burst: 1,
        };
    })
    .await;
    let peer = SocketAddr::from(([203, 0, 113, 9], 4000));
    let mut refused = 0;
    for _ in 0..300 {
        let response = app
            .send_from(
                peer,
                Request::get("/api/v1/articles/flood/comments")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert!(refused >= 298, "{refused} refused");

    let one_by_one = lines_with(&sink, "request refused\"");
    assert!(
        one_by_one.len() as u64 <= raqib::telemetry::refusals::LOGGED_PER_WINDOW,
        "{} lines: {:?}",
        one_by_one.len(),
        one_by_one
    );
    assert!(!one_by_one.is_empty(), "the first refusals are logged");
    assert!(one_by_one.iter().all(|l| l.contains("rate_limited")));

    raqib::telemetry::refusals::flush();
    let summaries = lines_with(&sink, "not logged one by one");
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    let summary: serde_json::Value = serde_json::from_str(&summaries[0]).unwrap();
    let total = summary["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("a total in {summary}"));
    assert_eq!(
        total + one_by_one.len() as u64,
        refused,
        "every refusal is either logged or counted: {summary}"
    );
    assert!(
        summary["counts"]
            .as_str()
            .unwrap()
            .contains("rate_limited /api/v1/articles/{article}/comments"),
        "{summary}"
    );

    // The metrics keep the exact count.
    let metrics = app.metrics().await;
    let limited: u64 = metrics
        .lines()
        .find(|l| l.starts_with("raqib_rate_limited_total{action=\"read\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the read counter");
    assert_eq!(limited, refused);
}
