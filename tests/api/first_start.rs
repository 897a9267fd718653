//! The real binary's first start: where the first admin's password goes, and metrics on
//! their own private address.

use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use crate::crash::Server;

fn printed_address(printed: &[String], prefix: &str) -> String {
    printed
        .iter()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {printed:?}"))
        .trim()
        .to_string()
}

/// Standard output is a pipe here, as in a container: the generated password goes to a
/// private file beside the database and only its path is printed. Metrics answer on
/// their own address and not on the main one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_start_prints_no_password_and_keeps_metrics_private() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("raqib.db").display());
    let (server, printed) = Server::start_with(dir.path(), &url, &[], &[]);
    let file = dir.path().join("raqib-first-admin-password");
    let password = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let all = printed.join("\n");
    assert!(!all.contains(&password), "the password was printed: {all}");
    assert!(all.contains("raqib-first-admin-password"), "{all}");

    let client = reqwest::Client::new();
    let login = client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let session: serde_json::Value = login.json().await.unwrap();
    assert_eq!(session["must_change_password"], true);

    let main = client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        main.status(),
        404,
        "not on the main address without a token"
    );
    let metrics_url = printed_address(&printed, "raqib metrics on ");
    let metrics = client.get(&metrics_url).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(
        metrics
            .text()
            .await
            .unwrap()
            .contains("raqib_http_requests_total")
    );
    let elsewhere = metrics_url.replace("/metrics", "/api/v1/comments");
    assert_eq!(client.get(&elsewhere).send().await.unwrap().status(), 404);
}

/// `serve --password-file`: the first admin gets that password, nothing secret is
/// printed, and no password file is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_file_gives_the_first_admin_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("admin-secret");
    std::fs::write(&secret, "our own long passphrase\n").unwrap();
    let url = format!("sqlite://{}", dir.path().join("raqib.db").display());
    let (server, printed) = Server::start_with(
        dir.path(),
        &url,
        &["--password-file", secret.to_str().unwrap()],
        &[],
    );
    let all = printed.join("\n");
    assert!(all.contains("password file"), "{all}");
    assert!(!all.contains("our own long passphrase"), "{all}");
    assert!(!dir.path().join("raqib-first-admin-password").exists());
    let login = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"username": "admin", "password": "our own long passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let session: serde_json::Value = login.json().await.unwrap();
    assert_eq!(session["must_change_password"], false);
}
