//! `[model]`: retraining the learned layers of the filter from the site's moderators'
//! decisions (`raqib model train`, the admin page's button, the optional daily run).

use serde::{Deserialize, Serialize};

/// When the service retrains by itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoRetrain {
    /// Only when an admin asks.
    #[default]
    Off,
    /// Once a day, promoting the candidate only when it beats the live version.
    Daily,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelConfig {
    pub auto_retrain: AutoRetrain,
    /// Reject reasons that do not make a comment abusive (it was refused for being off
    /// topic or repeated, not for what it says): such rejections are left out.
    pub not_abuse_reasons: Vec<String>,
    /// The newest decisions read (older ones are left out): bounds memory and time.
    pub max_decisions: usize,
    /// Fewest decisions to train on; below it training refuses.
    pub min_decisions: usize,
    /// Share of the newest decisions held back to judge the candidate (never trained on).
    pub holdout: f64,
    /// The most one author's comments weigh together, in comments.
    pub author_cap: f32,
    /// A decision this many days old weighs half as much as today's.
    pub half_life_days: f32,
    /// How far the candidate must beat the live version on the held-back decisions to be
    /// promoted automatically (abuse caught + spam caught − civil held, each 0–1).
    pub promote_margin: f64,
    /// Passes over the decisions.
    pub epochs: usize,
    /// The step of each pass (AdaGrad).
    pub learning_rate: f32,
    /// The pull of each weight back toward its shipped value: higher keeps the shipped
    /// model more, lower follows the site's decisions more.
    pub prior: f32,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            auto_retrain: AutoRetrain::Off,
            not_abuse_reasons: vec!["off_topic".into(), "duplicate".into()],
            max_decisions: 200_000,
            min_decisions: 100,
            holdout: 0.2,
            author_cap: 10.0,
            half_life_days: 180.0,
            promote_margin: 0.01,
            epochs: crate::learning::retrain::FINE_TUNE.epochs,
            learning_rate: crate::learning::retrain::FINE_TUNE.rate,
            prior: crate::learning::retrain::FINE_TUNE.prior,
        }
    }
}
