//! Text → match keys, with a map from every key byte back to the raw text.
//!
//! Matching never happens on the raw text. The **text key** is built in one pass over the
//! characters:
//! 1. compatibility decomposition (NFKD, which also folds the presentation forms
//!    U+FB50–FDFF and U+FE70–FEFF), dropping the stray space NFKC puts before an isolated
//!    haraka;
//! 2. format characters, variation selectors and fillers deleted;
//! 3. tatweel and every combining mark deleted (harakat, hamza above/below, Latin accents);
//! 4. Arabic letter forms folded (alef forms, alef maqsura and Farsi yeh, teh marbuta,
//!    hamza carriers, keheh, Persian and Urdu letters), Cyrillic and Greek look-alikes
//!    mapped to Latin, everything lower-cased;
//! 5. every decimal digit (Arabic-Indic, Persian, …) to ASCII;
//! 6. runs of one letter collapsed (Arabic: any run; Latin: runs of three or more, so
//!    "fuuuck" is "fuck" while "ass" and "yahoo" keep their double letters);
//! 7. every run of separators (spaces, punctuation, symbols, emoji) becomes one space.
//!
//! The **joined key** re-joins runs of single letters split by separators («ف ي ا ج ر ا»,
//! «س.ك.س», "v-i-a-g-r-a"; two Arabic letters when no space splits them, «ك.س»). The
//! **leet key** reads digits as letters inside Latin words ("sh1t", "1d10t"). Both are
//! derived from the text key and exist only when they differ. Word lists go through the
//! same pipeline, so a list entry and the text it should match always meet in the same
//! form.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use super::letters::{Class, classify_folded};
pub use super::letters::{decimal_digit, fold_letter};

/// A normalized key and, for each of its bytes, the raw byte range it came from. The
/// one-byte-per-character form the automaton and fingerprints read (see [`compact`]) is
/// kept beside the text as it is written, rather than re-decoded afterwards.
#[derive(Clone, Debug)]
pub struct Key {
    text: String,
    origin: Vec<(u32, u32)>,
    /// One byte per char of `text`.
    compact: Vec<u8>,
    /// For each byte of `compact` and the end, its offset in `text`.
    offsets: Vec<u32>,
    /// The last char of `text` (read for every char written; decoding it back from the
    /// string each time costs more than keeping it).
    last: Option<char>,
}

impl Default for Key {
    fn default() -> Self {
        Key::with_capacity(0)
    }
}

