//! Liveness and readiness probes.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::error::{ApiError, ErrorEnvelope};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The private metrics address: `GET /metrics` only (with `http.metrics_token` set, only
/// for that bearer token too).
pub fn metrics_router() -> Router<AppState> {
    Router::new().route("/metrics", get(private_metrics))
}

/// Prometheus metrics (text exposition format). On the main address only when
/// `http.metrics_token` is set, and then only for `Authorization: Bearer <token>`;
/// otherwise they are served on `http.metrics_listen` alone (default 127.0.0.1:9464).
#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "text/plain; version=0.0.4", body = String),
        (status = 401, description = "`unauthorized`: no or a wrong metrics token", body = ErrorEnvelope),
        (status = 404, description = "`not_found`: no `metrics_token` is set, so metrics are served only on `http.metrics_listen`", body = ErrorEnvelope)),
    security(("metrics_token" = [])))]
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if state.config().http.metrics_token.is_none() {
        return Err(ApiError::NotFound);
    }
    private_metrics(State(state), headers).await
}

async fn private_metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = &state.config().http.metrics_token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let matches = sent.is_some_and(|sent| {
            crate::secrets::seal::constant_time_eq(sent.as_bytes(), token.as_bytes())
        });
        if !matches {
            return Err(ApiError::Unauthorized);
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
            header::CONTENT_TYPE,
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
