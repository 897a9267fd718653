//! The features the learned models read, from the text key in one pass shared by both.
//!
//! Every word of the key (its one-byte form, see [`super::normalize::compact`]) gives:
//! - its letter pieces of 2 to 5 letters, the word's edges included («␣كل», «كلب␣»), so a
//!   misspelt or inflected form still shares most pieces with the form seen in training;
//! - the word itself, and the word with the one before it (a pair reads "يا حمار" apart
//!   from "حمار الوحش").
//!
//! Digits are read as their shape: every digit is `0` in the pieces, so two phone numbers
//! share their pieces, and a run of digits is one word "number of n digits". Features are
//! hashed into 2^[`BITS`] buckets; the models hold one weight per bucket.

use super::normalize::Key;

/// Bits of the feature hash: 262,144 buckets.
pub const BITS: u8 = 18;

/// Letters of a word read for pieces; the rest of a longer word adds none (an endless
/// "word" of stretched letters or a URL must not cost without bound).
const MAX_WORD: usize = 24;

/// The bucket of every feature of `key`, in order, with repeats.
pub fn extract(key: &Key, out: &mut Vec<u32>) {
    for_each_bucket(key.compact().0, |bucket| out.push(bucket));
}

/// Every feature of `key` with the span (in the one-byte form) of the word it came from.
pub fn extract_with_spans(key: &Key) -> Vec<(u32, (usize, usize))> {
    let mut out = Vec::new();
    for_each(key.compact().0, |bucket, span| out.push((bucket, span)));
    out
}

/// Calls `f(bucket)` for each feature of a key's one-byte form: the check's hot path.
#[inline]
pub fn for_each_bucket(bytes: &[u8], mut f: impl FnMut(u32)) {
    for_each(bytes, |bucket, _| f(bucket));
}

/// Calls `f(bucket, (start, end))` for each feature of a key's one-byte form, word by
/// word, with the span of the word it came from.
#[inline(always)]
pub fn for_each(bytes: &[u8], mut f: impl FnMut(u32, (usize, usize))) {
    let mut previous_word: Option<u64> = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b' ' {
            i += 1;
        }
        let word = &bytes[start..i];
        let span = (start, i);
        let word_hash = if word.iter().all(u8::is_ascii_digit) {
            mix(0x6E75_6D62 ^ word.len().min(16) as u64, 3)
        } else {
            hash_bytes(word, 1)
        };
        f(bucket(word_hash), span);
        if let Some(before) = previous_word {
            f(bucket(mix(before.rotate_left(17) ^ word_hash, 2)), span);
        }
        previous_word = Some(word_hash);
        pieces(word, &mut |bucket| f(bucket, span));
    }
}

/// Multipliers of the piece hashes, one per length (2 to 5): distinct odd constants, so a
/// piece and a longer one starting alike land apart.
const PIECE: [u64; 4] = [
    0x9E37_79B9_7F4A_7C15,
    0xC2B2_AE3D_27D4_EB4F,
    0x1656_67B1_9E37_79F9,
    0xD6E8_FEB8_6659_FD93,
];

/// The 2- to 5-letter pieces of one word with its edges (a space before and after). The
/// five bytes from each position ride in one integer; a piece is its low bytes times a
/// multiplier (multiplicative hashing: a few instructions a piece).
#[inline(always)]
fn pieces(word: &[u8], f: &mut impl FnMut(u32)) {
    let len = word.len().min(MAX_WORD);
    // The word between its edges, digits read as 0, then room for a window's tail.
    let mut padded = [b' '; MAX_WORD + 2 + 5];
    for (slot, &b) in padded[1..=len].iter_mut().zip(word) {
        *slot = if b.is_ascii_digit() { b'0' } else { b };
    }
    let end = len + 2;
    let mut window = u64::from_le_bytes([
        padded[0], padded[1], padded[2], padded[3], padded[4], 0, 0, 0,
    ]);
    for from in 0..end - 1 {
        match end - from {
            // The common case, straight-line: four pieces from this position.
            5.. => {
                f(bucket((window & 0xFFFF).wrapping_mul(PIECE[0])));
                f(bucket((window & 0xFF_FFFF).wrapping_mul(PIECE[1])));
                f(bucket((window & 0xFFFF_FFFF).wrapping_mul(PIECE[2])));
                f(bucket((window & 0xFF_FFFF_FFFF).wrapping_mul(PIECE[3])));
            }
            longest => {
                for n in 2..=longest {
                    let piece = window & ((1u64 << (8 * n)) - 1);
                    f(bucket(piece.wrapping_mul(PIECE[n - 2])));
                }
            }
        }
        window = (window >> 8) | (u64::from(padded[from + 5]) << 32);
    }
}

fn hash_bytes(bytes: &[u8], tag: u64) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ tag;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    h
}

#[inline(always)]
fn mix(h: u64, tag: u64) -> u64 {
    (h ^ (tag << 56)).wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

#[inline(always)]
fn bucket(h: u64) -> u32 {
    (h >> (64 - u32::from(BITS))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::normalize::text_key;

    #[test]
    fn a_word_gives_its_pieces_itself_and_its_pair() {
        let mut one = Vec::new();
        extract(&text_key("كلب"), &mut one);
        // «␣كلب␣»: 4 two-letter, 3 three-letter, 2 four-letter, 1 five-letter pieces, and
        // the word.
        assert_eq!(one.len(), 4 + 3 + 2 + 1 + 1);
        let mut two = Vec::new();
        extract(&text_key("يا كلب"), &mut two);
        // «␣يا␣»: 3 + 2 + 1 pieces and the word; then the pair and «كلب»'s eleven.
        assert_eq!(two.len(), (3 + 2 + 1 + 1) + 1 + 11);
    }

    #[test]
    fn phone_numbers_share_their_shape() {
        let shape = |text: &str| {
            let mut out = Vec::new();
            extract(&text_key(text), &mut out);
            out
        };
        assert_eq!(shape("0551234567"), shape("0509876543"));
        assert_ne!(shape("0551234567"), shape("055123456"));
    }

    #[test]
    fn spans_are_the_words() {
        let key = text_key("يا حمار");
        let spans: std::collections::BTreeSet<(usize, usize)> = extract_with_spans(&key)
            .into_iter()
            .map(|(_, span)| span)
            .collect();
        assert_eq!(spans.into_iter().collect::<Vec<_>>(), [(0, 2), (3, 7)]);
    }
}
