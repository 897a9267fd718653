//! A shipped model retrained on one site's decisions, and the figures that judge it.
//!
//! Training starts from the shipped model's weights and moves only the weights of the
//! pieces the site's comments contain, each pulled back toward its shipped value (an L2
//! penalty around the shipped weights, not around zero): what the corpora taught stays
//! where the site says nothing, and a small site cannot talk the model out of it with a
//! handful of decisions. The shipped calibration is kept, so the thresholds in the
//! settings keep their meaning.

use serde::Serialize;

use crate::filter::features;
use crate::filter::model::Class;
use crate::filter::models::{
    Family, LinearModel, MIN_ARABIC_LETTERS, MIN_LETTERS, Models, letters, sigmoid,
};
use crate::filter::normalize::text_key;

use super::decisions::Decision;
use super::examples::Example;
use super::learners::{Shuffle, class_weights};
use super::stack::Label;

/// How a model is retrained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FineTune {
    pub epochs: usize,
    /// AdaGrad's step.
    pub rate: f32,
    /// The pull of each weight back toward its shipped value.
    pub prior: f32,
}

/// Chosen by replaying half 1 of the corpora as decisions (README, "Learning from
/// moderators").
pub const FINE_TUNE: FineTune = FineTune {
    epochs: 5,
    rate: 0.2,
    prior: 0.01,
};

/// `base` retrained on `examples` (their own weights times a balance of the two classes).
pub fn fine_tune(base: &LinearModel, examples: &[&Example], tune: FineTune) -> LinearModel {
    let mut model = base.clone();
    if examples.is_empty() {
        return model;
    }
    let (wp, wn) = class_weights(examples);
    let mut squares = vec![1e-6f32; model.weights.len()];
    let mut bias_squares = 1e-6f32;
    let mut shuffle = Shuffle::new(examples.len());
    for _ in 0..tune.epochs {
        for &i in shuffle.next_epoch() {
            let e = examples[i];
            let scale = e.scale();
            let sum: f32 = e.buckets.iter().map(|&b| model.weights[b as usize]).sum();
            let p = sigmoid(model.bias + sum * scale);
            let target = if e.positive { 1.0 } else { 0.0 };
            let error = (p - target) * e.weight * if e.positive { wp } else { wn };
            for &b in &e.buckets {
                let b = b as usize;
                let g = error * scale + tune.prior * (model.weights[b] - base.weights[b]);
                squares[b] += g * g;
                model.weights[b] -= tune.rate * g / squares[b].sqrt();
            }
            let g = error + tune.prior * (model.bias - base.bias);
            bias_squares += g * g;
            model.bias -= tune.rate * g / bias_squares.sqrt();
        }
    }
    model
}

/// The examples of both families from weighed decisions, each text read once: its
/// features serve both (asked about as [`super::examples::Examples::of`] asks: enough
/// letters, and Arabic ones for abuse). `index` is the decision's place in the slice.
#[derive(Clone, Debug, Default)]
pub struct SiteExamples {
    pub abuse: Vec<Example>,
    pub spam: Vec<Example>,
}

impl SiteExamples {
    /// Abuse on civil against abusive comments, spam on spam against everything else, of
    /// the decisions `wanted` selects (by index); a family the base has no model of gets
    /// no examples.
    pub fn of(
        base: &Models,
        decisions: &[(Decision, f32)],
        wanted: &dyn Fn(usize) -> bool,
    ) -> SiteExamples {
        let mut out = SiteExamples::default();
        for (index, (d, weight)) in decisions.iter().enumerate() {
            if !wanted(index) {
                continue;
            }
            let key = text_key(&d.body);
            let (letters, arabic) = letters(key.compact().0);
            if letters < MIN_LETTERS {
                continue;
            }
            let mut buckets = Vec::new();
            features::extract(&key, &mut buckets);
            // Held for every decision until training ends: no room to grow.
            buckets.shrink_to_fit();
            let example = |buckets: Vec<u32>, positive: bool| Example {
                buckets,
                positive,
                corpus: 0,
                weight: *weight,
                index,
            };
            if d.label != Label::Spam && arabic >= MIN_ARABIC_LETTERS && base.abuse.is_some() {
                out.abuse
                    .push(example(buckets.clone(), d.label == Label::Abuse));
            }
            if base.spam.is_some() {
                out.spam.push(example(buckets, d.label == Label::Spam));
            }
        }
        out
    }
}

