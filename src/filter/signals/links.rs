//! Links, their domains, e-mail addresses in the text, and links written to dodge a link
//! detector (`[.]`, "w w w"; spelled-out dots such as «نقطة كوم» are in the word list
//! `wordlists/obfuscation.txt`).

use std::sync::LazyLock;

use regex::Regex;

use crate::filter::normalize::Keys;

/// Top-level domains that spammers use and readers cite.
const TLDS: &str = "com|net|org|info|biz|me|io|co|sa|ae|qa|kw|bh|om|eg|ly|xyz|top|site|online|shop|store|link|app|tk|ml|ga|cf|gq|ru|cn|in|pk|us|uk|tv|cc|ws|to|gl|gd|ee|be|it|de|fr|ma|dz|tn|jo|lb|iq|sy|ps|sd|ye|live|club|vip|win|bet|fun|icu|buzz|cam|ink|pro|pw|su|ir|tr|ly|gov|edu|int|news|blog|tk|one|life|world|today";

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r#"(?i)(?:https?://|www\.)[^\s<>"'(){{}}\[\]]+|(?-u:\b)(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{TLDS})(?-u:\b)(?:/[^\s<>"']*)?"#
    );
    Regex::new(&pattern).unwrap_or_else(|e| unreachable!("link pattern: {e}"))
});

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
        .unwrap_or_else(|e| unreachable!("email pattern: {e}"))
});

/// Bracketed dots in the raw text: `[.]`, `(.)`, `{dot}`.
static BRACKET_DOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[\[({]\s*(?:\.|dot|نقطة)\s*[\])}]")
        .unwrap_or_else(|e| unreachable!("bracket dot pattern: {e}"))
});

/// The top-level domains of [`TLDS`], for looking one word up.
static TLD_SET: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| TLDS.split('|').collect());

/// A dot with white space beside it before a top-level domain: "site . com",
/// "www . site . store" (the span from the name to the domain).
fn spaced_dot(raw: &str) -> Option<(usize, usize)> {
    let is_space = |c: char| c.is_ascii_whitespace();
    for (i, _) in raw.match_indices('.') {
        let (before, after) = (&raw[..i], &raw[i + 1..]);
        let (name, tld) = (
            before.trim_end_matches(is_space),
            after.trim_start_matches(is_space),
        );
        if name.len() == before.len() && tld.len() == after.len() {
            continue; // "site.com": an ordinary link
        }
        let tld_len = tld.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let name_len = name
            .bytes()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-')
            .count();
        if tld_len < 2 || name_len < 2 {
            continue;
        }
        if TLD_SET.contains(tld[..tld_len].to_ascii_lowercase().as_str()) {
            let end = raw.len() - tld.len() + tld_len;
            return Some((name.len() - name_len, end));
        }
    }
    None
}

/// A link shortener written without its dot or with spaces ("bit ly/abc", "bitly/abc",
/// "cutt . ly / x"); the plain form ("bit.ly/abc") is an ordinary link.
static SHORTENER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:bit|cutt|goo|rb|is|ow|tiny|shorturl|tinyurl)\s*\.?\s*(?:ly|gl|gy|gd|cc|at|com)?\s*/\s*[a-z0-9_-]{3,}",
    )
    .unwrap_or_else(|e| unreachable!("shortener pattern: {e}"))
});

/// Shortener hosts with the dot left out, as the letters of a [`SHORTENER`] match begin.
const SHORTENER_NAMES: &[&str] = &[
    "bitly",
    "cuttly",
    "googl",
    "rbgy",
    "isgd",
    "owly",
    "tinycc",
    "shorturlat",
    "tinyurl",
];

/// A link found in the raw text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub span: (usize, usize),
    pub url: String,
    /// Lower-case host without `www.`.
    pub host: String,
}

/// Every link of `raw`.
pub fn links(raw: &str) -> Vec<Link> {
    // Cheap gate: a link needs a scheme, "www", or a dot before an ASCII letter or digit.
    let bytes = raw.as_bytes();
    let dotted = bytes
        .windows(2)
        .any(|w| w[0] == b'.' && w[1].is_ascii_alphanumeric());
    if !dotted && !raw.contains("http") && !raw.contains("www") {
        return Vec::new();
    }
    LINK.find_iter(raw)
        .map(|m| {
            let url = m
                .as_str()
                .trim_end_matches(['.', ',', '،', '!', '?', ';', ':']);
            let host = host_of(url);
            Link {
                span: (m.start(), m.start() + url.len()),
                url: url.to_string(),
                host,
            }
        })
        .filter(|link| link.host.contains('.'))
        .collect()
}

fn host_of(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
    host.strip_prefix("www.").unwrap_or(host).to_string()
}

