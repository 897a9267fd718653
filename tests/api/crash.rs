//! The real binary on port 0: every acknowledged comment survives `kill -9`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use raqib::store;
use serde_json::json;

use crate::support::{PgSchema, SECRET, test_config};

/// A running `raqib serve` child process, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(dir: &std::path::Path, database_url: &str) -> Server {
        Self::start_with(dir, database_url, &[], &[]).0
    }

    /// Starts `raqib serve ARGS` with extra environment; also returns what it printed
    /// before it said where it listens.
    pub fn start_with(
        dir: &std::path::Path,
        database_url: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> (Server, Vec<String>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_raqib"))
            .arg("serve")
            .args(args)
            .current_dir(dir)
            .env_remove("RAQIB_CONFIG")
            .env("RAQIB_LISTEN", "127.0.0.1:0")
            .env("RAQIB_HTTP__METRICS_LISTEN", "127.0.0.1:0")
            .env("RAQIB_DATABASE_URL", database_url)
            .env("RAQIB_SECRET_KEY", SECRET)
            .env("RAQIB_LOG__LEVEL", "warn")
            .env("RAQIB_CAPTCHA__MODE", "off")
            .env("RAQIB_RATE_LIMITS__SUBMIT_IP__BURST", "1000000")
            .env("RAQIB_RATE_LIMITS__SUBMIT_EMAIL__BURST", "1000000")
            .env("RAQIB_RATE_LIMITS__FLOOD_PER_MINUTE", "1000000")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start raqib");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut printed = Vec::new();
        let base = loop {
            let line = lines
                .next()
                .expect("raqib exited before listening")
                .expect("read stdout");
            if let Some(rest) = line.strip_prefix("raqib listening on ") {
                break rest.trim_end_matches('/').to_string();
            }
            printed.push(line);
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        (Server { child, base }, printed)
    }

    pub fn kill(mut self) {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Posts comments from several tasks until `deadline`, recording every 202.
async fn post_until_killed(base: &str, run_for: Duration) -> Vec<(i64, String)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + run_for;
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let client = client.clone();
        let url = format!("{base}/api/v1/comments");
        let acknowledged = acknowledged.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let body = format!("تعليق {worker}-{n}: اختبار التحمّل ✓");
                let sent = client
                    .post(&url)
                    .json(&json!({"article": "/news/crash", "name": "قارئ", "email": "r@example.com", "body": body}))
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if response.status().as_u16() == 202 {
                    let Ok(reply) = response.json::<serde_json::Value>().await else { break };
                    if let Some(id) = reply["id"].as_i64() {
                        acknowledged.lock().unwrap().push((id, body));
                    }
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    Arc::try_unwrap(acknowledged).unwrap().into_inner().unwrap()
}

async fn acknowledged_comments_survive_sigkill(database_url: String, dir: &std::path::Path) {
    let server = Server::start(dir, &database_url);
    let base = server.base.clone();
    // Kill the server while the load is still running.
    let load = tokio::spawn(async move { post_until_killed(&base, Duration::from_secs(4)).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    let acknowledged = load.await.unwrap();
    assert!(
        acknowledged.len() > 20,
        "the load ran: {} acknowledged",
        acknowledged.len()
    );

    // The server starts again on the same database after the crash.
    let again = Server::start(dir, &database_url);
    let health = reqwest::get(format!("{}/readyz", again.base))
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    again.kill();

    let store = store::connect(&test_config(database_url)).await.unwrap();
    for (id, body) in &acknowledged {
        let stored = store.get_comment(*id).await.unwrap();
        let stored = stored.unwrap_or_else(|| panic!("acknowledged comment {id} was lost"));
        assert_eq!(&stored.body, body, "comment {id} intact");
    }
    eprintln!(
        "crash test: {} acknowledged comments, all present after SIGKILL",
        acknowledged.len()
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_comments_survive_sigkill_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    acknowledged_comments_survive_sigkill(url, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_comments_survive_sigkill_on_postgres() {
    let Some(schema) = PgSchema::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    acknowledged_comments_survive_sigkill(schema.url(), dir.path()).await;
}

/// What became of each request sent around a SIGTERM.
#[derive(Debug, Default)]
struct Outcomes {
    acknowledged: Vec<(i64, String)>,
    /// Answers with the JSON error envelope (e.g. 503 while stopping).
    clean_errors: usize,
    /// Connection refused or closed before an answer.
    refused: usize,
    /// No answer within the client's timeout: a hang.
    hung: usize,
    /// Anything else (an answer without the envelope).
    other: Vec<String>,
}

async fn post_around_sigterm(base: &str, run_for: Duration) -> Outcomes {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(8))
        .build()
        .unwrap();
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let deadline = Instant::now() + run_for;
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let client = client.clone();
        let url = format!("{base}/api/v1/comments");
        let outcomes = outcomes.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let body = format!("تعليق {worker}-{n} قبيل الإيقاف");
                let sent = client
                    .post(&url)
                    .json(&json!({"article": "/news/term", "name": "قارئ", "email": "r@example.com", "body": body}))
                    .send()
                    .await;
                let response = match sent {
                    Ok(response) => response,
                    Err(err) if err.is_timeout() => {
                        outcomes.lock().unwrap().hung += 1;
                        continue;
                    }
                    Err(_) => {
                        outcomes.lock().unwrap().refused += 1;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let status = response.status().as_u16();
                let reply = response.json::<serde_json::Value>().await;
                let mut o = outcomes.lock().unwrap();
                match reply {
                    Ok(reply) if status == 202 => match reply["id"].as_i64() {
                        Some(id) => o.acknowledged.push((id, body)),
                        None => o.other.push(format!("202 without id: {reply}")),
                    },
                    Ok(reply) if reply["error"]["code"].is_string() => o.clean_errors += 1,
                    Ok(reply) => o.other.push(format!("{status}: {reply}")),
                    Err(err) if err.is_timeout() => o.hung += 1,
                    // The connection closed while the body was read.
                    Err(_) => o.refused += 1,
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    Arc::try_unwrap(outcomes).unwrap().into_inner().unwrap()
}

async fn sigterm_under_load_loses_nothing_and_exits_cleanly(
    database_url: String,
    dir: &std::path::Path,
) {
    let mut server = Server::start(dir, &database_url);
    let base = server.base.clone();
    let load =
        tokio::spawn(async move { post_around_sigterm(&base, Duration::from_secs(4)).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pid = server.child.id().to_string();
    let signalled = Instant::now();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(20),
            "raqib still running 20 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let stopped_in = signalled.elapsed();
    assert!(exit.success(), "exit status after SIGTERM: {exit}");
    let outcomes = load.await.unwrap();
    assert_eq!(outcomes.hung, 0, "no request hangs: {outcomes:?}");
    assert!(outcomes.other.is_empty(), "{:?}", outcomes.other);
    assert!(
        outcomes.acknowledged.len() > 20,
        "the load ran: {outcomes:?}"
    );
    let store = store::connect(&test_config(database_url)).await.unwrap();
    for (id, body) in &outcomes.acknowledged {
        let stored = store.get_comment(*id).await.unwrap();
        let stored = stored.unwrap_or_else(|| panic!("acknowledged comment {id} was lost"));
        assert_eq!(&stored.body, body, "comment {id} intact");
    }
    eprintln!(
        "SIGTERM test: stopped in {} ms; {} acknowledged (all stored), {} clean errors, {} refused connections",
        stopped_in.as_millis(),
        outcomes.acknowledged.len(),
        outcomes.clean_errors,
        outcomes.refused
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_on_sqlite_loses_nothing_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("term.db").display());
    sigterm_under_load_loses_nothing_and_exits_cleanly(url, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_on_postgres_loses_nothing_and_exits_cleanly() {
    let Some(schema) = PgSchema::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    sigterm_under_load_loses_nothing_and_exits_cleanly(schema.url(), dir.path()).await;
}
