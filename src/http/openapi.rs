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
        super::auth::login,
        super::auth::logout,
        super::auth::change_password,
        super::auth::me,
        super::admin::list_users,
        super::admin::create_user,
        super::admin::change_user,
        super::admin::reset_password,
        super::admin::list_tokens,
        super::admin::create_token,
        super::admin::revoke_token,
        super::moderation::audit_log,
        super::moderation::queue,
        super::moderation::decide,
        super::moderation::decide_many,
        super::moderation::claim_next,
        super::moderation::claim_one,
        super::moderation::release,
        super::safety::list_bans,
        super::safety::add_ban,
        super::safety::lift_ban,
        super::safety::close,
        super::safety::reopen,
        super::safety::stats,
        super::privacy::export,
        super::privacy::erase,
        super::comments::report,
        super::filter_admin::versions::overview,
        super::filter_admin::terms::list_terms,
        super::filter_admin::terms::add_term,
        super::filter_admin::terms::get_term,
        super::filter_admin::terms::change_term,
        super::filter_admin::terms::remove_term,
        super::filter_admin::terms::export_terms,
        super::filter_admin::terms::import_terms,
        super::filter_admin::rules::list_rules,
        super::filter_admin::rules::add_rule,
        super::filter_admin::rules::get_rule,
        super::filter_admin::rules::change_rule,
        super::filter_admin::rules::remove_rule,
        super::filter_admin::settings::get_settings,
        super::filter_admin::settings::change_settings,
        super::filter_admin::versions::list_versions,
        super::filter_admin::versions::get_version,
        super::filter_admin::versions::restore_version,
        super::filter_admin::testing::test_text,
        super::filter_admin::testing::run_backtest,
        super::filter_admin::testing::rule_stats,
        super::health::healthz,
        super::health::readyz,
        super::health::metrics,
        openapi_json,
    ),
    tags(
        (name = "public", description = "Readers on article pages"),
        (name = "ops", description = "Probes and service description"),
        (name = "auth", description = "Logging in and out"),
        (name = "moderation", description = "Moderators and admins"),
        (name = "admin", description = "Admins only"),
        (name = "admin-filter", description = "Admins tuning the filter: terms, rules, settings, versions, tests"),
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
