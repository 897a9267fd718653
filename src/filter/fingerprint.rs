//! Near-duplicate fingerprints: a 64-bit SimHash of the character 4-grams of the
//! normalized text. The same ad posted with small changes (another phone number, a few words
//! swapped) lands within a few bits of the original.

use super::normalize::{Key, words};

/// Fewer words than this and texts are too short to call duplicates ("شكرا جزيلا").
pub const MIN_WORDS: usize = 6;

/// How many differing bits still count as the same text.
/// Unrelated comments of our test corpus lie 14 bits apart or more; an ad with a few
/// words changed stays within 6.
pub const MAX_DISTANCE: u32 = 7;

/// The fingerprint of a text key, or None when the text is too short.
pub fn simhash(key: &Key) -> Option<u64> {
    let text = key.as_str();
    let words: Vec<&str> = words(text).into_iter().map(|(s, e)| &text[s..e]).collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut counts = [0i32; 64];
    let mut buf = [0u8; 16];
    for gram in chars.windows(4) {
        let mut len = 0;
        for c in gram {
            len += c.encode_utf8(&mut buf[len..]).len();
        }
        let h = mix(fnv1a(&buf[..len], 0xcbf2_9ce4_8422_2325));
        for (bit, count) in counts.iter_mut().enumerate() {
            *count += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    Some(
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit),
    )
}

pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A finalizer so that nearby FNV values spread over all bits.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::normalize::text_key;

    #[test]
    fn small_edits_stay_close_and_different_texts_do_not() {
        let ad = "افضل شيخ روحاني لجلب الحبيب ورد المطلقة وفك السحر خلال ثلاثة ايام مضمون مية بالمية تواصل معنا الان";
        let edited = "أفضل شيخ روحاني لجلب الحبيب ورد المطلقة وفك السحر خلال يومين مضمون مية بالمية تواصل معنا الآن";
        let other = "أداء المنتخب في المباراة الأخيرة كان مخيبا للآمال ونتمنى من المدرب تغيير التشكيلة قبل البطولة";
        let a = simhash(&text_key(ad)).unwrap();
        let b = simhash(&text_key(edited)).unwrap();
        let c = simhash(&text_key(other)).unwrap();
        assert!(
            distance(a, b) <= MAX_DISTANCE,
            "edited ad: {}",
            distance(a, b)
        );
        assert!(
            distance(a, c) > MAX_DISTANCE,
            "unrelated: {}",
            distance(a, c)
        );
        assert!(simhash(&text_key("شكرا جزيلا")).is_none());
    }
}
