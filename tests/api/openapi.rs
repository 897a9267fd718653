//! The OpenAPI document against the server: who may call each operation, and that every
//! answer the server gives (to a sweep of good, empty, malformed and unauthenticated
//! requests) is one the document lists, with the body it describes.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use raqib::auth::Role;
use serde_json::{Value, json};

use crate::accounts::{authed, token_for};
use crate::support::{TestApp, TestResponse};

both!(
    every_answer_of_the_sweep_is_documented,
    deletes_answer_what_the_document_says
);

async fn document(app: &TestApp) -> Value {
    let doc = app.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    doc.json()
}

/// The operations of the document: (method, path, operation).
fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Ok(method) = method.to_uppercase().parse::<Method>() {
                all.push((method, path.clone(), operation.clone()));
            }
        }
    }
    all
}

fn documented(operation: &Value, status: StatusCode) -> bool {
    let responses = &operation["responses"];
    responses.get(status.as_str()).is_some() || responses.get("default").is_some()
}

#[tokio::test]
async fn the_document_says_who_may_call_what() {
    let app = TestApp::sqlite().await;
    let doc = document(&app).await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "raqib_session");
    for (method, path, operation) in operations(&doc) {
        let private = path.starts_with("/api/v1/admin") || path.starts_with("/api/v1/moderation");
        let security = operation["security"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if private {
            assert!(
                security.iter().any(|s| s.get("bearer").is_some()),
                "{method} {path} names no security"
            );
            for status in ["401", "403"] {
                assert!(
                    operation["responses"].get(status).is_some(),
                    "{method} {path} {status}"
                );
            }
        } else if path.starts_with("/api/v1/comments") || path.starts_with("/api/v1/captcha") {
            assert!(security.is_empty(), "{method} {path} is public");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415"] {
                assert!(
                    operation["responses"].get(status).is_some(),
                    "{method} {path} {status}"
                );
            }
        }
        if path.starts_with("/api/") {
            assert!(
                operation["responses"].get("429").is_some(),
                "{method} {path} 429"
            );
        }
    }
    assert_eq!(
        doc["paths"]["/metrics"]["get"]["security"][0]["metrics_token"],
        json!([])
    );
}

