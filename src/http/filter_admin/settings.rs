//! Thresholds, signal weights and per-category actions.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::filter::FilterSettings;
use crate::http::auth::Admin;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::http::extract::JsonBody;
use crate::store::filters::FilterOp;
use crate::tuning::{self};

use crate::moderation::tune;

/// Settings and the version they belong to.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SettingsView {
    #[schema(value_type = Object)]
    pub settings: FilterSettings,
    pub version: i64,
}

/// Thresholds, signal weights and per-category actions in force.
#[utoipa::path(get, path = "/api/v1/admin/filter/settings", tag = "admin-filter",
    responses((status = 200, body = SettingsView)))]
pub(super) async fn get_settings(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<SettingsView>> {
    let live = tune::live_state(&state).await?;
    Ok(Json(SettingsView {
        settings: live.settings,
        version: live.version,
    }))
}

/// Change settings: a partial object merged over the live settings
/// (`{"hold": 2.5, "signals": {"link": 1}}`; `category_actions` is replaced whole).
#[utoipa::path(put, path = "/api/v1/admin/filter/settings", tag = "admin-filter",
    request_body = Object, responses((status = 200, body = SettingsView), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn change_settings(
    State(state): State<AppState>,
    admin: Admin,
    JsonBody(patch): JsonBody<serde_json::Value>,
) -> Result<Json<SettingsView>> {
    let live = tune::live_state(&state).await?;
    let next = tuning::merged_settings(&live.settings, &patch).map_err(|message| {
        let mut errors = FieldErrors::default();
        errors.add_detail("settings", FieldCode::Invalid, message);
        ApiError::Validation(errors)
    })?;
    let summary = format!("settings changed: {}", patch);
    let detail = json!({"before": &live.settings, "after": &next});
    let done = tune::apply(
        &state,
        tune::edit(
            &admin.0.user.username,
            "filter.settings",
            summary,
            detail,
            vec![FilterOp::Settings(next.clone())],
        ),
    )
    .await?;
    Ok(Json(SettingsView {
        settings: next,
        version: done.version,
    }))
}
