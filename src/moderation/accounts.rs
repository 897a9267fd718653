//! Admins manage accounts and API tokens: create a moderator or admin (with a password
//! given or generated, to be changed at first login), change a role or disable an
//! account (its sessions and tokens end at once), reset a password, issue and revoke
//! tokens. Tokens and passwords are stored only as hashes; each change is audited.

use serde_json::json;

use crate::app::AppState;
use crate::auth::{Credential, CredentialKind, Role, User, new_token, passwords, token_hash};
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::store::StoreError;
use crate::store::accounts::{NewCredential, NewUser, UserChange};
use crate::store::now_ms;

use super::audit;
use super::refusal::Refusal;
use super::sign_in::hash_password;

/// A new account as the admin asked for it.
pub struct NewAccount {
    pub username: String,
    pub role: Role,
    /// None: one is generated, shown once and must be changed at first login.
    pub password: Option<String>,
}

/// Creates an account; returns it with the generated password, when one was. A taken
/// name is a `Conflict`.
pub async fn create_user(
    state: &AppState,
    actor: &str,
    account: NewAccount,
) -> Result<(User, Option<String>), Refusal> {
    let mut errors = FieldErrors::default();
    if !crate::auth::valid_username(&account.username) {
        errors.add("username", FieldCode::Invalid);
    }
    if let Some(p) = &account.password
        && passwords::check_new(p).is_err()
    {
        errors.add("password", FieldCode::Invalid);
    }
    errors.into_result()?;
    let generated = account.password.is_none().then(passwords::generate);
    let password = account
        .password
        .or_else(|| generated.clone())
        .unwrap_or_default();
    let user = state
        .store()
        .create_user(NewUser {
            username: account.username,
            password_hash: hash_password(password).await?,
            role: account.role,
            must_change_password: generated.is_some(),
            now: now_ms(),
        })
        .await
        .map_err(|err| match err {
            StoreError::Duplicate(_) => Refusal::Conflict { current: None },
            other => other.into(),
        })?;
    let target = Some(format!("user:{}", user.username));
    let change = Some((json!(null), json!({"role": user.role})));
    audit::record(state, actor, "user.create", target, change).await;
    Ok((user, generated))
}

/// Changes an account's role or turns it off or on.
pub async fn change_user(
    state: &AppState,
    actor: &str,
    id: i64,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<User, Refusal> {
    let before = state
        .store()
        .user_by_id(id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let change = UserChange {
        role,
        disabled,
        ..UserChange::default()
    };
    let after = state
        .store()
        .update_user(id, change, now_ms())
        .await?
        .ok_or(Refusal::NotFound)?;
    let target = Some(format!("user:{}", after.username));
    let change = Some((
        json!({"role": before.role, "disabled": before.disabled}),
        json!({"role": after.role, "disabled": after.disabled}),
    ));
    audit::record(state, actor, "user.change", target, change).await;
    Ok(after)
}

/// Gives an account a new generated password (returned, to be changed at next login)
/// and ends its sessions.
pub async fn reset_password(state: &AppState, actor: &str, id: i64) -> Result<String, Refusal> {
    let password = passwords::generate();
    let change = UserChange {
        password_hash: Some(hash_password(password.clone()).await?),
        must_change_password: Some(true),
        ..UserChange::default()
    };
    let user = state
        .store()
        .update_user(id, change, now_ms())
        .await?
        .ok_or(Refusal::NotFound)?;
    let target = Some(format!("user:{}", user.username));
    audit::record(state, actor, "user.password_reset", target, None).await;
    Ok(password)
}

/// Issues an API token acting as `user`; returns it (shown once) with its record.
pub async fn create_token(
    state: &AppState,
    actor: &str,
    user: &User,
    name: String,
    expires_in_days: Option<u32>,
) -> Result<(Credential, String), Refusal> {
    let token = new_token();
    let now = now_ms();
    let credential = state
        .store()
        .create_credential(NewCredential {
            token_hash: token_hash(&token),
            user_id: user.id,
            kind: CredentialKind::Api,
            name: Some(name.clone()),
            now,
            expires_at: expires_in_days.map(|d| now + i64::from(d) * 86_400_000),
        })
        .await?;
    let target = Some(format!("token:{}", credential.id));
    let change = Some((json!(null), json!({"name": name, "user": user.username})));
    audit::record(state, actor, "token.create", target, change).await;
    Ok((credential, token))
}

/// Revokes an API token or a session.
pub async fn revoke_token(state: &AppState, actor: &str, id: i64) -> Result<(), Refusal> {
    if !state
        .store()
        .revoke_credential(Some(id), None, now_ms())
        .await?
    {
        return Err(Refusal::NotFound);
    }
    audit::record(
        state,
        actor,
        "token.revoke",
        Some(format!("token:{id}")),
        None,
    )
    .await;
    Ok(())
}
