//! Privacy requests (admins): export, or erase, everything stored for one email.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Admin;
use super::extract::QueryPairs;
use crate::app::AppState;
use crate::domain::Email;
use crate::domain::errors::FieldErrors;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::audit;
use crate::store::privacy::PrivacyExport;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/admin/privacy", get(export).delete(erase))
}

fn email(query: &QueryPairs) -> Result<Email> {
    let mut errors = FieldErrors::default();
    let email = errors.take("email", Email::parse(query.get("email").unwrap_or("")));
    errors.into_result()?;
    email.ok_or_else(|| ApiError::Internal("unreachable: email checked".into()))
}

/// Everything stored for one email (any spelling of it), as JSON.
#[utoipa::path(get, path = "/api/v1/admin/privacy", tag = "admin", params(("email" = String, Query)),
    responses((status = 200, body = PrivacyExport), (status = 422, body = ErrorEnvelope)))]
async fn export(
    State(state): State<AppState>,
    Admin(admin): Admin,
    query: QueryPairs,
) -> Result<Json<PrivacyExport>> {
    let email = email(&query)?;
    let export = crate::moderation::privacy::export(&state, &email).await?;
    audit::record(&state, &admin.user.username, "privacy.export", None, None).await;
    Ok(Json(export))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Erased {
    /// Comments whose author data was removed.
    pub comments: u64,
}

/// Erase everything of one email: names, addresses and hashes go; only the text of
/// published comments stays, unsigned.
#[utoipa::path(delete, path = "/api/v1/admin/privacy", tag = "admin", params(("email" = String, Query)),
    responses((status = 200, body = Erased), (status = 422, body = ErrorEnvelope)))]
async fn erase(
    State(state): State<AppState>,
    Admin(admin): Admin,
    query: QueryPairs,
) -> Result<Json<Erased>> {
    let email = email(&query)?;
    let comments = crate::moderation::privacy::erase(&state, &email).await?;
    audit::record(
        &state,
        &admin.user.username,
        "privacy.erase",
        None,
        Some((
            serde_json::json!(null),
            serde_json::json!({"comments": comments}),
        )),
    )
    .await;
    Ok(Json(Erased { comments }))
}
