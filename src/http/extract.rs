//! Extractors that turn requests into domain input, with every failure in the JSON
//! envelope (never a bare axum rejection text).

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde_json::Value;

use crate::app::AppState;
use crate::domain::RawSubmission;
use crate::gates::ratelimit::LimitedAction;
use crate::gates::ratelimit::client::client_ip;
use crate::http::error::ApiError;

/// The socket peer's address. Tests provide it with `MockConnectInfo`.
pub struct PeerIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        peer_ip(parts)
            .map(PeerIp)
            .ok_or_else(|| ApiError::Internal("no peer address on the request".into()))
    }
}

/// The connection's peer address (tests hand one in through `MockConnectInfo`).
pub fn peer_ip(parts: &Parts) -> Option<IpAddr> {
    let extensions = &parts.extensions;
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .or_else(|| {
            extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|mock| mock.0.ip())
        })
}

/// The client's address: the peer, or what trusted proxies say (see
/// [`crate::gates::ratelimit::client`]).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let PeerIp(peer) = PeerIp::from_request_parts(parts, state).await?;
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            &state.config().trusted_proxies,
        )))
    }
}

/// Spends one unit of `action`'s quota for `key`, or answers 429 with `Retry-After`.
pub async fn limit(state: &AppState, action: LimitedAction, key: u128) -> Result<(), ApiError> {
    state
        .limiter()
        .check(action, key)
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })
}

/// A request body within the body limit: 413 `payload_too_large` past it, 400 when it
/// cannot be read.
pub async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::InvalidJson(rejection.body_text())
            }
        })
}

/// The body of `POST /api/v1/comments`, as JSON or as a urlencoded form.
pub struct SubmissionBody(pub RawSubmission);

impl<S: Send + Sync> FromRequest<S> for SubmissionBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let kind = body_kind(request.headers())?;
        let bytes = body_bytes(request, state).await?;
        let raw = match kind {
            BodyKind::Json => from_json(&bytes)?,
            BodyKind::Form => from_form(&bytes)?,
        };
        Ok(SubmissionBody(raw))
    }
}

enum BodyKind {
    Json,
    Form,
}

fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => Ok(BodyKind::Json),
        "application/x-www-form-urlencoded" => Ok(BodyKind::Form),
        m if m.starts_with("application/") && m.ends_with("+json") => Ok(BodyKind::Json),
        _ => Err(ApiError::UnsupportedMediaType),
    }
}

fn from_json(bytes: &[u8]) -> Result<RawSubmission, ApiError> {
    check_unique_keys(bytes)?;
    let value: Value =
        serde_json::from_slice(bytes).map_err(|err| ApiError::InvalidJson(err.to_string()))?;
    let Value::Object(map) = value else {
        return Err(ApiError::InvalidJson("expected a JSON object".into()));
    };
    let mut raw = RawSubmission::default();
    let text = |field: &'static str, wrong: &mut Vec<&'static str>| -> Option<String> {
        match map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) if field == "parent" => Some(n.to_string()),
            Some(_) => {
                wrong.push(field);
                None
            }
        }
    };
    let mut wrong = Vec::new();
    raw.article = text("article", &mut wrong);
    raw.parent = text("parent", &mut wrong);
    raw.name = text("name", &mut wrong);
    raw.email = text("email", &mut wrong);
    raw.body = text("body", &mut wrong);
    raw.form_token = text("form_token", &mut wrong);
    raw.website = text("website", &mut wrong);
    match map.get("captcha") {
        None | Some(Value::Null) => {}
        Some(Value::Object(captcha)) => {
            let field = |key: &str| match captcha.get(key) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            raw.captcha_id = field("id");
            raw.captcha_answer = field("answer");
        }
        Some(_) => wrong.push("captcha"),
    }
    raw.wrong_type = wrong;
    Ok(raw)
}

fn from_form(bytes: &[u8]) -> Result<RawSubmission, ApiError> {
    let mut raw = RawSubmission::default();
    for (key, value) in form_pairs(bytes).map_err(ApiError::InvalidForm)? {
        let value = Some(value);
        match key.as_str() {
            "article" => raw.article = value,
            "parent" => raw.parent = value,
            "name" => raw.name = value,
            "email" => raw.email = value,
            "body" => raw.body = value,
            "captcha_id" => raw.captcha_id = value,
            "captcha_answer" => raw.captcha_answer = value,
            "form_token" => raw.form_token = value,
            "website" => raw.website = value,
            _ => {}
        }
    }
    Ok(raw)
}

/// A path parameter. One that does not parse as its type (a word where an id goes, an id
/// past i64) names no resource: 404 `not_found` in the envelope, like an id that parses
/// and is not there.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| ApiError::NotFound)
    }
}

/// `application/x-www-form-urlencoded` pairs, refused when a name or value does not
/// decode to UTF-8 (the lenient decoder would store U+FFFD in its place).
pub fn form_pairs(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    bytes
        .split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |b| *b == b'=');
            let key = decode_component(halves.next().unwrap_or_default())?;
            let value = decode_component(halves.next().unwrap_or_default())?;
            Ok((key, value))
        })
        .collect()
}

/// One form component: `+` is a space, `%XX` a byte; the bytes must be UTF-8.
fn decode_component(raw: &[u8]) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' if i + 2 < raw.len() && hex_byte(raw[i + 1], raw[i + 2]).is_some() => {
                bytes.extend(hex_byte(raw[i + 1], raw[i + 2]));
                i += 2;
            }
            other => bytes.push(other),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| "a form field is not UTF-8 text".to_string())
}

