//! What a ban would do, shown to the moderator before it runs, and what a ban did,
//! shown afterwards: the author's pending comments a sweep would mark spam (exactly
//! those), how many other people's comments share the author's address, and for a
//! standing ban the comments its sweep marked spam.

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::store::bans::{AuthorComment, Ban, Sharing};

use super::ban::{ADDRESS_BAN_DAYS, mask_email};
use super::refusal::Refusal;

/// What banning the author of a comment would touch.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BanPreview {
    pub comment_id: i64,
    /// The author's email, masked: what an email ban names.
    pub email: String,
    /// The author's pending comments (same email), which `mark_pending_spam` would mark
    /// spam.
    pub pending: Vec<AuthorComment>,
    /// The author's address (its prefix), when the comment has one.
    pub address: Option<AddressPreview>,
}

/// The author's address, and the other people behind it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AddressPreview {
    /// The prefix shown for the address (a /24, or a /48 for IPv6).
    pub label: String,
    /// Other emails' comments from this exact address.
    pub others: Sharing,
    /// An IPv6 address, whose whole /64 may be banned.
    pub ipv6: bool,
    /// How long an address ban lasts unless the moderator says otherwise.
    pub default_days: u32,
}

/// A ban and the comments its sweep marked spam (with their status now).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BanDetail {
    pub ban: Ban,
    pub swept: Vec<AuthorComment>,
}

/// What banning the author of comment `id` would touch.
pub async fn preview(state: &AppState, id: i64) -> Result<BanPreview, Refusal> {
    let store = state.store();
    let comment = store.get_comment(id).await?.ok_or(Refusal::NotFound)?;
    let pending = store.pending_of_email(&comment.email_hash).await?;
    let address = match &comment.ip_hash {
        Some(ip_hash) => Some(AddressPreview {
            label: comment.ip_prefix.clone().unwrap_or_default(),
            others: store.sharing_address(ip_hash, &comment.email_hash).await?,
            ipv6: comment
                .ip_prefix
                .as_deref()
                .is_some_and(|p| p.contains(':')),
            default_days: ADDRESS_BAN_DAYS,
        }),
        None => None,
    };
    Ok(BanPreview {
        comment_id: id,
        email: mask_email(&comment.author_email),
        pending,
        address,
    })
}

/// A ban, standing or not, and what its sweep marked spam.
pub async fn detail(state: &AppState, id: i64) -> Result<BanDetail, Refusal> {
    let ban = state.store().get_ban(id).await?.ok_or(Refusal::NotFound)?;
    let swept = state.store().swept_by(id).await?;
    Ok(BanDetail { ban, swept })
}
