//! The keys that undo disguises, derived from the text key: the **joined key** (letters
//! and pieces of a word split by separators re-joined), the **leet keys** (digits read as
//! letters inside Latin words, the English way and the Arabizi way), and the words with
//! one letter **masked** by a symbol.

use super::super::letters::Class;
use super::key::Key;
use super::text::{Run, feed, text_key};

/// A word with one letter masked by a symbol: the word's key without the symbol, and
/// the raw span of the word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masked {
    pub key: String,
    pub span: (usize, usize),
}

/// Punctuation that separates words rather than cutting one («قال:نعم», «جميل،شكرا»): a
/// gap holding any of it is not a cut. Dots, stars, dashes, emoji … are.
const BETWEEN_WORDS: &[char] = &[
    ',', '،', ';', '؛', ':', '؟', '(', ')', '[', ']', '{', '}', '«', '»', '<', '>',
];

/// Symbols that stand in for a letter ("f*ck", "sh#t", «ك$ب»).
pub(super) const MASKS: &[char] = &['*', '#', '@', '$', '%', '?', '!', '•'];

/// The joined key: the text key with the gaps inside disguised words removed.
/// - runs of three or more single-letter words («ف ي ا ج ر ا», «س.ك.س», "v-i-a-g-r-a");
/// - two Arabic letters split by anything but white space («ك.س», «ط-ز», «كـ*ـس»);
/// - a word cut by symbols with no white space around them («حم.ار», «كل*ب», "sh!t",
///   "b_i_tch") when one of the two pieces has at most three letters and both are of one
///   script (a Latin dot stays: "www.site.com" and "a.m." are not disguises).
///
/// Two letters split by a space stay apart: single-letter words («و», «ب») do stand
/// alone in ordinary text.
pub(super) fn joined_key(text: &Key, words: &[(usize, usize)], raw: &str) -> Option<Key> {
    if words.len() < 2 {
        return None;
    }
    let s = text.as_str();
    let letters = |(a, b): (usize, usize)| {
        s[a..b]
            .chars()
            .filter(|&c| crate::domain::unicode::is_alphabetic(c))
            .count()
    };
    let script = |(a, b): (usize, usize)| -> Option<bool> {
        // Some(true): Arabic letters only; Some(false): Latin letters only.
        let w = &s[a..b];
        if w.chars().all(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
            Some(true)
        } else if w.bytes().all(|c| c.is_ascii_lowercase()) {
            Some(false)
        } else {
            None
        }
    };
    // One letter (checked from its first char: this runs for every word).
    let single = |(a, b): (usize, usize)| {
        let mut chars = s[a..b].chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if crate::domain::unicode::is_alphabetic(c))
    };
    // The raw text between two words, when it holds no white space.
    let glue = |a: (usize, usize), b: (usize, usize)| -> Option<&str> {
        let (_, gap_start) = text.raw_span(a.0, a.1);
        let (gap_end, _) = text.raw_span(b.0, b.1);
        raw.get(gap_start..gap_end)
            .filter(|gap| !gap.is_empty() && !gap.chars().any(char::is_whitespace))
    };
    // join[i]: remove the gap between words i and i + 1.
    let mut join = vec![false; words.len() - 1];
    let mut i = 0;
    while i < words.len() {
        let mut j = i;
        while j < words.len() && single(words[j]) {
            j += 1;
        }
        let glued_pair = j - i == 2
            && script(words[i]) == Some(true)
            && script(words[i + 1]) == Some(true)
            && glue(words[i], words[i + 1]).is_some();
        if j - i >= 3 || glued_pair {
            join[i..j - 1].iter_mut().for_each(|g| *g = true);
        }
        i = j.max(i + 1);
    }
    for (g, pair) in words.windows(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        if join[g] {
            continue;
        }
        // Nearly every word follows white space: one byte says so.
        let (b_start, _) = text.raw_span(b.0, b.1);
        if b_start == 0 || raw.as_bytes()[b_start - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(gap) = glue(a, b) else { continue };
        if gap.contains(BETWEEN_WORDS) {
            continue;
        }
        if script(a).is_none() || script(a) != script(b) {
            continue;
        }
        let latin_dot = script(a) == Some(false) && gap.contains('.');
        if !latin_dot && (letters(a) <= 3 || letters(b) <= 3) {
            join[g] = true;
        }
    }
    if !join.contains(&true) {
        return None;
    }
    let mut key = Key::with_capacity(text.len());
    let mut copied = 0;
    for (g, _) in join.iter().enumerate().filter(|(_, j)| **j) {
        // Copy up to the end of word g, then skip the gap.
        key.copy_from(text, copied, words[g].1);
        copied = words[g + 1].0;
    }
    key.copy_from(text, copied, text.len());
    // Runs can only appear where a join put two equal letters side by side.
    let run_across = join.iter().enumerate().any(|(g, &joined)| {
        joined && s[..words[g].1].chars().next_back() == s[words[g + 1].0..].chars().next()
    });
    Some(if run_across { collapse_runs(&key) } else { key })
}

