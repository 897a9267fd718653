//! The filter's vocabulary: categories, actions, hits and verdicts.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::domain::Class;

/// A unit enum from the word it is written as (`"spam_phrase"` → `Category::SpamPhrase`):
/// how query parameters, CSV cells and database columns are read.
pub fn from_word<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// The word a unit enum is written as.
pub fn to_word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// What a hit is evidence of. Categories fall in two families that score separately:
/// abuse (profanity, insult, hate) and spam (everything that advertises).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Profanity,
    Insult,
    Hate,
    /// Nationalities, sects, groups: never condemns alone, raises an insult.
    Identity,
    /// Threats, death wishes and calls to violence (which need no insult word).
    Threat,
    /// Words that dehumanize a group (vermin, plague, cancer): never count alone (they
    /// are ordinary words in the news); beside an identity term they are hate.
    Dehumanizing,
    /// Words that warn readers of a scam («نصب», «احتيال», "scam", "beware"): never
    /// count; an ad's wording beside them, with no way to reach anyone, is a reader
    /// warning others, held rather than refused as spam.
    Warning,
    SpamPhrase,
    Contact,
    Link,
    DomainBlock,
    DomainAllow,
    Phone,
    DisposableEmail,
    /// Hidden characters, mixed scripts, split letters, spelled-out links.
    Obfuscation,
    /// Repeated words, shouting, emoji floods.
    Repetition,
    Duplicate,
    Honeypot,
    Timing,
    Reputation,
    /// An admin's regex rule.
    #[default]
    Rule,
}

/// The two scoring families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Abuse,
    Spam,
    /// Counted in the total only (hold), never alone enough for spam or block.
    Neutral,
}

impl Category {
    pub fn family(self) -> Family {
        use Category::*;
        match self {
            Profanity | Insult | Hate | Identity | Threat | Dehumanizing => Family::Abuse,
            SpamPhrase | Contact | Link | DomainBlock | Phone | DisposableEmail | Duplicate
            | Honeypot | Timing | Obfuscation => Family::Spam,
            DomainAllow | Repetition | Reputation | Rule | Warning => Family::Neutral,
        }
    }

    /// Categories that never count alone: they only qualify other abuse.
    pub fn is_qualifier(self) -> bool {
        matches!(
            self,
            Category::Identity | Category::Dehumanizing | Category::Warning
        )
    }

    pub fn as_str(self) -> &'static str {
        use Category::*;
        match self {
            Profanity => "profanity",
            Insult => "insult",
            Hate => "hate",
            Identity => "identity",
            Threat => "threat",
            Dehumanizing => "dehumanizing",
            Warning => "warning",
            SpamPhrase => "spam_phrase",
            Contact => "contact",
            Link => "link",
            DomainBlock => "domain_block",
            DomainAllow => "domain_allow",
            Phone => "phone",
            DisposableEmail => "disposable_email",
            Obfuscation => "obfuscation",
            Repetition => "repetition",
            Duplicate => "duplicate",
            Honeypot => "honeypot",
            Timing => "timing",
            Reputation => "reputation",
            Rule => "rule",
        }
    }
}

/// What a hit does beyond its weight: `score` adds weight only; the others also set a
/// minimum class.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(rename_all = "lowercase")]
#[schema(as = EntryAction)]
pub enum Action {
    #[default]
    Score,
    Hold,
    Spam,
    Block,
}

impl Action {
    /// The class this action forces at least.
    pub fn floor(self) -> Class {
        match self {
            Action::Score => Class::Ok,
            Action::Hold => Class::Hold,
            Action::Spam => Class::Spam,
            Action::Block => Class::Block,
        }
    }
}

/// Which submitted field a hit was found in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    #[default]
    Body,
    Name,
    Email,
    Website,
    /// Not tied to the text (timing, reputation).
    Meta,
}

/// One piece of evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Hit {
    /// Stable id: `list:<list>:<term>`, `signal:<name>`, `rule:<id>`.
    pub rule: String,
    pub category: Category,
    pub weight: f32,
    #[serde(default, skip_serializing_if = "is_score")]
    pub action: Action,
    pub field: Field,
    /// UTF-8 byte offsets `[start, end)` into the field as submitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<(usize, usize)>,
    /// A short explanation for moderators.
    pub explanation: String,
    /// Shadow hits are recorded but do not change the class.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shadow: bool,
}

fn is_score(action: &Action) -> bool {
    *action == Action::Score
}

/// The filter's decision about one submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Verdict {
    pub class: Class,
    pub score: f32,
    pub hits: Vec<Hit>,
    /// The body's near-duplicate fingerprint (for the memory of recent comments).
    #[serde(skip)]
    pub fingerprint: Option<u128>,
    /// The body's normalized text key (stored for moderators' search).
    #[serde(skip)]
    pub body_key: String,
}
