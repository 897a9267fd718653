//! Near-duplicate fingerprints: a b-bit one-permutation MinHash of the character
//! 4-grams of the normalized text (64 bins, 2 bits each, in a `u128`). Two texts agree on
//! a bin with probability J + (1 − J)/4, where J is the Jaccard similarity of their 4-gram
//! sets, so the number of disagreeing bins estimates how different they are. The same ad
//! posted with small changes (another phone number, a few words swapped) stays close;
//! unrelated comments sit far apart.

use super::normalize::Key;

/// Fewer words than this and texts are too short to call duplicates ("شكرا جزيلا").
pub const MIN_WORDS: usize = 12;

/// How many of the 64 bins may differ for two texts to count as the same. Among the
/// 55,000 pairs of unrelated comments in `tests/data/ham_ar.jsonl` the closest differ in
/// 32 bins (the mean is 48); an ad with a quarter of its words changed stays under 28.
pub const MAX_DISTANCE: u32 = 28;

const BINS: usize = 64;

/// The fingerprint of a text key, or None when the text is too short.
pub fn fingerprint(key: &Key) -> Option<u128> {
    let (bytes, _) = key.compact();
    if bytes.iter().filter(|&&b| b == b' ').count() + 1 < MIN_WORDS {
        return None;
    }
    let mut mins = [u64::MAX; BINS];
    // One byte per character: a 4-gram is four bytes, hashed with one multiply-mix.
    for gram in bytes.windows(4) {
        let h = mix(u64::from(u32::from_le_bytes([
            gram[0], gram[1], gram[2], gram[3],
        ])));
        let bin = (h >> 58) as usize;
        let value = h & ((1 << 58) - 1);
        if value < mins[bin] {
            mins[bin] = value;
        }
    }
    // Densify: an empty bin borrows the next filled bin's value (rotation), so short
    // texts do not agree on empty bins by accident.
    let mut out = 0u128;
    for bin in 0..BINS {
        let value = (0..BINS)
            .map(|step| mins[(bin + step) % BINS])
            .find(|&m| m != u64::MAX)?;
        out |= u128::from(mix(value ^ bin as u64) & 3) << (2 * bin);
    }
    Some(out)
}

/// Fingerprints of recent comments (bounded; oldest dropped first), shared by every
/// check of one process.
#[derive(Debug, Default)]
pub struct RecentComments {
    entries: std::sync::Mutex<std::collections::VecDeque<(u128, u64)>>,
    capacity: usize,
}

/// A near-duplicate of a recent comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicate {
    SameAuthor,
    OtherAuthor,
}

impl RecentComments {
    pub fn new(capacity: usize) -> RecentComments {
        RecentComments {
            entries: Default::default(),
            capacity,
        }
    }

    /// Is `fingerprint` close to a recent one, and by whom? Another author wins.
    pub fn nearest(&self, fingerprint: u128, author: Option<&str>) -> Option<Duplicate> {
        let author = author.map(author_key);
        let entries = self.entries.lock().ok()?;
        let mut found = None;
        for &(fp, by) in entries.iter() {
            if distance(fp, fingerprint) <= MAX_DISTANCE {
                if author.is_some() && author == Some(by) {
                    found = Some(Duplicate::SameAuthor);
                } else {
                    return Some(Duplicate::OtherAuthor);
                }
            }
        }
        found
    }

    pub fn remember(&self, fingerprint: u128, author: Option<&str>) {
        // Without an author, every entry counts as someone else's.
        let by = author.map(author_key).unwrap_or_else(rand::random);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity.max(1) {
                entries.pop_front();
            }
            entries.push_back((fingerprint, by));
        }
    }
}

fn author_key(author: &str) -> u64 {
    fnv1a(author.as_bytes(), 0xcbf2_9ce4_8422_2325)
}

/// Bins in which two fingerprints disagree.
pub fn distance(a: u128, b: u128) -> u32 {
    let x = a ^ b;
    ((x | (x >> 1)) & 0x5555_5555_5555_5555_5555_5555_5555_5555).count_ones()
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
        let a = fingerprint(&text_key(ad)).unwrap();
        let b = fingerprint(&text_key(edited)).unwrap();
        let c = fingerprint(&text_key(other)).unwrap();
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
        assert!(fingerprint(&text_key("شكرا جزيلا")).is_none());
        assert!(
            fingerprint(&text_key("حسبنا الله ونعم الوكيل على من كان السبب")).is_none(),
            "a short formula many readers share"
        );
    }
}
