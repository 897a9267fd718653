//! A reader reports a published comment. Each address counts once per comment; in
//! post-moderation, enough reports send the comment back to the queue, and it leaves the
//! public pages at once.

use std::net::IpAddr;

use crate::app::AppState;
use crate::config::ModerationMode;
use crate::domain::CommentId;
use crate::gates::ratelimit::LimitedAction;
use crate::gates::ratelimit::client::limit_key;
use crate::store::now_ms;
use crate::store::reports::Reported;

use super::refusal::{Refusal, spend};

/// Longest reason kept, in characters.
const MAX_REASON: usize = 500;

/// Records a reader's report (rate-limited per address). `NotFound` when the comment is
/// not published.
pub async fn report(
    state: &AppState,
    id: CommentId,
    ip: IpAddr,
    reason: Option<String>,
) -> Result<(), Refusal> {
    spend(state.limiter(), LimitedAction::Report, limit_key(ip)).await?;
    let moderation = &state.config().moderation;
    let send_back_at = (moderation.mode == ModerationMode::Post)
        .then(|| i64::from(moderation.reports_to_pending.max(1)));
    let reason = reason.map(|r| r.chars().take(MAX_REASON).collect());
    let ip_hash = state.secrets().ip_hash(ip);
    match state
        .store()
        .report(id, ip_hash, reason, now_ms(), send_back_at)
        .await?
    {
        Reported::NotFound => Err(Refusal::NotFound),
        Reported::Counted {
            sent_back: true, ..
        } => {
            // Taken down for review: readers must not be served it from memory.
            state.pages().invalidate();
            Ok(())
        }
        Reported::Again | Reported::Counted { .. } => Ok(()),
    }
}
