//! The OpenAPI document, generated from the handlers' annotations.
//! Every handler carries `#[utoipa::path]` and is listed here.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::app::AppState;

#[derive(OpenApi)]
#[openapi(
    modifiers(&Conventions),
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
        super::bans::list_bans,
        super::bans::preview_ban,
        super::bans::add_ban,
        super::bans::get_ban,
        super::bans::extend_ban,
        super::bans::lift_ban,
        super::bans::lift_and_restore,
        super::safety::close,
        super::safety::reopen,
        super::safety::stats,
        super::privacy::export,
        super::privacy::erase,
        super::comments::report,
        super::comments::comment_status,
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
        super::filter_admin::candidates::list_candidates,
        super::filter_admin::candidates::promote_candidate,
        super::filter_admin::candidates::dismiss_candidate,
        super::filter_admin::model::train,
        super::filter_admin::model::get_job,
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

/// What holds for every operation by the rules of the service, written once here rather
/// than in eighty annotations: who may call it (`securitySchemes` and per-operation
/// `security`), and the answers every extractor and limit can give (400, 401, 403, 404,
/// 413, 415, 429, 503), each with the error envelope.
struct Conventions;

/// The shared answers, by status: (component name, description).
const SHARED: [(&str, &str, &str); 8] = [
    (
        "400",
        "BadRequest",
        "`invalid_json`, `invalid_form` or `invalid_query`: the body or the query string cannot be read (broken JSON, duplicate keys, text that is not UTF-8)",
    ),
    (
        "401",
        "Unauthorized",
        "`unauthorized`: no, an expired or a revoked session or token",
    ),
    (
        "403",
        "Forbidden",
        "`forbidden` (the role may not, or a cookie session without this service's `Origin`) or `password_change_required`",
    ),
    (
        "404",
        "NotFound",
        "`not_found`: nothing with this id (an id that is not a number is not found either)",
    ),
    (
        "413",
        "PayloadTooLarge",
        "`payload_too_large`: the body is over `http.max_body_bytes`",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "`unsupported_media_type`: send `application/json` (or a form where the operation says so)",
    ),
    (
        "429",
        "TooManyRequests",
        "`rate_limited`, with `Retry-After` in seconds",
    ),
    (
        "503",
        "Overloaded",
        "`overloaded`: too many requests at once or one ran past the request timeout; `Retry-After`",
    ),
];

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some("A session token from `POST /api/v1/auth/login` or an API token from `/api/v1/admin/tokens`".into());
        components
            .security_schemes
            .insert("bearer".into(), RefOr::T(SecurityScheme::Http(bearer)));
        let mut cookie = ApiKeyValue::new(super::auth::COOKIE);
        cookie.description = Some("The console's session cookie; state-changing requests must carry this service's `Origin`".into());
        components.security_schemes.insert(
            "session".into(),
            RefOr::T(SecurityScheme::ApiKey(ApiKey::Cookie(cookie))),
        );
        let mut metrics = Http::new(HttpAuthScheme::Bearer);
        metrics.description = Some("`http.metrics_token`".into());
        components.security_schemes.insert(
            "metrics_token".into(),
            RefOr::T(SecurityScheme::Http(metrics)),
        );
        for (_, name, description) in SHARED {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content("application/json", content)
                .build();
            components.responses.insert(name.into(), RefOr::T(response));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                apply(path, operation);
            }
        }
    }
}

/// The conventions for one operation at `path`.
fn apply(path: &str, operation: &mut Operation) {
    let signed_in = path.starts_with("/api/v1/moderation")
        || path.starts_with("/api/v1/admin")
        || [
            "/api/v1/auth/logout",
            "/api/v1/auth/password",
            "/api/v1/auth/me",
        ]
        .contains(&path);
    let mut answers: Vec<&str> = Vec::new();
    if path.starts_with("/api/") {
        answers.extend(["429", "503"]);
    }
    if signed_in {
        operation.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
        answers.extend(["401", "403"]);
    }
    if operation.request_body.is_some() {
        answers.extend(["400", "413", "415"]);
    }
    let parameters = operation.parameters.iter().flatten();
    let kinds: Vec<ParameterIn> = parameters
        .filter_map(|p| match p {
            RefOr::T(p) => Some(p.parameter_in.clone()),
            RefOr::Ref(_) => None,
        })
        .collect();
    if kinds.contains(&ParameterIn::Query) {
        answers.push("400");
    }
    if kinds.contains(&ParameterIn::Path) {
        answers.push("404");
    }
    for status in answers {
        let (_, name, _) = SHARED
            .iter()
            .find(|(s, _, _)| *s == status)
            .expect("a shared answer");
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi_json))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "ops",
    responses((status = 200, description = "OpenAPI 3.1 document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
