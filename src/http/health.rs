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
        .route("/metrics", get(metrics))
}

/// Prometheus metrics (text exposition format). With `http.metrics_token` set, only for
/// `Authorization: Bearer <token>`.
#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "text/plain; version=0.0.4", body = String),
        (status = 401, body = crate::http::error::ErrorEnvelope)))]
async fn metrics(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, crate::http::error::ApiError> {
    use axum::response::IntoResponse;
    if let Some(token) = &state.config().http.metrics_token {
        let sent = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let matches = sent.is_some_and(|sent| {
            crate::secrets::seal::constant_time_eq(sent.as_bytes(), token.as_bytes())
        });
        if !matches {
            return Err(crate::http::error::ApiError::Unauthorized);
        }
    }
    let stats = state.store().stats(crate::store::now_ms()).await?;
    let gauges = crate::telemetry::metrics::Gauges {
        queue_depth: stats.by_status.clone(),
        oldest_pending_seconds: stats.oldest_pending_seconds,
        filter_version: state.live_filter().version(),
        in_flight: crate::telemetry::metrics::IN_FLIGHT.load(std::sync::atomic::Ordering::Relaxed),
    };
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::telemetry::metrics::render(&gauges),
    )
        .into_response())
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
