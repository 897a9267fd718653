//! Users, sessions and API tokens, and the audit log: the same SQL for both backends,
//! written once. [`account_queries!`] makes the query functions for one connection type;
//! [`account_methods!`] makes the `Store` methods from them, inside each backend's impl,
//! through the backend's `write` (SQLite: the single writer; PostgreSQL: a transaction)
//! and `reader`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::account::{CredentialKind, Role};

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

pub const USER_COLUMNS: &str = "user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at";

/// Query functions over one backend's connection and pool types.
macro_rules! account_queries {
    ($Conn:ty, $Pool:ty) => {
        use sqlx::Row;

        use crate::domain::account::{Credential, CredentialKind, Role, User};
        use crate::store::accounts::{AuditEntry, AuditFilter, AuditRecord, NewCredential, NewUser, UserChange};
        use crate::store::StoreError;

        fn user(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row) -> crate::store::StoreResult<User> {
            let role: String = row.try_get(3)?;
            Ok(User {
                id: row.try_get(0)?,
                username: row.try_get(1)?,
                password_hash: row.try_get(2)?,
                role: Role::parse(&role).ok_or_else(|| StoreError::Database(format!("bad role {role:?}")))?,
                disabled: row.try_get::<i64, _>(4)? != 0,
                must_change_password: row.try_get::<i64, _>(5)? != 0,
                created_at: row.try_get(6)?,
                updated_at: row.try_get(7)?,
            })
        }

        fn credential(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row) -> crate::store::StoreResult<Credential> {
            let kind: String = row.try_get(2)?;
            Ok(Credential {
                id: row.try_get(0)?,
                user_id: row.try_get(1)?,
                kind: if kind == "api" { CredentialKind::Api } else { CredentialKind::Session },
                name: row.try_get(3)?,
                created_at: row.try_get(4)?,
                expires_at: row.try_get(5)?,
                revoked_at: row.try_get(6)?,
            })
        }

        pub async fn insert_user(conn: &mut $Conn, u: &NewUser) -> crate::store::StoreResult<User> {
            let sql = "insert into app_user (username, password_hash, role, disabled, must_change_password, created_at, updated_at) \
                       values ($1, $2, $3, 0, $4, $5, $5) \
                       returning user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at";
            let row = sqlx::query(sql)
                .bind(u.username.as_str())
                .bind(u.password_hash.as_str())
                .bind(u.role.as_str())
                .bind(i64::from(u.must_change_password))
                .bind(u.now)
                .fetch_one(&mut *conn)
                .await?;
            user(&row)
        }

        /// Creates the first admin together with the bootstrap row, unless an active admin
        /// exists or another process got there first.
        pub async fn bootstrap_admin(conn: &mut $Conn, u: &NewUser) -> crate::store::StoreResult<bool> {
            let admins: i64 = sqlx::query("select count(*) from app_user where role = 'admin' and disabled = 0")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            if admins > 0 {
                return Ok(false);
            }
            let claimed = sqlx::query(
                "insert into bootstrap (bootstrap_id, created_at) values (1, $1) on conflict (bootstrap_id) do nothing",
            )
            .bind(u.now)
            .execute(&mut *conn)
            .await?;
            if claimed.rows_affected() == 0 {
                return Ok(false);
            }
            insert_user(conn, u).await?;
            Ok(true)
        }

        pub async fn update_user(conn: &mut $Conn, id: i64, c: &UserChange, now: i64) -> crate::store::StoreResult<Option<User>> {
            let sql = "update app_user set \
                       role = coalesce($2, role), \
                       disabled = coalesce($3, disabled), \
                       password_hash = coalesce($4, password_hash), \
                       must_change_password = coalesce($5, must_change_password), \
                       updated_at = $6 \
                       where user_id = $1 \
                       returning user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at";
            let row = sqlx::query(sql)
                .bind(id)
                .bind(c.role.map(Role::as_str))
                .bind(c.disabled.map(i64::from))
                .bind(c.password_hash.as_deref())
                .bind(c.must_change_password.map(i64::from))
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
            let Some(row) = row else { return Ok(None) };
            if c.disabled == Some(true) || c.password_hash.is_some() {
                // A disabled user, or one whose password an admin reset, loses every
                // session and token at once.
                sqlx::query("update session set revoked_at = $2 where user_id = $1 and revoked_at is null")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(Some(user(&row)?))
        }

        pub async fn user_by_name(pool: &$Pool, name: &str) -> crate::store::StoreResult<Option<User>> {
            let sql = "select user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at from app_user where username = $1";
            let row = sqlx::query(sql).bind(name).fetch_optional(pool).await?;
            row.as_ref().map(user).transpose()
        }

        pub async fn user_by_id(pool: &$Pool, id: i64) -> crate::store::StoreResult<Option<User>> {
            let sql = "select user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at from app_user where user_id = $1";
            let row = sqlx::query(sql).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(user).transpose()
        }

        pub async fn list_users(pool: &$Pool) -> crate::store::StoreResult<Vec<User>> {
            let sql = "select user_id, username, password_hash, role, disabled, must_change_password, created_at, updated_at from app_user order by username";
            let rows = sqlx::query(sql).fetch_all(pool).await?;
            rows.iter().map(user).collect()
        }

        pub async fn insert_credential(conn: &mut $Conn, c: &NewCredential) -> crate::store::StoreResult<Credential> {
            let sql = "insert into session (token_hash, user_id, kind, name, created_at, expires_at) \
                       values ($1, $2, $3, $4, $5, $6) \
                       returning session_id, user_id, kind, name, created_at, expires_at, revoked_at";
            let row = sqlx::query(sql)
                .bind(c.token_hash.as_str())
                .bind(c.user_id)
                .bind(c.kind.as_str())
                .bind(c.name.as_deref())
                .bind(c.now)
                .bind(c.expires_at)
                .fetch_one(&mut *conn)
                .await?;
            credential(&row)
        }

        /// A live credential and its (enabled) user.
        pub async fn find_credential(pool: &$Pool, token_hash: &str, now: i64) -> crate::store::StoreResult<Option<(Credential, User)>> {
            let sql = "select s.session_id, s.user_id, s.kind, s.name, s.created_at, s.expires_at, s.revoked_at, \
                       u.user_id, u.username, u.password_hash, u.role, u.disabled, u.must_change_password, u.created_at, u.updated_at \
                       from session s join app_user u on u.user_id = s.user_id \
                       where s.token_hash = $1 and s.revoked_at is null \
                       and (s.expires_at is null or s.expires_at > $2) and u.disabled = 0";
            let Some(row) = sqlx::query(sql).bind(token_hash).bind(now).fetch_optional(pool).await? else {
                return Ok(None);
            };
            let cred = credential(&row)?;
            let role: String = row.try_get(10)?;
            let u = User {
                id: row.try_get(7)?,
                username: row.try_get(8)?,
                password_hash: row.try_get(9)?,
                role: Role::parse(&role).ok_or_else(|| StoreError::Database(format!("bad role {role:?}")))?,
                disabled: row.try_get::<i64, _>(11)? != 0,
                must_change_password: row.try_get::<i64, _>(12)? != 0,
                created_at: row.try_get(13)?,
                updated_at: row.try_get(14)?,
            };
            Ok(Some((cred, u)))
        }

        pub async fn revoke_credential(conn: &mut $Conn, id: Option<i64>, token_hash: Option<&str>, now: i64) -> crate::store::StoreResult<bool> {
            let sql = "update session set revoked_at = $3 where (session_id = $1 or token_hash = $2) and revoked_at is null";
            let done = sqlx::query(sql).bind(id).bind(token_hash).bind(now).execute(&mut *conn).await?;
            Ok(done.rows_affected() > 0)
        }

        pub async fn list_credentials(pool: &$Pool, kind: CredentialKind) -> crate::store::StoreResult<Vec<Credential>> {
            let sql = "select session_id, user_id, kind, name, created_at, expires_at, revoked_at from session where kind = $1 order by session_id desc";
            let rows = sqlx::query(sql).bind(kind.as_str()).fetch_all(pool).await?;
            rows.iter().map(credential).collect()
        }

        pub async fn append_audit(conn: &mut $Conn, e: &AuditEntry) -> crate::store::StoreResult<()> {
            let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
            sqlx::query("insert into audit_log (at, actor, action, target, before, after, reason) values ($1, $2, $3, $4, $5, $6, $7)")
                .bind(e.at)
                .bind(e.actor.as_str())
                .bind(e.action.as_str())
                .bind(e.target.as_deref())
                .bind(json(&e.before))
                .bind(json(&e.after))
                .bind(e.reason.as_deref())
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        pub async fn audit_log(pool: &$Pool, f: &AuditFilter) -> crate::store::StoreResult<Vec<AuditRecord>> {
            let sql = "select audit_id, at, actor, action, target, before, after, reason from audit_log \
                       where ($1 is null or actor = $1) \
                       and ($2 is null or action like $2 || '%') \
                       and ($3 is null or target = $3) \
                       and ($4 is null or at >= $4) \
                       and ($5 is null or at < $5) \
                       and ($6 is null or audit_id < $6) \
                       order by audit_id desc limit $7";
            let rows = sqlx::query(sql)
                .bind(f.actor.as_deref())
                .bind(f.action.as_deref())
                .bind(f.target.as_deref())
                .bind(f.since)
                .bind(f.until)
                .bind(f.before_id)
                .bind(i64::from(f.limit.clamp(1, 500)))
                .fetch_all(pool)
                .await?;
            let json = |v: Option<String>| v.and_then(|s| serde_json::from_str(&s).ok());
            rows.iter()
                .map(|row| {
                    Ok(AuditRecord {
                        id: row.try_get(0)?,
                        at: row.try_get(1)?,
                        actor: row.try_get(2)?,
                        action: row.try_get(3)?,
                        target: row.try_get(4)?,
                        before: json(row.try_get(5)?),
                        after: json(row.try_get(6)?),
                        reason: row.try_get(7)?,
                    })
                })
                .collect()
        }
    };
}

/// Users, credentials and the audit log (a part of [`Store`](super::Store)).
#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    /// Creates a user (`Duplicate` when the name is taken).
    async fn create_user(
        &self,
        user: crate::store::accounts::NewUser,
    ) -> crate::store::StoreResult<crate::domain::account::User>;

    /// Creates the first admin unless an active admin exists or another process already
    /// did (one transaction; two replicas starting at once create exactly one).
    async fn bootstrap_admin(
        &self,
        user: crate::store::accounts::NewUser,
    ) -> crate::store::StoreResult<bool>;

    /// Changes a user; disabling (or an admin's password reset) revokes their sessions.
    async fn update_user(
        &self,
        id: i64,
        change: crate::store::accounts::UserChange,
        now: i64,
    ) -> crate::store::StoreResult<Option<crate::domain::account::User>>;

    async fn user_by_name(
        &self,
        name: &str,
    ) -> crate::store::StoreResult<Option<crate::domain::account::User>>;

    async fn user_by_id(
        &self,
        id: i64,
    ) -> crate::store::StoreResult<Option<crate::domain::account::User>>;

    async fn list_users(&self) -> crate::store::StoreResult<Vec<crate::domain::account::User>>;

    /// Stores a session or API token (its hash).
    async fn create_credential(
        &self,
        credential: crate::store::accounts::NewCredential,
    ) -> crate::store::StoreResult<crate::domain::account::Credential>;

    /// A live credential by token hash, with its enabled user.
    async fn find_credential(
        &self,
        token_hash: &str,
        now: i64,
    ) -> crate::store::StoreResult<
        Option<(
            crate::domain::account::Credential,
            crate::domain::account::User,
        )>,
    >;

    /// Revokes a credential by id or by token hash.
    async fn revoke_credential(
        &self,
        id: Option<i64>,
        token_hash: Option<String>,
        now: i64,
    ) -> crate::store::StoreResult<bool>;

    async fn list_credentials(
        &self,
        kind: crate::domain::account::CredentialKind,
    ) -> crate::store::StoreResult<Vec<crate::domain::account::Credential>>;

    /// Appends one audit row.
    async fn append_audit(
        &self,
        entry: crate::store::accounts::AuditEntry,
    ) -> crate::store::StoreResult<()>;

    /// Audit rows, newest first.
    async fn audit_log(
        &self,
        filter: &crate::store::accounts::AuditFilter,
    ) -> crate::store::StoreResult<Vec<crate::store::accounts::AuditRecord>>;
}

/// The [`Accounts`] impl of a backend type, made from the query functions of module `$q`.
macro_rules! account_methods {
    ($Store:ty, $q:ident) => {
        #[async_trait::async_trait]
        impl crate::store::accounts::Accounts for $Store {
            async fn create_user(
                &self,
                user: crate::store::accounts::NewUser,
            ) -> crate::store::StoreResult<crate::domain::account::User> {
                self.write(move |c| Box::pin(async move { $q::insert_user(c, &user).await }))
                    .await
            }

            async fn bootstrap_admin(
                &self,
                user: crate::store::accounts::NewUser,
            ) -> crate::store::StoreResult<bool> {
                self.write(move |c| Box::pin(async move { $q::bootstrap_admin(c, &user).await }))
                    .await
            }

            async fn update_user(
                &self,
                id: i64,
                change: crate::store::accounts::UserChange,
                now: i64,
            ) -> crate::store::StoreResult<Option<crate::domain::account::User>> {
                self.write(move |c| {
                    Box::pin(async move { $q::update_user(c, id, &change, now).await })
                })
                .await
            }

            async fn user_by_name(
                &self,
                name: &str,
            ) -> crate::store::StoreResult<Option<crate::domain::account::User>> {
                $q::user_by_name(self.reader(), name).await
            }

            async fn user_by_id(
                &self,
                id: i64,
            ) -> crate::store::StoreResult<Option<crate::domain::account::User>> {
                $q::user_by_id(self.reader(), id).await
            }

            async fn list_users(
                &self,
            ) -> crate::store::StoreResult<Vec<crate::domain::account::User>> {
                $q::list_users(self.reader()).await
            }

            async fn create_credential(
                &self,
                credential: crate::store::accounts::NewCredential,
            ) -> crate::store::StoreResult<crate::domain::account::Credential> {
                self.write(move |c| {
                    Box::pin(async move { $q::insert_credential(c, &credential).await })
                })
                .await
            }

            async fn find_credential(
                &self,
                token_hash: &str,
                now: i64,
            ) -> crate::store::StoreResult<
                Option<(
                    crate::domain::account::Credential,
                    crate::domain::account::User,
                )>,
            > {
                $q::find_credential(self.reader(), token_hash, now).await
            }

            async fn revoke_credential(
                &self,
                id: Option<i64>,
                token_hash: Option<String>,
                now: i64,
            ) -> crate::store::StoreResult<bool> {
                self.write(move |c| {
                    Box::pin(async move {
                        $q::revoke_credential(c, id, token_hash.as_deref(), now).await
                    })
                })
                .await
            }

            async fn list_credentials(
                &self,
                kind: crate::domain::account::CredentialKind,
            ) -> crate::store::StoreResult<Vec<crate::domain::account::Credential>> {
                $q::list_credentials(self.reader(), kind).await
            }

            async fn append_audit(
                &self,
                entry: crate::store::accounts::AuditEntry,
            ) -> crate::store::StoreResult<()> {
                self.write(move |c| Box::pin(async move { $q::append_audit(c, &entry).await }))
                    .await
            }

            async fn audit_log(
                &self,
                filter: &crate::store::accounts::AuditFilter,
            ) -> crate::store::StoreResult<Vec<crate::store::accounts::AuditRecord>> {
                $q::audit_log(self.reader(), filter).await
            }
        }
    };
}

pub(crate) use {account_methods, account_queries};

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

impl From<&crate::domain::account::User> for UserView {
    fn from(u: &crate::domain::account::User) -> Self {
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
