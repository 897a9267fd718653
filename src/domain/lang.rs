//! Localized messages and `Accept-Language` negotiation.
//!
//! Every message a reader or moderator may see exists in Arabic and English. Codes are
//! stable for programs; messages are for people. The language of the current request is
//! kept in a task-local set by the HTTP layer's language middleware, so errors can be
//! rendered without threading the language through every function.

use serde::Serialize;

/// The languages raqib speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ar,
    #[default]
    En,
}

tokio::task_local! {
    static CURRENT: Lang;
}

impl Lang {
    /// Picks Arabic or English from an `Accept-Language` header, honouring q-values.
    /// Anything else (or nothing) gives English, the contract's default.
    pub fn negotiate(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::En;
        };
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, item) in header.split(',').enumerate() {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "ar" => Lang::Ar,
                "en" => Lang::En,
                _ => continue,
            };
            let mut q = 1.0f32;
            for param in parts {
                if let Some(value) = param.trim().strip_prefix("q=") {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
            if q <= 0.0 {
                continue;
            }
            // Higher q wins; on a tie the earlier entry wins.
            let better = match best {
                None => true,
                Some((best_q, _, _)) => q > best_q,
            };
            if better {
                best = Some((q, position, lang));
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or_default()
    }

    /// The language of the request being served (English outside a request).
    pub fn current() -> Lang {
        CURRENT.try_with(|lang| *lang).unwrap_or_default()
    }

    /// Runs `future` with `self` as the current language.
    pub async fn scope<F: Future>(self, future: F) -> F::Output {
        CURRENT.scope(self, future).await
    }

    /// Chooses between the Arabic and the English text.
    pub fn pick(self, ar: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Ar => ar,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        let cases = [
            (None, Lang::En, "no header means English"),
            (Some("ar"), Lang::Ar, "plain Arabic"),
            (Some("ar-SA,ar;q=0.9,en;q=0.8"), Lang::Ar, "Saudi browser"),
            (Some("en-US,en;q=0.9,ar;q=0.8"), Lang::En, "English first"),
            (
                Some("fr-FR,ar;q=0.5"),
                Lang::Ar,
                "unsupported first, Arabic next",
            ),
            (Some("en;q=0.3,ar;q=0.7"), Lang::Ar, "q-values beat order"),
            (
                Some("de"),
                Lang::En,
                "unsupported only falls back to English",
            ),
            (Some("ar;q=0"), Lang::En, "q=0 means not acceptable"),
            (Some("garbage;;;,"), Lang::En, "malformed header"),
        ];
        for (header, want, why) in cases {
            assert_eq!(Lang::negotiate(header), want, "{why}");
        }
    }
}
