//! Privacy requests: export or erase everything stored for one email (any spelling of
//! it: the canonical form decides). Used by the admin API and `raqib privacy`.

use crate::app::AppState;
use crate::domain::Email;
use crate::store::privacy::PrivacyExport;
use crate::store::{StoreResult, now_ms, rfc3339};

pub async fn export(state: &AppState, email: &Email) -> StoreResult<PrivacyExport> {
    let hash = state.secrets().email_hash(email.canonical());
    let comments = state.store().comments_of(&hash).await?;
    let (history, _) = state.store().reputation(&hash, None).await?;
    let bans = state.store().count_email_bans(&hash).await? as usize;
    Ok(PrivacyExport {
        comments: comments
            .into_iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "article": c.article, "parent": c.parent, "name": c.author_name,
                    "email": c.author_email, "body": c.body, "status": c.status,
                    "ip_prefix": c.ip_prefix, "user_agent": c.user_agent, "created_at": rfc3339(c.created_at),
                })
            })
            .collect(),
        bans,
        history,
    })
}

pub async fn erase(state: &AppState, email: &Email) -> StoreResult<u64> {
    let hash = state.secrets().email_hash(email.canonical());
    let erased = state.store().erase(hash, now_ms()).await;
    // Names of published comments are gone: no page may be served from memory.
    state.pages().invalidate();
    erased
}