fn hex_byte(high: u8, low: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

/// Refuses JSON in which an object names the same key twice (`{"name": "a", "name":
/// "b"}`): which one counts is ambiguous, and parsers disagree.
pub fn check_unique_keys(bytes: &[u8]) -> Result<(), ApiError> {
    serde_json::from_slice::<UniqueKeys>(bytes)
        .map(|_| ())
        .map_err(|err| ApiError::InvalidJson(err.to_string()))
}

/// Any JSON value, walked only to find a repeated key.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_none<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<UniqueKeys, D::Error> {
        serde::Deserialize::deserialize(d)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!("duplicate key {key:?}")));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }
}

/// The query string as key/value pairs (first value wins), parsed without axum's
/// rejection texts; 400 `invalid_query` when a name or value is not UTF-8 once decoded.
pub struct QueryPairs(pub Vec<(String, String)>);

impl QueryPairs {
    /// An integer parameter: None when absent or empty; a bad one is recorded in `errors`.
    pub fn number(
        &self,
        key: &'static str,
        errors: &mut crate::domain::errors::FieldErrors,
    ) -> Option<i64> {
        let raw = self.get(key).filter(|v| !v.is_empty())?;
        errors.take(
            key,
            raw.parse::<i64>()
                .map_err(|_| crate::domain::errors::FieldCode::Invalid),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        form_pairs(query.as_bytes())
            .map(QueryPairs)
            .map_err(|_| ApiError::InvalidQuery("a parameter is not UTF-8 text".into()))
    }
}

/// A JSON request body, with every failure in the error envelope (415 for another content
/// type, 413 when too large, 400 `invalid_json` for broken or mistyped JSON).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !matches!(body_kind(request.headers())?, BodyKind::Json) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = body_bytes(request, state).await?;
        check_unique_keys(&bytes)?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|err| ApiError::InvalidJson(err.to_string()))
    }
}

/// A JSON answer that must never be cached (`Cache-Control: no-store`): challenges and
/// tokens are single-use.
pub struct NoStore<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for NoStore<T> {
    fn into_response(self) -> axum::response::Response {
        ([(header::CACHE_CONTROL, "no-store")], axum::Json(self.0)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fields_of_the_wrong_type_are_named() {
        let raw =
            from_json(br#"{"name": 5, "email": "a@b.co", "parent": 3, "body": ["x"]}"#).unwrap();
        assert_eq!(raw.wrong_type, vec!["name", "body"]);
        assert_eq!(raw.parent.as_deref(), Some("3"));
    }

    #[test]
    fn json_that_is_not_an_object_is_invalid() {
        assert!(matches!(from_json(b"[1,2]"), Err(ApiError::InvalidJson(_))));
        assert!(matches!(
            from_json(b"{\"name\":"),
            Err(ApiError::InvalidJson(_))
        ));
    }

    #[test]
    fn forms_use_the_same_names_and_flat_captcha_fields() {
        let raw =
            from_form("name=%D8%B3%D8%A7%D9%84%D9%85&captcha_id=abc&captcha_answer=12".as_bytes())
                .unwrap();
        assert_eq!(raw.name.as_deref(), Some("سالم"));
        assert_eq!(raw.captcha_id.as_deref(), Some("abc"));
        assert_eq!(raw.captcha_answer.as_deref(), Some("12"));
    }

    #[test]
    fn form_text_that_is_not_utf8_is_refused_and_plus_is_a_space() {
        assert!(matches!(
            from_form(b"name=%FF"),
            Err(ApiError::InvalidForm(_))
        ));
        assert!(matches!(
            from_form(b"body=%C3%28"),
            Err(ApiError::InvalidForm(_))
        ));
        let raw = from_form(b"name=a+b%2Bc&body=100%25&email=%zz").unwrap();
        assert_eq!(raw.name.as_deref(), Some("a b+c"));
        assert_eq!(raw.body.as_deref(), Some("100%"));
        // A malformed escape stays as written, as browsers' decoders leave it.
        assert_eq!(raw.email.as_deref(), Some("%zz"));
    }

    #[test]
    fn a_json_key_given_twice_is_refused_at_any_depth() {
        assert!(check_unique_keys(br#"{"a": 1, "b": {"c": 2, "d": [1, {"e": 3}]}}"#).is_ok());
        assert!(check_unique_keys(br#"{"a": 1, "a": 2}"#).is_err());
        assert!(check_unique_keys(br#"{"a": {"c": 2, "c": 3}}"#).is_err());
        assert!(check_unique_keys(br#"[{"x": null}, {"x": 1, "x": 1}]"#).is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::Submission;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512)
        ))]

        /// Arbitrary bytes as a JSON or form body: parsed or refused, never a panic, and
        /// whatever parses goes through field validation without a panic either.
        #[test]
        fn the_submission_parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(raw) = from_json(&bytes) {
                let _ = Submission::parse(&raw);
            }
            if let Ok(raw) = from_form(&bytes) {
                let _ = Submission::parse(&raw);
            }
        }

        /// Well-formed bodies with arbitrary text in every field.
        #[test]
        fn arbitrary_field_text_never_panics(
            article in ".{0,300}", name in ".{0,200}", email in ".{0,300}", body in ".{0,3000}",
            parent in ".{0,30}", answer in ".{0,20}",
        ) {
            let json = serde_json::json!({
                "article": article, "name": name, "email": email, "body": body,
                "parent": parent, "captcha_id": answer, "captcha_answer": answer,
            });
            let raw = from_json(json.to_string().as_bytes()).expect("a JSON object");
            let _ = Submission::parse(&raw);
            let form = form_urlencoded::Serializer::new(String::new())
                .append_pair("article", &article)
                .append_pair("name", &name)
                .append_pair("email", &email)
                .append_pair("body", &body)
                .append_pair("parent", &parent)
                .finish();
            let raw = from_form(form.as_bytes()).expect("a form of UTF-8 text");
            let _ = Submission::parse(&raw);
        }
    }
}
