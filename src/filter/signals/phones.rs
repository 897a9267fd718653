//! Phone numbers: in any digit system, split by spaces, dashes or dots, or spelled out in
//! Arabic or English words. Dates, years and prices with thousands separators are not
//! phone numbers.

use crate::filter::normalize::Key;
#[cfg(test)]
use crate::filter::normalize::words;

/// Country codes a number written with them usually starts with (Gulf, Arab world, and
/// the commonest others).
const COUNTRY_CODES: &[&str] = &[
    "966", "971", "974", "965", "973", "968", "20", "962", "961", "212", "213", "216", "218",
    "964", "963", "970", "967", "249", "44", "1", "91", "92", "90",
];

/// The span of the first phone number written in digits, if any.
pub fn phone_number(key: &Key, words: &[(usize, usize)]) -> Option<(usize, usize)> {
    let text = key.as_str();
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let is_number = |&(s, e): &(usize, usize)| text[s..e].bytes().all(|b| b.is_ascii_digit());
    let mut i = 0;
    while i < words.len() {
        if !is_number(&words[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < words.len() && is_number(&words[j]) {
            j += 1;
        }
        let group: Vec<&str> = words[i..j].iter().map(|&(s, e)| &text[s..e]).collect();
        // The whole group, then each suffix of it (a year or count may stand before it).
        for start in 0..group.len() {
            if looks_like_phone(&group[start..]) {
                return Some(key.raw_span(words[i + start].0, words[j - 1].1));
            }
        }
        i = j;
    }
    None
}

fn looks_like_phone(tokens: &[&str]) -> bool {
    let digits: String = tokens.concat();
    let n = digits.len();
    if !(8..=15).contains(&n) {
        return false;
    }
    let lens: Vec<usize> = tokens.iter().map(|t| t.len()).collect();
    // Dates: 29 11 2026, 2026 11 29.
    let date = matches!(lens.as_slice(), [1 | 2, 1 | 2, 4] | [4, 1 | 2, 1 | 2]);
    // Years in a row: 2019 2020.
    let years = tokens
        .iter()
        .all(|t| t.len() == 4 && (t.starts_with("19") || t.starts_with("20")));
    // Thousands: 1 500 000, 12 750 000.
    let thousands = lens.len() > 1
        && lens[0] <= 3
        && lens[1..].iter().all(|&l| l == 3)
        && !digits.starts_with('0');
    if date || years || thousands {
        return false;
    }
    digits.starts_with('0')
        || COUNTRY_CODES
            .iter()
            .any(|code| digits.starts_with(code) && n >= 10)
        || matches!(digits.as_bytes()[0], b'3'..=b'9')
}

/// Digits written as words, in the forms the text key gives them.
fn digit_word(word: &str) -> bool {
    is_digit_word(word) || word.strip_prefix('و').is_some_and(is_digit_word)
}

fn is_digit_word(word: &str) -> bool {
    matches!(
        word,
        "صفر"
            | "زيرو"
            | "واحد"
            | "اثنين"
            | "اثنان"
            | "اتنين"
            | "ثنين"
            | "تنين"
            | "ثلاثه"
            | "ثلاث"
            | "تلاته"
            | "تلات"
            | "اربعه"
            | "اربع"
            | "خمسه"
            | "خمس"
            | "سته"
            | "ست"
            | "سبعه"
            | "سبع"
            | "ثمانيه"
            | "ثمان"
            | "تمانيه"
            | "تمنيه"
            | "ثمانه"
            | "تسعه"
            | "تسع"
            | "zero"
            | "oh"
            | "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
    ) || (word.len() == 1 && word.as_bytes()[0].is_ascii_digit())
}

/// Seven or more digit words in a row: a phone number spelled out.
pub fn spelled_phone(key: &Key, words: &[(usize, usize)]) -> Option<(usize, usize)> {
    let text = key.as_str();
    if words.len() < 7 {
        return None;
    }
    let mut run_start = 0;
    let mut run = 0;
    let mut spelled = 0;
    for (i, &(s, e)) in words.iter().enumerate() {
        let word = &text[s..e];
        if digit_word(word) {
            if run == 0 {
                run_start = i;
                spelled = 0;
            }
            run += 1;
            if !word.as_bytes()[0].is_ascii_digit() {
                spelled += 1;
            }
            if run >= 7 && spelled >= 2 {
                let last = words[(run_start + run - 1).min(words.len() - 1)];
                return Some(key.raw_span(words[run_start].0, last.1));
            }
        } else {
            run = 0;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::normalize::text_key;

    #[test]
    fn phone_numbers_are_found_in_any_digits_and_splits() {
        let cases = [
            ("للتواصل 0551234567", true, "Saudi mobile"),
            ("واتس ٠٥٥١٢٣٤٥٦٧", true, "Arabic-Indic digits"),
            ("اتصل ۰۵۵ ۱۲۳ ۴۵۶۷", true, "Persian digits, split"),
            ("+966-55-123-4567", true, "country code and dashes"),
            ("00971 50 123 4567", true, "double-zero prefix"),
            ("هاتف 9876 5432", true, "eight-digit Gulf landline"),
            ("عام 2026 اتصل 0501234567", true, "a year before the number"),
            ("في 29/11/2026 صدر القرار", false, "a date"),
            ("بين 2019 و 2020 2021", false, "years"),
            ("بلغت 12,500,000 ريال", false, "thousands separators"),
            ("سعر 85 دولار و 3 سنتات", false, "small numbers"),
            ("رقم القرار 1234567", false, "seven digits"),
        ];
        for (text, want, why) in cases {
            let key = text_key(text);
            let found = phone_number(&key, &words(key.as_str()));
            assert_eq!(found.is_some(), want, "{why}: {text}");
        }
    }

    #[test]
    fn the_span_covers_the_whole_number() {
        let text = "كلمنا ٠٥٥-١٢٣-٤٥٦٧ الآن";
        let key = text_key(text);
        let (s, e) = phone_number(&key, &words(key.as_str())).unwrap();
        assert_eq!(&text[s..e], "٠٥٥-١٢٣-٤٥٦٧");
    }

    #[test]
    fn spelled_out_numbers_are_found() {
        let cases = [
            ("اتصل صفر خمسة خمسة واحد اثنين ثلاثة أربعة خمسة", true),
            ("call zero five five one two three four five", true),
            ("صفر خمسة 5 1 2 3 4", true),
            ("ثلاثة أيام وخمس ساعات", false),
        ];
        for (text, want) in cases {
            let key = text_key(text);
            assert_eq!(
                spelled_phone(&key, &words(key.as_str())).is_some(),
                want,
                "{text}"
            );
        }
    }
}
