//! Word lists compiled into one Aho-Corasick automaton over normalized keys, with token
//! boundaries and Arabic clitics checked by hand (Unicode `\b` in a regex is far slower).
//!
//! An Arabic entry matches a whole word, optionally behind the clitics و ف ب ك ل, ال, لل,
//! يا, the demonstrative هال and their combinations, and before a pronoun or plural suffix
//! — but only entries of three letters or more take clitics, so «بكس» (a pickup truck)
//! does not match a two-letter entry behind the preposition ب, and «عكس», «مصر», «تاكسي»
//! never match the short words inside them. A Latin entry matches a whole word (or with a
//! plural `s`/`es`). A prefix entry (`fuck*`) matches the start of a word.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::normalize::{KeyKind, Keys, compact, text_key};
use super::spec::{Language, MatchMode, TermSpec};

/// Arabic proclitics and their combinations, as they appear in the text key. «هال» is the
/// Gulf and Levantine demonstrative article («هالحمار», «بهالكلام»: "this …").
pub(crate) const PREFIXES: &[&str] = &[
    "و", "ف", "ب", "ك", "ل", "ال", "لل", "وال", "فال", "بال", "كال", "ولل", "فلل", "وب", "فب",
    "ول", "فل", "وك", "فك", "يا", "ويا", "يال", "وبال", "فبال", "س", "وس", "فس", "هال", "وهال",
    "بهال", "فهال", "لهال",
];

/// Arabic pronoun, dual and plural suffixes.
pub(super) const SUFFIXES: &[&str] = &[
    "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "ي", "ني", "نا", "ان", "ين", "ون", "ات",
    "وا", "يه", "يها", "يهم", "يك", "ين", "تين", "تهم", "ته", "تها", "تك", "تي", "ش",
];

const LATIN_SUFFIXES: &[&str] = &["s", "es", "z"];

/// An entry after compilation.
#[derive(Clone, Debug)]
pub struct Entry {
    pub spec: TermSpec,
    /// The normalized form it matches.
    pub key: String,
    /// Its hits' rule id and explanation, made once here rather than on every match.
    pub rule: String,
    pub explanation: String,
    letters: usize,
    arabic: bool,
    first: char,
    last: char,
}

/// One match of an entry in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub entry: usize,
    /// The key it was found in (a disguise when not the text key).
    pub kind: KeyKind,
    /// Raw byte span in the text.
    pub span: (usize, usize),
}

