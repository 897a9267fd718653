//! Regex rules written by admins, matched on the normalized text key of their target.
//!
//! A pattern is refused when it does not compile, when its compiled program exceeds a
//! size limit, or when it matches trivially (the empty string, "1", "a", a space, one
//! Arabic letter): such a rule would flag every comment (Lemmy's `build_and_check_regex`
//! refuses a regex that matches "1" for the same reason).

use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use regex_automata::{Input, PatternSet};

use super::spec::{RuleSpec, Target};

/// Largest compiled program of one rule, in bytes.
const SIZE_LIMIT: usize = 1 << 20;

/// Inputs no useful rule matches.
const TRIVIAL: &[&str] = &["", "1", "a", " ", "ا", "aa", "11", "a b"];

fn build(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "the pattern is too large".to_string(),
            other => format!("the pattern does not compile: {other}"),
        })
}

/// Why a pattern is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("the pattern is empty")]
    Empty,
    #[error("the pattern does not compile: {0}")]
    Invalid(String),
    #[error("the pattern is too large")]
    TooLarge,
    #[error("the pattern matches {0:?}: it would flag almost every comment")]
    Trivial(&'static str),
}

/// Checks a pattern as an admin would write it.
pub fn check_pattern(pattern: &str) -> Result<(), PatternError> {
    if pattern.trim().is_empty() {
        return Err(PatternError::Empty);
    }
    let regex = RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => PatternError::TooLarge,
            other => PatternError::Invalid(other.to_string()),
        })?;
    if let Some(input) = TRIVIAL.iter().find(|input| regex.is_match(input)) {
        return Err(PatternError::Trivial(input));
    }
    Ok(())
}

/// [`check_pattern`] with the reason as text.
pub fn validate_pattern(pattern: &str) -> Result<(), String> {
    check_pattern(pattern).map_err(|e| e.to_string())
}

/// The compiled rules of one target.
#[derive(Debug)]
pub struct RuleBook {
    /// All patterns in one automaton, asked first whether anything matches at all. It runs
    /// without a literal prefilter: the rules' leading words («ربح», "earn", a space) occur
    /// in most comments, and confirming each candidate cost more than the plain scan.
    set: Option<meta::Regex>,
    regexes: Vec<Regex>,
    specs: Vec<RuleSpec>,
}

impl RuleBook {
    pub fn compile(rules: &[RuleSpec], target: Target) -> Result<RuleBook, String> {
        let specs: Vec<RuleSpec> = rules
            .iter()
            .filter(|r| r.target == target)
            .cloned()
            .collect();
        let mut regexes = Vec::with_capacity(specs.len());
        for spec in &specs {
            validate_pattern(&spec.pattern).map_err(|e| format!("rule {}: {e}", spec.id))?;
            regexes.push(build(&spec.pattern).map_err(|e| format!("rule {}: {e}", spec.id))?);
        }
        let set = if specs.is_empty() {
            None
        } else {
            let patterns: Vec<&str> = specs.iter().map(|s| s.pattern.as_str()).collect();
            Some(
                meta::Builder::new()
                    .configure(
                        meta::Config::new()
                            .auto_prefilter(false)
                            .nfa_size_limit(Some(SIZE_LIMIT * 4)),
                    )
                    .build_many(&patterns)
                    .map_err(|e| format!("rules do not compile together: {e}"))?,
            )
        };
        Ok(RuleBook {
            set,
            regexes,
            specs,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Every rule that matches `text`, with the byte span of its first match.
    pub fn find<'a>(&'a self, text: &str) -> Vec<(&'a RuleSpec, (usize, usize))> {
        let Some(set) = &self.set else {
            return Vec::new();
        };
        // The set answers "does anything match" on the fast path; spans only then.
        if !set.is_match(text) {
            return Vec::new();
        }
        let mut matched = PatternSet::new(set.pattern_len());
        set.which_overlapping_matches(&Input::new(text), &mut matched);
        matched
            .iter()
            .map(|i| i.as_usize())
            .filter_map(|i| {
                self.regexes[i]
                    .find(text)
                    .map(|m| (&self.specs[i], (m.start(), m.end())))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_and_broken_patterns_are_refused() {
        let cases = [
            ("", "empty"),
            (".*", "matches the empty string"),
            ("\\d", "matches 1"),
            ("[a-z]+", "matches a"),
            ("\\s", "matches a space"),
            ("[\\x{0600}-\\x{06FF}]", "matches one Arabic letter"),
            ("(unclosed", "does not compile"),
            ("\\w{1000}{1000}", "too large"),
        ];
        for (pattern, why) in cases {
            assert!(validate_pattern(pattern).is_err(), "{why}: {pattern}");
        }
        assert!(validate_pattern("واتس ?اب").is_ok());
        assert!(validate_pattern("\\d{9,}").is_ok());
    }

    #[test]
    fn rules_report_their_first_span() {
        let rule = RuleSpec {
            id: "r1".into(),
            pattern: "ربح \\d+".into(),
            weight: 2.0,
            action: Default::default(),
            target: Target::Body,
            category: super::super::model::Category::Rule,
            description: String::new(),
            shadow: false,
        };
        let book = RuleBook::compile(&[rule], Target::Body).unwrap();
        let found = book.find("اربح ربح 500 يوميا");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, ("اربح ".len(), "اربح ربح 500".len()));
        assert!(book.find("لا شيء هنا").is_empty());
    }
}
