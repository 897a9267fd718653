//! A moderator bans an author (by a comment of theirs: their email, and their address
//! only when asked), an email, an email domain or an address; optionally marks that
//! author's pending comments spam (those with the same email, never other people's from
//! the same address). A ban is in force on this replica at once and on the others
//! within a second. Address bans expire by default: an address is often shared (an
//! office, a mobile carrier), and the next person behind it did nothing.

use serde_json::json;

use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::domain::{CommentId, Email};
use crate::secrets::keys::display_prefix;
use crate::store::bans::{Ban, BanKind, NewBan};
use crate::store::now_ms;

use super::refusal::Refusal;
use super::{audit, decide};

/// How long an address ban lasts when the moderator does not say.
pub const ADDRESS_BAN_DAYS: u32 = 7;

/// The longest a ban may be set for, in days (longer: make it permanent).
pub const MAX_BAN_DAYS: u32 = 3650;

/// Who to ban: exactly one of `comment_id` (its author's email), `email`, `domain` or
/// `ip`.
pub struct Request {
    pub comment_id: Option<i64>,
    pub email: Option<String>,
    pub domain: Option<String>,
    /// An address to ban.
    pub ip: Option<String>,
    /// With `comment_id`: also ban the author's address.
    pub author_address: bool,
    /// With an IPv6 `ip`, or a `comment_id`: the whole /64.
    pub whole_network: bool,
    pub reason: Option<String>,
    /// For the email or domain ban; none: permanent. Address bans take it too unless
    /// `address_expires_in_days` is given, and [`ADDRESS_BAN_DAYS`] when neither is.
    pub expires_in_days: Option<u32>,
    pub address_expires_in_days: Option<u32>,
    /// Also mark the author's pending comments (same email) spam.
    pub mark_pending_spam: bool,
    /// With `mark_pending_spam`: only these (the ones the moderator was shown).
    pub sweep_ids: Option<Vec<CommentId>>,
    pub actor: String,
}

/// The bans added, and how many pending comments were marked spam.
pub struct Banned {
    pub bans: Vec<Ban>,
    pub marked_spam: usize,
}

/// One ban to add: kind, keyed value, and a label a person can read.
type Target = (BanKind, String, String);

/// Adds the bans the request names.
pub async fn add(state: &AppState, request: Request) -> Result<Banned, Refusal> {
    let (targets, author) = targets(state, &request).await?;
    let bans = store_bans(state, &request, targets).await?;
    // In force for this replica's next submission; the others reload within a second.
    state.refresh_restrictions().await?;
    let marked_spam = match author {
        Some(email_hash) if request.mark_pending_spam => {
            let email_ban = bans.iter().find(|b| b.kind == BanKind::Email);
            sweep(state, &request, &email_hash, email_ban.map(|b| b.id)).await?
        }
        _ => 0,
    };
    Ok(Banned { bans, marked_spam })
}

/// Marks the author's pending comments spam (only those named, when named), and
/// remembers them with the ban so that lifting it can offer to put them back.
async fn sweep(
    state: &AppState,
    request: &Request,
    email_hash: &str,
    ban_id: Option<i64>,
) -> Result<usize, Refusal> {
    let mut ids: Vec<CommentId> = state
        .store()
        .pending_of_email(email_hash)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    if let Some(named) = &request.sweep_ids {
        ids.retain(|id| named.contains(id));
    }
    let marked = decide::mark_spam_after_ban(state, &ids, &request.actor).await?;
    if let Some(ban_id) = ban_id {
        state.store().record_sweep(ban_id, marked.clone()).await?;
    }
    Ok(marked.len())
}

/// Lifts a ban; with `restore`, the comments its sweep marked spam that are still spam
/// go back to pending. Returns how many went back.
pub async fn lift(state: &AppState, id: i64, restore: bool, actor: &str) -> Result<usize, Refusal> {
    if !state.store().lift_ban(id, now_ms()).await? {
        return Err(Refusal::NotFound);
    }
    state.refresh_restrictions().await?;
    audit::record(state, actor, "ban.lift", Some(format!("ban:{id}")), None).await;
    if !restore {
        return Ok(0);
    }
    let still_spam: Vec<CommentId> = state
        .store()
        .swept_by(id)
        .await?
        .into_iter()
        .filter(|c| c.status == "spam")
        .map(|c| c.id)
        .collect();
    decide::restore_after_ban(state, &still_spam, actor).await
}

/// Sets when a standing ban ends, counted from now (`None`: never).
pub async fn set_expiry(
    state: &AppState,
    id: i64,
    days: Option<u32>,
    actor: &str,
) -> Result<Ban, Refusal> {
    if days.is_some_and(|d| d == 0 || d > MAX_BAN_DAYS) {
        return Err(Refusal::field("expires_in_days", FieldCode::Invalid));
    }
    let before = state.store().get_ban(id).await?.ok_or(Refusal::NotFound)?;
    let expires_at = days.map(|d| now_ms() + i64::from(d) * 86_400_000);
    let ban = state
        .store()
        .set_ban_expiry(id, expires_at)
        .await?
        .ok_or(Refusal::NotFound)?;
    state.refresh_restrictions().await?;
    let change = (
        json!({"expires_at": before.expires_at}),
        json!({"expires_at": ban.expires_at}),
    );
    audit::record(
        state,
        actor,
        "ban.extend",
        Some(format!("ban:{id}")),
        Some(change),
    )
    .await;
    Ok(ban)
}

