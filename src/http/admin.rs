//! Admin endpoints: users (list, create, change role, disable, reset password) and API
//! tokens (create, shown once; list; revoke). Every change is audited.

use crate::http::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Admin;
use super::extract::JsonBody;
use crate::app::AppState;
use crate::auth::{CredentialKind, Role};
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::accounts;
use crate::store::accounts::UserView;
use crate::store::rfc3339;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/users", get(list_users).post(create_user))
        .route("/api/v1/admin/users/{id}", patch(change_user))
        .route("/api/v1/admin/users/{id}/password", post(reset_password))
        .route("/api/v1/admin/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/admin/tokens/{id}", delete(revoke_token))
}

/// Every user.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin",
    responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
async fn list_users(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<UserView>>> {
    let users = state.store().list_users().await?;
    Ok(Json(users.iter().map(UserView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserRequest {
    pub username: String,
    pub role: Role,
    /// Omitted: a password is generated, returned once, and must be changed at first login.
    pub password: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// The generated password, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// Create a moderator or admin.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = NewUserRequest,
    responses((status = 201, body = CreatedUser), (status = 409, description = "`conflict`: the name is taken", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
async fn create_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    JsonBody(request): JsonBody<NewUserRequest>,
) -> Result<(StatusCode, Json<CreatedUser>)> {
    let account = accounts::NewAccount {
        username: request.username,
        role: request.role,
        password: request.password,
    };
    let (user, generated) = accounts::create_user(&state, &admin.user.username, account).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user: UserView::from(&user),
            password: generated,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct UserPatch {
    pub role: Option<Role>,
    /// `true` disables the account and ends its sessions and tokens at once.
    pub disabled: Option<bool>,
}

/// Change a user's role, or disable / enable the account.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", request_body = UserPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorEnvelope)))]
async fn change_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    JsonBody(patch): JsonBody<UserPatch>,
) -> Result<Json<UserView>> {
    let actor = &admin.user.username;
    let after = accounts::change_user(&state, actor, id, patch.role, patch.disabled).await?;
    Ok(Json(UserView::from(&after)))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ResetPassword {
    /// The new password, shown this once; it must be changed at the next login.
    pub password: String,
}

/// Reset a user's password: a new one is generated and every session of the user ends.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password", tag = "admin",
    params(("id" = i64, Path)), responses((status = 200, body = ResetPassword), (status = 404, body = ErrorEnvelope)))]
async fn reset_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
) -> Result<Json<ResetPassword>> {
    let password = accounts::reset_password(&state, &admin.user.username, id).await?;
    Ok(Json(ResetPassword { password }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: Option<String>,
    pub user_id: i64,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked: bool,
}

/// API tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/admin/tokens", tag = "admin", responses((status = 200, body = Vec<TokenView>)))]
async fn list_tokens(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<TokenView>>> {
    let tokens = state.store().list_credentials(CredentialKind::Api).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                user_id: t.user_id,
                created_at: rfc3339(t.created_at),
                expires_at: t.expires_at.map(rfc3339),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewTokenRequest {
    /// What the token is for, e.g. "CMS integration".
    pub name: String,
    /// The user the token acts as (default: the admin creating it).
    pub username: Option<String>,
    pub expires_in_days: Option<u32>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    /// Shown this once; only its hash is stored.
    pub token: String,
}

/// Create an API token.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin", request_body = NewTokenRequest,
    responses((status = 201, body = CreatedToken), (status = 404, description = "no such user", body = ErrorEnvelope)))]
async fn create_token(
    State(state): State<AppState>,
    Admin(admin): Admin,
    JsonBody(request): JsonBody<NewTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>)> {
    let user = match &request.username {
        Some(name) => state
            .store()
            .user_by_name(name)
            .await?
            .ok_or(ApiError::NotFound)?,
        None => admin.user.clone(),
    };
    let actor = &admin.user.username;
    let (credential, token) =
        accounts::create_token(&state, actor, &user, request.name, request.expires_in_days).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: credential.id,
            token,
        }),
    ))
}

/// Revoke an API token or session.
#[utoipa::path(delete, path = "/api/v1/admin/tokens/{id}", tag = "admin", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
async fn revoke_token(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    accounts::revoke_token(&state, &admin.user.username, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