/// Both shipped models retrained on the examples of the decisions `keep` selects (by
/// index). A family the base has no model of stays without one.
pub fn retrain_on(
    base: &Models,
    examples: &SiteExamples,
    keep: &dyn Fn(usize) -> bool,
    tune: FineTune,
) -> (Option<LinearModel>, Option<LinearModel>) {
    let train = |family: Family, examples: &[Example]| {
        let refs: Vec<&Example> = examples.iter().filter(|e| keep(e.index)).collect();
        base.of(family).map(|model| fine_tune(model, &refs, tune))
    };
    (
        train(Family::Abuse, &examples.abuse),
        train(Family::Spam, &examples.spam),
    )
}

/// Both shipped models retrained on every one of the weighed decisions.
pub fn retrain_models(
    base: &Models,
    decisions: &[(Decision, f32)],
    tune: FineTune,
) -> (Option<LinearModel>, Option<LinearModel>) {
    let examples = SiteExamples::of(base, decisions, &|_| true);
    retrain_on(base, &examples, &|_| true, tune)
}

/// The mean of models retrained from one base (on different parts of the decisions): a
/// linear model whose weights are the average of theirs, as sure of itself as each one is,
/// having learned from all their parts. None when there are none.
pub fn average(models: &[&LinearModel]) -> Option<LinearModel> {
    let (first, rest) = models.split_first()?;
    let mut mean = (*first).clone();
    for model in rest {
        for (sum, w) in mean.weights.iter_mut().zip(&model.weights) {
            *sum += w;
        }
        mean.bias += model.bias;
    }
    let n = models.len() as f32;
    mean.weights.iter_mut().for_each(|w| *w /= n);
    mean.bias /= n;
    Some(mean)
}

/// How a filter did on decided comments: precision and recall of abuse and spam, and the
/// share of civil comments it held (or worse).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub civil: usize,
    pub abuse: usize,
    pub spam: usize,
    /// Civil comments held, refused or classed spam, over all civil comments.
    pub civil_held: f64,
    /// Abusive comments held or blocked (not let through, not classed spam), over all
    /// abusive comments.
    pub abuse_recall: f64,
    /// Of the comments held or blocked, the share that were abusive.
    pub abuse_precision: f64,
    /// Spam classed spam (or blocked), over all spam.
    pub spam_recall: f64,
    /// Of the comments classed spam, the share that were spam.
    pub spam_precision: f64,
}

impl Figures {
    /// The figures of (what a moderator decided, what the filter said) pairs.
    pub fn of(pairs: &[(Label, Class)]) -> Figures {
        let count =
            |f: &dyn Fn(Label, Class) -> bool| pairs.iter().filter(|(l, c)| f(*l, *c)).count();
        let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let civil = count(&|l, _| l == Label::Ham);
        let abuse = count(&|l, _| l == Label::Abuse);
        let spam = count(&|l, _| l == Label::Spam);
        let flagged_abuse = |c: Class| matches!(c, Class::Hold | Class::Block);
        let flagged_spam = |c: Class| c >= Class::Spam;
        Figures {
            civil,
            abuse,
            spam,
            civil_held: share(count(&|l, c| l == Label::Ham && c != Class::Ok), civil),
            abuse_recall: share(count(&|l, c| l == Label::Abuse && c != Class::Ok), abuse),
            abuse_precision: share(
                count(&|l, c| l == Label::Abuse && flagged_abuse(c)),
                count(&|_, c| flagged_abuse(c)),
            ),
            spam_recall: share(count(&|l, c| l == Label::Spam && flagged_spam(c)), spam),
            spam_precision: share(
                count(&|l, c| l == Label::Spam && flagged_spam(c)),
                count(&|_, c| flagged_spam(c)),
            ),
        }
    }

