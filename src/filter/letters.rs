//! One character at a time: what it contributes to a match key (a letter or digit of a
//! word, a separator, or nothing), folded to its base letter (Arabic letter variants,
//! look-alikes from other scripts) and every script's decimal digits to ASCII.

use unicode_normalization::char::is_combining_mark;

use crate::domain::unicode::is_invisible;

/// What a character contributes to a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Letter or digit: part of a word.
    Word(char),
    /// Space, punctuation, symbol, emoji: separates words.
    Separator,
    /// Format characters, marks, tatweel: vanish without separating.
    Nothing,
}

/// Steps 2–5 for one (already decomposed) character.
pub(crate) fn classify_folded(c: char) -> Class {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Class::Word(c.to_ascii_lowercase())
        } else {
            Class::Separator
        };
    }
    if c == '\u{0640}' || is_invisible(c) || is_combining_mark(c) {
        return Class::Nothing;
    }
    if let Some(d) = decimal_digit(c) {
        return Class::Word(d);
    }
    let c = fold_letter(c);
    if crate::domain::unicode::is_alphanumeric(c) {
        let lower = c.to_lowercase().next().unwrap_or(c);
        Class::Word(lookalike(lower))
    } else {
        Class::Separator
    }
}

/// Arabic letter forms, Persian and Urdu letters, folded to the letters the lists use.
pub fn fold_letter(c: char) -> char {
    match c {
        // Alef forms (أ إ آ decompose to alef + a mark that step 3 deletes).
        'ٱ' | 'ٲ' | 'ٳ' | 'ٵ' => 'ا',
        // Alef maqsura, Farsi yeh and other yeh forms (ئ decomposes to ي + hamza).
        'ى' | 'ی' | 'ې' | 'ۍ' | 'ێ' | 'ے' | 'ٸ' => 'ي',
        // Teh marbuta and heh forms.
        'ة' | 'ۀ' | 'ہ' | 'ھ' | 'ە' | 'ۃ' => 'ه',
        // Keheh, gaf, and tcheh (Gulf and Iraqi writers use چ for a dialectal ك: چلب).
        'ک' | 'گ' | 'ڪ' | 'ګ' | 'ڳ' | 'ڱ' | 'چ' => 'ك',
        'پ' => 'ب',
        'ژ' => 'ز',
        // Maghrebi v and g.
        'ڤ' | 'ڥ' => 'ف',
        'ڨ' | 'ڧ' => 'ق',
        // Urdu retroflex letters.
        'ٹ' => 'ت',
        'ڈ' => 'د',
        'ڑ' => 'ر',
        'ں' => 'ن',
        'ۆ' | 'ۇ' | 'ۈ' | 'ۋ' | 'ۉ' | 'ٶ' => 'و',
        other => other,
    }
}

/// Cyrillic and Greek letters that look like Latin ones ("сasino" with a Cyrillic с).
fn lookalike(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'е' | 'ё' | 'ε' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ї' | 'ι' | 'ı' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' | 'μ' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ц' => 'u',
        'ѵ' | 'ν' => 'v',
        'ԝ' | 'ω' | 'ш' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ᴢ' => 'z',
        other => other,
    }
}

/// Zeros of the Unicode decimal digit blocks (gc=Nd) that are not folded by NFKD.
const DIGIT_ZEROS: [u32; 22] = [
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0xFF10,
];

/// Any decimal digit as its ASCII digit.
pub fn decimal_digit(c: char) -> Option<char> {
    let cp = c as u32;
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&cp))
        .and_then(|&zero| char::from_digit(cp - zero, 10))
}
