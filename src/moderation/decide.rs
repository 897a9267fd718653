//! A moderator decides: approve, reject, spam, or "not spam", one comment or many. A
//! move is allowed only from the statuses its rule names; the store checks that, the
//! status the moderator saw and any colleague's live claim inside one transaction, and
//! writes the audit row and the author's reputation with it.

use std::collections::HashMap;

use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::errors::FieldCode;
use crate::domain::{CommentId, Status};
use crate::store::moderation::{Decision, Outcome};
use crate::store::now_ms;

use super::refusal::Refusal;

/// Most comments one bulk decision may name.
pub const MAX_BULK: usize = 500;

/// What a moderator does with a comment.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[schema(as = DecisionAction)]
pub enum Action {
    /// Publish (from pending, spam or rejected).
    Approve,
    /// Refuse, or take down a published comment (from pending or approved), or correct
    /// a comment marked spam that was abuse (from spam: the retrained models learn it).
    Reject,
    /// Mark as spam (from pending or approved), or correct a rejected comment that was
    /// spam (from rejected).
    Spam,
    /// Not spam: back to pending (from spam).
    Ham,
}

impl Action {
    /// Where the move goes, the statuses it may start from, and its audit action.
    pub fn rule(self) -> (Status, &'static [Status], &'static str) {
        match self {
            Action::Approve => (
                Status::Approved,
                &[Status::Pending, Status::Spam, Status::Rejected],
                "comment.approve",
            ),
            Action::Reject => (
                Status::Rejected,
                &[Status::Pending, Status::Approved, Status::Spam],
                "comment.reject",
            ),
            Action::Spam => (
                Status::Spam,
                &[Status::Pending, Status::Approved, Status::Rejected],
                "comment.spam",
            ),
            Action::Ham => (Status::Pending, &[Status::Spam], "comment.ham"),
        }
    }
}

/// One decision as the moderator asked for it.
pub struct Request {
    pub id: CommentId,
    pub action: Action,
    /// Refuse when the comment is no longer in this status.
    pub expected: Option<Status>,
    pub actor: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Decide even under another moderator's live claim.
    pub override_claim: bool,
}

/// How one decision ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decided {
    Done,
    NotFound,
    /// Moved by someone else, claimed by another, or not a move from its status.
    Conflict,
}

/// Decides one comment.
pub async fn decide(state: &AppState, request: Request) -> Result<Decided, Refusal> {
    let (to, from, action) = request.action.rule();
    apply(
        state,
        Decision {
            id: request.id,
            to,
            from,
            expected: request.expected,
            actor: request.actor,
            action,
            reason: request.reason,
            note: request.note,
            override_claim: request.override_claim,
            now: now_ms(),
        },
    )
    .await
}

/// Decides many comments with one action; one outcome per id, in order. A comment a
/// colleague has moved since the moderator saw it (`expected`) is a conflict, not
/// overruled.
pub async fn decide_many(
    state: &AppState,
    ids: &[CommentId],
    action: Action,
    reason: Option<String>,
    expected: &HashMap<CommentId, Status>,
    actor: &str,
) -> Result<Vec<(CommentId, Decided)>, Refusal> {
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(Refusal::field("ids", FieldCode::Invalid));
    }
    let mut results = Vec::with_capacity(ids.len());
    for &id in ids {
        let request = Request {
            id,
            action,
            expected: expected.get(&id).copied(),
            actor: actor.to_string(),
            reason: reason.clone(),
            note: None,
            override_claim: false,
        };
        results.push((id, decide(state, request).await?));
    }
    Ok(results)
}

/// Marks comments of a banned author spam (those still pending); returns the ones that
/// moved.
pub async fn mark_spam_after_ban(
    state: &AppState,
    ids: &[CommentId],
    actor: &str,
) -> Result<Vec<CommentId>, Refusal> {
    let now = now_ms();
    let mut marked = Vec::new();
    for &id in ids {
        let decision = Decision {
            id,
            to: Status::Spam,
            from: &[Status::Pending],
            expected: Some(Status::Pending),
            actor: actor.to_string(),
            action: "comment.spam",
            reason: Some("banned_author".into()),
            note: None,
            override_claim: true,
            now,
        };
        if apply(state, decision).await? == Decided::Done {
            marked.push(id);
        }
    }
    Ok(marked)
}

/// Puts comments a ban's sweep marked spam back to pending when the ban is lifted
/// (those still spam); returns how many went back.
pub async fn restore_after_ban(
    state: &AppState,
    ids: &[CommentId],
    actor: &str,
) -> Result<usize, Refusal> {
    let now = now_ms();
    let mut restored = 0;
    for &id in ids {
        let decision = Decision {
            id,
            to: Status::Pending,
            from: &[Status::Spam],
            expected: Some(Status::Spam),
            actor: actor.to_string(),
            action: "comment.ham",
            reason: Some("ban_lifted".into()),
            note: None,
            override_claim: true,
            now,
        };
        if apply(state, decision).await? == Decided::Done {
            restored += 1;
        }
    }
    Ok(restored)
}

/// Stores a decision; this replica's memory of author histories and of public pages is
/// dropped so the next comment and the next reader see it.
async fn apply(state: &AppState, decision: Decision) -> Result<Decided, Refusal> {
    let outcome = state.store().decide(decision).await;
    state.forget_decided();
    Ok(match outcome? {
        Outcome::Done(_) => Decided::Done,
        Outcome::NotFound => Decided::NotFound,
        Outcome::Conflict(_) => Decided::Conflict,
    })
}