impl Key {
    fn with_capacity(bytes: usize) -> Key {
        let mut offsets = Vec::with_capacity(bytes + 1);
        offsets.push(0);
        Key {
            text: String::with_capacity(bytes),
            origin: Vec::with_capacity(bytes),
            compact: Vec::with_capacity(bytes),
            offsets,
            last: None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// The key with one byte per character (see [`compact`]) and, for each byte and the
    /// end, its offset in the key.
    pub fn compact(&self) -> (&[u8], &[u32]) {
        (&self.compact, &self.offsets)
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The raw byte span behind key bytes `start..end` (always on char boundaries of
    /// the raw text).
    pub fn raw_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() || start >= end {
            return (0, 0);
        }
        let end = end.min(self.origin.len());
        let start = start.min(end - 1);
        (
            self.origin[start].0 as usize,
            self.origin[end - 1].1 as usize,
        )
    }

    #[inline(always)]
    fn push(&mut self, c: char, from: (u32, u32)) {
        let n = c.len_utf8();
        self.text.push(c);
        self.origin.extend(std::iter::repeat_n(from, n));
        self.compact.push(compact_byte(c));
        self.offsets.push(self.text.len() as u32);
        self.last = Some(c);
    }

    /// Widens the origin of the last char to also cover `to` (a collapsed repeat).
    fn extend_last(&mut self, to: u32) {
        let Some(last) = self.last else {
            return;
        };
        let len = self.origin.len();
        for entry in &mut self.origin[len - last.len_utf8()..] {
            entry.1 = entry.1.max(to);
        }
    }

    fn last_char(&self) -> Option<char> {
        self.last
    }

    fn trim_trailing_space(&mut self) {
        if self.last == Some(' ') {
            self.text.pop();
            self.origin.pop();
            self.compact.pop();
            self.offsets.pop();
            self.last = self.text.chars().next_back();
        }
    }

    /// Appends `from.text[start..end]` (on char boundaries) with its origins.
    fn copy_from(&mut self, from: &Key, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let (first, last) = (
            from.offsets.partition_point(|&o| (o as usize) < start),
            from.offsets.partition_point(|&o| (o as usize) < end),
        );
        let shift = self.text.len() as i64 - start as i64;
        self.text.push_str(&from.text[start..end]);
        self.origin.extend_from_slice(&from.origin[start..end]);
        self.compact.extend_from_slice(&from.compact[first..last]);
        self.offsets.extend(
            from.offsets[first + 1..=last]
                .iter()
                .map(|&o| (i64::from(o) + shift) as u32),
        );
        self.last = self.text.chars().next_back();
    }
}

/// A key re-encoded with one byte per character, for the automaton and fingerprints:
/// ASCII as is, the Arabic letters U+0620–U+069E as bytes 0x80–0xFE, anything else as
/// 0xFF. Arabic text becomes half as long and the automaton smaller. Returns the bytes
/// and, for each byte (and the end), its offset in the key.
pub fn compact(key: &str) -> (Vec<u8>, Vec<u32>) {
    let mut bytes = Vec::with_capacity(key.len());
    let mut offsets = Vec::with_capacity(key.len() + 1);
    for (i, c) in key.char_indices() {
        bytes.push(compact_byte(c));
        offsets.push(i as u32);
    }
    offsets.push(key.len() as u32);
    (bytes, offsets)
}

fn compact_byte(c: char) -> u8 {
    let cp = c as u32;
    match cp {
        0..=0x7F => cp as u8,
        0x0620..=0x069E => (0x80 + (cp - 0x0620)) as u8,
        _ => 0xFF,
    }
}

/// The three keys of one text.
#[derive(Clone, Debug, Default)]
pub struct Keys {
    pub text: Key,
    pub joined: Option<Key>,
    pub leet: Option<Key>,
    /// Byte ranges of the words of the text key.
    pub words: Vec<(usize, usize)>,
}

impl Keys {
    pub fn of(raw: &str) -> Keys {
        let text = text_key(raw);
        let words = words(text.as_str());
        let joined = joined_key(&text, &words, raw);
        let leet = leet_key(&text, &words);
        Keys {
            text,
            joined,
            leet,
            words,
        }
    }

    /// Every key that exists, with its kind.
    pub fn each(&self) -> impl Iterator<Item = (KeyKind, &Key)> {
        std::iter::once((KeyKind::Text, &self.text))
            .chain(self.joined.as_ref().map(|k| (KeyKind::Joined, k)))
            .chain(self.leet.as_ref().map(|k| (KeyKind::Leet, k)))
    }
}

/// Which key a match was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Text,
    Joined,
    Leet,
}

/// Builds the text key of `raw`.
pub fn text_key(raw: &str) -> Key {
    let mut key = Key::with_capacity(raw.len());
    // The current run of one Latin letter: (letter, count, origin of its first char).
    let mut run = Run::default();
    let table = &*FAST;
    for (pos, c) in raw.char_indices() {
        let from = (pos as u32, (pos + c.len_utf8()) as u32);
        // Most characters (ASCII, the Arabic block) have a precomputed class.
        if let Some(Some(class)) = table.get(c as usize) {
            feed(&mut key, &mut run, *class, from);
            continue;
        }
        let mut parts = [' '; 18];
        let mut n = 0;
        decompose_compatible(c, |d| {
            if n < parts.len() {
                parts[n] = d;
                n += 1;
            }
        });
        // NFKC turns an isolated haraka (U+FE70…) into a space plus the mark: that space
        // is not in the text the reader sees.
        let start = usize::from(
            n > 1 && parts[0] == ' ' && parts[1..n].iter().all(|&d| is_combining_mark(d)),
        );
        for &d in &parts[start..n] {
            feed(&mut key, &mut run, classify_folded(d), from);
        }
    }
    run.flush(&mut key);
    key.trim_trailing_space();
    key
}

/// Characters below this have their whole treatment (decomposition, folding,
/// classification) precomputed when it yields at most one class.
const FAST_LIMIT: u32 = 0x0800;

static FAST: std::sync::LazyLock<Vec<Option<Class>>> = std::sync::LazyLock::new(|| {
    (0..FAST_LIMIT)
        .map(|cp| {
            let c = char::from_u32(cp)?;
            let mut classes = Vec::new();
            decompose_compatible(c, |d| classes.push(classify_folded(d)));
            let mut kept = classes.into_iter().filter(|k| *k != Class::Nothing);
            match (kept.next(), kept.next()) {
                (None, _) => Some(Class::Nothing),
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
        .collect()
});

#[derive(Default)]
struct Run {
    letter: Option<char>,
    count: usize,
    first: (u32, u32),
    last: (u32, u32),
    second: (u32, u32),
}

impl Run {
    /// Writes a finished run of Latin letters: one letter for a run of three or more,
    /// else the letters as they were. Called for every character, with a run pending
    /// only in Latin text: the check is inlined, the writing is not.
    #[inline(always)]
    fn flush(&mut self, key: &mut Key) {
        if self.letter.is_some() {
            self.write(key);
        }
    }

    fn write(&mut self, key: &mut Key) {
        if let Some(letter) = self.letter.take() {
            match self.count {
                1 => key.push(letter, self.first),
                2 => {
                    key.push(letter, self.first);
                    key.push(letter, self.second);
                }
                _ => key.push(letter, (self.first.0, self.last.1)),
            }
        }
        self.count = 0;
    }
}

#[inline(always)]
fn feed(key: &mut Key, run: &mut Run, class: Class, from: (u32, u32)) {
    match class {
        Class::Nothing => {}
        Class::Separator => {
            run.flush(key);
            if key.last.is_some_and(|c| c != ' ') {
                key.push(' ', from);
            }
        }
        Class::Word(c) if c.is_ascii_lowercase() => {
            if run.letter == Some(c) {
                run.count += 1;
                if run.count == 2 {
                    run.second = from;
                }
                run.last = from;
            } else {
                run.flush(key);
                *run = Run {
                    letter: Some(c),
                    count: 1,
                    first: from,
                    last: from,
                    second: from,
                };
            }
        }
        Class::Word(c) => {
            run.flush(key);
            // Any run of one non-Latin letter collapses; digits never do (phone numbers).
            if key.last_char() == Some(c) && !c.is_ascii_digit() {
                key.extend_last(from.1);
            } else {
                key.push(c, from);
            }
        }
    }
}

/// The joined key: runs of three or more single-letter words re-joined, and two Arabic
/// letters split by anything but white space («ك.س», «ط-ز», «كـ*ـس»). Two letters split
/// by a space stay apart: single-letter words («و», «ب») do stand alone in ordinary text.
fn joined_key(text: &Key, words: &[(usize, usize)], raw: &str) -> Option<Key> {
    let single = |(s, e): (usize, usize)| {
        let w = &text.as_str()[s..e];
        let mut chars = w.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if crate::domain::unicode::is_alphabetic(c))
    };
    let glued_pair = |a: (usize, usize), b: (usize, usize)| {
        let arabic = |(s, e): (usize, usize)| {
            text.as_str()[s..e]
                .chars()
                .all(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        };
        let (_, gap_start) = text.raw_span(a.0, a.1);
        let (gap_end, _) = text.raw_span(b.0, b.1);
        arabic(a)
            && arabic(b)
            && raw
                .get(gap_start..gap_end)
                .is_some_and(|gap| !gap.is_empty() && !gap.chars().any(char::is_whitespace))
    };
    let mut out: Option<Key> = None;
    let mut i = 0;
    let mut copied = 0;
    while i < words.len() {
        if !single(words[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < words.len() && single(words[j]) {
            j += 1;
        }
        if j - i >= 3 || (j - i == 2 && glued_pair(words[i], words[i + 1])) {
            let key = out.get_or_insert_with(|| Key::with_capacity(text.len()));
            key.copy_from(text, copied, words[i].0);
            for &(s, e) in &words[i..j] {
                key.copy_from(text, s, e);
            }
            copied = words[j - 1].1;
        }
        i = j;
    }
    let mut key = out?;
    key.copy_from(text, copied, text.len());
    Some(key)
}

/// The leet key: inside words that mix Latin letters and digits, digits read as letters.
fn leet_key(text: &Key, words: &[(usize, usize)]) -> Option<Key> {
    let s = text.as_str();
    let mixed = |(a, b): (usize, usize)| {
        let w = &s[a..b];
        w.bytes().any(|c| c.is_ascii_lowercase()) && w.bytes().any(|c| c.is_ascii_digit())
    };
    if !words.iter().any(|&w| mixed(w)) {
        return None;
    }
    let mut key = Key::with_capacity(s.len());
    let mut copied = 0;
    for &(a, b) in words.iter().filter(|&&w| mixed(w)) {
        key.copy_from(text, copied, a);
        for (offset, c) in s[a..b].char_indices() {
            let mapped = match c {
                '0' => 'o',
                '1' => 'i',
                '3' => 'e',
                '4' => 'a',
                '5' => 's',
                '7' => 't',
                '8' => 'b',
                '9' => 'g',
                other => other,
            };
            key.push(mapped, text.origin[a + offset]);
        }
        copied = b;
    }
    key.copy_from(text, copied, s.len());
    Some(key)
}

/// Byte ranges of the words of a key (keys separate words with single spaces).
pub fn words(key: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in key.bytes().enumerate() {
        if b == b' ' {
            if i > start {
                out.push((start, i));
            }
            start = i + 1;
        }
    }
    if key.len() > start {
        out.push((start, key.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> String {
        text_key(raw).as_str().to_string()
    }

    #[test]
    fn each_step_of_the_text_key() {
        let cases = [
            // 1. presentation forms and isolated harakat
            (
                "\u{FEDF}\u{FEE0}\u{FE8E}",
                "لا",
                "lam-alef presentation forms",
            ),
            ("\u{FEFB}", "لا", "lam-alef ligature"),
            ("\u{FDF2}", "اله", "Allah ligature (لل collapses)"),
            ("كلب\u{FE70}", "كلب", "isolated fathatan leaves no space"),
            (
                "ك\u{FE77}لب",
                "كلب",
                "isolated fatha with tatweel inside a word",
            ),
            ("ｗｈａｔｓａｐｐ", "whatsapp", "full-width Latin"),
            // 2. format characters
            (
                "وا\u{200B}تس\u{200C}اب",
                "واتساب",
                "zero-width space and non-joiner",
            ),
            ("\u{200F}حمار\u{200E}", "حمار", "bidi marks"),
            ("\u{061C}كلب\u{FEFF}", "كلب", "Arabic letter mark and BOM"),
            ("ح\u{FE0F}مار", "حمار", "variation selector"),
            // 3. tatweel and marks
            ("كـــلـب", "كلب", "tatweel"),
            ("كَلْبٌ", "كلب", "harakat"),
            ("حِمَارٌ", "حمار", "kasra, fatha, dammatan"),
            ("café", "cafe", "Latin accent"),
            // 4. letter folding
            ("أحمق", "احمق", "alef with hamza above"),
            ("إسلام", "اسلام", "alef with hamza below"),
            ("آخر", "اخر", "alef madda"),
            ("ٱلله", "اله", "alef wasla"),
            ("مستشفى", "مستشفي", "alef maqsura"),
            ("فارسی", "فارسي", "Farsi yeh"),
            ("مدرسة", "مدرسه", "teh marbuta"),
            ("مسئول", "مسيول", "yeh with hamza"),
            ("مؤتمر", "موتمر", "waw with hamza"),
            ("کلب", "كلب", "keheh"),
            ("گلب", "كلب", "gaf"),
            ("چلب", "كلب", "tcheh as dialectal kaf"),
            ("ڤيزا", "فيزا", "veh"),
            (
                "ПРИВЕТ",
                "npиbet",
                "Cyrillic capitals: look-alikes mapped, others lower-cased",
            ),
            ("сasino", "casino", "Cyrillic es"),
            ("CASINO", "casino", "upper case"),
            // 5. digits
            ("٠٥٥١٢٣٤٥٦٧", "0551234567", "Arabic-Indic digits"),
            ("۰۵۵۱۲۳", "055123", "Persian digits"),
            ("١٠٠٠٠", "10000", "digits never collapse"),
            // 6. collapsing
            ("كلللللب", "كلب", "Arabic run"),
            ("حمااااار", "حمار", "elongated alef"),
            ("fuuuuck", "fuck", "Latin run of three or more"),
            ("yahoo", "yahoo", "Latin double kept"),
            ("class", "class", "ss kept"),
            // 7. separators
            ("كلب،  ابن!!! كلب", "كلب ابن كلب", "punctuation and spaces"),
            ("شيخ🔥روحاني", "شيخ روحاني", "emoji separate words"),
            (
                "  leading and trailing  ",
                "leading and trailing",
                "no edge spaces",
            ),
        ];
        for (raw, want, why) in cases {
            assert_eq!(key(raw), want, "{why}: {raw:?}");
        }
    }

    #[test]
    fn spans_map_back_to_the_raw_text() {
        let raw = "قال: يا كَلْــبُ!";
        let k = text_key(raw);
        let at = k.as_str().find("كلب").unwrap();
        let (s, e) = k.raw_span(at, at + "كلب".len());
        assert_eq!(
            &raw[s..e],
            "كَلْــبُ".trim_end_matches('ُ'),
            "span covers the word with its inner marks"
        );
        let raw = "وااااتساب";
        let k = text_key(raw);
        let (s, e) = k.raw_span(0, k.len());
        assert_eq!(&raw[s..e], raw, "a collapsed run maps to the whole run");
    }

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
            let leet = leet_key(&key, &words(key.as_str()));
            assert_eq!(leet.as_ref().map(Key::as_str), want, "{raw}");
        }
    }

    #[test]
    fn the_kept_compact_form_is_the_key_re_encoded() {
        let texts = [
            "",
            "!!!",
            "قال: يا كَلْــبُ! وااااتساب",
            "call ف ي ا ج ر ا now و🌹ا🌹ت🌹س",
            "you are an 1d10t, sh1t ٠٥٥١٢٣ café",
            "س.ك.س 7mar ｗｈａｔｓａｐｐ ",
        ];
        for raw in texts {
            let keys = Keys::of(raw);
            for (kind, key) in keys.each() {
                let (bytes, offsets) = key.compact();
                let (want_bytes, want_offsets) = compact(key.as_str());
                assert_eq!(bytes, want_bytes.as_slice(), "{kind:?} of {raw:?}");
                assert_eq!(offsets, want_offsets.as_slice(), "{kind:?} of {raw:?}");
                assert_eq!(key.last_char(), key.as_str().chars().next_back());
            }
        }
    }

    #[test]
    fn decimal_digits_of_every_script_become_ascii() {
        assert_eq!(decimal_digit('٧'), Some('7'));
        assert_eq!(decimal_digit('۹'), Some('9'));
        assert_eq!(decimal_digit('५'), Some('5'));
        assert_eq!(decimal_digit('a'), None);
    }
}