/// What to ban, every bad field named at once; and the author's email hash when the
/// ban names one author.
async fn targets(
    state: &AppState,
    request: &Request,
) -> Result<(Vec<Target>, Option<String>), Refusal> {
    let named = [
        request.comment_id.is_some(),
        request.email.is_some(),
        request.domain.is_some(),
        request.ip.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let mut errors = FieldErrors::default();
    if named != 1 {
        errors.add("comment_id", FieldCode::Required);
    }
    for (field, days) in [
        ("expires_in_days", request.expires_in_days),
        ("address_expires_in_days", request.address_expires_in_days),
    ] {
        if days.is_some_and(|d| d == 0 || d > MAX_BAN_DAYS) {
            errors.add(field, FieldCode::Invalid);
        }
    }
    if request.author_address && request.comment_id.is_none() {
        errors.add("ip", FieldCode::Invalid);
    }
    let mut targets = Vec::new();
    let mut author = None;
    if let Some(id) = request.comment_id {
        author = Some(comment_author(state, id, request, &mut targets).await?);
    }
    if let Some(email) = &request.email
        && let Some(email) = errors.take("email", Email::parse(email))
    {
        let hash = state.secrets().email_hash(email.canonical());
        targets.push((BanKind::Email, hash.clone(), mask_email(email.as_str())));
        author = Some(hash);
    }
    if let Some(domain) = &request.domain {
        let domain = domain.trim().trim_start_matches('@').to_ascii_lowercase();
        if domain.contains('.') && Email::parse(&format!("x@{domain}")).is_ok() {
            targets.push((BanKind::Domain, domain.clone(), domain));
        } else {
            errors.add("domain", FieldCode::Invalid);
        }
    }
    if let Some(ip) = &request.ip {
        match address(state, ip, request.whole_network) {
            Some(target) => targets.push(target),
            None => errors.add("ip", FieldCode::Invalid),
        }
    }
    if request.mark_pending_spam && author.is_none() && errors.is_empty() {
        // Only an author's own comments are swept; an address or a domain has none.
        errors.add("mark_pending_spam", FieldCode::Invalid);
    }
    errors.into_result()?;
    Ok((targets, author))
}

/// The author of a comment: their email, and their address or network when asked.
async fn comment_author(
    state: &AppState,
    id: i64,
    request: &Request,
    targets: &mut Vec<Target>,
) -> Result<String, Refusal> {
    let comment = state
        .store()
        .get_comment(id)
        .await?
        .ok_or(Refusal::NotFound)?;
    targets.push((
        BanKind::Email,
        comment.email_hash.clone(),
        mask_email(&comment.author_email),
    ));
    let prefix = comment.ip_prefix.clone().unwrap_or_default();
    if request.author_address
        && let Some(ip) = &comment.ip_hash
    {
        targets.push((BanKind::Ip, ip.clone(), prefix.clone()));
    }
    if request.whole_network
        && let Some(net) = &comment.ip_net_hash
    {
        targets.push((BanKind::Net, net.clone(), prefix));
    }
    Ok(comment.email_hash)
}

/// An address, or its IPv6 /64 when the whole network is asked for.
fn address(state: &AppState, ip: &str, whole_network: bool) -> Option<Target> {
    let ip = ip.trim().parse::<std::net::IpAddr>().ok()?;
    let keys = state.secrets();
    Some(if whole_network && ip.is_ipv6() {
        (BanKind::Net, keys.ip_net_hash(ip), display_prefix(ip))
    } else {
        (BanKind::Ip, keys.ip_hash(ip), display_prefix(ip))
    })
}

/// When a ban of this kind made now ends.
fn expiry(request: &Request, kind: BanKind, now: i64) -> Option<i64> {
    let days = match kind {
        BanKind::Email | BanKind::Domain => request.expires_in_days,
        BanKind::Ip | BanKind::Net => Some(
            request
                .address_expires_in_days
                .or(request.expires_in_days)
                .unwrap_or(ADDRESS_BAN_DAYS),
        ),
    };
    days.map(|d| now + i64::from(d) * 86_400_000)
}

/// Stores each ban with its audit row.
async fn store_bans(
    state: &AppState,
    request: &Request,
    targets: Vec<Target>,
) -> Result<Vec<Ban>, Refusal> {
    let now = now_ms();
    let mut bans = Vec::with_capacity(targets.len());
    for (kind, value, label) in targets {
        let ban = state
            .store()
            .add_ban(NewBan {
                kind,
                value,
                label: Some(label),
                reason: request.reason.clone(),
                by: request.actor.clone(),
                now,
                expires_at: expiry(request, kind, now),
            })
            .await?;
        let after = json!({"kind": ban.kind, "label": ban.label, "reason": ban.reason, "expires_at": ban.expires_at});
        let target = Some(format!("ban:{}", ban.id));
        audit::record(
            state,
            &request.actor,
            "ban.add",
            target,
            Some((json!(null), after)),
        )
        .await;
        bans.push(ban);
    }
    Ok(bans)
}

/// `reader@example.com` → `r*****@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}*****@{domain}")
        }
        None => "*****".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_email_keeps_its_first_letter_and_domain() {
        assert_eq!(mask_email("reader@example.com"), "r*****@example.com");
        assert_eq!(mask_email("قارئ@example.com"), "ق*****@example.com");
        assert_eq!(mask_email("nonsense"), "*****");
    }
}
