//! A moderator closes an article's comments (new ones are refused with
//! `comments_closed`) or reopens them. In force on this replica at once and on the
//! others within a second.

use crate::app::AppState;
use crate::domain::ArticleKey;
use crate::store::now_ms;

use super::audit;
use super::refusal::Refusal;

/// Closes comments on `article`; closing a closed article changes nothing.
pub async fn close(state: &AppState, article: &ArticleKey, actor: &str) -> Result<(), Refusal> {
    let article = article.as_str().to_string();
    let target = Some(format!("article:{article}"));
    if state
        .store()
        .close_article(article, actor.to_string(), now_ms())
        .await?
    {
        state.refresh_restrictions().await?;
        audit::record(state, actor, "article.close", target, None).await;
    }
    Ok(())
}

/// Reopens comments on `article` (as stored: any key, even one no longer valid).
pub async fn reopen(state: &AppState, article: &str, actor: &str) -> Result<(), Refusal> {
    let article = article.trim().to_string();
    let target = Some(format!("article:{article}"));
    if state.store().reopen_article(article).await? {
        state.refresh_restrictions().await?;
        audit::record(state, actor, "article.reopen", target, None).await;
    }
    Ok(())
}
