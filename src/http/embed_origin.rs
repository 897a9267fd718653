//! Embeds no longer fail in silence. A browser refuses by itself the reader API's answers
//! to a page whose origin is not in `allowed_origins` (CORS), and the frame on such a page
//! (`frame-ancestors`); the server would see nothing wrong. This layer notices those
//! requests (an `Origin` header, or a frame request's `Referer`, naming a site not
//! listed) and logs the first refusal of each origin at `warn`, naming the origin and the
//! key to set; repeats go to the sampled refusal log.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::origins::{AllowedOrigins, origin_of};

/// At most this many origins are remembered as already warned about.
const REMEMBERED: usize = 1024;

fn warned() -> &'static Mutex<HashSet<String>> {
    static WARNED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    WARNED.get_or_init(|| Mutex::new(HashSet::new()))
}

/// The embedding page's origin, when the request comes from another site's page: the
/// `Origin` of an API call, or the `Referer` of a frame being loaded.
fn embedding_origin(headers: &HeaderMap) -> Option<String> {
    let text = |name: &header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let frame = headers
        .get("sec-fetch-dest")
        .is_some_and(|v| v.as_bytes() == b"iframe");
    let origin = match text(&header::ORIGIN) {
        Some(origin) if origin != "null" => origin_of(origin)?,
        _ if frame => origin_of(text(&header::REFERER)?)?,
        _ => return None,
    };
    // The service's own pages (same host) are not embeds.
    let host = text(&header::HOST)?;
    let same_host = origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host));
    (!same_host).then_some(origin)
}

/// The layer: notes a refused embedding origin, then serves the request as usual.
pub async fn note_refused_origin(
    State(allowed): State<Arc<AllowedOrigins>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(origin) = embedding_origin(request.headers())
        && !allowed.allows(&origin)
    {
        warn_once(&origin);
    }
    next.run(request).await
}

fn warn_once(origin: &str) {
    let first = warned().lock().is_ok_and(|mut seen| {
        if seen.contains(origin) {
            return false;
        }
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(origin.to_string())
    });
    if first {
        tracing::warn!(
            origin,
            key = "allowed_origins",
            "an embedding page's origin is not in allowed_origins: browsers there refuse the widget's answers and the frame; add it to allowed_origins (raqib check-embed URL tells what to set)"
        );
    } else {
        crate::telemetry::refusals::note("origin_not_allowed", origin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_embedding_origin_is_read_from_calls_and_frames_but_not_own_pages() {
        let call = headers(&[
            ("origin", "https://news.example"),
            ("host", "comments.example"),
        ]);
        assert_eq!(
            embedding_origin(&call).as_deref(),
            Some("https://news.example")
        );
        let frame = headers(&[
            ("sec-fetch-dest", "iframe"),
            ("referer", "https://news.example/2026/article?id=3"),
            ("host", "comments.example"),
        ]);
        assert_eq!(
            embedding_origin(&frame).as_deref(),
            Some("https://news.example")
        );
        let own = headers(&[
            ("origin", "http://comments.example"),
            ("host", "comments.example"),
        ]);
        assert_eq!(embedding_origin(&own), None);
        let link = headers(&[
            ("referer", "https://news.example/"),
            ("host", "comments.example"),
        ]);
        assert_eq!(embedding_origin(&link), None, "a plain link is no embed");
    }

    #[test]
    fn listed_origins_and_the_wildcard_are_allowed() {
        let allowed = AllowedOrigins::new(&["https://News.example:443/".to_string()]);
        assert!(allowed.allows("https://news.example"));
        assert!(!allowed.allows("http://news.example"));
        assert!(AllowedOrigins::new(&["*".to_string()]).allows("https://any.example"));
    }
}
