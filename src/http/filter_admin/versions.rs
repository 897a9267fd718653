//! The filter at a glance, its versions, and restoring one.

use crate::http::extract::Path;
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
use crate::http::extract::QueryPairs;
use crate::store::filters::{FilterOp, FilterVersion, VersionChanges};

use crate::moderation::tune;

/// The filter at a glance.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Overview {
    /// The newest version in the database.
    pub version: i64,
    /// The version this replica checks comments with.
    pub in_force: i64,
    pub terms: usize,
    pub rules: usize,
    /// Terms and rules evaluated but not counted.
    pub shadow: usize,
    pub disabled: usize,
    #[schema(value_type = Object)]
    pub settings: FilterSettings,
}

/// The filter at a glance.
#[utoipa::path(get, path = "/api/v1/admin/filter", tag = "admin-filter",
    responses((status = 200, body = Overview), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub(super) async fn overview(State(state): State<AppState>, _: Admin) -> Result<Json<Overview>> {
    let live = tune::live_state(&state).await?;
    Ok(Json(Overview {
        version: live.version,
        in_force: state.live_filter().version(),
        terms: live.terms.len(),
        rules: live.rules.len(),
        shadow: live.terms.iter().filter(|t| t.shadow).count()
            + live.rules.iter().filter(|r| r.shadow).count(),
        disabled: live.terms.iter().filter(|t| !t.enabled).count()
            + live.rules.iter().filter(|r| !r.enabled).count(),
        settings: live.settings,
    }))
}

/// Versions, newest first.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct VersionList {
    /// The newest version.
    pub current: i64,
    pub items: Vec<FilterVersion>,
}

/// Filter versions, newest first (`limit` ≤ 500, default 50).
#[utoipa::path(get, path = "/api/v1/admin/filter/versions", tag = "admin-filter",
    responses((status = 200, body = VersionList)))]
pub(super) async fn list_versions(
    State(state): State<AppState>,
    _: Admin,
    q: QueryPairs,
) -> Result<Json<VersionList>> {
    let mut errors = FieldErrors::default();
    let limit = q.number("limit", &mut errors).unwrap_or(50);
    if !(1..=500).contains(&limit) {
        errors.add("limit", FieldCode::Invalid);
    }
    errors.into_result()?;
    let items = state.store().list_filter_versions(limit).await?;
    Ok(Json(VersionList {
        current: items.first().map(|v| v.version).unwrap_or(0),
        items,
    }))
}

/// What one version changed: the term and rule rows it opened and closed.
#[utoipa::path(get, path = "/api/v1/admin/filter/versions/{n}", tag = "admin-filter",
    params(("n" = i64, Path)), responses((status = 200, body = VersionChanges), (status = 404, body = ErrorEnvelope)))]
pub(super) async fn get_version(
    State(state): State<AppState>,
    _: Admin,
    Path(n): Path<i64>,
) -> Result<Json<VersionChanges>> {
    Ok(Json(
        state
            .store()
            .filter_version_changes(n)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// A restore.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Restored {
    /// The new version, equal in content to `restored_from`.
    pub version: i64,
    pub restored_from: i64,
}

/// Roll back: a new version whose terms, rules and settings are those of version `n`.
#[utoipa::path(post, path = "/api/v1/admin/filter/versions/{n}/restore", tag = "admin-filter",
    params(("n" = i64, Path)), responses((status = 200, body = Restored), (status = 404, body = ErrorEnvelope)))]
pub(super) async fn restore_version(
    State(state): State<AppState>,
    admin: Admin,
    Path(n): Path<i64>,
) -> Result<Json<Restored>> {
    let done = tune::apply(
        &state,
        tune::edit(
            &admin.0.user.username,
            "filter.restore",
            format!("restored version {n}"),
            json!({"restored_from": n}),
            vec![FilterOp::Restore(n)],
        ),
    )
    .await?;
    Ok(Json(Restored {
        version: done.version,
        restored_from: n,
    }))
}
