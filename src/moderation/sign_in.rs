//! Moderators and admins sign in, sign out and change their password. A session is a
//! random token stored only as its hash; password checks (argon2) run off the async
//! executor and cost the same whether or not the account exists.

use std::net::IpAddr;

use crate::app::AppState;
use crate::auth::{CredentialKind, Role, User, new_token, passwords, token_hash};
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::gates::ratelimit::client::limit_key;
use crate::gates::ratelimit::{LimitedAction, text_key};
use crate::store::StoreError;
use crate::store::accounts::{NewCredential, UserChange};
use crate::store::now_ms;

use super::audit;
use super::refusal::{Refusal, spend};

/// A new session: the token to send back, whose account it is, and when it ends.
pub struct Session {
    pub token: String,
    pub role: Role,
    pub expires_at: i64,
    pub must_change_password: bool,
}

/// Signs in with a name and password. A wrong name, a wrong password and a disabled
/// account are the same `Unauthorized`.
///
/// Limits: every attempt counts against its address (that bounds the password hashing);
/// only failures count against the pair of address and name, which is locked once they
/// pass its quota, so guesses from elsewhere never lock the owner out and successful
/// logins never count; failures on one name from everywhere raise an alarm (log and
/// metric), never a refusal.
pub async fn log_in(
    state: &AppState,
    ip: IpAddr,
    username: &str,
    password: String,
) -> Result<Session, Refusal> {
    let limiter = state.limiter();
    spend(limiter, LimitedAction::LoginPerIp, limit_key(ip)).await?;
    let pair = text_key(&format!("{:x}|{username}", limit_key(ip)));
    if let Some(retry_after) = limiter.locked(pair) {
        return Err(Refusal::RateLimited { retry_after });
    }
    let user = state.store().user_by_name(username).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = verify(password, stored).await;
    let target = Some(format!("user:{username}"));
    let Some(user) = user.filter(|u| matches && !u.disabled) else {
        audit::record(state, "anonymous", "auth.login_failed", target, None).await;
        count_failure(state, pair, username).await;
        return Err(Refusal::Unauthorized);
    };
    let session = open_session(state, &user, now_ms()).await?;
    audit::record(state, &user.username, "auth.login", target, None).await;
    Ok(session)
}

/// A failed login: past its quota the address is locked out of this name; past the
/// name's own quota, the alarm.
async fn count_failure(state: &AppState, pair: u128, username: &str) {
    let limiter = state.limiter();
    if let Err(retry_after) = limiter.check(LimitedAction::LoginPerUser, pair).await {
        limiter.lock(pair, retry_after);
    }
    if limiter
        .check(LimitedAction::LoginAlarm, text_key(username))
        .await
        .is_err()
    {
        // Logged through the refusal log, so a guessing campaign cannot flood the log.
        crate::telemetry::metrics::inc("raqib_login_alarms_total", &[]);
        crate::telemetry::refusals::note("login_alarm", &format!("user:{username}"));
    }
}

/// Ends the session (or token) with this id.
pub async fn log_out(state: &AppState, user: &User, credential_id: i64) -> Result<(), Refusal> {
    state
        .store()
        .revoke_credential(Some(credential_id), None, now_ms())
        .await?;
    let target = Some(format!("user:{}", user.username));
    audit::record(state, &user.username, "auth.logout", target, None).await;
    Ok(())
}

/// Changes one's own password: the current one must be right and the new one long
/// enough. Every other session ends; a new one is returned.
pub async fn change_password(
    state: &AppState,
    user: &User,
    current: String,
    new: String,
) -> Result<Session, Refusal> {
    let ok = verify(current, Some(user.password_hash.clone())).await;
    let mut errors = FieldErrors::default();
    if !ok {
        errors.add("current", FieldCode::Invalid);
    }
    if passwords::check_new(&new).is_err() {
        errors.add("new", FieldCode::Invalid);
    }
    errors.into_result()?;
    let change = UserChange {
        password_hash: Some(hash_password(new).await?),
        must_change_password: Some(false),
        ..UserChange::default()
    };
    let now = now_ms();
    let user = state
        .store()
        .update_user(user.id, change, now)
        .await?
        .ok_or(Refusal::Unauthorized)?;
    let target = Some(format!("user:{}", user.username));
    audit::record(state, &user.username, "auth.password_change", target, None).await;
    open_session(state, &user, now).await
}

/// Argon2 off the async executor.
pub async fn hash_password(password: String) -> Result<String, Refusal> {
    tokio::task::spawn_blocking(move || passwords::hash(&password))
        .await
        .map_err(|e| e.to_string())
        .and_then(|hashed| hashed)
        .map_err(|cause| Refusal::Store(StoreError::Database(format!("hashing: {cause}"))))
}

/// Whether `password` matches the stored hash (false when there is none).
async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || passwords::verify(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}

/// A new session for `user`, lasting `auth.session_hours`.
async fn open_session(state: &AppState, user: &User, now: i64) -> Result<Session, Refusal> {
    let token = new_token();
    let expires_at = now + state.config().auth.session_hours as i64 * 3_600_000;
    state
        .store()
        .create_credential(NewCredential {
            token_hash: token_hash(&token),
            user_id: user.id,
            kind: CredentialKind::Session,
            name: None,
            now,
            expires_at: Some(expires_at),
        })
        .await?;
    Ok(Session {
        token,
        role: user.role,
        expires_at,
        must_change_password: user.must_change_password,
    })
}
