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
//! The keys that undo disguises (`disguise.rs`) are derived from the text key and exist
//! only when they differ from it: the **joined key** re-joins letters and pieces of a word
//! split by separators («ف ي ا ج ر ا», «س.ك.س», «حم.ار», "v-i-a-g-r-a"), the **leet key**
//! reads digits as letters inside Latin words ("sh1t", "1d10t"), the **Arabizi key** only
//! its vowel digits ("7m4r"), and **masked words** are the words with one letter hidden
//! behind a symbol ("f*ck", «ح*ار»). Word lists go through the same pipeline, so a list
//! entry and the text it should match always meet in the same form.

mod disguise;
mod key;
mod text;

pub use super::letters::{decimal_digit, fold_letter};
pub use disguise::Masked;
use disguise::{ARABIZI_LEET, LEET, joined_key, leet_key, masked_words, mixed_words};
pub use key::{Key, compact};
pub use text::text_key;

/// The three keys of one text.
#[derive(Clone, Debug, Default)]
pub struct Keys {
    pub text: Key,
    pub joined: Option<Key>,
    pub leet: Option<Key>,
    /// Arabizi words with leet vowels ("7m4r", "k0s"): 0, 1 and 4 read as o, i and a,
    /// the Arabizi digits (2 3 5 6 7 8 9) kept.
    pub arabizi: Option<Key>,
    /// Words with one letter masked by a symbol ("f*ck", «ح*ار»), without the symbol.
    pub masked: Vec<Masked>,
    /// Byte ranges of the words of the text key.
    pub words: Vec<(usize, usize)>,
}

impl Keys {
    pub fn of(raw: &str) -> Keys {
        let text = text_key(raw);
        let words = words(text.as_str());
        let joined = joined_key(&text, &words, raw);
        // Words mixing Latin letters and digits, found once for both leet keys.
        let mixed = mixed_words(&text, &words);
        let leet = leet_key(&text, &mixed, LEET);
        let arabizi = leet_key(&text, &mixed, ARABIZI_LEET);
        Keys {
            text,
            joined,
            leet,
            arabizi,
            masked: masked_words(raw),
            words,
        }
    }

    /// Every key that exists, with its kind.
    pub fn each(&self) -> impl Iterator<Item = (KeyKind, &Key)> {
        std::iter::once((KeyKind::Text, &self.text))
            .chain(self.joined.as_ref().map(|k| (KeyKind::Joined, k)))
            .chain(self.leet.as_ref().map(|k| (KeyKind::Leet, k)))
            .chain(self.arabizi.as_ref().map(|k| (KeyKind::Arabizi, k)))
    }
}

/// Which key a match was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Text,
    Joined,
    Leet,
    Arabizi,
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
