//! `raqib check-embed URL`: tells an integrator whether an article page at URL may embed
//! raqib with this configuration (the widget: CORS; the frame: `frame-ancestors`, both
//! from `allowed_origins`), and what to set when it may not, with the two snippets.

use std::fmt::Write as _;

use crate::config::Config;
use crate::config::origins::{AllowedOrigins, origin_of};

/// The report for the page at `url`; Err (the same report) when that page may not embed.
pub fn check(config: &Config, url: &str) -> Result<String, String> {
    let Some(origin) = origin_of(url) else {
        return Err(format!(
            "{url:?} is not an http(s) address of an article page (e.g. https://news.example/2026/11/article)"
        ));
    };
    let allowed = AllowedOrigins::new(&config.allowed_origins).allows(&origin);
    let service = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.listen))
        .trim_end_matches('/')
        .to_string();
    let mut out = String::new();
    let verdict = if allowed { "allowed" } else { "NOT allowed" };
    let _ = writeln!(out, "page origin:   {origin}");
    let _ = writeln!(out, "service:       {service}");
    let _ = writeln!(out, "widget (CORS): {verdict}");
    let _ = writeln!(out, "frame (frame-ancestors): {verdict}");
    if !allowed {
        let mut list = config.allowed_origins.clone();
        list.push(origin.clone());
        let quoted: Vec<String> = list.iter().map(|o| format!("\"{o}\"")).collect();
        let _ = writeln!(
            out,
            "\nTo allow it, set in raqib.toml:\n  allowed_origins = [{}]\nor in the environment:\n  RAQIB_ALLOWED_ORIGINS={}\nthen restart raqib. http:// and https://, and www. and the bare domain, are different origins: list each one the pages use.",
            quoted.join(", "),
            list.join(",")
        );
    }
    if config.public_url.is_none() {
        let _ = writeln!(
            out,
            "\nnote: public_url is not set; the snippets below use the listen address, which readers' browsers may not reach. Set public_url to the address readers use."
        );
    }
    let _ = writeln!(
        out,
        "\nwidget:\n  <div id=\"raqib-comments\" data-article=\"ARTICLE-KEY\"></div>\n  <script src=\"{service}/embed.js\" defer></script>\n\nframe:\n  <iframe src=\"{service}/embed/frame?article=ARTICLE-KEY&amp;lang=ar\" title=\"التعليقات\" loading=\"lazy\" style=\"width:100%;height:60rem;border:0\"></iframe>"
    );
    if allowed { Ok(out) } else { Err(out) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_site_is_allowed_and_an_unlisted_one_is_told_what_to_set() {
        let config = Config {
            allowed_origins: vec!["https://news.example".into()],
            public_url: Some("https://comments.example/".into()),
            ..Config::default()
        };
        let ok = check(&config, "https://news.example/2026/11/a?x=1").unwrap();
        assert!(ok.contains("widget (CORS): allowed"), "{ok}");
        assert!(ok.contains("https://comments.example/embed.js"), "{ok}");
        let refused = check(&config, "http://www.news.example/a").unwrap_err();
        assert!(refused.contains("NOT allowed"), "{refused}");
        assert!(
            refused.contains(
                "allowed_origins = [\"https://news.example\", \"http://www.news.example\"]"
            ),
            "{refused}"
        );
        assert!(check(&config, "news.example").is_err());
    }
}
