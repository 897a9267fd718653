//! A normalized key with, for each of its bytes, the raw bytes it came from, and its
//! one-byte-per-character form.

/// A normalized key and, for each of its bytes, the raw byte range it came from. The
/// one-byte-per-character form the automaton and fingerprints read (see [`compact`]) is
/// kept beside the text as it is written, rather than re-decoded afterwards.
#[derive(Clone, Debug)]
pub struct Key {
    pub(super) text: String,
    pub(super) origin: Vec<(u32, u32)>,
    /// One byte per char of `text`.
    compact: Vec<u8>,
    /// For each byte of `compact` and the end, its offset in `text`.
    offsets: Vec<u32>,
    /// The last char of `text` (read for every char written; decoding it back from the
    /// string each time costs more than keeping it).
    pub(super) last: Option<char>,
}

impl Default for Key {
    fn default() -> Self {
        Key::with_capacity(0)
    }
}

impl Key {
    pub(super) fn with_capacity(bytes: usize) -> Key {
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
    pub(super) fn push(&mut self, c: char, from: (u32, u32)) {
        let n = c.len_utf8();
        self.text.push(c);
        self.origin.extend(std::iter::repeat_n(from, n));
        self.compact.push(compact_byte(c));
        self.offsets.push(self.text.len() as u32);
        self.last = Some(c);
    }

    /// Widens the origin of the last char to also cover `to` (a collapsed repeat).
    pub(super) fn extend_last(&mut self, to: u32) {
        let Some(last) = self.last else {
            return;
        };
        let len = self.origin.len();
        for entry in &mut self.origin[len - last.len_utf8()..] {
            entry.1 = entry.1.max(to);
        }
    }

    pub(super) fn last_char(&self) -> Option<char> {
        self.last
    }

    pub(super) fn trim_trailing_space(&mut self) {
        if self.last == Some(' ') {
            self.text.pop();
            self.origin.pop();
            self.compact.pop();
            self.offsets.pop();
            self.last = self.text.chars().next_back();
        }
    }

    /// Appends `from.text[start..end]` (on char boundaries) with its origins.
    pub(super) fn copy_from(&mut self, from: &Key, start: usize, end: usize) {
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
