//! The HTTP layer. [`router`] is a pure function of the state: the binary serves it and
//! tests call it in-process with `tower::ServiceExt::oneshot`.
//!
//! Layers, outermost first: request id (set, echoed in `x-request-id`), tracing span
//! with that id, request language (for localized errors), metrics, load shedding at
//! `http.max_concurrency`, timeout, body limit.

mod admin;
mod auth;
mod bans;
mod captcha;
mod comments;
mod embed_origin;
pub mod error;
mod extract;
mod filter_admin;
mod frame_html;
mod health;
mod iframe;
pub mod listener;
mod moderation;
mod openapi;
pub mod origin;
mod pages;
mod privacy;
mod safety;

use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use crate::app::AppState;
use crate::domain::lang::Lang;
use crate::http::error::ApiError;

pub use openapi::ApiDoc;

/// The request id header, set when the client sent none and always echoed back.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole service.
pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config().http.request_timeout_secs);
    let body_limit = state.config().http.max_body_bytes;
    // One semaphore for the whole service (Router::layer applies a layer per route).
    let concurrency =
        tower::limit::GlobalConcurrencyLimitLayer::new(state.config().http.max_concurrency.max(1));
    Router::new()
        .merge(
            comments::router()
                .merge(captcha::router())
                .layer(pages::cors(&state.config().allowed_origins))
                .merge(iframe::router())
                .layer(axum::middleware::from_fn_with_state(
                    std::sync::Arc::new(crate::config::origins::AllowedOrigins::new(
                        &state.config().allowed_origins,
                    )),
                    embed_origin::note_refused_origin,
                )),
        )
        .merge(pages::router())
        .merge(auth::router())
        .merge(admin::router())
        .merge(filter_admin::router())
        .merge(moderation::router())
        .merge(bans::router())
        .merge(safety::router())
        .merge(privacy::router())
        .merge(health::router())
        .merge(openapi::router())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            Duration::from_secs(state.config().http.body_timeout_secs.max(1)),
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::default()))
                .layer(
                    // 5xx are logged once where they arise (an internal error where it is
                    // turned into the envelope, a refusal in the refusal log), not again
                    // here for every request.
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::from_fn(language))
                .layer(middleware::from_fn(method_not_allowed))
                .layer(middleware::from_fn(track))
                .layer(HandleErrorLayer::new(overloaded))
                .load_shed()
                .layer(concurrency)
                .timeout(timeout),
        )
        .with_state(state)
}

/// The private metrics address: `/metrics` and nothing else, with the same request
/// timeout; everything else answers the 404 envelope.
pub fn metrics_router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config().http.request_timeout_secs);
    health::metrics_router()
        .fallback(not_found)
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .timeout(timeout),
        )
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// A request that ran past `http.request_timeout_secs`, or found `http.max_concurrency`
/// requests already running: 503 `overloaded` with `Retry-After`, never a queue.
async fn overloaded(_: tower::BoxError) -> Response {
    ApiError::Overloaded { retry_after: 1 }.into_response()
}

/// Counts and times each request by route (the pattern, never the concrete path, so
/// ids and article keys do not become series).
async fn track(request: Request, next: Next) -> Response {
    use std::sync::atomic::Ordering;
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    // Known methods only: a client inventing methods must not invent series.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "HEAD") => m,
        _ => "other",
    }
    .to_string();
    let started = std::time::Instant::now();
    crate::telemetry::metrics::IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    crate::telemetry::metrics::IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    match response.status().as_u16() {
        429 => crate::telemetry::refusals::note("rate_limited", &route),
        503 => crate::telemetry::refusals::note("overloaded", &route),
        _ => {}
    }
    crate::telemetry::metrics::inc(
        "raqib_http_requests_total",
        &[
            ("route", &route),
            ("method", &method),
            ("status", response.status().as_str()),
        ],
    );
    crate::telemetry::metrics::observe(
        "raqib_http_request_duration_seconds",
        &[("route", &route)],
        started.elapsed().as_secs_f64(),
    );
    response
}

/// A method the route does not take (TRACE, an invented one, PUT where only POST goes):
/// 405 in the error envelope, keeping the `Allow` header the router set.
async fn method_not_allowed(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != axum::http::StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut answer = ApiError::MethodNotAllowed.into_response();
    if let Some(allow) = allow {
        answer.headers_mut().insert(header::ALLOW, allow);
    }
    answer
}

/// Runs the rest of the request with the language its `Accept-Language` prefers.
async fn language(request: Request, next: Next) -> Response {
    let lang = Lang::negotiate(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    );
    lang.scope(next.run(request)).await
}

fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
}

/// Request ids: a per-process random prefix and a counter; unique and cheap.
#[derive(Clone)]
struct RequestIds {
    prefix: String,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        use rand::RngCore;
        let prefix = crate::secrets::keys::hex(&rand::rng().next_u32().to_be_bytes());
        RequestIds {
            prefix,
            next: Default::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{}-{n:x}", self.prefix)
            .parse()
            .ok()
            .map(RequestId::new)
    }
}
