//! Challenge ids: sealed tokens carrying a random 128-bit nonce, the expiry, the kind, and
//! a keyed hash of the answer. Issuing writes nothing anywhere; any replica can check an
//! answer; the nonce is what gets burned.

use rand::RngCore;

use crate::secrets::keys::hex;
use crate::secrets::seal;

/// What a challenge id says once opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// 128 random bits, hex: the key it is burned under.
    pub nonce: String,
    /// Unix milliseconds.
    pub expires_at: i64,
    answer_hash: [u8; 16],
}

/// Readers type answers in many ways: trimmed, spaces removed, case folded, Arabic-Indic
/// and Persian digits read as ASCII.
pub fn normalize_answer(answer: &str) -> String {
    answer
        .chars()
        .filter(|c| !c.is_whitespace() && !crate::domain::unicode::is_invisible(*c))
        .map(|c| crate::filter::normalize::decimal_digit(c).unwrap_or(c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn answer_hash(key: &[u8; 32], nonce: &[u8], answer: &str) -> [u8; 16] {
    // Bound to the nonce, so one solved answer says nothing about another challenge.
    let mut payload = nonce.to_vec();
    payload.extend_from_slice(normalize_answer(answer).as_bytes());
    seal::tag(key, &payload)
}

/// A new challenge id for `answer`, valid until `expires_at`.
pub fn issue(key: &[u8; 32], answer: &str, expires_at: i64) -> String {
    let mut nonce = [0u8; 16];
    rand::rng().fill_bytes(&mut nonce);
    let mut payload = Vec::with_capacity(40);
    payload.push(1u8); // format version
    payload.extend_from_slice(&nonce);
    payload.extend_from_slice(&expires_at.to_be_bytes());
    payload.extend_from_slice(&answer_hash(key, &nonce, answer));
    seal::seal(key, &payload)
}

/// Opens a challenge id; None for anything malformed or forged.
pub fn open(key: &[u8; 32], id: &str) -> Option<Challenge> {
    let payload = seal::open(key, id)?;
    if payload.len() != 1 + 16 + 8 + 16 || payload[0] != 1 {
        return None;
    }
    let nonce = &payload[1..17];
    let expires_at = i64::from_be_bytes(payload[17..25].try_into().ok()?);
    let mut answer_hash = [0u8; 16];
    answer_hash.copy_from_slice(&payload[25..41]);
    Some(Challenge {
        nonce: hex(nonce),
        expires_at,
        answer_hash,
    })
}

impl Challenge {
    /// Does `answer` solve it? (Constant-time comparison of the hashes.)
    pub fn accepts(&self, key: &[u8; 32], answer: &str) -> bool {
        let Some(nonce) = decode_hex(&self.nonce) else {
            return false;
        };
        let given = answer_hash(key, &nonce, answer);
        given
            .iter()
            .zip(self.answer_hash.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_forgiving_for_humans() {
        let key = [3u8; 32];
        let id = issue(&key, "48Ab7", 10);
        let challenge = open(&key, &id).unwrap();
        for typed in ["48Ab7", " 48ab7 ", "48 AB 7", "٤٨ab٧", "۴۸AB۷"] {
            assert!(challenge.accepts(&key, typed), "{typed}");
        }
        for wrong in ["48ab", "48ab77", "", "58ab7"] {
            assert!(!challenge.accepts(&key, wrong), "{wrong}");
        }
    }

    #[test]
    fn ids_are_unique_sealed_and_carry_their_expiry() {
        let key = [3u8; 32];
        let a = open(&key, &issue(&key, "1234", 99)).unwrap();
        let b = open(&key, &issue(&key, "1234", 99)).unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_eq!(a.nonce.len(), 32, "128 bits");
        assert_eq!(a.expires_at, 99);
        assert!(
            open(&[4u8; 32], &issue(&key, "1234", 99)).is_none(),
            "another key"
        );
        assert!(open(&key, "garbage").is_none());
        assert!(
            open(&key, &seal::seal(&key, b"short")).is_none(),
            "a sealed token of another kind"
        );
    }
}
