//! Accounts and access: who reaches what, sessions and tokens, disabling, the first
//! admin, CSRF on cookie sessions, and the audit trail.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use raqib::auth::{Role, passwords};
use raqib::store::accounts::NewUser;
use serde_json::json;

use crate::support::{TestApp, TestResponse, json_request};

both!(
    who_am_i_answers_for_sessions_and_says_when_a_password_must_change,
    anonymous_moderators_and_admins_reach_what_they_may,
    a_disabled_users_token_stops_working_at_once,
    logins_set_a_strict_cookie_and_failures_are_refused_and_audited,
    cookie_sessions_need_the_services_own_origin_to_change_state,
    a_password_file_sets_the_first_admins_password,
    api_tokens_work_until_revoked,
);

pub async fn add_user(app: &TestApp, name: &str, role: Role, password: &str) {
    app.store()
        .create_user(NewUser {
            username: name.into(),
            password_hash: passwords::hash(password).unwrap(),
            role,
            must_change_password: false,
            now: raqib::store::now_ms(),
        })
        .await
        .unwrap();
}

pub async fn login(app: &TestApp, name: &str, password: &str) -> TestResponse {
    app.post_json(
        "/api/v1/auth/login",
        &json!({"username": name, "password": password}),
    )
    .await
}

/// Logs in a new user of `role` and returns the bearer token.
pub async fn token_for(app: &TestApp, name: &str, role: Role) -> String {
    add_user(app, name, role, "a long test password").await;
    let response = login(app, name, "a long test password").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    response.json()["token"].as_str().unwrap().to_string()
}

pub async fn authed(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> TestResponse {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    };
    app.send(request.unwrap()).await
}

