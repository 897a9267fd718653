//! A reader submits a comment: the path every comment takes, from the raw fields to a
//! committed row, the same for the JSON API, the form post and the no-JavaScript iframe.
//!
//! The order is the contract's: malformed input stops first and spends no quota; then
//! quotas, bans and closed articles (before any security code is spent); then the
//! filter's verdict, which in adaptive mode decides whether a security code is needed;
//! then one transaction stores the comment (and burns the code). A reply means committed.

use std::net::IpAddr;

use crate::app::AppState;
use crate::config::ModerationMode;
use crate::domain::errors::FieldCode;
use crate::domain::{
    CaptchaAnswer, Class, CommentId, NewComment, RawSubmission, Status, Submission,
};
use crate::filter::{Context, Input, Reputation, Verdict};
use crate::gates::captcha;
use crate::gates::ratelimit::client::limit_key;
use crate::gates::ratelimit::{LimitedAction, text_key};
use crate::notify::webhook::Event;
use crate::secrets::keys::display_prefix;
use crate::store::bans::Submitter;
use crate::store::{StoreError, now_ms, rfc3339};

use super::refusal::{Refusal, spend};

/// What arrived, and from where.
pub struct Request {
    pub raw: RawSubmission,
    /// The client's address (behind trusted proxies, the forwarded one).
    pub ip: IpAddr,
    pub user_agent: Option<String>,
}

/// A comment was accepted and committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub id: CommentId,
    /// What the reader is told: `approved` when published at once, else `pending`
    /// (spam is answered like pending: spammers learn nothing).
    pub shown: Status,
}

/// Submits a comment and counts the outcome (`raqib_submissions_total` by class and
/// outcome).
pub async fn submit(state: &AppState, request: Request) -> Result<Accepted, Refusal> {
    let mut class = None;
    let result = run(state, request, &mut class).await;
    let outcome = match &result {
        Ok(_) => "accepted",
        Err(refusal) => refusal.code(),
    };
    crate::telemetry::metrics::inc(
        "raqib_submissions_total",
        &[
            ("class", class.map(Class::as_str).unwrap_or("none")),
            ("outcome", outcome),
        ],
    );
    result
}

/// The steps; `class` learns the filter's verdict once there is one.
async fn run(
    state: &AppState,
    request: Request,
    class: &mut Option<Class>,
) -> Result<Accepted, Refusal> {
    let mode = state.config().captcha.mode;
    let submission = parse(&request.raw, mode)?;
    check_parent(state, &submission).await?;
    spend_quotas(state, &submission, request.ip).await?;
    let now = now_ms();
    let submitter = identify(state, &submission, request.ip);
    check_restrictions(state, &submission, &submitter, now)?;
    let verdict = screen(state, &submission, &submitter, now).await?;
    *class = Some(verdict.class);
    let nonce = check_captcha(state, mode, verdict.class, &submission, request.ip, now).await?;
    let comment = new_comment(state, &submission, submitter, &request, verdict, nonce, now)?;
    let (article, status, class, score) = (
        comment.article.clone(),
        comment.status,
        comment.class,
        comment.score,
    );
    let id = store(state, comment).await?;
    tracing::Span::current().record("comment_id", id);
    tracing::Span::current().record("class", class.as_str());
    announce(state, id, article, class, status, score, now);
    answer(id, class, status)
}

/// Every field checked at once. A missing security code is one of the field errors; a
/// wrong one is judged only once every field is right, so a reader with a typo in the
/// email keeps the code.
fn parse(raw: &RawSubmission, mode: captcha::Mode) -> Result<Submission, Refusal> {
    let captcha_missing = mode == captcha::Mode::Always && !raw.has_captcha();
    match Submission::parse(raw) {
        Ok(submission) if !captcha_missing => Ok(submission),
        Ok(_) => Err(Refusal::field("captcha", FieldCode::Required)),
        Err(mut errors) => {
            if captcha_missing {
                errors.add("captcha", FieldCode::Required);
            }
            Err(Refusal::Invalid(errors))
        }
    }
}

/// A reply must answer a published comment of the same article.
async fn check_parent(state: &AppState, submission: &Submission) -> Result<(), Refusal> {
    let Some(parent) = submission.parent else {
        return Ok(());
    };
    match state.store().get_comment(parent).await? {
        Some(p) if p.article == submission.article.as_str() && p.status == Status::Approved => {
            Ok(())
        }
        _ => Err(parent_not_found()),
    }
}