/// `host` and every domain it is under, most specific first: `a.b.example.com`,
/// `b.example.com`, `example.com`, `com`. A set of domains is asked about each, rather
/// than each domain of a long list being compared with the host.
pub fn host_and_parents(host: &str) -> impl Iterator<Item = &str> {
    std::iter::once(host).chain(
        host.match_indices('.')
            .map(move |(i, _)| &host[i + 1..])
            .filter(|rest| !rest.is_empty()),
    )
}

/// Does `host` equal `domain` or end with `.domain`?
pub fn under(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// E-mail addresses written in the text (a way to take the conversation elsewhere).
pub fn emails(raw: &str) -> Option<(usize, usize)> {
    EMAIL.find(raw).map(|m| (m.start(), m.end()))
}

/// A link written so that link detectors miss it.
pub fn obfuscated_link(raw: &str, keys: &Keys, bracket: bool) -> Option<(usize, usize)> {
    if bracket && let Some(m) = BRACKET_DOT.find(raw) {
        return Some((m.start(), m.end()));
    }
    if let Some(span) = spaced_dot(raw) {
        return Some(span);
    }
    let disguised_shortener = |m: &regex::Match| {
        let text = m.as_str();
        let plain_link = !text.contains(char::is_whitespace) && text.contains('.');
        let name: String = text
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        !plain_link && SHORTENER_NAMES.iter().any(|n| name.starts_with(n))
    };
    // Only a text with a slash can hold one.
    if raw.contains('/')
        && let Some(m) = SHORTENER.find_iter(raw).find(disguised_shortener)
    {
        return Some((m.start(), m.end()));
    }
    // "w w w" or "w.w.w" re-joined (the joined key collapses the run to one "w", so the
    // raw text behind it says whether it was three).
    // A real "www." is a link, not a disguise (checked without lower-casing a copy).
    let real_www = || {
        raw.as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"www."))
    };
    if !raw.bytes().any(|b| b == b'w' || b == b'W') || real_www() {
        return None;
    }
    let joined = keys.joined.as_ref()?;
    let mut offset = 0;
    for word in joined.as_str().split(' ') {
        let (start, end) = (offset, offset + word.len());
        offset = end + 1;
        if word != "w" {
            continue;
        }
        let span = joined.raw_span(start, end);
        let letters = raw[span.0..span.1]
            .chars()
            .filter(char::is_ascii_alphabetic)
            .count();
        if letters >= 3 {
            return Some(span);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_with_their_hosts() {
        let cases: &[(&str, &[&str])] = &[
            (
                "زوروا https://www.Example.com/path?x=1 الآن",
                &["example.com"],
            ),
            ("موقعنا shop-now.xyz/offer، تفضلوا", &["shop-now.xyz"]),
            ("المصدر: www.moh.gov.sa.", &["moh.gov.sa"]),
            ("bit.ly/abc و t.me/channel", &["bit.ly", "t.me"]),
            ("سعر البرميل 85.5 دولار", &[]),
            ("الساعة 10.30 صباحا", &[]),
            ("نهاية الجملة.بداية أخرى", &[]),
        ];
        for (text, hosts) in cases {
            let found: Vec<String> = links(text).into_iter().map(|l| l.host).collect();
            assert_eq!(found, *hosts, "{text}");
        }
    }

    #[test]
    fn spans_cover_the_link_without_trailing_punctuation() {
        let text = "اقرأ example.com.";
        let link = &links(text)[0];
        assert_eq!(&text[link.span.0..link.span.1], "example.com");
    }

    #[test]
    fn allowed_domains_match_on_a_dot_boundary() {
        assert_eq!(
            host_and_parents("a.moh.gov.sa").collect::<Vec<_>>(),
            ["a.moh.gov.sa", "moh.gov.sa", "gov.sa", "sa"]
        );
        assert_eq!(host_and_parents("localhost").count(), 1);
        assert!(under("moh.gov.sa", "gov.sa"));
        assert!(under("gov.sa", "gov.sa"));
        assert!(!under("xgov.sa", "gov.sa"));
    }

    #[test]
    fn spelled_out_links_are_noticed() {
        let cases = [
            ("example[.]com", true),
            ("example (dot) com", true),
            ("w w w . shop", true),
            ("www . mysite . com", true),
            ("زوروا mystore . store الآن", true),
            ("bit ly/abc123", true),
            ("bitly/abc123", true),
            ("cutt . ly / promo", true),
            ("bit.ly/abc123", false),
            ("it is a bit/part of it", false),
            ("النسبة 3 . 5 بالمئة", false),
            ("النقطة المهمة في الكوم", false),
            ("عادي جدا", false),
        ];
        for (text, want) in cases {
            assert_eq!(
                obfuscated_link(text, &Keys::of(text), true).is_some(),
                want,
                "{text}"
            );
        }
    }
}