/// `GET /api/v1/moderation/stats` as `token`, which must succeed.
pub async fn moderation_stats(app: &TestApp, token: &str) -> serde_json::Value {
    let path = "/api/v1/moderation/stats";
    let response = authed(app, Method::GET, path, Some(token), None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    response.json()
}

async fn anonymous_moderators_and_admins_reach_what_they_may(app: TestApp) {
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    let admin = token_for(&app, "adel", Role::Admin).await;
    let cases = [
        ("/api/v1/moderation/audit", None, 401),
        ("/api/v1/moderation/audit", Some(moderator.as_str()), 200),
        ("/api/v1/moderation/audit", Some(admin.as_str()), 200),
        ("/api/v1/admin/users", None, 401),
        ("/api/v1/admin/users", Some(moderator.as_str()), 403),
        ("/api/v1/admin/users", Some(admin.as_str()), 200),
        ("/api/v1/admin/tokens", Some(moderator.as_str()), 403),
        ("/api/v1/admin/users", Some("not-a-token"), 401),
    ];
    for (path, token, status) in cases {
        let response = authed(&app, Method::GET, path, token, None).await;
        assert_eq!(
            response.status.as_u16(),
            status,
            "{path} as {token:?}: {}",
            response.text
        );
    }
    let denied = authed(
        &app,
        Method::GET,
        "/api/v1/admin/users",
        Some(&moderator),
        None,
    )
    .await;
    assert_eq!(denied.code(), "forbidden");
}

async fn a_disabled_users_token_stops_working_at_once(app: TestApp) {
    let admin = token_for(&app, "adel", Role::Admin).await;
    let moderator = token_for(&app, "mona", Role::Moderator).await;
    assert_eq!(
        authed(
            &app,
            Method::GET,
            "/api/v1/moderation/audit",
            Some(&moderator),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let users = authed(&app, Method::GET, "/api/v1/admin/users", Some(&admin), None)
        .await
        .json();
    let id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "mona")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let patched = authed(
        &app,
        Method::PATCH,
        &format!("/api/v1/admin/users/{id}"),
        Some(&admin),
        Some(json!({"disabled": true})),
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(
        authed(
            &app,
            Method::GET,
            "/api/v1/moderation/audit",
            Some(&moderator),
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "mona", "a long test password").await.status,
        StatusCode::UNAUTHORIZED,
        "no new session either"
    );
    let audit = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/audit?action=user.change",
        Some(&admin),
        None,
    )
    .await
    .json();
    let row = &audit["items"][0];
    assert_eq!(row["actor"], "adel");
    assert_eq!(row["target"], "user:mona");
    assert_eq!(row["before"]["disabled"], false);
    assert_eq!(row["after"]["disabled"], true);
}

async fn logins_set_a_strict_cookie_and_failures_are_refused_and_audited(app: TestApp) {
    add_user(&app, "sara", Role::Moderator, "a long test password").await;
    let ok = login(&app, "sara", "a long test password").await;
    let cookie = ok.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("raqib_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert_eq!(ok.json()["role"], "moderator");
    assert!(ok.json()["expires_at"].as_str().unwrap().ends_with('Z'));

    let wrong = login(&app, "sara", "wrong password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "unauthorized");
    let nobody = login(&app, "nobody", "whatever password").await;
    assert_eq!(
        nobody.status,
        StatusCode::UNAUTHORIZED,
        "same answer for an unknown user"
    );

    let admin = token_for(&app, "adel", Role::Admin).await;
    let failures = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/audit?action=auth.login_failed",
        Some(&admin),
        None,
    )
    .await
    .json();
    assert_eq!(failures["items"].as_array().unwrap().len(), 2);

    let broken = app
        .send(json_request(
            Method::POST,
            "/api/v1/auth/login",
            &json!({"username": 1}),
            None,
        ))
        .await;
    assert_eq!(broken.code(), "invalid_json");
}

/// The `name=value` of the session cookie a login of `name` sets.
async fn session_cookie(app: &TestApp, name: &str) -> String {
    login(app, name, "a long test password").await.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

async fn cookie_sessions_need_the_services_own_origin_to_change_state(app: TestApp) {
    add_user(&app, "sara", Role::Moderator, "a long test password").await;
    let cookie = session_cookie(&app, "sara").await;
    let read = Request::get("/api/v1/moderation/audit")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.send(read).await.status,
        StatusCode::OK,
        "reads need no Origin"
    );
    let forged = Request::post("/api/v1/auth/logout")
        .header("cookie", &cookie)
        .header("host", "comments.example.com")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(forged).await.status, StatusCode::FORBIDDEN);
    let missing = Request::post("/api/v1/auth/logout")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.send(missing).await.status,
        StatusCode::FORBIDDEN,
        "no Origin, no change"
    );
    // The service speaks plain HTTP here and no trusted proxy says otherwise: an https
    // page is another origin, whatever its host.
    let other_scheme = Request::post("/api/v1/auth/logout")
        .header("cookie", &cookie)
        .header("host", "comments.example.com")
        .header("origin", "https://comments.example.com")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(other_scheme).await.status, StatusCode::FORBIDDEN);
    let own = Request::post("/api/v1/auth/logout")
        .header("cookie", &cookie)
        .header("host", "comments.example.com")
        .header("origin", "http://Comments.Example.com:80")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(own).await.status, StatusCode::NO_CONTENT);
}

