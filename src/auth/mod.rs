//! Who may do what: users with a role, argon2 password hashes, sessions and API tokens
//! (stored as hashes only), and the first admin of a new installation.

pub mod passwords;

use rand::RngCore;
use sha2::{Digest, Sha256};

pub use crate::domain::account::{Credential, CredentialKind, Role, User};
use crate::secrets::keys::hex;

/// A new random bearer token: 256 bits, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What is stored for a token: its SHA-256. Tokens are random, so no salt or slow hash
/// is needed, and a database dump reveals no usable token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Usernames: 1–64 characters of letters, digits, `.`, `_`, `-` (any script).
pub fn valid_username(name: &str) -> bool {
    let n = name.chars().count();
    (1..=64).contains(&n)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn usernames() {
        for ok in ["admin", "sara.k", "محرر_1", "a-b"] {
            assert!(valid_username(ok), "{ok}");
        }
        for bad in ["", "with space", "semi;colon", &"x".repeat(65)] {
            assert!(!valid_username(bad), "{bad}");
        }
    }
}
