//! Account work outside the HTTP API: the first admin of a new installation, and the
//! `raqib user add|list|disable` commands.

use std::io::IsTerminal;

use crate::app::AppState;
use crate::auth::{Role, passwords, valid_username};
use crate::moderation::accounts::{self, NewAccount};
use crate::moderation::audit;
use crate::moderation::refusal::Refusal;
use crate::store::accounts::{NewUser, UserChange};
use crate::store::now_ms;

/// On first start (no active admin), creates `auth.first_admin`. With
/// `auth.first_admin_password_file`, the password is that file's (first line) and nothing
/// secret is printed. Otherwise a one-time password is generated (to be changed at first
/// login) and goes to the terminal when standard output is one, or else to a file readable
/// by this user only, whose path is printed: container logs keep stdout. Never to the
/// structured log. Returns whether an admin was created.
pub async fn ensure_first_admin(state: &AppState) -> Result<bool, String> {
    let name = state.config().auth.first_admin.clone();
    if has_active_admin(state).await? {
        return Ok(false);
    }
    let chosen = match &state.config().auth.first_admin_password_file {
        Some(path) => Some(read_password_file(path)?),
        None => None,
    };
    let password = chosen.clone().unwrap_or_else(passwords::generate);
    let hash = tokio::task::spawn_blocking({
        let password = password.clone();
        move || passwords::hash(&password)
    })
    .await
    .map_err(|e| e.to_string())??;
    let created = state
        .store()
        .bootstrap_admin(NewUser {
            username: name.clone(),
            password_hash: hash,
            role: Role::Admin,
            must_change_password: chosen.is_none(),
            now: now_ms(),
        })
        .await
        .map_err(|e| e.to_string())?;
    if !created {
        return Ok(false);
    }
    audit(state, "system", "user.create", &name).await;
    if chosen.is_some() {
        println!(
            "raqib: created the first admin '{name}' with the password from the password file."
        );
    } else if std::io::stdout().is_terminal() {
        println!(
            "raqib: created the first admin. Log in as '{name}' with the one-time password\n\n    {password}\n\nand choose a new one (it is shown only this once)."
        );
    } else {
        let path = first_password_path(&state.config().database_url);
        write_private(&path, &password)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        println!(
            "raqib: created the first admin '{name}'. Its one-time password is in {} (readable by this user only); log in, choose a new one, then delete the file.",
            path.display()
        );
    }
    Ok(true)
}

/// The file a generated first password goes to when standard output is not a terminal.
pub fn first_password_path(database_url: &str) -> std::path::PathBuf {
    let dir = crate::config::paths::sqlite_path(database_url)
        .and_then(|db| db.parent().map(|p| p.to_path_buf()))
        .unwrap_or_default();
    dir.join("raqib-first-admin-password")
}

async fn has_active_admin(state: &AppState) -> Result<bool, String> {
    let users = state
        .store()
        .list_users()
        .await
        .map_err(|e| e.to_string())?;
    Ok(users.iter().any(|u| u.role == Role::Admin && !u.disabled))
}

/// The first line of `path`, which must be a strong enough password.
fn read_password_file(path: &std::path::Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read the password file {}: {err}", path.display()))?;
    let password = text.lines().next().unwrap_or("").to_string();
    passwords::check_new(&password).map_err(|why| {
        format!(
            "the password in {} is {}",
            path.display(),
            why.replace('_', " ")
        )
    })?;
    Ok(password)
}

/// Writes `text` to `path`, readable and writable by this user only.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // An older file keeps its mode through open(); set it again.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    writeln!(file, "{text}")
}

/// `raqib user add NAME --role ROLE`: with `password` given (from stdin) or generated and
/// printed once.
pub async fn add(
    state: &AppState,
    name: &str,
    role: Role,
    password: Option<String>,
) -> Result<(), String> {
    if !valid_username(name) {
        return Err(format!(
            "{name:?} is not a valid username (letters, digits, . _ -; 1–64)"
        ));
    }
    if let Some(password) = &password {
        passwords::check_new(password)
            .map_err(|why| format!("the password is {}", why.replace('_', " ")))?;
    }
    let account = NewAccount {
        username: name.to_string(),
        role,
        password,
    };
    let (_, generated) = accounts::create_user(state, "cli", account)
        .await
        .map_err(|refusal| match refusal {
            Refusal::Conflict { .. } => format!("a user named {name:?} already exists"),
            other => other.to_string(),
        })?;
    match generated {
        Some(password) => println!(
            "created {role} '{name}'. One-time password (change it at first login):\n\n    {password}\n",
            role = role.as_str()
        ),
        None => println!("created {} '{name}'", role.as_str()),
    }
    Ok(())
}

/// `raqib user list`.
pub async fn list(state: &AppState) -> Result<(), String> {
    let users = state
        .store()
        .list_users()
        .await
        .map_err(|e| e.to_string())?;
    println!("{:<24} {:<10} {:<9} created", "username", "role", "status");
    for u in users {
        let status = if u.disabled {
            "disabled"
        } else if u.must_change_password {
            "new"
        } else {
            "active"
        };
        println!(
            "{:<24} {:<10} {:<9} {}",
            u.username,
            u.role.as_str(),
            status,
            crate::store::rfc3339(u.created_at)
        );
    }
    Ok(())
}

/// `raqib user disable NAME`: the account and all its sessions and tokens stop at once.
pub async fn disable(state: &AppState, name: &str) -> Result<(), String> {
    let user = state
        .store()
        .user_by_name(name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user named {name:?}"))?;
    let change = UserChange {
        disabled: Some(true),
        ..UserChange::default()
    };
    state
        .store()
        .update_user(user.id, change, now_ms())
        .await
        .map_err(|e| e.to_string())?;
    audit(state, "cli", "user.disable", name).await;
    println!("disabled '{name}'");
    Ok(())
}

async fn audit(state: &AppState, actor: &str, action: &str, name: &str) {
    audit::record(state, actor, action, Some(format!("user:{name}")), None).await;
}

/// `raqib user …`.
pub enum Command {
    Add {
        name: String,
        role: String,
        password_stdin: bool,
    },
    List,
    Disable {
        name: String,
    },
}

/// Runs one `raqib user` command on the configured database.
pub async fn run(
    config: crate::config::Config,
    command: Command,
) -> Result<(), Box<dyn std::error::Error>> {
    let state = crate::app::AppState::build(config).await?;
    let result = match command {
        Command::Add {
            name,
            role,
            password_stdin,
        } => {
            let role = crate::auth::Role::parse(&role).ok_or("role must be admin or moderator")?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            add(&state, &name, role, password).await
        }
        Command::List => list(&state).await,
        Command::Disable { name } => disable(&state, &name).await,
    };
    state.store().close().await;
    result.map_err(Into::into)
}
