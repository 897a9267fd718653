//! The request's own origin (`scheme://host[:port]`), as the browser that sent it sees it.
//!
//! raqib serves plain HTTP itself, so the scheme is `http` unless the peer is one of
//! `trusted_proxies` and says otherwise (`X-Forwarded-Proto`, or `proto=` of `Forwarded`);
//! the host is the `Host` header (or `X-Forwarded-Host` / `host=` from a trusted proxy).
//! A header from anyone else is ignored: a client cannot claim https to pass the CSRF check.
//! With `public_url` set, that URL's origin is the service's origin instead.

use std::net::IpAddr;

use axum::http::{HeaderMap, header};

use crate::config::origins::canonical_host;
pub use crate::config::origins::origin_of;
use crate::gates::ratelimit::client::Cidr;

/// The origin this request was made to, or None without a usable host.
pub fn request_origin(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> Option<String> {
    let peer_is_proxy = trusted.iter().any(|c| c.contains(peer));
    let forwarded = |name: &str| {
        peer_is_proxy
            .then(|| forwarded_value(headers, name))
            .flatten()
    };
    let scheme = forwarded("proto")
        .map(|s| s.to_ascii_lowercase())
        .filter(|s| s == "http" || s == "https")
        .unwrap_or_else(|| "http".to_string());
    let host = forwarded("host").or_else(|| {
        headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })?;
    let host = canonical_host(&scheme, &host)?;
    Some(format!("{scheme}://{host}"))
}

/// Does the `Origin` header name `expected`? Compared as origins: scheme, host and port,
/// case-insensitive, with the default port implied.
pub fn origin_matches(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(origin_of)
        .is_some_and(|sent| sent == expected)
}

/// The first value a proxy set: `X-Forwarded-<Name>`, else `name=` of `Forwarded`. The
/// first (leftmost) one is what the outermost proxy saw from the browser.
fn forwarded_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let x_header = format!("x-forwarded-{name}");
    if let Some(value) = headers.get(x_header.as_str()).and_then(|v| v.to_str().ok()) {
        let first = value.split(',').next().unwrap_or("").trim();
        return (!first.is_empty()).then(|| first.to_string());
    }
    let line = headers.get("forwarded")?.to_str().ok()?;
    let element = line.split(',').next()?;
    element.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"').to_string())
            .filter(|v| !v.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://Comments.Example.com:443/x?y").as_deref(),
            Some("https://comments.example.com")
        );
        assert_eq!(
            origin_of("http://localhost:8080").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(origin_of("ftp://x"), None);
        assert_eq!(origin_of("https://user@x"), None);
        assert_eq!(origin_of("null"), None);
    }

    #[test]
    fn only_a_trusted_proxy_may_say_https() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        let trusted: Vec<Cidr> = vec!["10.0.0.0/8".parse().unwrap()];
        let sent = headers(&[
            ("host", "comments.example.com"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(
            request_origin(proxy, &sent, &trusted).as_deref(),
            Some("https://comments.example.com")
        );
        assert_eq!(
            request_origin(stranger, &sent, &trusted).as_deref(),
            Some("http://comments.example.com"),
            "a client's own claim is ignored"
        );
        let rfc = headers(&[
            ("host", "internal:8080"),
            ("forwarded", "for=1.2.3.4;proto=https;host=news.example"),
        ]);
        assert_eq!(
            request_origin(proxy, &rfc, &trusted).as_deref(),
            Some("https://news.example")
        );
        assert_eq!(request_origin(stranger, &headers(&[]), &trusted), None);
    }
}
