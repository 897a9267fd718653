//! Loading the word lists: `wordlists/lists.toml` says what each file is; each file has
//! one entry per line. The shipped lists are also compiled into the binary, so a service
//! started outside the repository still has them.
//!
//! File format: UTF-8, one entry per line; blank lines and lines starting with `#` are
//! ignored; an optional weight follows ` | ` (`حمار | 3`); an entry ending in `*` matches
//! as a word prefix (`fuck*`). Entries are refused (with file and line) when empty, when
//! they normalize to fewer than two letters, or when a weight is not a number.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::lexicon::validate_term;
use super::model::Category;
use super::spec::{ListSpec, MatchMode, RuleSpec, TermSpec};

include!(concat!(env!("OUT_DIR"), "/embedded_wordlists.rs"));

/// `lists.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListsFile {
    #[serde(default, rename = "list")]
    pub lists: Vec<ListSpec>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSpec>,
}

/// Everything the word-list directory holds.
#[derive(Clone, Debug, Default)]
pub struct WordLists {
    pub lists: Vec<ListSpec>,
    pub terms: Vec<TermSpec>,
    pub rules: Vec<RuleSpec>,
    /// Blocked domains with their weight.
    pub blocked_domains: BTreeMap<String, f32>,
    pub allowed_domains: Vec<String>,
    pub disposable_domains: HashSet<String>,
    /// Things worth a look that do not stop loading (duplicates).
    pub warnings: Vec<String>,
}

/// A list that could not be loaded: where, and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ListError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Where word lists are read from.
#[derive(Clone, Debug)]
pub enum Source {
    Dir(PathBuf),
    /// The copy compiled into the binary.
    Embedded,
}

impl Source {
    /// The directory when it has a `lists.toml`, else the embedded copy.
    pub fn dir_or_embedded(dir: &Path) -> Source {
        if dir.join("lists.toml").is_file() {
            Source::Dir(dir.to_path_buf())
        } else {
            Source::Embedded
        }
    }

    fn read(&self, file: &str) -> Result<String, String> {
        match self {
            Source::Dir(dir) => std::fs::read_to_string(dir.join(file)).map_err(|e| e.to_string()),
            Source::Embedded => EMBEDDED_WORDLISTS
                .iter()
                .find(|(name, _)| *name == file)
                .map(|(_, text)| text.to_string())
                .ok_or_else(|| "not among the embedded word lists".to_string()),
        }
    }

    /// The frequent civil words (`civil_words.txt`: `word | count`), or none.
    pub fn civil_words(&self) -> Vec<(String, u32)> {
        self.read("civil_words.txt")
            .map(|text| super::guard::parse_counts(&text))
            .unwrap_or_default()
    }

    pub fn describe(&self) -> String {
        match self {
            Source::Dir(dir) => dir.display().to_string(),
            Source::Embedded => "(built-in word lists)".to_string(),
        }
    }
}