fn parent_not_found() -> Refusal {
    Refusal::field("parent", FieldCode::NotFound)
}

/// Per address and per canonical email.
async fn spend_quotas(
    state: &AppState,
    submission: &Submission,
    ip: IpAddr,
) -> Result<(), Refusal> {
    let limiter = state.limiter();
    let email = text_key(submission.email.canonical());
    for (action, key) in [
        (LimitedAction::SubmitPerIp, limit_key(ip)),
        (LimitedAction::SubmitPerEmail, email),
    ] {
        spend(limiter, action, key).await?;
    }
    Ok(())
}

/// The submitter's keyed hashes, computed once for bans, reputation and the row.
fn identify(state: &AppState, submission: &Submission, ip: IpAddr) -> Submitter {
    let keys = state.secrets();
    Submitter {
        email_hash: keys.email_hash(submission.email.canonical()),
        domains: parent_domains(submission.email.domain()),
        ip_hash: Some(keys.ip_hash(ip)),
        net_hash: Some(keys.ip_net_hash(ip)),
    }
}

/// Bans and closed articles, answered before any security code is spent, from this
/// replica's copy (at most a second old) rather than a database round trip each.
fn check_restrictions(
    state: &AppState,
    submission: &Submission,
    submitter: &Submitter,
    now: i64,
) -> Result<(), Refusal> {
    if state.restrictions().banned(submitter, now).is_some() {
        return Err(Refusal::Banned);
    }
    if state.restrictions().is_closed(submission.article.as_str()) {
        return Err(Refusal::CommentsClosed);
    }
    Ok(())
}

/// The filter's verdict, with the author's history, the time since the form was
/// served and the article's flood state as context.
async fn screen(
    state: &AppState,
    submission: &Submission,
    submitter: &Submitter,
    now: i64,
) -> Result<Verdict, Refusal> {
    let article = submission.article.as_str();
    let (by_email, by_ip) = state
        .reputation(&submitter.email_hash, submitter.ip_hash.as_deref())
        .await?;
    let context = Context {
        reputation: Reputation {
            approved: by_email.approved.max(0) as u32,
            rejected: (by_email.rejected + by_ip.rejected).max(0) as u32,
            spam: (by_email.spam + by_ip.spam).max(0) as u32,
        },
        elapsed_ms: submission
            .form_token
            .as_deref()
            .and_then(|token| state.live_filter().elapsed_since_form(token, article, now)),
        author: Some(submitter.email_hash.clone()),
        flood: state.limiter().flood(article).await,
        ..Context::default()
    };
    let input = Input {
        body: submission.body.as_str(),
        name: submission.name.as_str(),
        email: submission.email.as_str(),
        website: submission.website.as_deref(),
    };
    Ok(state.live_filter().check(&input, context))
}

/// Whether a security code is needed (always; in adaptive mode when the text is not
/// clean or the address posted recently, or when one was given) and, if so, its
/// challenge's nonce, to be burned with the comment.
async fn check_captcha(
    state: &AppState,
    mode: captcha::Mode,
    class: Class,
    submission: &Submission,
    ip: IpAddr,
    now: i64,
) -> Result<Option<(String, i64)>, Refusal> {
    let needed = match mode {
        captcha::Mode::Off => false,
        captcha::Mode::Always => true,
        captcha::Mode::Adaptive => {
            class != Class::Ok
                || state.captchas().seen_recently(limit_key(ip))
                || submission.captcha.is_some()
        }
    };
    if !needed {
        return Ok(None);
    }
    verify_captcha(state, submission.captcha.as_ref(), now)
        .await
        .map(Some)
}

/// A wrong answer burns the challenge at once; a right one is returned to be burned
/// with the comment, in one transaction.
async fn verify_captcha(
    state: &AppState,
    answer: Option<&CaptchaAnswer>,
    now: i64,
) -> Result<(String, i64), Refusal> {
    let Some(answer) = answer else {
        return Err(Refusal::CaptchaRequired);
    };
    match state.captchas().check(&answer.id, &answer.answer, now) {
        Ok(challenge) => Ok((challenge.nonce, challenge.expires_at)),
        Err((_, Some(challenge))) => {
            state
                .store()
                .burn_nonce(&challenge.nonce, challenge.expires_at)
                .await?;
            Err(Refusal::CaptchaInvalid)
        }
        Err((_, None)) => Err(Refusal::CaptchaInvalid),
    }
}

