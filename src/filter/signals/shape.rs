//! Signals in the shape of the text rather than its words: hidden characters inside
//! words, several scripts inside one word, repeated words, shouting, emoji floods.

use crate::domain::unicode::{is_format, is_variation_selector};
use crate::filter::normalize::Key;
#[cfg(test)]
use crate::filter::normalize::words;

const LATIN: u8 = 1;
const ARABIC: u8 = 2;
const CYRILLIC: u8 = 4;
const GREEK: u8 = 8;
/// Inside a word without a script of its own: digits, marks, tatweel, hidden characters.
const NEUTRAL: u8 = 0;
/// Ends a word.
const SEPARATOR: u8 = 0x80;

/// The class and length of the UTF-8 character starting at `b[i]`, read from its bytes
/// (this runs over every comment, so no decoding and no Unicode tables).
fn byte_class(b: &[u8], i: usize) -> (u8, usize) {
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b'a'..=b'z' | b'A'..=b'Z' => (LATIN, 1),
        b'0'..=b'9' => (NEUTRAL, 1),
        0x00..=0x7F => (SEPARATOR, 1),
        0xC3..=0xC9 => (LATIN, 2),
        0xCC | 0xCD => (NEUTRAL, 2), // combining diacritics
        0xCE | 0xCF => (GREEK, 2),
        0xD0..=0xD3 => (CYRILLIC, 2),
        0xD8..=0xDB => {
            let cp = 0x600 + (u32::from(b[i] - 0xD8) << 6) + u32::from(next(1) & 0x3F);
            let class = match cp {
                0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4 | 0x06DE | 0x06E9 => SEPARATOR,
                0x0600..=0x0605
                | 0x061C
                | 0x0640
                | 0x064B..=0x065F
                | 0x0660..=0x0669
                | 0x0670
                | 0x06D6..=0x06DD
                | 0x06DF..=0x06E8
                | 0x06EA..=0x06ED
                | 0x06F0..=0x06F9 => NEUTRAL,
                _ => ARABIC,
            };
            (class, 2)
        }
        0xC0..=0xDF => (SEPARATOR, 2),
        0xE2 => {
            // U+200B–200F and U+2060–206F are hidden characters; the rest punctuation.
            let hidden = (next(1) == 0x80 && (0x8B..=0x8F).contains(&next(2)))
                || (next(1) == 0x81 && (0xA0..=0xAF).contains(&next(2)));
            (if hidden { NEUTRAL } else { SEPARATOR }, 3)
        }
        0xEF => {
            let cp = 0xF000 + (u32::from(next(1) & 0x3F) << 6) + u32::from(next(2) & 0x3F);
            let class = match cp {
                0xFB50..=0xFDFB | 0xFE70..=0xFEFC => ARABIC,
                0xFE00..=0xFE0F | 0xFEFF => NEUTRAL,
                _ => SEPARATOR,
            };
            (class, 3)
        }
        0xE0..=0xEF => (SEPARATOR, 3),
        _ => (SEPARATOR, 4),
    }
}

/// The bytes `Scan::of` looks at closer (punctuation and letters that may start a link,
/// "http" or "www", or a handle; lead bytes of the scripts and characters it tracks);
/// every other byte is only counted.
static CLOSER: [bool; 256] = closer_bytes();

const fn closer_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = matches!(
            i as u8,
            b'.' | b'@' | b'[' | b'(' | b'{' | b'h' | b'w' | 0xC2 | 0xCD..=0xD4 | 0xD8..=0xDC | 0xE0..=0xE2 | 0xEF | 0xF0 | 0xF3
        );
        i += 1;
    }
    table
}

/// How many bytes of `b` satisfy `pred`, in a loop the compiler vectorizes (byte-wide
/// counters, emptied every 255 bytes).
#[inline(always)]
fn count(b: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    b.chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &x| n + u8::from(pred(x)))))
        .sum()
}

/// What one pass over the UTF-8 bytes of a text tells the other signals, so each does not
/// read the whole text again.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scan {
    /// A dot before an ASCII letter or digit, "http" or "www" may follow: links possible.
    pub dotted: bool,
    pub at_sign: bool,
    pub bracket: bool,
    /// A format character or variation selector may be present.
    pub may_hide: bool,
    /// Scripts present (LATIN | ARABIC | CYRILLIC | GREEK bits, by lead byte).
    pub scripts: u8,
    pub emoji: usize,
    pub visible: usize,
    pub letters: usize,
    pub upper: usize,
}

