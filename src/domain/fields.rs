//! Text fields of a submission: article key, author name, comment body.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use super::errors::FieldCode;
use crate::domain::unicode::is_invisible;

/// Length in user-perceived characters (extended grapheme clusters) of the NFC form.
pub fn grapheme_len(text: &str) -> usize {
    let nfc: String = text.nfc().collect();
    nfc.graphemes(true).count()
}

/// True when an invisible character stands where it cannot be spelling.
///
/// The rule, per character class (names are refused, never silently cleaned, so what is
/// stored and shown is what the reader typed):
/// - ZWNJ (U+200C) only between two letters: Persian and Urdu spell with it («می‌خواهم»);
/// - ZWJ (U+200D) only inside an emoji sequence (between two visible characters that are
///   not letters): between letters it only changes how they join, a spoofing trick;
/// - a variation selector only right after a visible character that is not a letter (the
///   emoji form of ❤); after a letter it changes nothing a reader can see;
/// - every other format character (ZWSP, bidi controls and overrides, BOM, soft hyphen,
///   tags …) and every invisible filler, anywhere.
pub fn has_stray_invisible(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let visible = |c: &char| !c.is_whitespace() && !is_invisible(*c);
    let letter = |c: &char| crate::domain::unicode::is_alphabetic(*c);
    // The character before `i`, skipping variation selectors (an emoji's own selector
    // comes before the joiner in sequences like 🏳️‍🌈).
    let before = |i: usize| {
        chars[..i]
            .iter()
            .rev()
            .find(|c| !crate::domain::unicode::is_variation_selector(**c))
    };
    chars.iter().enumerate().any(|(i, &c)| {
        if !is_invisible(c) {
            return false;
        }
        let after = chars.get(i + 1);
        let allowed = match c {
            '\u{200C}' => before(i).is_some_and(letter) && after.is_some_and(letter),
            '\u{200D}' => {
                before(i).is_some_and(|b| visible(b) && !letter(b))
                    && after.is_some_and(|a| visible(a) && !letter(a))
            }
            c if crate::domain::unicode::is_variation_selector(c) => i
                .checked_sub(1)
                .and_then(|j| chars.get(j))
                .is_some_and(|b| visible(b) && !letter(b)),
            _ => false,
        };
        !allowed
    })
}

/// True when nothing in the text can be seen on its own: only combining marks (harakat),
/// white space and invisible characters.
fn has_no_visible_base(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace() || is_invisible(c) || unicode_normalization::char::is_combining_mark(c)
    })
}

/// Which article a comment belongs to: a page key or URL path, as the host page sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleKey(String);

