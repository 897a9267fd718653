//! Honest figures for a learner: k-fold cross-validation (out-of-fold scores for every
//! example) and leave-one-corpus-out (train on every corpus but one, score that one). The
//! second is what raqib meets: sites nobody trained on.

use crate::filter::models::{Family, LinearModel};

use super::calibrate::Scored;
use super::examples::Example;
use super::learners::Learner;

/// The raw score of every example when it was held out: fold `k` of `folds` is every
/// example whose index is `k` modulo `folds`.
pub fn out_of_fold(
    family: Family,
    examples: &[Example],
    learner: Learner,
    folds: usize,
) -> Vec<f32> {
    let folds = folds.max(2);
    let mut raw = vec![0f32; examples.len()];
    for fold in 0..folds {
        let train: Vec<&Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, e)| e)
            .collect();
        let model = learner.fit(family, &train);
        for (i, e) in examples.iter().enumerate().skip(fold).step_by(folds) {
            raw[i] = model.raw(&e.buckets);
        }
    }
    raw
}

/// The scores of `examples` under `model`.
pub fn scored(model: &LinearModel, examples: &[&Example]) -> Vec<Scored> {
    examples
        .iter()
        .map(|e| Scored {
            raw: model.raw(&e.buckets),
            positive: e.positive,
            weight: e.weight,
        })
        .collect()
}

/// Out-of-fold scores paired with their examples, for the rows of one corpus (or all).
pub fn with_labels(examples: &[Example], raw: &[f32], corpus: Option<u16>) -> Vec<Scored> {
    examples
        .iter()
        .zip(raw)
        .filter(|(e, _)| corpus.is_none_or(|c| e.corpus == c))
        .map(|(e, &raw)| Scored {
            raw,
            positive: e.positive,
            weight: e.weight,
        })
        .collect()
}

/// Trains on every example of `train` outside `corpus` and scores `test`'s examples of it.
pub fn leave_out(
    family: Family,
    learner: Learner,
    train: &[Example],
    train_corpus: u16,
    test: &[&Example],
) -> Vec<Scored> {
    let kept: Vec<&Example> = train.iter().filter(|e| e.corpus != train_corpus).collect();
    let model = learner.fit(family, &kept);
    scored(&model, test)
}
