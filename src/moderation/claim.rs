//! Moderators claim comments so two of them never work the same one: the next few
//! unclaimed comments, or one by id, each a lease that expires; a claim can be released.

use crate::app::AppState;
use crate::domain::{Class, CommentId, Status};
use crate::store::moderation::ClaimRequest;
use crate::store::now_ms;

use super::audit;
use super::refusal::Refusal;

/// How long a claim lasts.
pub const LEASE_MS: i64 = 5 * 60 * 1000;

/// Most comments one claim may take.
pub const MAX_CLAIM: u32 = 100;

/// Which comments to claim.
pub struct Next {
    pub holder: String,
    /// 1 to [`MAX_CLAIM`] (clamped).
    pub count: u32,
    pub status: Option<Status>,
    pub class: Option<Class>,
    pub article: Option<String>,
}

/// Claims the next unclaimed comments; two moderators asking at once never get the same
/// comment. Returns the claimed ids.
pub async fn claim_next(state: &AppState, next: Next) -> Result<Vec<CommentId>, Refusal> {
    let holder = next.holder.clone();
    let ids = state
        .store()
        .claim_next(ClaimRequest {
            holder: next.holder,
            count: next.count.clamp(1, MAX_CLAIM),
            status: next.status.unwrap_or(Status::Pending),
            class: next.class,
            article: next.article,
            now: now_ms(),
            lease_ms: LEASE_MS,
        })
        .await?;
    for id in &ids {
        audit::record(
            state,
            &holder,
            "comment.claim",
            Some(format!("comment:{id}")),
            None,
        )
        .await;
    }
    Ok(ids)
}

/// Claims one comment: `NotFound` when there is none, `Conflict` when a colleague holds
/// a live claim on it.
pub async fn claim_one(state: &AppState, id: CommentId, holder: &str) -> Result<(), Refusal> {
    match state
        .store()
        .claim_one(id, holder.to_string(), now_ms(), LEASE_MS)
        .await?
    {
        None => Err(Refusal::NotFound),
        Some(false) => Err(Refusal::Conflict { current: None }),
        Some(true) => {
            audit::record(
                state,
                holder,
                "comment.claim",
                Some(format!("comment:{id}")),
                None,
            )
            .await;
            Ok(())
        }
    }
}

/// Releases `holder`'s claim on a comment (`any`: whoever holds it, for admins).
pub async fn release(
    state: &AppState,
    id: CommentId,
    holder: &str,
    any: bool,
) -> Result<(), Refusal> {
    if state
        .store()
        .release_claim(id, holder.to_string(), any)
        .await?
    {
        Ok(())
    } else {
        Err(Refusal::NotFound)
    }
}
