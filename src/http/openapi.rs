//! The OpenAPI document, generated from the handlers' annotations.
//! Every handler carries `#[utoipa::path]` and is listed here.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::app::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "raqib", description = "Arabic-first comment moderation for news sites"),
    paths(
        super::comments::submit,
        super::comments::list,
        super::comments::form_token,
        super::captcha::issue,
        super::health::healthz,
        super::health::readyz,
        openapi_json,
    ),
    tags(
        (name = "public", description = "Readers on article pages"),
        (name = "ops", description = "Probes and service description"),
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi_json))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "ops",
    responses((status = 200, description = "OpenAPI 3.1 document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
