//! Who is the client? The socket peer — unless the peer is a trusted proxy, in which case
//! the rightmost address in `X-Forwarded-For` (or `Forwarded`) that is not itself a
//! trusted proxy. A client cannot choose its own identity by sending headers: entries to
//! the left of the first untrusted hop are never read.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use http::HeaderMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::secrets::keys::canonical_ip;

/// An address block such as `10.0.0.0/8` or `2001:db8::/32` (a bare address is /32 or /128).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (canonical_ip(self.addr), canonical_ip(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or CIDR block"))?;
        let addr = canonical_ip(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?} has a bad prefix length"))?,
        };
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A list of blocks, from a TOML array or a comma-separated string
/// (`RAQIB_TRUSTED_PROXIES=127.0.0.1/32,10.0.0.0/8`).
pub fn deserialize_cidrs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Cidr>, D::Error> {
    crate::config::lenient::lenient_list(d)?
        .iter()
        .map(|s| s.parse().map_err(serde::de::Error::custom))
        .collect()
}

/// The client's address as seen through the configured proxies.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let peer = canonical_ip(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops = forwarded_hops(headers);
    // Right to left: the first hop we do not trust is the client. A malformed entry
    // stops the walk: nothing to its left can be believed.
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = *ip;
                if !is_trusted(*ip) {
                    return *ip;
                }
            }
            None => return client,
        }
    }
    client
}

/// The addresses of `X-Forwarded-For` (every header line, left to right), or of
/// `Forwarded` when there is no `X-Forwarded-For`. `None` marks an unreadable entry.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !xff.is_empty() {
        return xff
            .iter()
            .flat_map(|line| line.split(','))
            .map(|item| parse_hop(item.trim()))
            .collect();
    }
    headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(','))
        .map(|element| {
            element
                .split(';')
                .find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| value.trim())
                })
                .and_then(parse_hop)
        })
        .collect()
}

/// One hop: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`, `"[…]"`.
fn parse_hop(item: &str) -> Option<IpAddr> {
    let item = item.trim().trim_matches('"');
    if let Ok(ip) = item.parse::<IpAddr>() {
        return Some(canonical_ip(ip));
    }
    if let Some(rest) = item.strip_prefix('[') {
        let inside = rest.split(']').next()?;
        return inside.parse::<IpAddr>().ok().map(canonical_ip);
    }
    let (host, port) = item.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The key a client is limited under: the address for IPv4, its /64 for IPv6 (one
/// subscriber usually holds a whole /64 and could rotate through it).
pub fn limit_key(ip: IpAddr) -> u128 {
    match canonical_ip(ip) {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => (u128::from(v6) >> 64 << 64) | 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidr_blocks_parse_and_contain() {
        let net: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.2.3.4")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.9.9.9")), "mapped IPv4");
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        for bad in ["", "10.0.0.0/33", "nope", "10.0.0.0/x", "::/129"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn client_identity_through_proxies() {
        let trusted: Vec<Cidr> = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1".parse().unwrap()];
        type Case<'a> = (&'a str, &'a [(&'static str, &'a str)], &'a str, &'a str);
        let cases: &[Case] = &[
            ("203.0.113.9", &[], "203.0.113.9", "no proxy"),
            (
                "203.0.113.9",
                &[("x-forwarded-for", "1.1.1.1")],
                "203.0.113.9",
                "an untrusted peer cannot claim an address",
            ),
            (
                "10.0.0.5",
                &[("x-forwarded-for", "198.51.100.7")],
                "198.51.100.7",
                "one trusted proxy",
            ),
            (
                "10.0.0.5",
                &[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")],
                "198.51.100.7",
                "chained proxies: rightmost untrusted; spoofed leftmost ignored",
            ),
            (
                "10.0.0.5",
                &[
                    ("x-forwarded-for", "6.6.6.6"),
                    ("x-forwarded-for", "198.51.100.7"),
                ],
                "198.51.100.7",
                "several header lines",
            ),
            (
                "10.0.0.5",
                &[("x-forwarded-for", "garbage, 198.51.100.7")],
                "198.51.100.7",
                "garbage left of the client is never reached",
            ),
            (
                "10.0.0.5",
                &[("x-forwarded-for", "198.51.100.7, garbage")],
                "10.0.0.5",
                "garbage from the proxy side: the proxy is the client",
            ),
            (
                "10.0.0.5",
                &[("x-forwarded-for", "10.0.0.3, 10.0.0.2")],
                "10.0.0.3",
                "only proxies: the leftmost",
            ),
            (
                "10.0.0.5",
                &[],
                "10.0.0.5",
                "a trusted peer without headers",
            ),
            (
                "10.0.0.5",
                &[("x-forwarded-for", "198.51.100.7:4711")],
                "198.51.100.7",
                "address with port",
            ),
            (
                "10.0.0.5",
                &[("x-forwarded-for", "[2001:db8::7]:443")],
                "2001:db8::7",
                "bracketed IPv6 with port",
            ),
            (
                "10.0.0.5",
                &[(
                    "forwarded",
                    "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\"",
                )],
                "2001:db8:cafe::17",
                "Forwarded header",
            ),
            (
                "::ffff:10.0.0.5",
                &[("x-forwarded-for", "198.51.100.7")],
                "198.51.100.7",
                "mapped peer address",
            ),
        ];
        for (peer, hdrs, want, why) in cases {
            assert_eq!(
                client_ip(ip(peer), &headers(hdrs), &trusted),
                ip(want),
                "{why}"
            );
        }
    }

    #[test]
    fn ipv6_clients_share_a_key_per_slash_64() {
        assert_eq!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:3::1"))
        );
        assert_ne!(limit_key(ip("1.2.3.4")), limit_key(ip("1.2.3.5")));
        assert_eq!(limit_key(ip("1.2.3.4")), limit_key(ip("::ffff:1.2.3.4")));
    }
}
