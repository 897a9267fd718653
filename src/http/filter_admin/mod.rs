//! The admin side of the filter: terms, rules and settings (each change a new filter
//! version, in force on this replica before the reply and on the others within a
//! second), versions and restore, bulk import/export, the test box, the back-test and
//! rule statistics, candidates (changes offered to promote or dismiss), and retraining the
//! learned models from the site's decisions (a job to poll). Every change is audited (in the same transaction as the change).

pub(super) mod candidates;
pub(super) mod edits;
pub(super) mod model;
pub(super) mod rules;
pub(super) mod settings;
pub(super) mod terms;
pub(super) mod testing;
pub(super) mod versions;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/filter", get(versions::overview))
        .route(
            "/api/v1/admin/filter/terms",
            get(terms::list_terms).post(terms::add_term),
        )
        .route(
            "/api/v1/admin/filter/terms/export",
            get(terms::export_terms),
        )
        .route(
            "/api/v1/admin/filter/terms/import",
            post(terms::import_terms).layer(axum::extract::DefaultBodyLimit::max(
                edits::IMPORT_MAX_BYTES,
            )),
        )
        .route(
            "/api/v1/admin/filter/terms/{id}",
            get(terms::get_term)
                .patch(terms::change_term)
                .delete(terms::remove_term),
        )
        .route(
            "/api/v1/admin/filter/rules",
            get(rules::list_rules).post(rules::add_rule),
        )
        .route(
            "/api/v1/admin/filter/rules/{id}",
            get(rules::get_rule)
                .patch(rules::change_rule)
                .delete(rules::remove_rule),
        )
        .route(
            "/api/v1/admin/filter/settings",
            get(settings::get_settings).put(settings::change_settings),
        )
        .route(
            "/api/v1/admin/filter/versions",
            get(versions::list_versions),
        )
        .route(
            "/api/v1/admin/filter/versions/{n}",
            get(versions::get_version),
        )
        .route(
            "/api/v1/admin/filter/versions/{n}/restore",
            post(versions::restore_version),
        )
        .route(
            "/api/v1/admin/filter/candidates",
            get(candidates::list_candidates),
        )
        .route(
            "/api/v1/admin/filter/candidates/{id}/promote",
            post(candidates::promote_candidate),
        )
        .route(
            "/api/v1/admin/filter/candidates/{id}/dismiss",
            post(candidates::dismiss_candidate),
        )
        .route("/api/v1/admin/filter/model/train", post(model::train))
        .route("/api/v1/admin/jobs/{id}", get(model::get_job))
        .route("/api/v1/admin/filter/test", post(testing::test_text))
        .route("/api/v1/admin/filter/backtest", post(testing::run_backtest))
        .route("/api/v1/admin/filter/stats", get(testing::rule_stats))
}
