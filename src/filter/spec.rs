//! What the word lists declare, ready to compile: lists, their entries, regex rules,
//! and how an entry meets word boundaries. Plain data shared by loading, the lexicon,
//! the rules and the stored filter versions.

use serde::{Deserialize, Serialize};

use super::model::{Action, Category};

/// One list: a file and what its entries mean.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSpec {
    /// Short name used in rule ids, e.g. `ar/insult`.
    pub name: String,
    /// Path relative to the word-list directory.
    pub file: String,
    pub category: Category,
    /// `ar`, `en` or `arabizi` (Latin letters with digits for Arabic sounds).
    pub language: Language,
    /// Weight of an entry without its own.
    #[serde(default = "default_weight")]
    pub weight: f32,
    #[serde(default)]
    pub action: Action,
    /// `token` (default), `phrase` or `prefix`.
    #[serde(default, rename = "match")]
    pub mode: MatchMode,
    #[serde(default)]
    pub description: String,
}

fn default_weight() -> f32 {
    1.0
}

/// A regex rule: matched on the normalized text key of its target.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub pattern: String,
    #[serde(default = "default_weight")]
    pub weight: f32,
    #[serde(default)]
    pub action: Action,
    #[serde(default)]
    pub target: Target,
    #[serde(default = "rule_category")]
    pub category: Category,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub shadow: bool,
}

fn rule_category() -> Category {
    Category::Rule
}

/// Which field a rule reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    #[default]
    Body,
    Name,
    Email,
    /// Every link's URL in the body.
    Url,
}

/// The language of a list, which decides the keys its entries are matched on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Ar,
    En,
    Arabizi,
}

/// One entry of a list, ready to compile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TermSpec {
    pub list: String,
    pub term: String,
    pub category: Category,
    pub language: Language,
    pub weight: f32,
    pub action: Action,
    pub mode: MatchMode,
    pub shadow: bool,
}

/// How an entry meets word boundaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// A whole word (clitics and suffixes allowed for Arabic).
    #[default]
    Token,
    /// Several words in a row (same boundaries at both ends).
    Phrase,
    /// The start of a word.
    Prefix,
    /// The word itself only: no clitics, no suffixes, not merged with an article (for an
    /// entry that would otherwise fire inside everyday words: «بدو» inside «بدون», «لعين»
    /// inside «العين»). Written with a trailing `=` in list files.
    Exact,
}

impl TermSpec {
    /// How a hit of this entry is explained to moderators.
    pub fn explain(&self) -> String {
        let what = match self.category {
            Category::Profanity => "profanity",
            Category::Insult => "insult",
            Category::Hate => "hate speech",
            Category::Identity => "identity term (counts only beside abuse)",
            Category::Threat => "threat or call to violence",
            Category::Dehumanizing => "dehumanizing word (counts only beside an identity term)",
            Category::Warning => {
                "scam warning (an ad's wording beside it, with no contact, is held, not spam)"
            }
            Category::SpamPhrase => "advertising phrase",
            Category::Contact => "contact handle",
            other => other.as_str(),
        };
        format!("{what} «{}» ({})", self.term, self.list)
    }
}
