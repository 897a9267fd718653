//! The secret key and what is derived from it: keyed hashes of canonical emails and IP
//! addresses (so the database never holds a raw IP, and a dump alone cannot brute-force
//! IPv4 hashes), and sub-keys for sealing captcha and form tokens.
//!
//! The key comes from `secret_key` in the config or, when unset with SQLite, from a key
//! file beside the database, created with mode 0600 on first start. It is never stored in
//! the database.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::config::paths::sqlite_path;

type HmacSha256 = Hmac<Sha256>;

/// Sub-keys derived from the secret, one per purpose.
#[derive(Clone)]
pub struct Secrets {
    email: [u8; 32],
    ip: [u8; 32],
    /// For the receipts of accepted comments (made on every submission: derived once).
    receipt: [u8; 32],
    root: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    /// Derives every sub-key from one secret.
    pub fn from_secret(secret: &[u8]) -> Secrets {
        let root = hmac(secret, b"raqib/root/v1");
        Secrets {
            email: hmac(&root, b"raqib/email-hash/v1"),
            ip: hmac(&root, b"raqib/ip-hash/v1"),
            receipt: hmac(&root, b"raqib/receipt/v1"),
            root,
        }
    }

    /// The configured `secret_key`, or the key file of the SQLite database at
    /// `database_url` (created when missing).
    pub fn load(secret_key: Option<&str>, database_url: &str) -> std::io::Result<Secrets> {
        if let Some(secret) = secret_key {
            return Ok(Secrets::from_secret(secret.as_bytes()));
        }
        match key_file_path(database_url) {
            Some(path) => Ok(Secrets::from_secret(&read_or_create_key_file(&path)?)),
            None => {
                // An in-memory database lives as long as the process; so may its key.
                tracing::warn!("no secret_key and no database file: using a temporary key");
                let mut secret = [0u8; 32];
                rand::rng().fill_bytes(&mut secret);
                Ok(Secrets::from_secret(&secret))
            }
        }
    }

    /// A sub-key for another purpose (captcha sealing, form tokens …).
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac(&self.root, format!("raqib/{purpose}/v1").as_bytes())
    }

    /// The receipt of an accepted comment: lets the browser that posted it (and nobody
    /// without it) ask whether it still awaits review.
    pub fn receipt(&self, comment_id: i64) -> String {
        let mut mac = hex(&hmac(&self.receipt, &comment_id.to_be_bytes()));
        mac.truncate(32);
        mac
    }

    /// Keyed hash of a canonical email address.
    pub fn email_hash(&self, canonical_email: &str) -> String {
        hex(&hmac(&self.email, canonical_email.as_bytes()))
    }

    /// Keyed hash of one IP address.
    pub fn ip_hash(&self, ip: IpAddr) -> String {
        hex(&hmac(&self.ip, canonical_ip(ip).to_string().as_bytes()))
    }

    /// Keyed hash of the network an address belongs to for bans and limits: the /64 of
    /// an IPv6 address (one subscriber's usual allocation), the address itself for IPv4.
    pub fn ip_net_hash(&self, ip: IpAddr) -> String {
        let net = match canonical_ip(ip) {
            IpAddr::V6(v6) => {
                let mut octets = v6.octets();
                octets[8..].fill(0);
                format!("{}/64", std::net::Ipv6Addr::from(octets))
            }
            v4 => v4.to_string(),
        };
        hex(&hmac(&self.ip, net.as_bytes()))
    }
}

/// IPv4-mapped IPv6 addresses are their IPv4 address.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// A coarse prefix safe to show moderators: the /24 of IPv4, the /48 of IPv6.
pub fn display_prefix(ip: IpAddr) -> String {
    match canonical_ip(ip) {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[6..].fill(0);
            format!("{}/48", std::net::Ipv6Addr::from(octets))
        }
    }
}

/// Where the key file of a SQLite database lives: `<database file>.key`.
pub fn key_file_path(database_url: &str) -> Option<PathBuf> {
    let path = sqlite_path(database_url)?;
    let mut name = path.file_name()?.to_os_string();
    name.push(".key");
    Some(path.with_file_name(name))
}

/// Reads the key file, or creates it (mode 0600) with 32 random bytes. Two processes
/// starting together agree: only one `create_new` succeeds, the other reads.
fn read_or_create_key_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let encoded = hex(&secret);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(encoded.as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "created a new secret key file");
            Ok(encoded.into_bytes())
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            // The creator may still be writing: wait until the whole key is there.
            for _ in 0..50 {
                let mut contents = String::new();
                std::fs::File::open(path)?.read_to_string(&mut contents)?;
                let contents = contents.trim();
                if contents.len() >= 64 {
                    return Ok(contents.as_bytes().to_vec());
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::io::Error::other(format!(
                "key file {} is empty or too short",
                path.display()
            )))
        }
        Err(err) => Err(err),
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[(byte >> 4) as usize] as char);
        out.push(DIGITS[(byte & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_keyed_and_stable() {
        let a = Secrets::from_secret(b"one secret one secret one secret");
        let b = Secrets::from_secret(b"another secret another secret an");
        assert_eq!(a.email_hash("x@example.com"), a.email_hash("x@example.com"));
        assert_ne!(a.email_hash("x@example.com"), b.email_hash("x@example.com"));
        assert_eq!(a.email_hash("x@example.com").len(), 64);
    }

    #[test]
    fn ipv6_addresses_share_their_slash_64() {
        let keys = Secrets::from_secret(b"k");
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let two: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_ne!(keys.ip_hash(one), keys.ip_hash(two));
        assert_eq!(keys.ip_net_hash(one), keys.ip_net_hash(two));
        assert_ne!(keys.ip_net_hash(one), keys.ip_net_hash(other));
    }

    #[test]
    fn mapped_ipv4_is_plain_ipv4() {
        let keys = Secrets::from_secret(b"k");
        let plain: IpAddr = "203.0.113.7".parse().unwrap();
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(keys.ip_hash(plain), keys.ip_hash(mapped));
        assert_eq!(display_prefix(mapped), "203.0.113.0/24");
    }

    #[test]
    fn the_key_file_is_created_once_with_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("raqib.db.key");
        let first = read_or_create_key_file(&path).unwrap();
        let second = read_or_create_key_file(&path).unwrap();
        assert_eq!(first, second);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