/// Reads and checks every list. Returns every error found, not just the first.
pub fn load(source: &Source) -> Result<WordLists, Vec<ListError>> {
    let index = source.read("lists.toml").map_err(|message| {
        vec![ListError {
            file: "lists.toml".into(),
            line: 0,
            message,
        }]
    })?;
    let spec: ListsFile = toml::from_str(&index).map_err(|err| {
        let line = err
            .span()
            .map(|span| index[..span.start].lines().count().max(1))
            .unwrap_or(0);
        vec![ListError {
            file: "lists.toml".into(),
            line,
            message: err.message().to_string(),
        }]
    })?;

    let mut out = WordLists {
        lists: spec.lists.clone(),
        rules: spec.rules.clone(),
        ..Default::default()
    };
    let mut errors = Vec::new();
    for (i, rule) in spec.rules.iter().enumerate() {
        if let Err(message) = super::rules::validate_pattern(&rule.pattern) {
            errors.push(ListError {
                file: "lists.toml".into(),
                line: i + 1,
                message: format!("rule {}: {message}", rule.id),
            });
        }
    }
    // Entries that count (not identity-like qualifiers), by key: the same word in two
    // counting lists would add its weight twice, so the later one is skipped and named.
    let mut counted: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for list in &spec.lists {
        let text = match source.read(&list.file) {
            Ok(text) => text,
            Err(message) => {
                errors.push(ListError {
                    file: list.file.clone(),
                    line: 0,
                    message,
                });
                continue;
            }
        };
        let mut seen = HashSet::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |message: String| ListError {
                file: list.file.clone(),
                line: number + 1,
                message,
            };
            let (entry, weight) = match line.split_once('|') {
                Some((entry, weight)) => match weight.trim().parse::<f32>() {
                    Ok(w) if w.is_finite() => (entry.trim(), w),
                    _ => {
                        errors.push(error(format!("weight {:?} is not a number", weight.trim())));
                        continue;
                    }
                },
                None => (line, list.weight),
            };
            if entry.is_empty() {
                errors.push(error("empty entry".into()));
                continue;
            }
            match list.category {
                Category::DomainBlock | Category::DomainAllow | Category::DisposableEmail => {
                    let domain = entry.to_ascii_lowercase();
                    if !is_domain(&domain) {
                        errors.push(error(format!("{entry:?} is not a domain name")));
                        continue;
                    }
                    if !seen.insert(domain.clone()) {
                        out.warnings.push(format!(
                            "{}:{}: duplicate {entry:?}",
                            list.file,
                            number + 1
                        ));
                        continue;
                    }
                    match list.category {
                        Category::DomainBlock => {
                            out.blocked_domains.insert(domain, weight);
                        }
                        Category::DomainAllow => out.allowed_domains.push(domain),
                        _ => {
                            out.disposable_domains.insert(domain);
                        }
                    }
                }
                _ => {
                    let (entry, mode) = match (entry.strip_suffix('*'), entry.strip_suffix('=')) {
                        (Some(stem), _) => (stem.trim(), MatchMode::Prefix),
                        (_, Some(stem)) => (stem.trim(), MatchMode::Exact),
                        _ => (entry, list.mode),
                    };
                    let key = match validate_term(entry) {
                        Ok(key) => key,
                        Err(message) => {
                            errors.push(error(format!("{entry:?}: {message}")));
                            continue;
                        }
                    };
                    if !seen.insert(key.clone()) {
                        out.warnings.push(format!(
                            "{}:{}: {entry:?} repeats an earlier entry (same normalized form {key:?})",
                            list.file,
                            number + 1
                        ));
                        continue;
                    }
                    if !list.category.is_qualifier() {
                        if let Some(first) = counted.get(&key) {
                            out.warnings.push(format!(
                                "{}:{}: {entry:?} already counts as {first}; skipped so that it does not count twice",
                                list.file,
                                number + 1
                            ));
                            continue;
                        }
                        counted.insert(
                            key.clone(),
                            format!("{} ({})", list.category.as_str(), list.file),
                        );
                    }
                    out.terms.push(TermSpec {
                        list: list.name.clone(),
                        term: entry.to_string(),
                        category: list.category,
                        language: list.language,
                        weight,
                        action: list.action,
                        mode,
                        shadow: false,
                    });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Letters, digits, hyphens and at least one dot.
pub(crate) fn is_domain(text: &str) -> bool {
    text.contains('.')
        && !text.starts_with('.')
        && !text.ends_with('.')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_lists_load_without_errors() {
        let lists = load(&Source::Dir(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wordlists"),
        ))
        .unwrap_or_else(|errors| panic!("{errors:#?}"));
        assert!(lists.terms.len() > 1_000, "{} terms", lists.terms.len());
        assert!(lists.disposable_domains.contains("mailinator.com"));
        assert!(lists.allowed_domains.iter().any(|d| d == "gov.sa"));
        let twice: Vec<&String> = lists
            .warnings
            .iter()
            .filter(|w| w.contains("already counts"))
            .collect();
        assert!(twice.is_empty(), "words that would count twice: {twice:#?}");
    }

    #[test]
    fn a_word_in_two_counting_lists_counts_once_and_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("lists.toml"),
            "[[list]]\nname = \"a\"\nfile = \"a.txt\"\ncategory = \"insult\"\nlanguage = \"ar\"\nweight = 3\n\
             [[list]]\nname = \"b\"\nfile = \"b.txt\"\ncategory = \"profanity\"\nlanguage = \"ar\"\nweight = 4\n\
             [[list]]\nname = \"c\"\nfile = \"c.txt\"\ncategory = \"identity\"\nlanguage = \"ar\"\nweight = 0\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("a.txt"), "حمار\n").unwrap();
        std::fs::write(dir.path().join("b.txt"), "حِمار\nكلب\n").unwrap();
        std::fs::write(dir.path().join("c.txt"), "حمار\n").unwrap();
        let lists = load(&Source::Dir(dir.path().to_path_buf())).unwrap();
        let kept: Vec<(&str, Category)> = lists
            .terms
            .iter()
            .map(|t| (t.term.as_str(), t.category))
            .collect();
        assert_eq!(
            kept,
            [
                ("حمار", Category::Insult),
                ("كلب", Category::Profanity),
                ("حمار", Category::Identity)
            ]
        );
        assert_eq!(lists.warnings.len(), 1, "{:?}", lists.warnings);
        assert!(
            lists.warnings[0].starts_with("b.txt:1:"),
            "{:?}",
            lists.warnings
        );
        assert!(
            lists.warnings[0].contains("insult (a.txt)"),
            "{:?}",
            lists.warnings
        );
    }

    #[test]
    fn the_embedded_copy_matches_the_directory() {
        let dir = load(&Source::Dir(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wordlists"),
        ))
        .unwrap();
        let embedded = load(&Source::Embedded).unwrap();
        assert_eq!(dir.terms, embedded.terms);
    }

    #[test]
    fn bad_entries_are_refused_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("lists.toml"),
            "[[list]]\nname = \"t\"\nfile = \"t.txt\"\ncategory = \"insult\"\nlanguage = \"ar\"\nweight = 3\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("t.txt"),
            "# header\nحمار\n | 3\nكَـ\nغبي | lots\nx\n",
        )
        .unwrap();
        let errors = load(&Source::Dir(dir.path().to_path_buf())).unwrap_err();
        let lines: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(lines.len(), 4, "{errors:#?}");
        assert_eq!(lines[0].0, 3, "empty entry");
        assert!(lines[1].1.contains("two letters"), "{lines:?}");
        assert_eq!(lines[2].0, 5, "bad weight");
        assert_eq!(lines[3].0, 6, "one Latin letter");
        assert!(errors[0].to_string().starts_with("t.txt:3:"));
    }
}
