//! The filter's tunable numbers: thresholds, the weights of the signals and per-category
//! actions. Seeded from the `[filter]` section of the config on first start; from then on
//! they belong to the filter versions admins edit. Per-list weights live with the terms.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{Action, Category};

/// Thresholds and signal weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilterSettings {
    /// Total score from which a comment is held for a moderator.
    pub hold: f32,
    /// Spam-family score from which a comment is spam.
    pub spam: f32,
    /// Abuse-family score from which a comment is blocked outright.
    pub block: f32,
    pub signals: SignalWeights,
    /// A class every hit of a category forces at least (`{"profanity": "hold"}`), beside
    /// each entry's own action. Identity terms never force more than `hold`.
    pub category_actions: BTreeMap<Category, Action>,
}

impl FilterSettings {
    /// Refuses numbers that would make the filter meaningless.
    pub fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            ("hold", self.hold),
            ("spam", self.spam),
            ("block", self.block),
        ] {
            if !value.is_finite() || value <= 0.0 {
                return Err(format!("{name} must be a positive number"));
            }
        }
        if self.hold > self.spam || self.hold > self.block {
            return Err("hold must not be above spam or block".into());
        }
        let s = &self.signals;
        let weights = [
            s.identity_boost,
            s.link,
            s.phone,
            s.spelled_phone,
            s.email_in_text,
            s.obfuscated_link,
            s.hidden_characters,
            s.mixed_script,
            s.split_letters,
            s.repeated_word,
            s.shouting,
            s.emoji_flood,
            s.disposable_email,
            s.honeypot,
            s.too_fast,
            s.duplicate_other,
            s.duplicate_same,
            s.trusted_author,
            s.known_spammer,
            s.abuse_model,
        ];
        if weights.iter().any(|w| !w.is_finite() || w.abs() > 1_000.0) {
            return Err("signal weights must be numbers between -1000 and 1000".into());
        }
        Ok(())
    }
}

impl Default for FilterSettings {
    fn default() -> Self {
        FilterSettings {
            hold: 1.5,
            spam: 6.0,
            block: 15.0,
            signals: SignalWeights::default(),
            category_actions: BTreeMap::new(),
        }
    }
}

/// Weight of each signal (a negative weight lowers the score).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalWeights {
    /// Added per identity term (at most two) when the comment also insults.
    pub identity_boost: f32,
    /// Per link to a domain that is neither allowed nor blocked (at most three count).
    pub link: f32,
    pub phone: f32,
    pub spelled_phone: f32,
    pub email_in_text: f32,
    pub obfuscated_link: f32,
    pub hidden_characters: f32,
    pub mixed_script: f32,
    /// A list entry found only after re-joining split letters or reading leetspeak.
    pub split_letters: f32,
    pub repeated_word: f32,
    pub shouting: f32,
    pub emoji_flood: f32,
    pub disposable_email: f32,
    pub honeypot: f32,
    /// Submitted faster than `too_fast_ms` after the form was served.
    pub too_fast: f32,
    pub too_fast_ms: u64,
    /// The same text as a recent comment by someone else.
    pub duplicate_other: f32,
    /// The same text as a recent comment by the same author.
    pub duplicate_same: f32,
    /// An author with approved comments and nothing rejected (negative).
    pub trusted_author: f32,
    /// Approved comments needed to count as trusted.
    pub trusted_after: u32,
    /// Per comment of the author's marked spam (at most three count).
    pub known_spammer: f32,
    /// The learned abuse model finds the body offensive (`src/filter/learned.rs`); 0 turns
    /// the model off. At the default weight it holds a comment alone and never blocks one.
    pub abuse_model: f32,
}

impl Default for SignalWeights {
    fn default() -> Self {
        SignalWeights {
            identity_boost: 2.0,
            link: 2.0,
            phone: 3.5,
            spelled_phone: 4.0,
            email_in_text: 3.0,
            obfuscated_link: 3.0,
            hidden_characters: 2.5,
            mixed_script: 2.5,
            split_letters: 2.0,
            repeated_word: 1.0,
            shouting: 1.0,
            emoji_flood: 1.5,
            disposable_email: 2.0,
            honeypot: 10.0,
            too_fast: 5.0,
            too_fast_ms: 3_000,
            duplicate_other: 4.0,
            duplicate_same: 2.0,
            trusted_author: -2.5,
            trusted_after: 3,
            known_spammer: 2.0,
            abuse_model: 1.5,
        }
    }
}
