//! Unicode character classes that the field parsers (and later the filter) need.
//!
//! We keep small, explicit tables instead of pulling in a full Unicode database:
//! the sets below change rarely and are easy to audit.

/// `char::is_alphabetic`, with ASCII and the Arabic block (U+0600–U+06FF) answered from
/// a table: for other characters the standard library searches its Unicode tables, and
/// the filter asks for nearly every character of an Arabic comment.
pub fn is_alphabetic(c: char) -> bool {
    match c as u32 {
        0..0x80 => c.is_ascii_alphabetic(),
        u @ 0x0600..0x0700 => arabic_block()[(u - 0x0600) as usize] & ALPHABETIC != 0,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_alphanumeric`, answered the same way.
pub fn is_alphanumeric(c: char) -> bool {
    match c as u32 {
        0..0x80 => c.is_ascii_alphanumeric(),
        u @ 0x0600..0x0700 => arabic_block()[(u - 0x0600) as usize] != 0,
        _ => c.is_alphanumeric(),
    }
}

const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;

/// The Arabic block's classes, read once from the standard library so they agree.
fn arabic_block() -> &'static [u8; 256] {
    static TABLE: std::sync::OnceLock<[u8; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [0u8; 256];
        for (i, slot) in table.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(0x0600 + i as u32) {
                *slot =
                    u8::from(c.is_alphabetic()) * ALPHABETIC + u8::from(c.is_numeric()) * NUMERIC;
            }
        }
        table
    })
}

/// Unicode general category `Cf` (format characters): ZWJ, ZWNJ, ZWSP, bidi marks,
/// embeddings and isolates, ALM, BOM, soft hyphen, tags … (Unicode 15.1).
pub fn is_format(c: char) -> bool {
    matches!(c as u32,
        0x00AD
        | 0x0600..=0x0605
        | 0x061C
        | 0x06DD
        | 0x070F
        | 0x0890..=0x0891
        | 0x08E2
        | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x206F
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F)
}

/// Variation selectors (VS1–VS16 and the supplement VS17–VS256).
pub fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180D | 0x180F)
}

/// Characters that render as nothing or as blank space without being white space:
/// Hangul fillers, the braille blank and the combining grapheme joiner. Spammers and
/// impersonators use them to make a name look empty or identical to another.
pub fn is_invisible_filler(c: char) -> bool {
    matches!(
        c as u32,
        0x034F | 0x115F | 0x1160 | 0x3164 | 0xFFA0 | 0x2800
    )
}

/// A character that displays as nothing: format characters, variation selectors and fillers.
pub fn is_invisible(c: char) -> bool {
    is_format(c) || is_variation_selector(c) || is_invisible_filler(c)
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_fast_letter_classes_agree_with_the_standard_library() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    use super::*;

    #[test]
    fn invisible_characters_are_recognised() {
        let cases = [
            ('\u{200B}', true, "zero width space"),
            ('\u{200C}', true, "zero width non-joiner"),
            ('\u{200F}', true, "right-to-left mark"),
            ('\u{061C}', true, "Arabic letter mark"),
            ('\u{2067}', true, "right-to-left isolate"),
            ('\u{FEFF}', true, "byte order mark"),
            ('\u{00AD}', true, "soft hyphen"),
            ('\u{FE0F}', true, "variation selector 16"),
            ('\u{3164}', true, "Hangul filler"),
            ('ا', false, "Arabic alef"),
            (
                '\u{064E}',
                false,
                "fatha is a combining mark, not invisible",
            ),
            (' ', false, "space is white space, handled by trimming"),
            ('a', false, "Latin letter"),
        ];
        for (c, want, why) in cases {
            assert_eq!(is_invisible(c), want, "{why} (U+{:04X})", c as u32);
        }
    }
}
