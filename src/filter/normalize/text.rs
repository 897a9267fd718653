//! The text key: one pass over the characters of the raw text (the steps are listed in
//! the module doc of `normalize`).

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use super::super::letters::{Class, classify_folded};
use super::key::Key;

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
pub(super) struct Run {
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
    pub(super) fn flush(&mut self, key: &mut Key) {
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
pub(super) fn feed(key: &mut Key, run: &mut Run, class: Class, from: (u32, u32)) {
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
