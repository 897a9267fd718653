//! Web origins (`scheme://host[:port]`) as the configuration names them: the origin of a
//! URL, and whether `allowed_origins` lets a site embed raqib. Used by the HTTP layer (CSRF,
//! CORS refusals) and by `raqib check-embed`.

/// The origin of `url` (`https://Example.com:443/x` → `https://example.com`), or None
/// when it is not an http(s) URL with a host.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = canonical_host(&scheme, authority)?;
    Some(format!("{scheme}://{host}"))
}

/// `host[:port]` lower-cased, without the scheme's default port; None when empty or
/// when it carries user information or spaces.
pub fn canonical_host(scheme: &str, authority: &str) -> Option<String> {
    let authority = authority.trim().to_ascii_lowercase();
    if authority.is_empty() || authority.contains(['@', ' ', '/']) {
        return None;
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    Some(
        authority
            .strip_suffix(default_port)
            .unwrap_or(&authority)
            .to_string(),
    )
}

/// The origins `allowed_origins` lets embed raqib, read once into canonical form (the
/// reader routes ask on every request).
#[derive(Clone, Debug, Default)]
pub struct AllowedOrigins {
    any: bool,
    origins: std::collections::HashSet<String>,
}

impl AllowedOrigins {
    pub fn new(allowed: &[String]) -> AllowedOrigins {
        AllowedOrigins {
            any: allowed.iter().any(|a| a == "*"),
            origins: allowed.iter().filter_map(|a| origin_of(a)).collect(),
        }
    }

    /// Is `origin` (canonical, as [`origin_of`] gives it) allowed?
    pub fn allows(&self, origin: &str) -> bool {
        self.any || self.origins.contains(origin)
    }
}
