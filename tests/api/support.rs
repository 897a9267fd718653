//! Test harness: apps on fresh databases, requests, and the `both!` macro.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use raqib::app::AppState;
use raqib::config::Config;
use raqib::domain::{CommentId, Status};
use raqib::secrets::keys::Secrets;
use raqib::store::{self, Store};
use serde_json::{Value, json};
use sqlx::Connection;
use tower::ServiceExt;

/// Runs an async test function on SQLite and on PostgreSQL.
macro_rules! both {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::support::TestApp::sqlite().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = crate::support::TestApp::postgres().await {
                    super::$name(app).await;
                }
            }
        }
    )+};
}

pub const SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// The config of a test app on `database_url`.
pub fn test_config(database_url: String) -> Config {
    let mut config = Config {
        database_url,
        secret_key: Some(SECRET.to_string()),
        rate_limits: generous_limits(),
        ..Config::default()
    };
    // Most tests are about something else; the captcha tests turn it on.
    config.captcha.mode = raqib::gates::captcha::Mode::Off;
    // The learned abuse model holds about one civil comment in twenty, so it would make the
    // short placeholder sentences of tests about other things depend on each retraining.
    // `screening::the_learned_model_holds_through_the_server` turns it on.
    config.filter.signals.abuse_model = 0.0;
    // Tests read the metrics through the router, so the main address serves them.
    config.http.metrics_token = Some(METRICS_TOKEN.to_string());
    config
}

/// The bearer token of `/metrics` in test apps.
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// The answer every challenge of [`KnownAnswers`] has.
pub const KNOWN_ANSWER: &str = "4729";

/// A captcha source whose answer the tests know, handed to the app in code.
#[derive(Default)]
pub struct KnownAnswers {
    /// Time each render takes (to test an empty pool under load).
    pub delay: std::time::Duration,
}

impl raqib::gates::captcha::CaptchaSource for KnownAnswers {
    fn render(&self) -> Option<raqib::gates::captcha::Rendered> {
        std::thread::sleep(self.delay);
        Some(raqib::gates::captcha::Rendered {
            answer: KNOWN_ANSWER.to_string(),
            // The PNG signature: tests only check that an image is sent.
            png: vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
        })
    }
}

/// Quotas no test reaches unless it means to (the rate-limit tests set their own).
pub fn generous_limits() -> raqib::gates::ratelimit::RateLimitConfig {
    let plenty = raqib::gates::ratelimit::Quota {
        per_minute: 1_000_000.0,
        burst: 1_000_000,
    };
    raqib::gates::ratelimit::RateLimitConfig {
        submit_ip: plenty,
        submit_email: plenty,
        captcha: plenty,
        form_token: plenty,
        report: plenty,
        read: plenty,
        login_ip: plenty,
        login_user: plenty,
        login_alarm: plenty,
        api_token: plenty,
        flood_per_minute: 1_000_000,
        ..Default::default()
    }
}

/// The default client address of test requests.
pub fn reader_ip() -> SocketAddr {
    SocketAddr::from(([203, 0, 113, 7], 40_000))
}

pub struct TestApp {
    pub state: AppState,
    router: Router,
    /// Shared by replicas of the same database; the last one dropped removes it.
    _db: Arc<TestDb>,
}

#[allow(dead_code)]
enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres(PgSchema),
}