/// Every entry of every list, ready to match.
pub struct Lexicon {
    automaton: Option<AhoCorasick>,
    /// Pattern id → entries with that key.
    patterns: Vec<Vec<usize>>,
    entries: Vec<Entry>,
    /// One-word entries of four letters or more with one inner letter left out → the
    /// entries: what a word with that letter masked ("f*ck") reads without the symbol.
    masked: HashMap<String, Vec<usize>>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("entries", &self.entries.len())
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

/// Checks one entry: the normalized form it will match, or why it cannot be used.
pub fn validate_term(term: &str) -> Result<String, String> {
    let term = term.trim();
    if term.is_empty() {
        return Err("empty entry".into());
    }
    let key = text_key(term).as_str().to_string();
    let letters = key
        .chars()
        .filter(|c| crate::domain::unicode::is_alphabetic(*c))
        .count();
    if letters < 2 {
        return Err(format!(
            "normalizes to {key:?}: fewer than two letters would match far too much"
        ));
    }
    Ok(key)
}

impl Lexicon {
    /// Compiles entries; an entry that fails [`validate_term`] is an error.
    pub fn compile(specs: Vec<TermSpec>) -> Result<Lexicon, String> {
        let mut entries = Vec::with_capacity(specs.len());
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut keys: Vec<String> = Vec::new();
        let mut patterns: Vec<Vec<usize>> = Vec::new();
        let mut masked: HashMap<String, Vec<usize>> = HashMap::new();
        for spec in specs {
            let key = validate_term(&spec.term).map_err(|e| format!("{:?}: {e}", spec.term))?;
            let arabic = key.chars().any(is_arabic_letter);
            let index = entries.len();
            let mut variants = vec![key.clone()];
            if arabic && key.contains(' ') {
                variants.extend(definite_variants(&key));
            }
            for variant in variants {
                let pattern = *by_key.entry(variant.clone()).or_insert_with(|| {
                    keys.push(variant);
                    patterns.push(Vec::new());
                    patterns.len() - 1
                });
                if !patterns[pattern].contains(&index) {
                    patterns[pattern].push(index);
                }
            }
            for variant in masked_variants(&key) {
                let found = masked.entry(variant).or_default();
                if !found.contains(&index) {
                    found.push(index);
                }
            }
            entries.push(Entry {
                rule: format!("list:{}:{}", spec.list, spec.term),
                explanation: spec.explain(),
                letters: key
                    .chars()
                    .filter(|c| crate::domain::unicode::is_alphabetic(*c))
                    .count(),
                arabic,
                first: key.chars().next().unwrap_or(' '),
                last: key.chars().next_back().unwrap_or(' '),
                key,
                spec,
            });
        }
        let automaton = if keys.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(keys.iter().map(|k| compact(k).0))
                    .map_err(|e| format!("cannot build the automaton: {e}"))?,
            )
        };
        Ok(Lexicon {
            automaton,
            patterns,
            entries,
            masked,
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every match in `keys` (the keys of `raw`), each (entry, raw span) once, and the
    /// same words once within a list (see [`Lexicon::drop_repeats`]).
    pub fn find(&self, raw: &str, keys: &Keys) -> Vec<Match> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut found: Vec<Match> = Vec::new();
        for (kind, key) in keys.each() {
            let text = key.as_str();
            let (bytes, offsets) = key.compact();
            for m in automaton.find_overlapping_iter(bytes) {
                let (start, end) = (offsets[m.start()] as usize, offsets[m.end()] as usize);
                for &index in &self.patterns[m.pattern().as_usize()] {
                    let entry = &self.entries[index];
                    let language_reads = match kind {
                        KeyKind::Leet => entry.spec.language == Language::En,
                        KeyKind::Arabizi => entry.spec.language == Language::Arabizi,
                        KeyKind::Text | KeyKind::Joined => true,
                    };
                    if !language_reads {
                        continue;
                    }
                    if !boundaries_ok(entry, text, start, end) {
                        continue;
                    }
                    let span = key.raw_span(start, end);
                    if !found.iter().any(|f| f.entry == index && f.span == span) {
                        found.push(Match {
                            entry: index,
                            kind,
                            span,
                        });
                    }
                }
            }
        }
        self.find_masked(keys, &mut found);
        self.drop_repeats(raw, &mut found);
        found
    }

    /// Words with one letter masked ("f*ck", «ك*ب»): the word without the symbol, and
    /// without an Arabic proclitic, against the entries with one letter left out. Found
    /// as a disguise (the joined kind).
    fn find_masked(&self, keys: &Keys, found: &mut Vec<Match>) {
        for word in &keys.masked {
            let bare = PREFIXES
                .iter()
                .filter_map(|p| word.key.strip_prefix(p))
                .filter(|rest| rest.chars().count() >= 3);
            for candidate in std::iter::once(word.key.as_str()).chain(bare) {
                for &index in self.masked.get(candidate).into_iter().flatten() {
                    if !found
                        .iter()
                        .any(|f| f.entry == index && f.span == word.span)
                    {
                        found.push(Match {
                            entry: index,
                            kind: KeyKind::Joined,
                            span: word.span,
                        });
                    }
                }
            }
        }
    }

    /// Drops matches that count the same words twice within one list: a match inside a
    /// longer one that only adds letters to its words («idiot» inside «idiots»,
    /// «guaranteed profit» inside «guaranteed profits»), and the lighter of two entries on
    /// the very same words. A longer phrase that adds a word («استخراج تأشيرات بسرعة»
    /// beside «استخراج تأشيرات») is more evidence and both count. `raw` is the text the
    /// spans point into.
    fn drop_repeats(&self, raw: &str, found: &mut Vec<Match>) {
        let entries = &self.entries;
        let same_words = |outer: (usize, usize), inner: (usize, usize)| {
            let before = raw.get(outer.0..inner.0).unwrap_or(" ");
            let after = raw.get(inner.1..outer.1).unwrap_or(" ");
            !before.contains(char::is_whitespace) && !after.contains(char::is_whitespace)
        };
        let repeats = |m: &Match, o: &Match| {
            if o.entry == m.entry || o.span.0 > m.span.0 || m.span.1 > o.span.1 {
                return false;
            }
            let (a, b) = (&entries[m.entry].spec, &entries[o.entry].spec);
            if a.shadow != b.shadow || a.list != b.list {
                return false;
            }
            if o.span == m.span {
                (b.weight, std::cmp::Reverse(o.entry)) > (a.weight, std::cmp::Reverse(m.entry))
            } else {
                same_words(o.span, m.span)
            }
        };
        if found.len() < 2 {
            return;
        }
        let keep: Vec<bool> = found
            .iter()
            .map(|m| !found.iter().any(|o| repeats(m, o)))
            .collect();
        let mut keep = keep.into_iter();
        found.retain(|_| keep.next().unwrap_or(true));
    }
}

/// A one-word key of four letters or more with each inner letter left out in turn.
fn masked_variants(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 4 || !chars.iter().all(|c| c.is_alphabetic()) {
        return Vec::new();
    }
    (1..chars.len() - 1)
        .map(|skip| {
            chars
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

/// Is `[start, end)` of `text` a word (with allowed clitics) for `entry`?
fn boundaries_ok(entry: &Entry, text: &str, start: usize, end: usize) -> bool {
    let word_start = text[..start].rfind(' ').map(|i| i + 1).unwrap_or(0);
    let word_end = text[end..].find(' ').map(|i| end + i).unwrap_or(text.len());
    let prefix = &text[word_start..start];
    let suffix = &text[end..word_end];
    if entry.spec.mode == MatchMode::Exact {
        return prefix.is_empty() && suffix.is_empty();
    }
    let takes_affixes = entry.letters >= 3;
    let start_ok =
        prefix.is_empty() || (entry.arabic && takes_affixes && clitic_prefix(prefix, entry.first));
    if !start_ok {
        return false;
    }
    if entry.spec.mode == MatchMode::Prefix || suffix.is_empty() {
        return true;
    }
    if !takes_affixes {
        return false;
    }
    if entry.arabic {
        clitic_suffix(suffix, entry.last)
    } else {
        LATIN_SUFFIXES.contains(&suffix)
    }
}

/// A known proclitic, also when its last letter merged with the entry's first letter
/// (the key collapses «ال» + «لئيم» into «اليم»).
fn clitic_prefix(prefix: &str, first: char) -> bool {
    PREFIXES.contains(&prefix)
        || PREFIXES
            .iter()
            .any(|p| p.ends_with(first) && p[..p.len() - first.len_utf8()] == *prefix)
}

fn clitic_suffix(suffix: &str, last: char) -> bool {
    SUFFIXES.contains(&suffix)
        || SUFFIXES
            .iter()
            .any(|s| s.starts_with(last) && s[last.len_utf8()..] == *suffix)
}

/// Phrase variants with the article «ال» on later words: «شيخ روحاني» also matches
/// «شيخ الروحاني» (at most eight variants).
fn definite_variants(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split(' ').collect();
    if words.len() > 4 {
        return Vec::new();
    }
    let optional: Vec<usize> = (1..words.len())
        .filter(|&i| words[i].chars().count() >= 3 && !words[i].starts_with("ال"))
        .collect();
    let mut out = Vec::new();
    for mask in 1..(1u32 << optional.len()) {
        let mut variant: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        for (bit, &i) in optional.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                variant[i] = text_key(&format!("ال{}", words[i])).as_str().to_string();
            }
        }
        out.push(variant.join(" "));
    }
    out
}

/// Letters of the Arabic blocks.
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF)
        && crate::domain::unicode::is_alphabetic(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::model::{Action, Category};

    fn spec(term: &str, language: Language) -> TermSpec {
        TermSpec {
            list: "test".into(),
            term: term.into(),
            category: Category::Insult,
            language,
            weight: 3.0,
            action: Action::Score,
            mode: if term.ends_with('*') {
                MatchMode::Prefix
            } else {
                MatchMode::Token
            },
            shadow: false,
        }
    }

    fn lexicon(terms: &[(&str, Language)]) -> Lexicon {
        Lexicon::compile(
            terms
                .iter()
                .map(|(t, l)| spec(t.trim_end_matches('*'), *l))
                .map(|mut s| {
                    if terms
                        .iter()
                        .any(|(t, _)| t.ends_with('*') && t.trim_end_matches('*') == s.term)
                    {
                        s.mode = MatchMode::Prefix;
                    }
                    s
                })
                .collect(),
        )
        .unwrap()
    }

    fn matched(lexicon: &Lexicon, text: &str) -> Vec<String> {
        lexicon
            .find(text, &Keys::of(text))
            .into_iter()
            .map(|m| lexicon.entries()[m.entry].spec.term.clone())
            .collect()
    }

    #[test]
    fn arabic_words_match_with_clitics_but_not_inside_other_words() {
        use Language::*;
        let lex = lexicon(&[
            ("كلب", Ar),
            ("كس", Ar),
            ("مص", Ar),
            ("تيس", Ar),
            ("حمار", Ar),
            ("لئيم", Ar),
        ]);
        let cases: &[(&str, &[&str], &str)] = &[
            ("يا كلب", &["كلب"], "plain word"),
            ("والكلب", &["كلب"], "wa + al"),
            ("ياكلب", &["كلب"], "vocative joined"),
            ("للكلب", &["كلب"], "li + al"),
            ("كلبك", &["كلب"], "pronoun suffix"),
            ("شوفوا هالحمار", &["حمار"], "demonstrative هال"),
            ("بهالكلب", &["كلب"], "bi + demonstrative"),
            ("يا كَلْــــب", &["كلب"], "harakat and tatweel"),
            ("يا كللللب", &["كلب"], "repeated letters"),
            ("عكس الاتجاه", &[], "عكس contains كس"),
            ("مصر ام الدنيا", &[], "مصر contains مص"),
            ("ركبت تاكسي", &[], "تاكسي contains كس"),
            ("استخراج الجواز", &[], "no entry inside"),
            ("بكس جديد", &[], "a two-letter entry takes no clitic"),
            ("كس", &["كس"], "a two-letter entry alone"),
            ("تيسير الامور", &[], "تيسير contains تيس"),
            (
                "الكلبشات",
                &[],
                "a longer word is not the entry plus a suffix",
            ),
            (
                "يا اللئيم",
                &["لئيم"],
                "article merged with the entry's first lam",
            ),
            ("ياحمااار", &["حمار"], "vocative plus elongation"),
        ];
        for (text, want, why) in cases {
            assert_eq!(matched(&lex, text), *want, "{why}: {text}");
        }
    }

    #[test]
    fn latin_words_match_whole_and_leetspeak_only_for_english() {
        use Language::*;
        let lex = lexicon(&[
            ("idiot", En),
            ("cunt", En),
            ("ass", En),
            ("sex", En),
            ("fuck*", En),
            ("7mar", Arabizi),
        ]);
        let cases: &[(&str, &[&str], &str)] = &[
            ("you idiot", &["idiot"], "plain"),
            ("you IDIOTS", &["idiot"], "plural and upper case"),
            ("1d10t", &["idiot"], "leetspeak"),
            ("Scunthorpe United", &[], "Scunthorpe"),
            ("Essex and Sussex", &[], "Essex"),
            ("first class", &[], "class contains ass"),
            ("an assassin", &[], "assassin contains ass"),
            ("fucking hell", &["fuck"], "prefix entry"),
            ("enta 7mar", &["7mar"], "Arabizi keeps its digits"),
            (
                "tmar",
                &[],
                "Arabizi entries are not matched through leetspeak",
            ),
        ];
        for (text, want, why) in cases {
            assert_eq!(matched(&lex, text), *want, "{why}: {text}");
        }
    }

    #[test]
    fn the_same_words_count_once_within_a_list() {
        let lex = lexicon(&[
            ("idiot", Language::En),
            ("idiots", Language::En),
            ("guaranteed profit", Language::En),
            ("guaranteed profits", Language::En),
            ("visa service", Language::En),
            ("visa service fast", Language::En),
        ]);
        let kept = |text: &str| {
            let found = lex.find(text, &Keys::of(text));
            let mut terms: Vec<String> = found
                .iter()
                .map(|m| lex.entries()[m.entry].spec.term.clone())
                .collect();
            terms.sort();
            terms
        };
        assert_eq!(kept("you idiots"), vec!["idiots"]);
        assert_eq!(kept("guaranteed profits daily"), vec!["guaranteed profits"]);
        assert_eq!(kept("an idiot"), vec!["idiot"]);
        assert_eq!(
            kept("visa service fast"),
            vec!["visa service", "visa service fast"],
            "a phrase one word longer is more evidence"
        );
    }

    #[test]
    fn phrases_match_across_punctuation_and_with_the_article() {
        let lex = lexicon(&[("شيخ روحاني", Language::Ar), ("جلب الحبيب", Language::Ar)]);
        assert_eq!(matched(&lex, "افضل شيخ، روحاني"), vec!["شيخ روحاني"]);
        assert_eq!(matched(&lex, "الشيخ الروحاني"), vec!["شيخ روحاني"]);
        assert_eq!(matched(&lex, "لجلب الحبيب"), vec!["جلب الحبيب"]);
        assert_eq!(matched(&lex, "شيخ كبير روحاني"), Vec::<String>::new());
    }

    #[test]
    fn split_letters_are_found_in_the_joined_key_with_the_raw_span() {
        let lex = lexicon(&[("واتساب", Language::Ar)]);
        let text = "راسلنا و ا ت س ا ب الان";
        let found = lex.find(text, &Keys::of(text));
        assert_eq!(found.len(), 1);
        let (s, e) = found[0].span;
        assert_eq!(&text[s..e], "و ا ت س ا ب");
    }

    #[test]
    fn evasions_inside_a_word_are_undone() {
        use Language::*;
        let lex = lexicon(&[
            ("حمار", Ar),
            ("كلب", Ar),
            ("fuck*", En),
            ("shit", En),
            ("bitch", En),
            ("7mar", Arabizi),
            ("sharmoota", Arabizi),
        ]);
        let cases: &[(&str, &[&str], &str)] = &[
            ("يا حم.ار", &["حمار"], "a word cut by a dot"),
            ("انت كل*ب", &["كلب"], "a word cut by a star"),
            ("يا ح-م-ا-ر", &["حمار"], "every letter cut by a dash"),
            ("يا ح م ا ا ا ر", &["حمار"], "split and stretched"),
            ("f u u u c k you", &["fuck"], "split and stretched Latin"),
            ("what the f*ck", &["fuck"], "one letter masked by a star"),
            ("sh#t happens", &["shit"], "one letter masked by a hash"),
            ("you b!tch", &["bitch"], "a letter cut out by a symbol"),
            ("يا ح*ار", &["حمار"], "an Arabic letter masked"),
            ("يالح*ار", &["حمار"], "masked behind a clitic"),
            ("enta 7m4r", &["7mar"], "Arabizi with a leet vowel"),
            ("ya sh4rm00ta", &["sharmoota"], "Arabizi with leet vowels"),
            (
                "الجو ح*ار اليوم؟",
                &["حمار"],
                "a masked letter is read as a disguise",
            ),
            ("كم السعر؟ 50$", &[], "a price is not a mask"),
            ("email me at a@b", &[], "too short to be a masked word"),
            ("سألت: لماذا?كيف", &[], "punctuation between long words"),
        ];
        for (text, want, why) in cases {
            assert_eq!(matched(&lex, text), *want, "{why}: {text}");
        }
    }

    #[test]
    fn entries_too_short_after_normalization_are_refused() {
        assert!(validate_term("كَـ").is_err());
        assert!(validate_term("x").is_err());
        assert!(validate_term("  ").is_err());
        assert!(validate_term("١٢٣").is_err(), "digits only");
        assert_eq!(validate_term("أحمق").unwrap(), "احمق");
    }
}
