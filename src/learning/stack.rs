//! The combination of rules and models, learned rather than set by hand: how many points
//! each family's model adds, from which probability, and when it decides alone
//! ([`ModelSettings`]), chosen by a grid search on held-out cases: the rule layer's hits
//! for each text and the models' out-of-fold probabilities, judged by the same
//! [`score::decide`] the filter uses.

use crate::filter::model::{Class, Hit};
use crate::filter::models::Family;
use crate::filter::score;
use crate::filter::settings::{FamilyModel, FilterSettings, ModelSettings};
use crate::filter::signals::model_weight;

/// What a text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Ham,
    Abuse,
    Spam,
}

/// One held-out text: the rule layer's hits, the models' probabilities, its label and
/// corpus.
#[derive(Clone, Debug)]
pub struct Case {
    pub hits: Vec<Hit>,
    pub abuse: Option<f32>,
    pub spam: Option<f32>,
    pub label: Label,
    pub corpus: u16,
}

/// The class of a case under `settings`.
pub fn classify(case: &Case, settings: &FilterSettings) -> Class {
    let mut hits = case.hits.clone();
    for (family, p) in [(Family::Abuse, case.abuse), (Family::Spam, case.spam)] {
        if let Some((category, weight, action)) = p.and_then(|p| model_weight(family, p, settings))
        {
            hits.push(Hit {
                rule: format!("model:{}", family.as_str()),
                category,
                weight,
                action,
                field: crate::filter::model::Field::Body,
                span: None,
                explanation: String::new(),
                shadow: false,
            });
        }
    }
    score::decide(&hits, settings, false, case.spam).0
}

/// Counts of one corpus under some settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    pub ham: usize,
    /// Civil texts held or worse.
    pub ham_held: usize,
    /// Civil texts classed spam or block.
    pub ham_refused: usize,
    pub abuse: usize,
    /// Abusive texts held or worse.
    pub abuse_caught: usize,
    pub spam: usize,
    /// Spam classed spam or block.
    pub spam_caught: usize,
    /// Spam held or worse.
    pub spam_held: usize,
}

impl Tally {
    fn add(&mut self, label: Label, class: Class) {
        let held = class != Class::Ok;
        let refused = class >= Class::Spam;
        match label {
            Label::Ham => {
                self.ham += 1;
                self.ham_held += usize::from(held);
                self.ham_refused += usize::from(refused);
            }
            Label::Abuse => {
                self.abuse += 1;
                self.abuse_caught += usize::from(held);
            }
            Label::Spam => {
                self.spam += 1;
                self.spam_caught += usize::from(refused);
                self.spam_held += usize::from(held);
            }
        }
    }

    pub fn rate(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    }
}

/// The tallies per corpus (indexed by corpus) of `cases` under `settings`.
pub fn tally(cases: &[Case], settings: &FilterSettings, corpora: usize) -> Vec<Tally> {
    let mut tallies = vec![Tally::default(); corpora];
    for case in cases {
        tallies[usize::from(case.corpus)].add(case.label, classify(case, settings));
    }
    tallies
}

/// The candidates tried for one family's model.
fn grid(family: Family) -> Vec<FamilyModel> {
    let thresholds = [
        0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95,
    ];
    let points = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0];
    let per_logit = [0.0, 0.5, 1.0, 2.0];
    let certain: &[f32] = match family {
        Family::Abuse => &[1.0],
        Family::Spam => &[0.95, 0.98, 0.99, 0.995, 1.0],
    };
    let with_contact: &[f32] = match family {
        Family::Abuse => &[1.0],
        Family::Spam => &[0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    };
    let mut out = vec![FamilyModel {
        points: 0.0,
        ..FamilyModel::default()
    }];
    for &threshold in &thresholds {
        for &points in &points {
            for &per_logit in &per_logit {
                for &certain in certain {
                    for &with_contact in with_contact {
                        out.push(FamilyModel {
                            threshold,
                            points,
                            per_logit,
                            certain,
                            with_contact,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Picks each family's model settings (spam first, then abuse with the spam model in
/// place) to maximise `objective` over the per-corpus tallies of `cases`.
pub fn search(
    cases: &[Case],
    base: &FilterSettings,
    corpora: usize,
    objective: impl Fn(Family, &[Tally]) -> f64,
) -> ModelSettings {
    search_within(cases, base, corpora, objective, |_, _| true)
}

/// [`search`] over the candidates `allowed` keeps.
pub fn search_within(
    cases: &[Case],
    base: &FilterSettings,
    corpora: usize,
    objective: impl Fn(Family, &[Tally]) -> f64,
    allowed: impl Fn(Family, &FamilyModel) -> bool,
) -> ModelSettings {
    let mut settings = base.clone();
    // The abuse model stays out while the spam model is chosen.
    settings.models.abuse.points = 0.0;
    for family in [Family::Spam, Family::Abuse] {
        let mut best: Option<(f64, FamilyModel)> = None;
        for candidate in grid(family) {
            if candidate.points > 0.0 && !allowed(family, &candidate) {
                continue;
            }
            match family {
                Family::Abuse => settings.models.abuse = candidate.clone(),
                Family::Spam => settings.models.spam = candidate.clone(),
            }
            let value = objective(family, &tally(cases, &settings, corpora));
            if best.as_ref().is_none_or(|(v, _)| value > *v) {
                best = Some((value, candidate));
            }
        }
        let (_, chosen) = best.expect("the grid is not empty");
        match family {
            Family::Abuse => settings.models.abuse = chosen,
            Family::Spam => settings.models.spam = chosen,
        }
    }
    settings.models
}
