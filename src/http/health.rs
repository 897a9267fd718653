//! Liveness and readiness probes.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `unavailable`.
    status: &'static str,
    /// `ok` or `unreachable` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<&'static str>,
    /// Parts working below their configuration (e.g. `rate_limits`), with why.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    degraded: std::collections::BTreeMap<&'static str, String>,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        database: None,
        degraded: Default::default(),
    })
}

/// Ready to serve: 503 only when the database is unreachable.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses(
    (status = 200, body = Health), (status = 503, body = Health)))]
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let ping = tokio::time::timeout(Duration::from_secs(2), state.store().ping()).await;
    let mut degraded = std::collections::BTreeMap::new();
    if let Some(why) = state.limiter().degraded() {
        degraded.insert("rate_limits", why);
    }
    match ping {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(Health {
                status: "ready",
                database: Some("ok"),
                degraded,
            }),
        ),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: database unreachable");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer in 2 s");
            unavailable()
        }
    }
}

fn unavailable() -> (StatusCode, Json<Health>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(Health {
            status: "unavailable",
            database: Some("unreachable"),
            degraded: Default::default(),
        }),
    )
}
