//! Moderators' tools beyond single comments: closing an article's comments, and the
//! stats (bans have their own file, [`super::bans`]).

use crate::http::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::auth::Moderator;
use crate::app::AppState;
use crate::domain::ArticleKey;
use crate::domain::errors::FieldErrors;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::moderation::close;
use crate::store::now_ms;
use crate::store::stats::Stats;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/moderation/articles/{article}/closed",
            post(close).delete(reopen),
        )
        .route("/api/v1/moderation/stats", get(stats))
}

/// Close comments on an article (new ones get 403 `comments_closed`).
#[utoipa::path(post, path = "/api/v1/moderation/articles/{article}/closed", tag = "moderation",
    params(("article" = String, Path, description = "Article key (percent-encoded)")),
    responses((status = 204), (status = 422, body = ErrorEnvelope)))]
async fn close(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(article): Path<String>,
) -> Result<StatusCode> {
    let article = ArticleKey::parse(&article).map_err(|code| {
        let mut errors = FieldErrors::default();
        errors.add("article", code);
        ApiError::Validation(errors)
    })?;
    close::close(&state, &article, &caller.user.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reopen comments on an article.
#[utoipa::path(delete, path = "/api/v1/moderation/articles/{article}/closed", tag = "moderation",
    params(("article" = String, Path)), responses((status = 204)))]
async fn reopen(
    State(state): State<AppState>,
    Moderator(caller): Moderator,
    Path(article): Path<String>,
) -> Result<StatusCode> {
    close::reopen(&state, &article, &caller.user.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Counts by status and class, the age of the oldest pending comment, decisions per
/// moderator per day, and articles under the flood guard.
#[utoipa::path(get, path = "/api/v1/moderation/stats", tag = "moderation", responses((status = 200, body = Stats)))]
async fn stats(State(state): State<AppState>, _: Moderator) -> Result<Json<Stats>> {
    let mut stats = state.store().stats(now_ms()).await?;
    stats.flooded_articles = state.limiter().flooded_articles();
    Ok(Json(stats))
}