impl TestApp {
    /// An app on a fresh SQLite file.
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(|_| {}).await
    }

    pub async fn sqlite_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = test_config(format!(
            "sqlite://{}",
            dir.path().join("raqib.db").display()
        ));
        adjust(&mut config);
        Self::build(config, TestDb::Sqlite(dir)).await
    }

    /// An app on a fresh PostgreSQL schema, or None (after a loud message) when
    /// PostgreSQL is unreachable outside CI.
    pub async fn postgres() -> Option<TestApp> {
        Self::postgres_with(|_| {}).await
    }

    pub async fn postgres_with(adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let schema = PgSchema::create().await?;
        let mut config = test_config(schema.url());
        config.database.max_connections = 4;
        adjust(&mut config);
        Some(Self::build(config, TestDb::Postgres(schema)).await)
    }

    /// An app on a fresh SQLite file with its own captcha source.
    pub async fn sqlite_with_source(
        adjust: impl FnOnce(&mut Config),
        source: Arc<dyn raqib::gates::captcha::CaptchaSource>,
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = test_config(format!(
            "sqlite://{}",
            dir.path().join("raqib.db").display()
        ));
        adjust(&mut config);
        Self::build_with(config, TestDb::Sqlite(dir), source).await
    }

    async fn build(config: Config, db: TestDb) -> TestApp {
        Self::build_with(config, db, Arc::new(KnownAnswers::default())).await
    }

    async fn build_with(
        config: Config,
        db: TestDb,
        source: Arc<dyn raqib::gates::captcha::CaptchaSource>,
    ) -> TestApp {
        let store = store::connect(&config).await.expect("open test database");
        let state = AppState::assemble(
            config,
            store,
            Secrets::from_secret(SECRET.as_bytes()),
            source,
        )
        .await
        .expect("assemble the app");
        let router = raqib::http::router(state.clone());
        TestApp {
            state,
            router,
            _db: Arc::new(db),
        }
    }

    /// The same database and keys under another config (a second replica, or other modes).
    pub async fn with_config(self, config: Config) -> TestApp {
        let store = self.state.store().clone();
        self.sibling(config, store).await
    }

    /// A second replica: its own connections to the same database and the same keys, as
    /// another machine would have.
    pub async fn replica(&self) -> TestApp {
        let config = self.state.config().clone();
        let store = store::connect(&config).await.expect("open test database");
        self.sibling(config, store).await
    }

    /// Another app on this one's database and keys.
    async fn sibling(&self, config: Config, store: Arc<dyn Store>) -> TestApp {
        let state = AppState::assemble(
            config,
            store,
            self.state.secrets().clone(),
            Arc::new(KnownAnswers::default()),
        )
        .await
        .expect("assemble the app");
        TestApp {
            router: raqib::http::router(state.clone()),
            state,
            _db: self._db.clone(),
        }
    }

    /// Serves this app on a real socket (127.0.0.1, a free port), for what only a socket
    /// shows (a browser); returns its base URL. The server lives as long as the test's
    /// runtime.
    #[allow(dead_code)]
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let router = self.router.clone();
        let http = self.state.config().http.clone();
        tokio::spawn(async move {
            let forever = std::future::pending::<()>();
            raqib::http::listener::serve(listener, router, &http, forever, Duration::ZERO).await;
        });
        base
    }

    /// Adds an account with this password (hashed as the service hashes it).
    #[allow(dead_code)]
    pub async fn add_user(&self, name: &str, role: raqib::auth::Role, password: &str) {
        self.store()
            .create_user(raqib::store::accounts::NewUser {
                username: name.into(),
                password_hash: raqib::auth::passwords::hash(password).expect("hash"),
                role,
                must_change_password: false,
                now: raqib::store::now_ms(),
            })
            .await
            .expect("create the account");
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        self.state.store()
    }

    /// Sends a request from the default reader address.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        self.send_from(reader_ip(), request).await
    }

    pub async fn send_from(&self, peer: SocketAddr, mut request: Request<Body>) -> TestResponse {
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("read body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// `GET /metrics` with the test apps' metrics token.
    #[allow(dead_code)]
    pub async fn metrics(&self) -> String {
        let request = Request::get("/metrics")
            .header("authorization", format!("Bearer {METRICS_TOKEN}"))
            .body(Body::empty())
            .unwrap();
        let response = self.send(request).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
        response.text
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> TestResponse {
        self.send(json_request(Method::POST, path, body, None))
            .await
    }

    /// Posts a comment (JSON) and returns the response.
    pub async fn submit(&self, body: &Value) -> TestResponse {
        self.post_json("/api/v1/comments", body).await
    }

    /// Posts a valid comment on `article` and returns its id.
    pub async fn submit_ok(&self, article: &str, text: &str) -> CommentId {
        let response = self.submit(&comment(article, text)).await;
        assert_eq!(response.status, StatusCode::ACCEPTED, "{}", response.text);
        response.json()["id"].as_i64().expect("id")
    }

    /// Approves a comment through the store (until the moderation API exists).
    pub async fn approve(&self, id: CommentId) {
        let moved = self
            .store()
            .set_status(id, Status::Approved, raqib::store::now_ms())
            .await
            .expect("approve");
        assert!(moved, "comment {id} exists");
        // Behind the API's back: drop the pages this app keeps in memory.
        self.state.pages().invalidate();
    }
}

pub fn json_request(method: Method, path: &str, body: &Value, lang: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(lang) = lang {
        builder = builder.header("accept-language", lang);
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

/// A valid comment body for `article`.
pub fn comment(article: &str, text: &str) -> Value {
    json!({
        "article": article,
        "name": "أبو خالد",
        "email": "reader@example.com",
        "body": text,
    })
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text))
    }

    /// The error code of an envelope.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.text))
            .to_string()
    }

    /// The code of one field's error.
    pub fn field_code(&self, field: &str) -> Option<String> {
        self.json()["error"]["fields"][field]["code"]
            .as_str()
            .map(str::to_string)
    }
}

