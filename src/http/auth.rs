//! Logging in and out, changing one's password, and the extractors that say who is
//! calling: a bearer token (API clients) or the console's session cookie. Cookie-carried
//! requests that change state must come from the service's own origin (a strict `Origin`
//! check: the CSRF defence).

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ClientIp, JsonBody, limit, peer_ip};
use super::origin::{origin_matches, origin_of, request_origin};
use crate::app::AppState;
use crate::auth::{Credential, CredentialKind, Role, User, token_hash};
use crate::gates::ratelimit::{LimitedAction, text_key};
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::sign_in;
use crate::store::now_ms;

/// The session cookie of the console.
pub const COOKIE: &str = "raqib_session";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/password", post(change_password))
        .route("/api/v1/auth/me", axum::routing::get(me))
}

/// The caller, authenticated.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub credential: Credential,
}

/// A caller who may moderate (moderator or admin) and need not change a password first.
pub struct Moderator(pub Caller);

/// A caller who is an admin.
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let (token, via_cookie) = match bearer(&parts.headers) {
            Some(token) => (token, false),
            None => (cookie(&parts.headers).ok_or(ApiError::Unauthorized)?, true),
        };
        if via_cookie && changes_state(&parts.method) && !same_origin(parts, state) {
            return Err(ApiError::Forbidden);
        }
        let hash = token_hash(&token);
        limit(state, LimitedAction::ApiPerToken, text_key(&hash)).await?;
        let (credential, user) = state
            .store()
            .find_credential(&hash, now_ms())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Caller { user, credential })
    }
}

impl FromRequestParts<AppState> for Moderator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.user.must_change_password {
            return Err(ApiError::PasswordChangeRequired);
        }
        Ok(Moderator(caller))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let Moderator(caller) = Moderator::from_request_parts(parts, state).await?;
        if caller.user.role != Role::Admin {
            return Err(ApiError::Forbidden);
        }
        Ok(Admin(caller))
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_string()).filter(|t| !t.is_empty())
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE && !value.is_empty()).then(|| value.to_string())
        })
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Does the request's `Origin` name this service: its `public_url`, or else the origin the
/// request was made to, scheme included (see [`super::origin`])?
fn same_origin(parts: &Parts, state: &AppState) -> bool {
    let expected = match &state.config().public_url {
        Some(public) => origin_of(public),
        None => peer_ip(parts)
            .and_then(|peer| request_origin(peer, &parts.headers, &state.config().trusted_proxies)),
    };
    expected.is_some_and(|expected| origin_matches(&parts.headers, &expected))
}

/// `POST /api/v1/auth/login`.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A session: the token for API clients (the console uses the cookie set alongside).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub role: Role,
    /// RFC 3339.
    pub expires_at: String,
    /// The account must choose a new password before doing anything else.
    pub must_change_password: bool,
}

/// Log in.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse, description = "and a session cookie (HttpOnly, SameSite=Strict)"),
        (status = 401, description = "`unauthorized`: wrong name or password", body = ErrorEnvelope),
        (status = 429, description = "`rate_limited`", body = ErrorEnvelope),
    ))]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Response> {
    let session = sign_in::log_in(&state, ip, &request.username, request.password).await?;
    Ok(session_response(&state, session))
}

/// The session as JSON and as the console's cookie (`Secure` behind an `https` public URL).
fn session_response(state: &AppState, session: sign_in::Session) -> Response {
    let token = session.token;
    let secure = state
        .config()
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let max_age = state.config().auth.session_hours * 3600;
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    let body = LoginResponse {
        token,
        role: session.role,
        expires_at: crate::store::rfc3339(session.expires_at),
        must_change_password: session.must_change_password,
    };
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Log out: the session (or token) used for this request stops working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorEnvelope)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response> {
    sign_in::log_out(&state, &caller.user, caller.credential.id).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("raqib_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

/// `POST /api/v1/auth/password`.
#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// Change one's own password. Every other session ends; a new one is returned.
/// Who is signed in: what a page needs to show the right view (the name, whether admin
/// parts apply, whether a new password must be chosen first).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub user: crate::store::accounts::UserView,
    /// `session` (a login) or `api` (an API token).
    pub credential: CredentialKind,
    /// When the session or token stops working, RFC 3339 (null: never).
    pub expires_at: Option<String>,
}

/// The signed-in user (also when a password change is still required).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = ErrorEnvelope)))]
async fn me(caller: Caller) -> Result<axum::Json<Me>> {
    Ok(axum::Json(Me {
        user: crate::store::accounts::UserView::from(&caller.user),
        credential: caller.credential.kind,
        expires_at: caller.credential.expires_at.map(crate::store::rfc3339),
    }))
}

#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, body = ErrorEnvelope),
        (status = 422, description = "`validation_failed`: field `current` (wrong) or `new` (too short)", body = ErrorEnvelope),
    ))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(change): JsonBody<PasswordChange>,
) -> Result<Response> {
    let session =
        sign_in::change_password(&state, &caller.user, change.current, change.new).await?;
    Ok(session_response(&state, session))
}
