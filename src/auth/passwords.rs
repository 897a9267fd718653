//! Argon2id password hashes. Checking a password costs the same whether or not the user
//! exists (a fixed dummy hash is checked instead), so login timing reveals no usernames.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::RngCore;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;

/// A hash to check against when the user does not exist.
static DUMMY: LazyLock<String> =
    LazyLock::new(|| hash("not a real password at all").unwrap_or_default());

/// The PHC string of `password` (argon2id, default parameters, random salt).
pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Does `password` match `stored`? With `stored = None` the dummy hash is checked, so the
/// answer (false) takes as long as a real check.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let target = stored.unwrap_or(DUMMY.as_str());
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), target)
        .is_ok();
    ok && stored.is_some()
}

/// Why a new password is refused, if it is.
pub fn check_new(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_LENGTH {
        return Err("too_short");
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Err("too_simple");
    }
    Ok(())
}

/// A generated password: 20 characters from an unambiguous alphabet.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_unknown_users_never_do() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("wrong", Some(&stored)));
        assert!(
            !verify("not a real password at all", None),
            "the dummy never lets anyone in"
        );
    }

    #[test]
    fn new_passwords_have_a_minimum() {
        assert!(check_new("short").is_err());
        assert!(check_new("aaaaaaaaaaaa").is_err());
        assert!(check_new("a long passphrase").is_ok());
        let generated = generate();
        assert_eq!(generated.len(), 20);
        assert!(check_new(&generated).is_ok());
    }
}