/// The PostgreSQL URL of the tests.
pub fn postgres_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A schema of its own for one test, dropped afterwards.
pub struct PgSchema {
    name: String,
}

impl PgSchema {
    pub async fn create() -> Option<PgSchema> {
        let url = postgres_url();
        let connect = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            sqlx::PgConnection::connect(&url),
        )
        .await;
        let mut conn = match connect {
            Ok(Ok(conn)) => conn,
            Ok(Err(err)) => return unreachable_postgres(&url, &err.to_string()),
            Err(_) => return unreachable_postgres(&url, "timed out"),
        };
        let name = format!("t_{}", raqib::secrets::keys::hex(&rand_bytes()));
        sqlx::query(sqlx::AssertSqlSafe(format!("create schema {name}")))
            .execute(&mut conn)
            .await
            .expect("create schema");
        let _ = conn.close().await;
        Some(PgSchema { name })
    }

    pub fn url(&self) -> String {
        let base = postgres_url();
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}options[search_path]={}", self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_url()).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "drop schema if exists {name} cascade"
                    )))
                    .execute(&mut conn)
                    .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

fn unreachable_postgres<T>(url: &str, why: &str) -> Option<T> {
    if in_ci() {
        panic!("PostgreSQL at {url} is unreachable in CI: {why}");
    }
    eprintln!(
        "\n*** SKIPPED: PostgreSQL at {url} is unreachable ({why}); set TEST_POSTGRES_URL ***\n"
    );
    None
}

fn rand_bytes() -> [u8; 8] {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mixed = nanos
        ^ (u64::from(std::process::id()) << 40)
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    mixed.to_be_bytes()
}

/// The Redis URL of the tests when Redis answers; None (after a loud message) outside CI
/// when it does not.
pub async fn redis_url() -> Option<String> {
    let url =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string());
    let reachable = async {
        let client = redis::Client::open(url.as_str()).map_err(|e| e.to_string())?;
        let mut conn = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| e.to_string())?;
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map_err(|e| e.to_string())
    };
    match tokio::time::timeout(std::time::Duration::from_secs(3), reachable).await {
        Ok(Ok(_)) => Some(url),
        Ok(Err(err)) => unreachable_redis(&url, &err),
        Err(_) => unreachable_redis(&url, "timed out"),
    }
}

fn unreachable_redis(url: &str, why: &str) -> Option<String> {
    if in_ci() {
        panic!("Redis at {url} is unreachable in CI: {why}");
    }
    eprintln!("\n*** SKIPPED: Redis at {url} is unreachable ({why}); set TEST_REDIS_URL ***\n");
    None
}

/// A log sink a test can read (for the test binaries that install the process-wide
/// subscriber).
#[allow(dead_code)]
#[derive(Clone, Default)]
pub struct LogSink(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[allow(dead_code)]
impl LogSink {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