impl ArticleKey {
    pub const MAX_CHARS: usize = 512;

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldCode::Required);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(FieldCode::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if trimmed.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(FieldCode::InvalidCharacters);
        }
        Ok(ArticleKey(trimmed.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name a reader signs with: trimmed, NFC, 1–80 graphemes, nothing invisible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorName(String);

impl AuthorName {
    pub const MAX_GRAPHEMES: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let nfc: String = raw.trim().nfc().collect();
        if nfc.is_empty() {
            return Err(FieldCode::Required);
        }
        // Control characters, line and paragraph separators, and characters that render
        // as nothing would let one name impersonate another or look blank.
        if nfc
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
            || has_stray_invisible(&nfc)
            || has_no_visible_base(&nfc)
        {
            return Err(FieldCode::InvalidCharacters);
        }
        if nfc.graphemes(true).count() > Self::MAX_GRAPHEMES {
            return Err(FieldCode::TooLong {
                max: Self::MAX_GRAPHEMES,
            });
        }
        Ok(AuthorName(nfc))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The comment text, stored exactly as submitted (the filter works on keys derived from it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    pub const MAX_GRAPHEMES: usize = 5_000;

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().all(is_invisible) {
            return Err(FieldCode::Required);
        }
        // Line breaks and tabs are text; other control characters (NUL, escape …) are not,
        // and PostgreSQL cannot even store NUL.
        if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldCode::InvalidCharacters);
        }
        if grapheme_len(trimmed) > Self::MAX_GRAPHEMES {
            return Err(FieldCode::TooLong {
                max: Self::MAX_GRAPHEMES,
            });
        }
        Ok(CommentBody(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_normalized_and_bounded() {
        let long = "ع".repeat(81);
        let exactly = "ع".repeat(80);
        let cases: &[(&str, Result<&str, FieldCode>, &str)] = &[
            ("  محمد العتيبي ", Ok("محمد العتيبي"), "trimmed"),
            ("", Err(FieldCode::Required), "empty"),
            ("   \t ", Err(FieldCode::Required), "blank"),
            (&exactly, Ok(&exactly), "80 graphemes is the limit"),
            (&long, Err(FieldCode::TooLong { max: 80 }), "81 graphemes"),
            (
                "أحمد\u{200B}",
                Err(FieldCode::InvalidCharacters),
                "zero width space",
            ),
            (
                "سارة\nسارة",
                Err(FieldCode::InvalidCharacters),
                "line break",
            ),
            (
                "\u{3164}",
                Err(FieldCode::InvalidCharacters),
                "Hangul filler only",
            ),
            ("Jane O'Neil", Ok("Jane O'Neil"), "Latin name"),
            ("e\u{301}lise", Ok("\u{e9}lise"), "NFC composes accents"),
            (
                "می\u{200C}خواهم",
                Ok("می\u{200C}خواهم"),
                "ZWNJ inside a Persian word",
            ),
            (
                "\u{200D}سارة",
                Err(FieldCode::InvalidCharacters),
                "leading joiner",
            ),
            (
                "سارة \u{200C}",
                Err(FieldCode::InvalidCharacters),
                "trailing joiner",
            ),
            (
                "❤\u{FE0F} سارة",
                Ok("❤\u{FE0F} سارة"),
                "emoji with variation selector",
            ),
        ];
        for (input, want, why) in cases {
            let got = AuthorName::parse(input);
            match want {
                Ok(expected) => assert_eq!(got.map(|n| n.0), Ok(expected.to_string()), "{why}"),
                Err(code) => assert_eq!(got, Err(*code), "{why}"),
            }
        }
    }

    #[test]
    fn names_count_graphemes_not_bytes() {
        // Each Arabic letter with a shadda and fatha is one grapheme of three code points.
        let with_marks = "مَّ".repeat(80);
        assert!(AuthorName::parse(&with_marks).is_ok());
        let family = "👨‍👩‍👧".repeat(80);
        assert!(
            AuthorName::parse(&family).is_ok(),
            "emoji sequences are one each"
        );
    }

    #[test]
    fn bodies_are_kept_exactly_and_bounded() {
        let body = "  سطر أول\r\nسطر ثانٍ <b>نص</b>  ";
        assert_eq!(CommentBody::parse(body).map(|b| b.0), Ok(body.to_string()));
        assert_eq!(CommentBody::parse(" \n "), Err(FieldCode::Required));
        assert_eq!(CommentBody::parse("\u{200F}"), Err(FieldCode::Required));
        assert_eq!(
            CommentBody::parse("nul\u{0}here"),
            Err(FieldCode::InvalidCharacters)
        );
        assert!(CommentBody::parse(&"ب".repeat(5000)).is_ok());
        assert_eq!(
            CommentBody::parse(&"ب".repeat(5001)),
            Err(FieldCode::TooLong { max: 5000 })
        );
    }

    #[test]
    fn article_keys_are_trimmed_and_bounded() {
        assert_eq!(
            ArticleKey::parse(" /news/2026/11/oil ").map(|a| a.0),
            Ok("/news/2026/11/oil".to_string())
        );
        assert_eq!(ArticleKey::parse(""), Err(FieldCode::Required));
        assert!(ArticleKey::parse(&"a".repeat(512)).is_ok());
        assert_eq!(
            ArticleKey::parse(&"a".repeat(513)),
            Err(FieldCode::TooLong { max: 512 })
        );
        assert_eq!(
            ArticleKey::parse("a\u{0}b"),
            Err(FieldCode::InvalidCharacters)
        );
    }
}

#[cfg(test)]
mod invisible_names {
    use super::*;

    #[test]
    fn names_that_hide_or_fake_letters_are_refused_and_real_spelling_stays() {
        let refused = [
            ("line separator", "سامي\u{2028}علي"),
            ("paragraph separator", "سامي\u{2029}علي"),
            ("joiner between Arabic letters", "سا\u{200D}مي"),
            ("emoji selector after a letter", "سامي\u{FE0F}"),
            ("zero-width space", "سا\u{200B}مي"),
            ("bidi override", "\u{202E}imas"),
            ("harakat only", "\u{064E}\u{064F}\u{0650}"),
        ];
        for (why, name) in refused {
            assert_eq!(
                AuthorName::parse(name),
                Err(FieldCode::InvalidCharacters),
                "{why}: {name:?}"
            );
        }
        let kept = [
            ("ZWNJ inside a Persian word", "می\u{200C}خواهم"),
            ("ZWNJ inside an Urdu name", "نور\u{200C}الدین"),
            ("emoji ZWJ sequence", "Sami 👨\u{200D}👩\u{200D}👧"),
            ("heart with its selector", "سامي ❤\u{FE0F}"),
            ("harakat on letters", "سَامِي"),
        ];
        for (why, name) in kept {
            assert!(AuthorName::parse(name).is_ok(), "{why}: {name:?}");
        }
    }
}
