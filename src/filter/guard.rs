//! The guard against list entries that fire inside everyday words. Clitics and suffixes
//! let an entry match more than itself («كلب» in «والكلب»), and sometimes that reaches a
//! common civil word: the identity term «بدو» inside «بدون» ("without"), the curse «لعين»
//! inside «العين» ("the eye"). Every entry is tried against the frequent words of civil
//! comments shipped in `wordlists/civil_words.txt` (single words with their counts); an
//! entry found inside one is reported by `raqib wordlists check`, and a unit test keeps the
//! shipped lists free of them. Such an entry is marked exact (`=`: the word itself only).

use super::lexicon::{Lexicon, PREFIXES, SUFFIXES};
use super::normalize::{KeyKind, Keys, text_key};
use super::spec::MatchMode;

/// An entry that fires inside a frequent civil word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inside {
    pub rule: String,
    pub word: String,
    /// How often the word occurs in the civil texts counted.
    pub count: u32,
}

/// Is `word` the entry itself, or the entry whole behind a known proclitic and before a
/// known suffix?
fn plain_inflection(word: &str, entry: &str) -> bool {
    let Some(at) = word.find(entry) else {
        return false;
    };
    let (prefix, suffix) = (&word[..at], &word[at + entry.len()..]);
    (prefix.is_empty() || PREFIXES.contains(&prefix))
        && (suffix.is_empty() || SUFFIXES.contains(&suffix))
}

/// Reads `word | count` lines (`#` comments, blank lines skipped).
pub fn parse_counts(text: &str) -> Vec<(String, u32)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (word, count) = l.split_once('|')?;
            Some((word.trim().to_string(), count.trim().parse().ok()?))
        })
        .collect()
}

/// Every entry of `lexicon` that matches one of `words` only through a merged letter (an
/// article or suffix whose letter the entry shares: «ا|لعين», «بدو|ن») or otherwise
/// than as itself with plain clitics («المسلمين» is «مسلمين» with the article: that is
/// the entry, inflected), for words seen at least `min_count` times; most frequent first.
pub fn inside(lexicon: &Lexicon, words: &[(String, u32)], min_count: u32) -> Vec<Inside> {
    let mut found = Vec::new();
    for (word, count) in words.iter().filter(|(_, c)| *c >= min_count) {
        let keys = Keys::of(word);
        let whole = text_key(word);
        for m in lexicon.find(word, &keys) {
            let entry = &lexicon.entries()[m.entry];
            if m.kind != KeyKind::Text || entry.spec.mode == MatchMode::Phrase {
                continue;
            }
            if plain_inflection(whole.as_str(), &entry.key) {
                continue;
            }
            found.push(Inside {
                rule: entry.rule.clone(),
                word: word.clone(),
                count: *count,
            });
        }
    }
    found.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(&b.rule)));
    found
}
