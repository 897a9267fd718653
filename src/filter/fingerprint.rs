//! Near-duplicate fingerprints: a 64-bit SimHash of the character 4-grams of the
//! normalized text. The same ad posted with small changes (another phone number, a few words
//! swapped) lands within a few bits of the original.

use super::normalize::Key;

/// Fewer words than this and texts are too short to call duplicates ("شكرا جزيلا").
pub const MIN_WORDS: usize = 6;

/// How many differing bits still count as the same text.
/// Unrelated comments of our test corpus lie 14 bits apart or more; an ad with a few
/// words changed stays within 6.
pub const MAX_DISTANCE: u32 = 7;

/// The fingerprint of a text key, or None when the text is too short.
/// For each byte value, the ±1 vote of each of its eight bits.
static BYTE_VOTES: std::sync::LazyLock<[[i32; 8]; 256]> = std::sync::LazyLock::new(|| {
    let mut table = [[0i32; 8]; 256];
    for (value, votes) in table.iter_mut().enumerate() {
        for (bit, vote) in votes.iter_mut().enumerate() {
            *vote = if value >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    table
});

pub fn simhash(key: &Key) -> Option<u64> {
    let text = key.as_str();
    if text.bytes().filter(|&b| b == b' ').count() + 1 < MIN_WORDS {
        return None;
    }
    // Byte offsets of the characters; a 4-gram is the bytes from one to the fourth next.
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let table = &*BYTE_VOTES;
    let mut counts = [0i32; 64];
    for w in starts.windows(5) {
        let h = mix(fnv1a(&text.as_bytes()[w[0]..w[4]], 0xcbf2_9ce4_8422_2325));
        // Eight votes at a time from a table, which the compiler turns into vector adds.
        for (byte, lane) in counts.chunks_exact_mut(8).enumerate() {
            let votes = &table[((h >> (8 * byte)) & 0xff) as usize];
            for (count, vote) in lane.iter_mut().zip(votes) {
                *count += vote;
            }
        }
    }
    Some(
        counts
            .iter()
            .enumerate()
            .fold(0u64, |acc, (bit, &c)| acc | (u64::from(c > 0) << bit)),
    )
}

/// Fingerprints of recent comments (bounded; oldest dropped first), shared by every
/// check of one process.
#[derive(Debug, Default)]
pub struct RecentComments {
    entries: std::sync::Mutex<std::collections::VecDeque<(u64, u64)>>,
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
    pub fn nearest(&self, fingerprint: u64, author: Option<&str>) -> Option<Duplicate> {
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

    pub fn remember(&self, fingerprint: u64, author: Option<&str>) {
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
