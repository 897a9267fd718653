//! Signals in the shape of the text rather than its words: hidden characters inside
//! words, several scripts inside one word, repeated words, shouting, emoji floods.

use crate::filter::normalize::{Key, words};
use crate::unicode::{is_format, is_variation_selector};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Script {
    Arabic,
    Latin,
    Cyrillic,
    Greek,
    Other,
}

fn script(c: char) -> Script {
    match c as u32 {
        0x0041..=0x005A | 0x0061..=0x007A | 0x00C0..=0x024F => Script::Latin,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x0400..=0x052F => Script::Cyrillic,
        0x0370..=0x03FF => Script::Greek,
        _ => Script::Other,
    }
}

/// The first word (a run of letters) written in two scripts, like "сasino" with a
/// Cyrillic с or «واتسapp».
pub fn mixed_script_word(raw: &str) -> Option<(usize, usize)> {
    let mut start = None;
    let mut seen: Option<Script> = None;
    let mut mixed = false;
    for (i, c) in raw.char_indices().chain(std::iter::once((raw.len(), ' '))) {
        let letter = c.is_alphabetic() || is_format(c) || is_variation_selector(c);
        if letter {
            if start.is_none() {
                start = Some(i);
                seen = None;
                mixed = false;
            }
            if c.is_alphabetic() {
                let s = script(c);
                if s != Script::Other {
                    match seen {
                        None => seen = Some(s),
                        Some(prev) if prev != s => mixed = true,
                        _ => {}
                    }
                }
            }
        } else if let Some(s) = start.take()
            && mixed
        {
            return Some((s, i));
        }
    }
    None
}

/// Persian letters: where a ZWNJ inside a word is ordinary spelling.
fn has_persian_letters(raw: &str) -> bool {
    raw.chars()
        .any(|c| matches!(c, 'پ' | 'چ' | 'ژ' | 'گ' | 'ی' | 'ک'))
}

/// Format characters or variation selectors between two letters: a word broken on
/// purpose so that filters miss it.
pub fn hidden_inside_words(raw: &str) -> Option<((usize, usize), usize)> {
    let persian = has_persian_letters(raw);
    let chars: Vec<(usize, char)> = raw.char_indices().collect();
    let mut first = None;
    let mut count = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !(is_format(c) || is_variation_selector(c)) {
            continue;
        }
        if persian && c == '\u{200C}' {
            continue;
        }
        let before = chars[..k]
            .iter()
            .rev()
            .find(|(_, d)| !is_format(*d) && !is_variation_selector(*d));
        let after = chars[k + 1..]
            .iter()
            .find(|(_, d)| !is_format(*d) && !is_variation_selector(*d));
        if let (Some((_, b)), Some((_, a))) = (before, after)
            && b.is_alphabetic()
            && a.is_alphabetic()
        {
            count += 1;
            first.get_or_insert((i, i + c.len_utf8()));
        }
    }
    first.map(|span| (span, count))
}

/// The same word four or more times in a row.
pub fn repeated_word(key: &Key) -> Option<(usize, usize)> {
    let text = key.as_str();
    let words = words(text);
    let mut run = 1;
    for i in 1..words.len() {
        let (a, b) = (words[i - 1], words[i]);
        if text[a.0..a.1] == text[b.0..b.1] {
            run += 1;
            if run >= 4 {
                return Some(key.raw_span(words[i + 1 - run].0, b.1));
            }
        } else {
            run = 1;
        }
    }
    None
}

/// Mostly capital Latin letters over a stretch long enough to mean it.
pub fn shouting(raw: &str) -> bool {
    let (mut upper, mut letters) = (0usize, 0usize);
    for c in raw.chars().filter(char::is_ascii_alphabetic) {
        letters += 1;
        upper += usize::from(c.is_ascii_uppercase());
    }
    letters >= 20 && upper * 10 >= letters * 7
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Ten or more emoji making up a third of the visible characters.
pub fn emoji_flood(raw: &str) -> bool {
    let (mut emoji, mut visible) = (0usize, 0usize);
    for c in raw.chars().filter(|c| !c.is_whitespace()) {
        visible += 1;
        emoji += usize::from(is_emoji(c));
    }
    emoji >= 10 && emoji * 3 >= visible
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::normalize::text_key;

    #[test]
    fn mixed_scripts_inside_a_word() {
        let cases = [
            ("play сasino now", Some("сasino")),
            ("كلمني واتسapp", Some("واتسapp")),
            ("شركة Aramco أرامكو", None),
            ("Aramco/أرامكو", None),
            ("فريق 2026", None),
        ];
        for (text, want) in cases {
            let got = mixed_script_word(text).map(|(s, e)| &text[s..e]);
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn hidden_characters_inside_words() {
        assert!(hidden_inside_words("وا\u{200B}تس\u{200B}اب").is_some());
        assert_eq!(hidden_inside_words("وا\u{200B}تس\u{200B}اب").unwrap().1, 2);
        assert!(
            hidden_inside_words("\u{200F}مرحبا بكم\u{200F}").is_none(),
            "bidi marks at edges"
        );
        assert!(
            hidden_inside_words("می\u{200C}خواهم").is_none(),
            "ZWNJ in Persian"
        );
        assert!(
            hidden_inside_words("👨\u{200D}👩\u{200D}👧").is_none(),
            "emoji joiners"
        );
    }

    #[test]
    fn repetition_shouting_and_emoji() {
        assert!(repeated_word(&text_key("اشترك اشترك اشترك اشترك")).is_some());
        assert!(repeated_word(&text_key("لا لا لا")).is_none());
        assert!(shouting("BUY NOW CHEAP PILLS FREE DELIVERY"));
        assert!(!shouting("NASA and the UAE space agency"));
        assert!(emoji_flood("🔥🔥🔥🔥🔥💰💰💰💰💰 عرض"));
        assert!(!emoji_flood(
            "مبروك للمنتخب 🎉👏 فوز مستحق يا شباب الله يوفقكم"
        ));
    }
}