/// The row to store.
fn new_comment(
    state: &AppState,
    submission: &Submission,
    submitter: Submitter,
    request: &Request,
    verdict: Verdict,
    captcha_nonce: Option<(String, i64)>,
    now: i64,
) -> Result<NewComment, Refusal> {
    let hits = serde_json::to_string(&verdict.hits).map_err(|err| {
        Refusal::Store(StoreError::Database(format!("cannot encode hits: {err}")))
    })?;
    Ok(NewComment {
        article: submission.article.as_str().to_string(),
        parent: submission.parent,
        author_name: submission.name.as_str().to_string(),
        author_email: submission.email.as_str().to_string(),
        email_hash: submitter.email_hash,
        ip_hash: submitter.ip_hash,
        ip_net_hash: submitter.net_hash,
        ip_prefix: Some(display_prefix(request.ip)),
        user_agent: request
            .user_agent
            .as_deref()
            .map(|ua| ua.chars().take(512).collect()),
        body: submission.body.as_str().to_string(),
        status: arriving_status(state.config().moderation.mode, verdict.class),
        class: verdict.class,
        score: f64::from(verdict.score),
        hits,
        body_key: crate::filter::search::search_key(&verdict.body_key),
        created_at: now,
        captcha_nonce,
    })
}

/// One transaction: the parent checked again (it may have been taken down since) and
/// the security code burned with the row.
async fn store(state: &AppState, comment: NewComment) -> Result<CommentId, Refusal> {
    state
        .store()
        .insert_comment(comment)
        .await
        .map_err(|err| match err {
            StoreError::ParentInvalid => parent_not_found(),
            StoreError::NonceSpent => Refusal::CaptchaInvalid,
            other => other.into(),
        })
}

/// A comment published on arrival changes the article's pages; a held or spam one is
/// announced on the webhook.
fn announce(
    state: &AppState,
    id: CommentId,
    article: String,
    class: Class,
    status: Status,
    score: f64,
    now: i64,
) {
    if status == Status::Approved {
        state.pages().invalidate();
    }
    if matches!(class, Class::Hold | Class::Spam)
        && let Some(webhook) = state.webhook()
    {
        webhook.notify(Event {
            event: "comment.queued".into(),
            id,
            article,
            class,
            status,
            score,
            created_at: rfc3339(now),
        });
    }
}

/// A blocked comment is stored for audit and back-tests, never public, and the reader
/// is told plainly; everything else is acknowledged.
fn answer(id: CommentId, class: Class, status: Status) -> Result<Accepted, Refusal> {
    if class == Class::Block {
        return Err(Refusal::ContentBlocked);
    }
    let shown = if status == Status::Approved {
        Status::Approved
    } else {
        Status::Pending
    };
    Ok(Accepted { id, shown })
}

/// `a.b.example.com` → `a.b.example.com`, `b.example.com`, `example.com` (at most four).
fn parent_domains(domain: &str) -> Vec<String> {
    let labels: Vec<&str> = domain.split('.').collect();
    (0..labels.len().saturating_sub(1))
        .map(|i| labels[i..].join("."))
        .take(4)
        .collect()
}

/// Where a comment of `class` starts, by moderation mode: `ok` waits in `pre` and is
/// published in `post`; `hold` always waits; `spam` and `block` go to their own
/// statuses.
pub fn arriving_status(mode: ModerationMode, class: Class) -> Status {
    match (class, mode) {
        (Class::Ok, ModerationMode::Post) => Status::Approved,
        (Class::Ok | Class::Hold, _) => Status::Pending,
        (Class::Spam, _) => Status::Spam,
        (Class::Block, _) => Status::Blocked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arriving_status_follows_the_contract_table() {
        use Class::*;
        use ModerationMode::*;
        let table = [
            (Ok, Pre, Status::Pending),
            (Hold, Pre, Status::Pending),
            (Spam, Pre, Status::Spam),
            (Block, Pre, Status::Blocked),
            (Ok, Post, Status::Approved),
            (Hold, Post, Status::Pending),
            (Spam, Post, Status::Spam),
            (Block, Post, Status::Blocked),
        ];
        for (class, mode, want) in table {
            assert_eq!(arriving_status(mode, class), want, "{class:?} in {mode:?}");
        }
    }

    #[test]
    fn an_email_domain_names_its_parents_up_to_four() {
        assert_eq!(
            parent_domains("a.b.example.com"),
            ["a.b.example.com", "b.example.com", "example.com"]
        );
        assert_eq!(parent_domains("example.com"), ["example.com"]);
        assert_eq!(parent_domains("a.b.c.d.e.f").len(), 4);
    }
}