/// Behind a trusted proxy the scheme is the one the proxy reports; a client that is not a
/// proxy cannot claim https, and `public_url` wins over both.
#[tokio::test]
async fn the_csrf_check_compares_the_scheme_the_browser_used() {
    async fn logout(app: &TestApp, origin: &str, proto: Option<&str>) -> StatusCode {
        let cookie = session_cookie(app, "sara").await;
        let mut request = Request::post("/api/v1/auth/logout")
            .header("cookie", cookie)
            .header("host", "comments.example.com")
            .header("origin", origin);
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        app.send(request.body(Body::empty()).unwrap()).await.status
    }
    // The test client (203.0.113.7) is the trusted proxy here.
    let proxied = TestApp::sqlite_with(|c| {
        c.trusted_proxies = vec!["203.0.113.0/24".parse().unwrap()];
    })
    .await;
    add_user(&proxied, "sara", Role::Moderator, "a long test password").await;
    let http_page = logout(&proxied, "http://comments.example.com", Some("https")).await;
    assert_eq!(
        http_page,
        StatusCode::FORBIDDEN,
        "an http page posting to the https service"
    );
    let https_page = logout(&proxied, "https://comments.example.com", Some("https")).await;
    assert_eq!(https_page, StatusCode::NO_CONTENT);

    let direct = TestApp::sqlite().await;
    add_user(&direct, "sara", Role::Moderator, "a long test password").await;
    let claimed = logout(&direct, "https://comments.example.com", Some("https")).await;
    assert_eq!(
        claimed,
        StatusCode::FORBIDDEN,
        "only a trusted proxy may say https"
    );

    let public =
        TestApp::sqlite_with(|c| c.public_url = Some("https://news.example/comments".into())).await;
    add_user(&public, "sara", Role::Moderator, "a long test password").await;
    let wrong_host = logout(&public, "https://comments.example.com", None).await;
    assert_eq!(wrong_host, StatusCode::FORBIDDEN);
    let right = logout(&public, "https://news.example", None).await;
    assert_eq!(right, StatusCode::NO_CONTENT);
}

/// Standard output is not a terminal under `cargo test`: the generated one-time password
/// goes to a private file beside the SQLite database, never to the output.
#[tokio::test]
async fn the_first_admin_is_created_once_and_must_choose_a_password() {
    let app = TestApp::sqlite().await;
    let (a, b) = tokio::join!(
        raqib::cli::accounts::ensure_first_admin(&app.state),
        raqib::cli::accounts::ensure_first_admin(&app.state)
    );
    assert_eq!(
        [a.unwrap(), b.unwrap()].iter().filter(|c| **c).count(),
        1,
        "exactly one"
    );
    assert!(
        !raqib::cli::accounts::ensure_first_admin(&app.state)
            .await
            .unwrap(),
        "not again"
    );
    let users = app.store().list_users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert!(users[0].must_change_password);

    let file = raqib::cli::accounts::first_password_path(&app.state.config().database_url);
    assert!(
        file.is_absolute() || file.parent().is_some_and(|p| p.as_os_str() != ""),
        "{file:?}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "readable by the service's user only");
    let first = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert!(first.len() >= 12, "{first:?}");
    first_login_must_change_the_password(&app, &first).await;
}

/// With `auth.first_admin_password_file`, the first admin's password is that file's and
/// need not be changed; once per database, on both backends.
async fn a_password_file_sets_the_first_admins_password(make: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret");
    std::fs::write(&path, "a chosen long passphrase\n").unwrap();
    let mut config = make.state.config().clone();
    config.auth.first_admin_password_file = Some(path.clone());
    let app = make.with_config(config).await;
    let (a, b) = tokio::join!(
        raqib::cli::accounts::ensure_first_admin(&app.state),
        raqib::cli::accounts::ensure_first_admin(&app.state)
    );
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|c| **c).count(), 1);
    let session = login(&app, "admin", "a chosen long passphrase").await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
    assert_eq!(session.json()["must_change_password"], false);

    // A weak password in the file is refused, and says which file.
    let empty = TestApp::sqlite().await;
    std::fs::write(&path, "short\n").unwrap();
    let mut config = empty.state.config().clone();
    config.auth.first_admin_password_file = Some(path.clone());
    let weak = empty.with_config(config).await;
    let err = raqib::cli::accounts::ensure_first_admin(&weak.state)
        .await
        .unwrap_err();
    assert!(err.contains("secret"), "{err}");
    assert!(weak.store().list_users().await.unwrap().is_empty());
}

