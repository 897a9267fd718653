//! The pages raqib serves itself, embedded in the binary (no CDN, no build step): the
//! demo article at `/` with the reader widget, the widget script `/embed.js`, the
//! moderator console `/moderate` and the admin filter page `/admin`, and their scripts
//! and stylesheets.
//!
//! The console and admin pages send a strict Content-Security-Policy (scripts and styles
//! from this origin only, no inline script, no framing); they never render comment text
//! as HTML. `/embed.js` may be loaded by any host page; the API it calls answers only the
//! origins in `allowed_origins` (see [`cors`]).

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::app::AppState;

/// Scripts and styles from this origin only; images also as data: URLs (the security
/// code); API calls to this origin; never inside a frame.
const STRICT_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'";

/// The demo article: like a host page, it lets the widget add its stylesheet and has a
/// `<style>` of its own; scripts still only from this origin.
const DEMO_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'";

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

// The pages' scripts and stylesheets, every `.js` and `.css` under `assets/` at its
// path there (`assets/shared/api.js` → `/shared/api.js`), embedded by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/embedded_assets.rs"));

pub fn router() -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(demo))
        .route(
            "/moderate",
            get(|| page(include_str!("../../assets/moderate.html"), STRICT_CSP)),
        )
        .route(
            "/admin",
            get(|| page(include_str!("../../assets/admin.html"), STRICT_CSP)),
        );
    EMBEDDED_ASSETS.iter().fold(pages, |router, &(path, body)| {
        let kind = if path.ends_with(".css") { CSS } else { JS };
        router.route(path, get(move || asset(body, kind)))
    })
}

/// The demo article; `?lang=en` shows its widget in English (the article stays Arabic).
async fn demo(query: super::extract::QueryPairs) -> Response {
    const DEMO: &str = include_str!("../../assets/demo.html");
    if query.get("lang") == Some("en") {
        let english = DEMO.replacen(
            "data-article=\"demo/welcome\"",
            "data-article=\"demo/welcome\" data-lang=\"en\"",
            1,
        );
        return page(english, DEMO_CSP).await;
    }
    page(DEMO, DEMO_CSP).await
}

async fn page(body: impl Into<axum::body::Body>, csp: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HTML),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "same-origin"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body.into(),
    )
        .into_response()
}

/// A script or stylesheet. Any origin may load them: the widget's host pages load
/// `/embed.js`, which imports its modules from here, and none of them holds a secret.
async fn asset(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // Short: a new release reaches readers within minutes.
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response()
}

/// CORS for the reader endpoints: host pages in `allowed_origins` may call them from the
/// browser (no cookies: the widget sends none). `*` in the list allows any origin.
/// `Retry-After` is exposed so the widget can say when to try again.
pub fn cors(allowed: &[String]) -> CorsLayer {
    let origins = if allowed.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        let list: Vec<HeaderValue> = allowed
            .iter()
            .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
            .collect();
        AllowOrigin::list(list)
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}