/// `key` with runs of one letter collapsed again, as in the text key («ح م ا ا ا ر»
/// and "f u u u c k" are runs only once their letters are joined).
fn collapse_runs(key: &Key) -> Key {
    let mut out = Key::with_capacity(key.len());
    let mut run = Run::default();
    for (at, c) in key.text.char_indices() {
        let class = if c == ' ' {
            Class::Separator
        } else {
            Class::Word(c)
        };
        feed(&mut out, &mut run, class, key.origin[at]);
    }
    run.flush(&mut out);
    out
}

/// Words of `raw` with exactly one masking symbol between letters of one script.
pub(super) fn masked_words(raw: &str) -> Vec<Masked> {
    // Cheap gate, run on every text: a mask byte between two letter bytes (any byte of a
    // multi-byte letter counts), or the bullet.
    let bytes = raw.as_bytes();
    let letterish = |b: u8| b.is_ascii_alphabetic() || b >= 0x80;
    let inner = bytes.windows(3).any(|w| {
        matches!(w[1], b'*' | b'#' | b'@' | b'$' | b'%' | b'?' | b'!')
            && letterish(w[0])
            && letterish(w[2])
    });
    if !inner && !raw.contains('•') {
        return Vec::new();
    }
    let mut out = Vec::new();
    for token in raw.split(char::is_whitespace) {
        // A sub-slice of `raw`: its offset, whatever the width of the white space before.
        let start = token.as_ptr() as usize - raw.as_ptr() as usize;
        let Some(at) = token.find(MASKS) else {
            continue;
        };
        let word = token.trim_matches(|c: char| {
            !crate::domain::unicode::is_alphabetic(c) && !MASKS.contains(&c)
        });
        let word_start = start + (word.as_ptr() as usize - token.as_ptr() as usize);
        let inner = at.checked_sub(word_start - start);
        let Some(inner) = inner.filter(|&i| i > 0 && i < word.len()) else {
            continue;
        };
        let mask = word[inner..].chars().next().map_or(1, char::len_utf8);
        let (left, right) = (&word[..inner], &word[inner + mask..]);
        // Letters, and the tatweel and harakat that may sit beside the symbol.
        let plain = |w: &str| {
            !w.is_empty()
                && w.chars().all(|c| {
                    crate::domain::unicode::is_alphabetic(c)
                        || ('\u{064B}'..='\u{065F}').contains(&c)
                        || c == '\u{0640}'
                })
        };
        if !plain(left) || !plain(right) {
            continue;
        }
        let key = text_key(&format!("{left}{right}")).as_str().to_string();
        let arabic = |w: &str| w.chars().all(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
        let latin = |w: &str| w.bytes().all(|b| b.is_ascii_lowercase());
        if key.chars().count() >= 3 && (arabic(&key) || latin(&key)) {
            out.push(Masked {
                key,
                span: (word_start, word_start + word.len()),
            });
        }
    }
    out
}

/// Digits read as letters by English leetspeak ("sh1t", "1d10t").
pub(super) const LEET: &[(char, char)] = &[
    ('0', 'o'),
    ('1', 'i'),
    ('3', 'e'),
    ('4', 'a'),
    ('5', 's'),
    ('7', 't'),
    ('8', 'b'),
    ('9', 'g'),
];

/// Digits read as vowels inside Arabizi, whose other digits are letters (3 ع, 7 ح …).
pub(super) const ARABIZI_LEET: &[(char, char)] = &[('0', 'o'), ('1', 'i'), ('4', 'a')];

/// The words of the text key that mix Latin letters and digits (one pass over the bytes
/// when the text has no digit, the common case).
pub(super) fn mixed_words(text: &Key, words: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let s = text.as_str().as_bytes();
    if !s.iter().any(u8::is_ascii_digit) {
        return Vec::new();
    }
    words
        .iter()
        .copied()
        .filter(|&(a, b)| {
            let w = &s[a..b];
            w.iter().any(u8::is_ascii_lowercase) && w.iter().any(u8::is_ascii_digit)
        })
        .collect()
}

/// A leet key: inside `words` (those that mix Latin letters and digits), the digits of
/// `table` read as letters. None when no word has one.
pub(super) fn leet_key(
    text: &Key,
    words: &[(usize, usize)],
    table: &[(char, char)],
) -> Option<Key> {
    let s = text.as_str();
    let mut digits = [false; 10];
    for &(digit, _) in table {
        if let Some(d) = digit.to_digit(10) {
            digits[d as usize] = true;
        }
    }
    let read = |b: u8| b.is_ascii_digit() && digits[usize::from(b - b'0')];
    let mixed = |(a, b): (usize, usize)| s.as_bytes()[a..b].iter().any(|&c| read(c));
    if !words.iter().any(|&w| mixed(w)) {
        return None;
    }
    let mut key = Key::with_capacity(s.len());
    let mut copied = 0;
    for &(a, b) in words.iter().filter(|&&w| mixed(w)) {
        key.copy_from(text, copied, a);
        for (offset, c) in s[a..b].char_indices() {
            let mapped = table
                .iter()
                .find(|&&(digit, _)| digit == c)
                .map_or(c, |&(_, letter)| letter);
            key.push(mapped, text.origin[a + offset]);
        }
        copied = b;
    }
    key.copy_from(text, copied, s.len());
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::super::words;
    use super::*;

    #[test]
    fn the_joined_key_rejoins_split_letters() {
        let cases = [
            ("ف ي ا ج ر ا رخيصة", Some("فياجرا رخيصه"), "spaced letters"),
            ("س.ك.س", Some("سكس"), "dotted letters"),
            ("v-i-a-g-r-a now", Some("viagra now"), "dashed Latin"),
            ("و🌹ا🌹ت🌹س", Some("واتس"), "emoji between letters"),
            ("و قال ان", None, "a lone conjunction is not a run"),
            ("ا ب", None, "two letters split by a space are not a run"),
            (
                "كـ.ـس امك",
                Some("كس امك"),
                "two letters split by a dot and tatweel",
            ),
            ("ط-ز فيك", Some("طز فيك"), "two letters split by a dash"),
            ("و ب", None, "two lone letters stay apart"),
            ("a.b test", None, "two Latin letters stay apart (initials)"),
            ("يا حم.ار", Some("يا حمار"), "a word cut by a dot"),
            ("انت كل*ب", Some("انت كلب"), "a word cut by a star"),
            ("ح_ي_و_ا_ن", Some("حيوان"), "underscores between letters"),
            (
                "this is sh-it",
                Some("this is shit"),
                "a Latin word cut by a symbol",
            ),
            (
                "visit www.site.com",
                None,
                "a Latin dot is a link, not a disguise",
            ),
            ("قال: نعم", None, "a colon then a space is punctuation"),
            ("قال:نعم", None, "a colon between words is punctuation"),
            ("يا ك🐶لب", Some("يا كلب"), "an emoji inside a word"),
            (
                "شكرا.جميل جدا",
                None,
                "two long words glued by a dot stay apart",
            ),
            (
                "well-known",
                None,
                "a hyphenated Latin compound of long pieces",
            ),
        ];
        for (raw, want, why) in cases {
            let key = text_key(raw);
            let joined = joined_key(&key, &words(key.as_str()), raw);
            assert_eq!(joined.as_ref().map(Key::as_str), want, "{why}");
        }
        let raw = "call ف ي ا ج ر ا";
        let key = text_key(raw);
        let joined = joined_key(&key, &words(key.as_str()), raw).unwrap();
        let at = joined.as_str().find("فياجرا").unwrap();
        let (s, e) = joined.raw_span(at, at + "فياجرا".len());
        assert_eq!(&raw[s..e], "ف ي ا ج ر ا");
    }

    #[test]
    fn the_leet_key_reads_digits_as_letters_in_latin_words() {
        let cases = [
            ("you are an 1d10t", Some("you are an idiot")),
            ("sh1t happens 2026", Some("shit happens 2026")),
            ("call 0551234567", None),
            ("7mar", Some("tmar")),
        ];
        for (raw, want) in cases {
            let key = text_key(raw);
            let leet = leet_key(&key, &mixed_words(&key, &words(key.as_str())), LEET);
            assert_eq!(leet.as_ref().map(Key::as_str), want, "{raw}");
        }
    }
}