async fn first_login_must_change_the_password(app: &TestApp, first: &str) {
    let session = login(app, "admin", first).await.json();
    assert_eq!(session["must_change_password"], true);
    let token = session["token"].as_str().unwrap().to_string();
    assert_eq!(
        authed(app, Method::GET, "/api/v1/admin/users", Some(&token), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let short = authed(
        app,
        Method::POST,
        "/api/v1/auth/password",
        Some(&token),
        Some(json!({"current": first, "new": "short"})),
    )
    .await;
    assert_eq!(short.field_code("new").as_deref(), Some("invalid"));
    let changed = authed(
        app,
        Method::POST,
        "/api/v1/auth/password",
        Some(&token),
        Some(json!({"current": first, "new": "a better passphrase"})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let fresh = changed.json()["token"].as_str().unwrap().to_string();
    assert_eq!(
        authed(app, Method::GET, "/api/v1/admin/users", Some(&fresh), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        authed(app, Method::GET, "/api/v1/admin/users", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "old sessions end"
    );
}

async fn api_tokens_work_until_revoked(app: TestApp) {
    let admin = token_for(&app, "adel", Role::Admin).await;
    let created = authed(
        &app,
        Method::POST,
        "/api/v1/admin/users",
        Some(&admin),
        Some(json!({"username": "cms", "role": "moderator", "password": "integration password"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let again = authed(
        &app,
        Method::POST,
        "/api/v1/admin/users",
        Some(&admin),
        Some(json!({"username": "cms", "role": "moderator"})),
    )
    .await;
    assert_eq!(again.code(), "conflict");
    let token = authed(
        &app,
        Method::POST,
        "/api/v1/admin/tokens",
        Some(&admin),
        Some(json!({"name": "CMS", "username": "cms"})),
    )
    .await;
    assert_eq!(token.status, StatusCode::CREATED, "{}", token.text);
    let (id, secret) = (
        token.json()["id"].as_i64().unwrap(),
        token.json()["token"].as_str().unwrap().to_string(),
    );
    assert_eq!(
        authed(
            &app,
            Method::GET,
            "/api/v1/moderation/audit",
            Some(&secret),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let listed = authed(
        &app,
        Method::GET,
        "/api/v1/admin/tokens",
        Some(&admin),
        None,
    )
    .await;
    assert!(
        !listed.text.contains(&secret),
        "tokens are never shown again"
    );
    let revoked = authed(
        &app,
        Method::DELETE,
        &format!("/api/v1/admin/tokens/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        authed(
            &app,
            Method::GET,
            "/api/v1/moderation/audit",
            Some(&secret),
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    let generated = authed(
        &app,
        Method::POST,
        "/api/v1/admin/users",
        Some(&admin),
        Some(json!({"username": "newbie", "role": "moderator"})),
    )
    .await
    .json();
    assert_eq!(
        generated["password"].as_str().map(str::len),
        Some(20),
        "a generated password is returned once"
    );
    assert_eq!(generated["user"]["must_change_password"], true);
}

async fn who_am_i_answers_for_sessions_and_says_when_a_password_must_change(app: TestApp) {
    let admin = token_for(&app, "adel", Role::Admin).await;
    let me = authed(&app, Method::GET, "/api/v1/auth/me", Some(&admin), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json()["user"]["username"], "adel");
    assert_eq!(me.json()["user"]["role"], "admin");
    assert_eq!(me.json()["user"]["must_change_password"], false);
    assert_eq!(me.json()["credential"], "session");
    let anonymous = authed(&app, Method::GET, "/api/v1/auth/me", None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    // A user who must choose a new password is told so (the queue itself stays closed).
    app.store()
        .create_user(NewUser {
            username: "nour".into(),
            password_hash: passwords::hash("a long test password").unwrap(),
            role: Role::Moderator,
            must_change_password: true,
            now: raqib::store::now_ms(),
        })
        .await
        .unwrap();
    let login = login(&app, "nour", "a long test password").await;
    let token = login.json()["token"].as_str().unwrap().to_string();
    let me = authed(&app, Method::GET, "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(me.json()["user"]["must_change_password"], true);
    let queue = authed(
        &app,
        Method::GET,
        "/api/v1/moderation/queue",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(queue.status, StatusCode::FORBIDDEN);
}