impl Scan {
    pub fn of(raw: &str) -> Scan {
        let b = raw.as_bytes();
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let letters = count(b, |x| x.is_ascii_alphabetic());
        let mut s = Scan {
            // The first byte of every char that is not white space.
            visible: count(b, |x| x & 0xC0 != 0x80 && !x.is_ascii_whitespace()),
            letters,
            upper: count(b, |x| x.is_ascii_uppercase()),
            scripts: if letters > 0 { LATIN } else { 0 },
            ..Scan::default()
        };
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            i += 1;
            if !CLOSER[usize::from(x)] {
                continue;
            }
            // `i` is now the byte after `x`.
            match x {
                b'.' => s.dotted |= at(i).is_ascii_alphanumeric(),
                b'h' => s.dotted |= b[i..].starts_with(b"ttp"),
                b'w' => s.dotted |= b[i..].starts_with(b"ww"),
                b'@' => s.at_sign = true,
                b'[' | b'(' | b'{' => s.bracket = true,
                0xCD..=0xD4 => s.scripts |= if x >= 0xD0 { CYRILLIC } else { GREEK },
                0xD8..=0xDB => {
                    s.scripts |= ARABIC;
                    let next = at(i);
                    s.may_hide |= (x == 0xD8 && matches!(next, 0x80..=0x85 | 0x9C))
                        || (x == 0xDB && next == 0x9D);
                    // Its continuation byte says nothing more: half of an Arabic text's
                    // bytes are skipped here.
                    i += 1;
                }
                0xC2 => s.may_hide |= at(i) == 0xAD,
                0xDC => s.may_hide |= at(i) == 0x8F,
                0xE2 => {
                    s.may_hide |= matches!((at(i), at(i + 1)), (0x80, 0x8B..=0x8F | 0xAA..=0xAE) | (0x81, 0xA0..=0xAF));
                    s.emoji += usize::from(matches!(at(i), 0x98..=0x9E | 0xAC..=0xAF));
                }
                0xEF => {
                    s.may_hide |= matches!(
                        (at(i), at(i + 1)),
                        (0xB8, 0x80..=0x8F) | (0xBB, 0xBF) | (0xBF, 0xB9..=0xBB)
                    );
                    if matches!(at(i), 0xAD..=0xBB) {
                        s.scripts |= ARABIC;
                    }
                }
                0xE1 => s.may_hide |= matches!((at(i), at(i + 1)), (0xA0, 0x8B..=0x8F)),
                0xE0 => {
                    s.may_hide |= matches!((at(i), at(i + 1)), (0xA2, 0x90..=0x91) | (0xA3, 0xA2))
                }
                0xF3 => s.may_hide = true,
                0xF0 => {
                    if at(i) == 0x9F {
                        s.emoji += 1;
                    } else {
                        s.may_hide = true;
                    }
                }
                _ => {}
            }
        }
        s
    }

    /// Mostly capital Latin letters over a stretch long enough to mean it.
    pub fn shouting(&self) -> bool {
        self.letters >= 20 && self.upper * 10 >= self.letters * 7
    }

    /// Ten or more emoji making up a third of the visible characters.
    pub fn emoji_flood(&self) -> bool {
        self.emoji >= 10 && self.emoji * 3 >= self.visible
    }

    /// Two script families or more: a mixed word is possible.
    pub fn mixed_scripts(&self) -> bool {
        self.scripts.count_ones() >= 2
    }
}

/// The first word written in two scripts, like "сasino" with a Cyrillic с or
/// «واتسapp».
pub fn mixed_script_word(raw: &str) -> Option<(usize, usize)> {
    let b = raw.as_bytes();
    let (mut i, mut start, mut flags) = (0, None, 0u8);
    while i <= b.len() {
        let (class, len) = if i == b.len() {
            (SEPARATOR, 1)
        } else {
            byte_class(b, i)
        };
        if class == SEPARATOR {
            if let Some(s) = start.take()
                && flags.count_ones() >= 2
            {
                return Some((s, i));
            }
            flags = 0;
        } else {
            start.get_or_insert(i);
            flags |= class;
        }
        i += len;
    }
    None
}

/// Persian letters: where a ZWNJ inside a word is ordinary spelling.
fn has_persian_letters(raw: &str) -> bool {
    raw.chars()
        .any(|c| matches!(c, 'پ' | 'چ' | 'ژ' | 'گ' | 'ی' | 'ک'))
}

/// Format characters or variation selectors between two letters: a word broken on
/// purpose so that filters miss it. Returns the first one's span and how many there are.
pub fn hidden_inside_words(raw: &str) -> Option<((usize, usize), usize)> {
    let persian = has_persian_letters(raw);
    let (mut first, mut count) = (None, 0);
    let mut after_letter = false;
    let mut pending: Vec<(usize, char)> = Vec::new();
    for (i, c) in raw.char_indices() {
        if is_format(c) || is_variation_selector(c) {
            if !(persian && c == '\u{200C}') {
                pending.push((i, c));
            }
            continue;
        }
        let letter = crate::domain::unicode::is_alphabetic(c);
        if letter && after_letter && !pending.is_empty() {
            count += pending.len();
            let (at, hidden) = pending[0];
            first.get_or_insert((at, at + hidden.len_utf8()));
        }
        pending.clear();
        after_letter = letter;
    }
    first.map(|span| (span, count))
}

/// The same word four or more times in a row.
pub fn repeated_word(key: &Key, words: &[(usize, usize)]) -> Option<(usize, usize)> {
    let text = key.as_str();
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
            let got = Scan::of(text)
                .mixed_scripts()
                .then(|| mixed_script_word(text))
                .flatten()
                .map(|(s, e)| &text[s..e]);
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn hidden_characters_inside_words() {
        assert!(Scan::of("وا\u{200B}تس\u{200B}اب").may_hide);
        assert!(!Scan::of("مرحبا بكم").may_hide);
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
        let repeated = |text: &str| {
            let key = text_key(text);
            repeated_word(&key, &words(key.as_str())).is_some()
        };
        assert!(repeated("اشترك اشترك اشترك اشترك"));
        assert!(!repeated("لا لا لا"));
        assert!(Scan::of("BUY NOW CHEAP PILLS FREE DELIVERY").shouting());
        assert!(!Scan::of("NASA and the UAE space agency").shouting());
        assert!(Scan::of("🔥🔥🔥🔥🔥💰💰💰💰💰 عرض").emoji_flood());
        assert!(!Scan::of("مبروك للمنتخب 🎉👏 فوز مستحق يا شباب الله يوفقكم").emoji_flood());
    }
}
