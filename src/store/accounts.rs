//! Users, sessions and API tokens, and the audit log: the [`Accounts`] part of the store,
//! one SQL text for both backends. Writes go through the backend's `write` (SQLite: the
//! single writer; PostgreSQL: a transaction), reads through its `reader`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::backend::Backend;
use super::conn::Conn;
use super::error::{StoreError, StoreResult};
use crate::domain::account::{Credential, CredentialKind, Role, User};

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub must_change_password: bool,
    pub now: i64,
}

/// Changes to a user; `None` leaves a field as it is. Disabling revokes every session and
/// token of the user in the same transaction.
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    pub must_change_password: Option<bool>,
}

/// A session or API token to store.
#[derive(Clone, Debug)]
pub struct NewCredential {
    pub token_hash: String,
    pub user_id: i64,
    pub kind: CredentialKind,
    pub name: Option<String>,
    pub now: i64,
    pub expires_at: Option<i64>,
}

/// One audit row to append.
#[derive(Clone, Debug, Default)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

/// An audit row as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

/// Which audit rows to list, newest first.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Prefix of the action, e.g. `comment.` or `user.create`.
    pub action: Option<String>,
    pub target: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Rows with ids below this (paging backwards).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Query functions over one backend's connection and pool types.
/// Users, credentials and the audit log (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Accounts: Send + Sync {
    /// Creates a user (`Duplicate` when the name is taken).
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;

    /// Creates the first admin unless an active admin exists or another process already
    /// did (one transaction; two replicas starting at once create exactly one).
    async fn bootstrap_admin(&self, user: NewUser) -> StoreResult<bool>;

    /// Changes a user; disabling (or an admin's password reset) revokes their sessions.
    async fn update_user(&self, id: i64, change: UserChange, now: i64)
    -> StoreResult<Option<User>>;

    async fn user_by_name(&self, name: &str) -> StoreResult<Option<User>>;

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>>;

    async fn list_users(&self) -> StoreResult<Vec<User>>;

    /// Stores a session or API token (its hash).
    async fn create_credential(&self, credential: NewCredential) -> StoreResult<Credential>;

    /// A live credential by token hash, with its enabled user.
    async fn find_credential(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(Credential, User)>>;

    /// Revokes a credential by id or by token hash.
    async fn revoke_credential(
        &self,
        id: Option<i64>,
        token_hash: Option<String>,
        now: i64,
    ) -> StoreResult<bool>;

    async fn list_credentials(&self, kind: CredentialKind) -> StoreResult<Vec<Credential>>;

    /// Appends one audit row.
    async fn append_audit(&self, entry: AuditEntry) -> StoreResult<()>;

    /// Audit rows, newest first.
    async fn audit_log(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;
}

#[async_trait]
impl<B: Backend> Accounts for B {
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        self.write(move |c| Box::pin(async move { insert_user(c, &user).await }))
            .await
    }

    async fn bootstrap_admin(&self, user: NewUser) -> StoreResult<bool> {
        self.write(move |c| Box::pin(async move { bootstrap_admin(c, &user).await }))
            .await
    }

    async fn update_user(
        &self,
        id: i64,
        change: UserChange,
        now: i64,
    ) -> StoreResult<Option<User>> {
        self.write(move |c| Box::pin(async move { update_user(c, id, &change, now).await }))
            .await
    }

    async fn user_by_name(&self, name: &str) -> StoreResult<Option<User>> {
        let sql = "select user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at from app_user where username = $1";
        let row: Option<UserRow> = self
            .reader()
            .await?
            .optional(sql, vec![name.into()])
            .await?;
        row.map(User::try_from).transpose()
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        let sql = "select user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at from app_user where user_id = $1";
        let row: Option<UserRow> = self.reader().await?.optional(sql, vec![id.into()]).await?;
        row.map(User::try_from).transpose()
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let sql = "select user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at from app_user order by username";
        let rows: Vec<UserRow> = self.reader().await?.all(sql, vec![]).await?;
        rows.into_iter().map(User::try_from).collect()
    }

    async fn create_credential(&self, credential: NewCredential) -> StoreResult<Credential> {
        self.write(move |c| Box::pin(async move { insert_credential(c, &credential).await }))
            .await
    }

    async fn find_credential(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(Credential, User)>> {
        // Rows are read by column name: the user's `created_at` and `updated_at` get names
        // of their own beside the session's, and its `user_id` is the session's.
        let sql = "select s.session_id, s.user_id, s.kind, s.name, s.created_at, s.expires_at, s.revoked_at, \
                   u.username, u.password_hash, u.role, u.disabled, u.must_change_password, \
                   u.created_at as user_created_at, u.updated_at as user_updated_at \
                   from session s join app_user u on u.user_id = s.user_id \
                   where s.token_hash = $1 and s.revoked_at is null \
                   and (s.expires_at is null or s.expires_at > $2) and u.disabled = 0";
        let args = vec![token_hash.into(), now.into()];
        let row: Option<SessionUserRow> = self.reader().await?.optional(sql, args).await?;
        row.map(SessionUserRow::split).transpose()
    }

    async fn revoke_credential(
        &self,
        id: Option<i64>,
        token_hash: Option<String>,
        now: i64,
    ) -> StoreResult<bool> {
        let sql = "update session set revoked_at = $3 where (session_id = $1 or token_hash = $2) and revoked_at is null";
        let args = vec![id.into(), token_hash.into(), now.into()];
        let done = self
            .write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(done > 0)
    }

    async fn list_credentials(&self, kind: CredentialKind) -> StoreResult<Vec<Credential>> {
        let sql = "select session_id, user_id, kind, name, created_at, expires_at, revoked_at from session where kind = $1 order by session_id desc";
        let rows: Vec<CredentialRow> = self
            .reader()
            .await?
            .all(sql, vec![kind.as_str().into()])
            .await?;
        Ok(rows.into_iter().map(Credential::from).collect())
    }

    async fn append_audit(&self, entry: AuditEntry) -> StoreResult<()> {
        let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
        let args = vec![
            entry.at.into(),
            entry.actor.into(),
            entry.action.into(),
            entry.target.into(),
            json(&entry.before).into(),
            json(&entry.after).into(),
            entry.reason.into(),
        ];
        let sql = "insert into audit_log (at, actor, action, target, before, after, reason) values ($1, $2, $3, $4, $5, $6, $7)";
        self.write(move |c| Box::pin(async move { c.run(sql, args).await }))
            .await?;
        Ok(())
    }

    async fn audit_log(&self, f: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let sql = "select audit_id, at, actor, action, target, before, after, reason from audit_log \
                   where ($1 is null or actor = $1) \
                   and ($2 is null or action like $2 || '%') \
                   and ($3 is null or target = $3) \
                   and ($4 is null or at >= $4) \
                   and ($5 is null or at < $5) \
                   and ($6 is null or audit_id < $6) \
                   order by audit_id desc limit $7";
        let args = vec![
            f.actor.as_deref().into(),
            f.action.as_deref().into(),
            f.target.as_deref().into(),
            f.since.into(),
            f.until.into(),
            f.before_id.into(),
            i64::from(f.limit.clamp(1, 500)).into(),
        ];
        let rows: Vec<AuditRow> = self.reader().await?.all(sql, args).await?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    user_id: i64,
    username: String,
    password_hash: String,
    role: String,
    disabled: i64,
    must_change_password: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> StoreResult<User> {
        let role = Role::parse(&row.role)
            .ok_or_else(|| StoreError::Database(format!("bad role {:?}", row.role)))?;
        Ok(User {
            id: row.user_id,
            username: row.username,
            password_hash: row.password_hash,
            role,
            disabled: row.disabled != 0,
            must_change_password: row.must_change_password != 0,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    session_id: i64,
    user_id: i64,
    kind: String,
    name: Option<String>,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<CredentialRow> for Credential {
    fn from(row: CredentialRow) -> Credential {
        Credential {
            id: row.session_id,
            user_id: row.user_id,
            kind: if row.kind == "api" {
                CredentialKind::Api
            } else {
                CredentialKind::Session
            },
            name: row.name,
            created_at: row.created_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// A credential joined with its user.
#[derive(sqlx::FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    credential: CredentialRow,
    username: String,
    password_hash: String,
    role: String,
    disabled: i64,
    must_change_password: i64,
    user_created_at: i64,
    user_updated_at: i64,
}

impl SessionUserRow {
    fn split(self) -> StoreResult<(Credential, User)> {
        let user = User::try_from(UserRow {
            user_id: self.credential.user_id,
            username: self.username,
            password_hash: self.password_hash,
            role: self.role,
            disabled: self.disabled,
            must_change_password: self.must_change_password,
            created_at: self.user_created_at,
            updated_at: self.user_updated_at,
        })?;
        Ok((Credential::from(self.credential), user))
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    audit_id: i64,
    at: i64,
    actor: String,
    action: String,
    target: Option<String>,
    before: Option<String>,
    after: Option<String>,
    reason: Option<String>,
}

impl From<AuditRow> for AuditRecord {
    fn from(row: AuditRow) -> AuditRecord {
        let json = |v: Option<String>| v.and_then(|s| serde_json::from_str(&s).ok());
        AuditRecord {
            id: row.audit_id,
            at: row.at,
            actor: row.actor,
            action: row.action,
            target: row.target,
            before: json(row.before),
            after: json(row.after),
            reason: row.reason,
        }
    }
}

async fn insert_user(c: &mut impl Conn, u: &NewUser) -> StoreResult<User> {
    let sql = "insert into app_user (username, password_hash, role, disabled, must_change_password, created_at, updated_at) \
               values ($1, $2, $3, 0, $4, $5, $5) \
               returning user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at";
    let args = vec![
        u.username.as_str().into(),
        u.password_hash.as_str().into(),
        u.role.as_str().into(),
        i64::from(u.must_change_password).into(),
        u.now.into(),
    ];
    let row: UserRow = c.one(sql, args).await?;
    User::try_from(row)
}

/// Creates the first admin together with the bootstrap row, unless an active admin
/// exists or another process got there first.
async fn bootstrap_admin(c: &mut impl Conn, u: &NewUser) -> StoreResult<bool> {
    let sql = "select count(*) from app_user where role = 'admin' and disabled = 0";
    let (admins,): (i64,) = c.one(sql, vec![]).await?;
    if admins > 0 {
        return Ok(false);
    }
    let sql = "insert into bootstrap (bootstrap_id, created_at) values (1, $1) on conflict (bootstrap_id) do nothing";
    if c.run(sql, vec![u.now.into()]).await? == 0 {
        return Ok(false);
    }
    insert_user(c, u).await?;
    Ok(true)
}

async fn update_user(
    c: &mut impl Conn,
    id: i64,
    change: &UserChange,
    now: i64,
) -> StoreResult<Option<User>> {
    let sql = "update app_user set \
               role = coalesce($2, role), \
               disabled = coalesce($3, disabled), \
               password_hash = coalesce($4, password_hash), \
               must_change_password = coalesce($5, must_change_password), \
               updated_at = $6 \
               where user_id = $1 \
               returning user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at";
    let args = vec![
        id.into(),
        change.role.map(Role::as_str).into(),
        change.disabled.map(i64::from).into(),
        change.password_hash.as_deref().into(),
        change.must_change_password.map(i64::from).into(),
        now.into(),
    ];
    let Some(row) = c.optional::<UserRow, _>(sql, args).await? else {
        return Ok(None);
    };
    if change.disabled == Some(true) || change.password_hash.is_some() {
        // A disabled user, or one whose password an admin reset, loses every
        // session and token at once.
        let sql = "update session set revoked_at = $2 where user_id = $1 and revoked_at is null";
        c.run(sql, vec![id.into(), now.into()]).await?;
    }
    Ok(Some(User::try_from(row)?))
}

async fn insert_credential(c: &mut impl Conn, cred: &NewCredential) -> StoreResult<Credential> {
    let sql = "insert into session (token_hash, user_id, kind, name, created_at, expires_at) \
               values ($1, $2, $3, $4, $5, $6) \
               returning session_id, user_id, kind, name, created_at, expires_at, revoked_at";
    let args = vec![
        cred.token_hash.as_str().into(),
        cred.user_id.into(),
        cred.kind.as_str().into(),
        cred.name.as_deref().into(),
        cred.now.into(),
        cred.expires_at.into(),
    ];
    let row: CredentialRow = c.one(sql, args).await?;
    Ok(Credential::from(row))
}

/// Serializable summary of a user for the API (no hash).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: i64,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            role: u.role,
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
        }
    }
}
