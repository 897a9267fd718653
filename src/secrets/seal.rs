//! Sealed tokens: a payload with an HMAC-SHA256 tag, base64url-encoded. Anyone holding the
//! secret key (every replica) can check a token; nobody else can make one. Payloads are
//! authenticated, not hidden: never put a secret in one (a captcha answer goes in only
//! as a keyed hash).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Tag bytes kept (128 bits).
const TAG: usize = 16;

/// Seals `payload` under `key`.
pub fn seal(key: &[u8; 32], payload: &[u8]) -> String {
    let mut bytes = payload.to_vec();
    bytes.extend_from_slice(&tag(key, payload));
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The payload of a token sealed under `key`, or None when it is malformed or forged.
pub fn open(key: &[u8; 32], token: &str) -> Option<Vec<u8>> {
    if token.len() > 1024 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if bytes.len() < TAG {
        return None;
    }
    let (payload, given) = bytes.split_at(bytes.len() - TAG);
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(payload);
    // Constant-time comparison of the truncated tag.
    mac.verify_truncated_left(given).ok()?;
    Some(payload.to_vec())
}

/// The 128-bit HMAC-SHA256 tag of `payload` under `key`.
pub fn tag(key: &[u8; 32], payload: &[u8]) -> [u8; TAG] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(payload);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; TAG];
    out.copy_from_slice(&full[..TAG]);
    out
}

/// Equality whose time does not depend on where the inputs differ (for secrets).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_tokens_open_only_with_their_key_and_unchanged() {
        let key = [7u8; 32];
        let token = seal(&key, b"hello");
        assert_eq!(open(&key, &token).as_deref(), Some(&b"hello"[..]));
        assert_eq!(open(&[8u8; 32], &token), None, "another key");
        let mut tampered = token.clone().into_bytes();
        tampered[0] = if tampered[0] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            open(&key, std::str::from_utf8(&tampered).unwrap()),
            None,
            "tampered"
        );
        assert_eq!(open(&key, "not base64 !!"), None);
        assert_eq!(open(&key, ""), None);
    }
}
