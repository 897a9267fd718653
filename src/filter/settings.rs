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
    /// How the learned models' probabilities count.
    pub models: ModelSettings,
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
            s.group_dehumanizing,
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
            s.ad_with_contact_min,
        ];
        if weights.iter().any(|w| !w.is_finite() || w.abs() > 1_000.0) {
            return Err("signal weights must be numbers between -1000 and 1000".into());
        }
        for (name, family) in [("abuse", &self.models.abuse), ("spam", &self.models.spam)] {
            family
                .validate()
                .map_err(|why| format!("models.{name}: {why}"))?;
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
            models: ModelSettings::default(),
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
    /// A dehumanizing word (vermin, plague) beside an identity term: hate against a
    /// group, held at least (0: dehumanizing words never count).
    pub group_dehumanizing: f32,
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
    /// A phone number or messenger handle beside a listed ad phrase of at least this
    /// weight makes the comment spam (0: never).
    pub ad_with_contact_min: f32,
    /// 0 turns both learned models off (kept from the first model's settings; how the
    /// models count is in [`ModelSettings`]).
    pub abuse_model: f32,
}

impl Default for SignalWeights {
    fn default() -> Self {
        SignalWeights {
            identity_boost: 2.0,
            group_dehumanizing: 4.0,
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
            ad_with_contact_min: 3.0,
        }
    }
}

/// How the learned models' calibrated probabilities count, per family. Chosen by
/// `raqib model build` on held-out folds of half 1 (README, "The learned layers").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSettings {
    pub abuse: FamilyModel,
    pub spam: FamilyModel,
    /// The site's own abuse model, retrained from its moderators' decisions: the content
    /// hash of its stored weights (none: the shipped model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abuse_model: Option<String>,
    /// The site's own spam model, likewise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spam_model: Option<String>,
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings {
            // `raqib model build` prints these ("chosen on half 1").
            abuse: FamilyModel {
                threshold: 0.8,
                points: 1.5,
                per_logit: 0.0,
                certain: 1.0,
                with_contact: 1.0,
            },
            spam: FamilyModel {
                threshold: 0.95,
                points: 0.5,
                per_logit: 2.0,
                certain: 0.99,
                with_contact: 0.5,
            },
            abuse_model: None,
            spam_model: None,
        }
    }
}

/// One family's model in the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FamilyModel {
    /// Probability (0–1) from which the model adds a hit to its family's score.
    pub threshold: f32,
    /// Points that hit adds at the threshold (0 turns the model off).
    pub points: f32,
    /// Further points per unit of log-odds past the threshold. A model's points never
    /// reach its family's deciding score alone (spam, block): it adds to the rules.
    pub per_logit: f32,
    /// Probability from which the model decides alone: at least `hold` for abuse, `spam`
    /// for spam. 1 never.
    pub certain: f32,
    /// Spam only: probability from which the model's verdict counts as ad wording beside
    /// a phone number or messenger handle (spam whatever the sum, as a listed ad phrase
    /// does; see `signals.ad_with_contact_min`). 1 never.
    pub with_contact: f32,
}

impl Default for FamilyModel {
    fn default() -> Self {
        FamilyModel {
            threshold: 0.5,
            points: 1.5,
            per_logit: 0.5,
            certain: 1.0,
            with_contact: 1.0,
        }
    }
}

impl FamilyModel {
    fn validate(&self) -> Result<(), String> {
        let probability = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
        if ![self.threshold, self.certain, self.with_contact]
            .into_iter()
            .all(probability)
        {
            return Err(
                "threshold, certain and with_contact are probabilities between 0 and 1".into(),
            );
        }
        if ![self.points, self.per_logit]
            .iter()
            .all(|v| v.is_finite() && (0.0..=100.0).contains(v))
        {
            return Err("points and per_logit must be between 0 and 100".into());
        }
        Ok(())
    }

    /// The points a probability `p` adds, before the family's cap.
    pub fn points_for(&self, p: f32) -> f32 {
        if self.points == 0.0 || p < self.threshold {
            return 0.0;
        }
        let logit = |x: f32| {
            let x = x.clamp(1e-6, 1.0 - 1e-6);
            (x / (1.0 - x)).ln()
        };
        self.points + self.per_logit * (logit(p) - logit(self.threshold)).max(0.0)
    }
}