    /// One number to compare filters by: abuse caught plus spam caught minus civil held.
    pub fn merit(&self) -> f64 {
        let abuse = if self.abuse > 0 {
            self.abuse_recall
        } else {
            0.0
        };
        let spam = if self.spam > 0 { self.spam_recall } else { 0.0 };
        abuse + spam - self.civil_held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(buckets: &[u32], positive: bool) -> Example {
        Example {
            buckets: buckets.to_vec(),
            positive,
            corpus: 0,
            weight: 1.0,
            index: 0,
        }
    }

    #[test]
    fn retraining_moves_what_the_site_says_and_keeps_the_rest() {
        let mut base = LinearModel::zero(Family::Abuse);
        base.weights[7] = 2.0; // a word the corpora found abusive, absent from the site
        base.weights[1] = 1.0; // a word this site finds civil
        let examples: Vec<Example> = (0..40)
            .map(|i| {
                if i % 2 == 0 {
                    example(&[1, 2], false)
                } else {
                    example(&[3, 4], true)
                }
            })
            .collect();
        let refs: Vec<&Example> = examples.iter().collect();
        let tuned = fine_tune(&base, &refs, FINE_TUNE);
        assert_eq!(tuned.weights[7], 2.0, "untouched weights stay shipped");
        assert!(tuned.weights[1] < 1.0, "{}", tuned.weights[1]);
        assert!(tuned.weights[3] > 0.0, "{}", tuned.weights[3]);
        assert_eq!(tuned.platt, base.platt);
    }

    #[test]
    fn one_reading_of_each_text_gives_the_examples_each_family_would_make() {
        use crate::learning::examples::{Examples, Labelled};
        let texts = [
            ("تعليق مهذب عن المباراة الأخيرة", Label::Ham),
            ("يا غبي اسكت ما تفهم شي", Label::Abuse),
            ("buy cheap followers now message us", Label::Spam),
            ("short", Label::Ham),
            ("an English comment about the match", Label::Ham),
        ];
        let decisions: Vec<(Decision, f32)> = texts
            .iter()
            .map(|(body, label)| {
                let d = Decision {
                    body: body.to_string(),
                    label: *label,
                    author: "a".into(),
                    moderator: "m".into(),
                    at: 0,
                };
                (d, 0.5)
            })
            .collect();
        let base = Models::shipped();
        let (abuse, spam) = retrain_models(base, &decisions, FINE_TUNE);
        for (family, got) in [(Family::Abuse, abuse), (Family::Spam, spam)] {
            let labelled: Vec<Labelled> = decisions
                .iter()
                .filter(|(d, _)| family == Family::Spam || d.label != Label::Spam)
                .map(|(d, w)| Labelled {
                    text: d.body.clone(),
                    positive: match family {
                        Family::Abuse => d.label == Label::Abuse,
                        Family::Spam => d.label == Label::Spam,
                    },
                    corpus: String::new(),
                    weight: *w,
                })
                .collect();
            let examples = Examples::of(family, &labelled);
            let refs: Vec<&Example> = examples.items.iter().collect();
            let expected = base.of(family).map(|m| fine_tune(m, &refs, FINE_TUNE));
            assert_eq!(got, expected, "{family:?}");
        }
    }

    #[test]
    fn the_average_of_models_is_the_mean_of_their_weights() {
        let mut a = LinearModel::zero(Family::Abuse);
        let mut b = LinearModel::zero(Family::Abuse);
        (a.weights[3], b.weights[3], a.bias, b.bias) = (1.0, 3.0, -1.0, 0.0);
        b.weights[5] = 2.0;
        let mean = average(&[&a, &b]).expect("two models");
        assert_eq!(
            (mean.weights[3], mean.weights[5], mean.bias),
            (2.0, 1.0, -0.5)
        );
        assert_eq!(mean.platt, a.platt);
        assert!(average(&[]).is_none());
    }

    #[test]
    fn figures_count_what_moderators_decided_against_what_the_filter_said() {
        let pairs = [
            (Label::Ham, Class::Ok),
            (Label::Ham, Class::Hold),
            (Label::Abuse, Class::Hold),
            (Label::Abuse, Class::Ok),
            (Label::Spam, Class::Spam),
            (Label::Spam, Class::Hold),
        ];
        let f = Figures::of(&pairs);
        assert_eq!((f.civil, f.abuse, f.spam), (2, 2, 2));
        assert!((f.civil_held - 0.5).abs() < 1e-9);
        assert!((f.abuse_recall - 0.5).abs() < 1e-9);
        // Held: one civil, one abusive, one spam.
        assert!((f.abuse_precision - 1.0 / 3.0).abs() < 1e-9);
        assert!((f.spam_recall - 0.5).abs() < 1e-9);
        assert!((f.spam_precision - 1.0).abs() < 1e-9);
        assert!((f.merit() - 0.5).abs() < 1e-9);
    }
}