/// Each operation, called as an admin, anonymously, with an id that does not exist or is
/// not a number, with an empty object, broken JSON and another content type: every
/// status it answers is documented, and every error carries the envelope.
async fn every_answer_of_the_sweep_is_documented(app: TestApp) {
    let admin = token_for(&app, "root", Role::Admin).await;
    let doc = document(&app).await;
    let mut undocumented = Vec::new();
    for (method, path, operation) in operations(&doc) {
        if path == "/metrics" || path == "/api/v1/auth/logout" {
            continue; // its own token, tested in ops; logging out would end the sweep's session
        }
        let has_body = operation.get("requestBody").is_some();
        for id in ["999999", "abc"] {
            let concrete = fill(&path, id);
            let mut requests = vec![
                request(&method, &concrete, Some(&admin), None, None),
                request(&method, &concrete, None, None, None),
            ];
            if has_body {
                requests.push(request(
                    &method,
                    &concrete,
                    Some(&admin),
                    Some("application/json"),
                    Some("{}"),
                ));
                requests.push(request(
                    &method,
                    &concrete,
                    Some(&admin),
                    Some("application/json"),
                    Some("{\"a\":"),
                ));
                requests.push(request(
                    &method,
                    &concrete,
                    Some(&admin),
                    Some("text/plain"),
                    Some("hello"),
                ));
            }
            for request in requests {
                let response = app.send(request).await;
                // A 5xx other than shedding load is a bug even when documented.
                let crashed = response.status.is_server_error()
                    && response.status != StatusCode::SERVICE_UNAVAILABLE;
                if crashed || !documented(&operation, response.status) {
                    undocumented.push(format!(
                        "{method} {concrete}: {} {}",
                        response.status, response.text
                    ));
                }
                if response.status.is_client_error() {
                    assert!(
                        response.json()["error"]["code"].is_string(),
                        "{method} {concrete}: {}",
                        response.text
                    );
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented answers:\n{}",
        undocumented.join("\n")
    );
}

/// The DELETE operations, on things that exist: the status and body are the documented
/// ones (an empty 204, or the schema's required fields).
async fn deletes_answer_what_the_document_says(app: TestApp) {
    let admin = token_for(&app, "root", Role::Admin).await;
    let doc = document(&app).await;
    let created = |response: TestResponse| {
        assert!(response.status.is_success(), "{}", response.text);
        response.json()
    };
    let term = created(
        authed(
            &app,
            Method::POST,
            "/api/v1/admin/filter/terms",
            Some(&admin),
            Some(json!({"term": "زرزور", "category": "insult", "weight": 3})),
        )
        .await,
    );
    let rule = created(
        authed(
            &app,
            Method::POST,
            "/api/v1/admin/filter/rules",
            Some(&admin),
            Some(json!({"pattern": "zarzour+", "weight": 2})),
        )
        .await,
    );
    crate::accounts::add_user(&app, "cms", Role::Moderator, "a long test password").await;
    let token = created(
        authed(
            &app,
            Method::POST,
            "/api/v1/admin/tokens",
            Some(&admin),
            Some(json!({"name": "CMS", "username": "cms"})),
        )
        .await,
    );
    let ban = created(
        authed(
            &app,
            Method::POST,
            "/api/v1/moderation/bans",
            Some(&admin),
            Some(json!({"email": "troll@example.com", "reason": "test"})),
        )
        .await,
    );
    // Held for review (an insult), so it can be claimed.
    let comment = app.submit_ok("/news/del", "يا حمار").await;
    let claimed = authed(
        &app,
        Method::POST,
        &format!("/api/v1/moderation/comments/{comment}/claim"),
        Some(&admin),
        None,
    )
    .await;
    assert!(claimed.status.is_success(), "{}", claimed.text);
    let closed = authed(
        &app,
        Method::POST,
        "/api/v1/moderation/articles/%2Fnews%2Fdel/closed",
        Some(&admin),
        None,
    )
    .await;
    assert!(closed.status.is_success(), "{}", closed.text);
    let id = |v: &Value, key: &str| {
        v[key]["id"]
            .as_i64()
            .or_else(|| v["id"].as_i64())
            .unwrap_or_else(|| panic!("no id in {v}"))
            .to_string()
    };
    let deletes = [
        (
            "/api/v1/admin/filter/terms/{id}",
            format!("/api/v1/admin/filter/terms/{}", id(&term, "term")),
        ),
        (
            "/api/v1/admin/filter/rules/{id}",
            format!("/api/v1/admin/filter/rules/{}", id(&rule, "rule")),
        ),
        (
            "/api/v1/admin/tokens/{id}",
            format!("/api/v1/admin/tokens/{}", id(&token, "token")),
        ),
        (
            "/api/v1/moderation/bans/{id}",
            format!(
                "/api/v1/moderation/bans/{}",
                ban["bans"][0]["id"].as_i64().unwrap()
            ),
        ),
        (
            "/api/v1/moderation/claims/{id}",
            format!("/api/v1/moderation/claims/{comment}"),
        ),
        (
            "/api/v1/moderation/articles/{article}/closed",
            "/api/v1/moderation/articles/%2Fnews%2Fdel/closed".to_string(),
        ),
        (
            "/api/v1/admin/privacy",
            "/api/v1/admin/privacy?email=reader%40example.com".to_string(),
        ),
    ];
    for (template, concrete) in deletes {
        let operation = &doc["paths"][template]["delete"];
        assert!(operation.is_object(), "{template} is not documented");
        let response = authed(&app, Method::DELETE, &concrete, Some(&admin), None).await;
        assert!(
            response.status.is_success(),
            "{concrete}: {} {}",
            response.status,
            response.text
        );
        let answer = &operation["responses"][response.status.as_str()];
        assert!(
            answer.is_object(),
            "{concrete}: {} is not documented",
            response.status
        );
        if response.status == StatusCode::NO_CONTENT {
            assert!(response.text.is_empty(), "{concrete}: a 204 with a body");
            continue;
        }
        let schema = answer["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{concrete}: {} has no schema", response.status));
        let name = schema.rsplit('/').next().unwrap();
        let body = response.json();
        for field in doc["components"]["schemas"][name]["required"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let field = field.as_str().unwrap();
            assert!(
                body.get(field).is_some(),
                "{concrete}: {name}.{field} missing in {body}"
            );
        }
        for field in body.as_object().unwrap().keys() {
            assert!(
                doc["components"]["schemas"][name]["properties"]
                    .get(field)
                    .is_some(),
                "{concrete}: {field} is not in {name}"
            );
        }
    }
}

/// The path with every `{param}` replaced by `value`.
fn fill(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len() - 1);
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn request(
    method: &Method,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Option<&str>,
) -> Request<Body> {
    let mut builder = Request::builder().method(method.clone()).uri(path);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    builder
        .body(
            body.map(|b| Body::from(b.to_string()))
                .unwrap_or_else(Body::empty),
        )
        .unwrap()
}

/// Two types of one name would share one schema in the document (the last one wins), so
/// one of them would be described wrongly: every `ToSchema` type has its own name.
#[test]
fn schema_names_are_unique() {
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    let mut clashes = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if !line.contains("ToSchema")
                    || !lines[i.saturating_sub(12)..=i]
                        .iter()
                        .any(|l| l.contains("#[derive("))
                {
                    continue;
                }
                // The item the derive belongs to, and a `#[schema(as = …)]` on the way.
                let mut renamed = None;
                for next in &lines[i..lines.len().min(i + 20)] {
                    if let Some(rest) = next.trim().strip_prefix("#[schema(as = ") {
                        renamed = rest.split(')').next().map(str::to_string);
                    }
                    let item = next
                        .trim()
                        .trim_start_matches("pub ")
                        .trim_start_matches("pub(crate) ");
                    if let Some(rest) = item
                        .strip_prefix("struct ")
                        .or_else(|| item.strip_prefix("enum "))
                    {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        let name = renamed.clone().unwrap_or(name);
                        let at = format!("{}:{}", path.display(), i + 1);
                        if let Some(before) = seen.insert(name.clone(), at.clone())
                            && before != at
                        {
                            clashes.push(format!("{name}: {before} and {at}"));
                        }
                        break;
                    }
                }
            }
        }
    }
    assert!(seen.len() > 20, "found only {} schemas", seen.len());
    assert!(
        clashes.is_empty(),
        "schema names used twice:\n{}",
        clashes.join("\n")
    );
}
