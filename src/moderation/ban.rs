//! A moderator bans an author (by a comment of theirs), an email, an email domain or an
//! address, optionally marking the author's pending comments spam; or lifts a ban. A
//! ban is in force on this replica at once and on the others within a second.

use serde_json::json;

use crate::app::AppState;
use crate::domain::Email;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::secrets::keys::display_prefix;
use crate::store::bans::{Ban, BanKind, NewBan};
use crate::store::now_ms;

use super::refusal::Refusal;
use super::{audit, decide};

/// Who to ban: exactly one of `comment_id` (its author's email and address), `email`,
/// `domain` or `ip`.
pub struct Request {
    pub comment_id: Option<i64>,
    pub email: Option<String>,
    pub domain: Option<String>,
    pub ip: Option<String>,
    /// With an IPv6 `ip` or a `comment_id`: the whole /64.
    pub whole_network: bool,
    pub reason: Option<String>,
    pub expires_in_days: Option<u32>,
    /// Also mark every pending comment of this author spam.
    pub mark_pending_spam: bool,
    pub actor: String,
}

/// The bans added, and how many pending comments were marked spam.
pub struct Banned {
    pub bans: Vec<Ban>,
    pub marked_spam: usize,
}

/// One ban to add: kind, keyed value, and a label a person can read.
type Target = (BanKind, String, String);

/// An author's keys, whose pending comments the ban may mark spam.
type Author = (String, Option<String>);

/// Adds the bans the request names.
pub async fn add(state: &AppState, request: Request) -> Result<Banned, Refusal> {
    let (targets, author) = targets(state, &request).await?;
    let bans = store_bans(state, &request, targets).await?;
    // In force for this replica's next submission; the others reload within a second.
    state.refresh_restrictions().await?;
    let marked_spam = match author {
        Some((email_hash, ip_hash)) if request.mark_pending_spam => {
            decide::mark_pending_spam(state, &email_hash, ip_hash.as_deref(), &request.actor)
                .await?
        }
        _ => 0,
    };
    Ok(Banned { bans, marked_spam })
}

/// Lifts a ban.
pub async fn lift(state: &AppState, id: i64, actor: &str) -> Result<(), Refusal> {
    if !state.store().lift_ban(id, now_ms()).await? {
        return Err(Refusal::NotFound);
    }
    state.refresh_restrictions().await?;
    audit::record(state, actor, "ban.lift", Some(format!("ban:{id}")), None).await;
    Ok(())
}

/// What to ban, every bad field named at once.
async fn targets(
    state: &AppState,
    request: &Request,
) -> Result<(Vec<Target>, Option<Author>), Refusal> {
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
    let mut targets = Vec::new();
    let mut author = None;
    if let Some(id) = request.comment_id {
        author = Some(comment_author(state, id, request.whole_network, &mut targets).await?);
    }
    if let Some(email) = &request.email
        && let Some(email) = errors.take("email", Email::parse(email))
    {
        let hash = state.secrets().email_hash(email.canonical());
        targets.push((BanKind::Email, hash.clone(), mask_email(email.as_str())));
        author = Some((hash, None));
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
    errors.into_result()?;
    Ok((targets, author))
}

/// The author of a comment: their email and address (and network when asked).
async fn comment_author(
    state: &AppState,
    id: i64,
    whole_network: bool,
    targets: &mut Vec<Target>,
) -> Result<Author, Refusal> {
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
    if let Some(ip) = &comment.ip_hash {
        targets.push((BanKind::Ip, ip.clone(), prefix.clone()));
    }
    if whole_network && let Some(net) = &comment.ip_net_hash {
        targets.push((BanKind::Net, net.clone(), prefix));
    }
    Ok((comment.email_hash, comment.ip_hash))
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

/// Stores each ban with its audit row.
async fn store_bans(
    state: &AppState,
    request: &Request,
    targets: Vec<Target>,
) -> Result<Vec<Ban>, Refusal> {
    let now = now_ms();
    let expires_at = request
        .expires_in_days
        .map(|d| now + i64::from(d) * 86_400_000);
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
                expires_at,
            })
            .await?;
        let after = json!({"kind": ban.kind, "label": ban.label, "reason": ban.reason});
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
fn mask_email(email: &str) -> String {
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
