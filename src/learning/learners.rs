//! Three ways to learn a linear model over hashed features, compared by cross-validation
//! (`raqib model evaluate`) and all exported as a [`LinearModel`] (one weight per bucket):
//!
//! - **logistic**: logistic regression by AdaGrad with an L2 penalty;
//! - **nb-logistic**: the same on features scaled by their naive-Bayes log-count ratio
//!   (Wang & Manning's NB-SVM, with a logistic loss): rare but telling pieces start with
//!   the weight their counts give them;
//! - **embedding**: a fastText-style model: each bucket has a small vector, a text is the
//!   (1/√n-weighted) sum of its buckets' vectors, and one output vector reads it. The
//!   model is linear in the buckets, so it exports as `w[b] = E[b] · u`.
//!
//! Every learner weighs each class to count as much as the other (times each example's
//! own weight), and shuffles with a fixed seed, so training is reproducible.

use crate::filter::features::BITS;
use crate::filter::models::{Family, LinearModel, sigmoid};

use super::examples::Example;

/// A learner and its settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Learner {
    Logistic {
        epochs: usize,
        rate: f32,
        l2: f32,
    },
    NbLogistic {
        epochs: usize,
        rate: f32,
        l2: f32,
        smoothing: f32,
    },
    Embedding {
        epochs: usize,
        rate: f32,
        dim: usize,
    },
}

impl Learner {
    /// The learners compared, with the settings chosen in cross-validation on half 1.
    pub fn all() -> [Learner; 3] {
        [
            Learner::Logistic {
                epochs: 8,
                rate: 0.1,
                l2: 1e-5,
            },
            Learner::NbLogistic {
                epochs: 8,
                rate: 0.1,
                l2: 1e-5,
                smoothing: 1.0,
            },
            Learner::Embedding {
                epochs: 8,
                rate: 0.2,
                dim: 16,
            },
        ]
    }

    pub fn name(&self) -> &'static str {
        match self {
            Learner::Logistic { .. } => "logistic",
            Learner::NbLogistic { .. } => "nb-logistic",
            Learner::Embedding { .. } => "embedding",
        }
    }

    /// Learns a model of `family` (uncalibrated: Platt a = 1, b = 0).
    pub fn fit(&self, family: Family, examples: &[&Example]) -> LinearModel {
        match *self {
            Learner::Logistic { epochs, rate, l2 } => {
                logistic(family, examples, epochs, rate, l2, None)
            }
            Learner::NbLogistic {
                epochs,
                rate,
                l2,
                smoothing,
            } => {
                let ratios = log_count_ratios(examples, smoothing);
                logistic(family, examples, epochs, rate, l2, Some(&ratios))
            }
            Learner::Embedding { epochs, rate, dim } => {
                embedding(family, examples, epochs, rate, dim)
            }
        }
    }
}

/// Per-example weights that make both classes count alike.
pub(crate) fn class_weights(examples: &[&Example]) -> (f32, f32) {
    let positive: f32 = examples
        .iter()
        .filter(|e| e.positive)
        .map(|e| e.weight)
        .sum();
    let negative: f32 = examples
        .iter()
        .filter(|e| !e.positive)
        .map(|e| e.weight)
        .sum();
    let total = positive + negative;
    (
        total / (2.0 * positive.max(1e-6)),
        total / (2.0 * negative.max(1e-6)),
    )
}

/// A fixed shuffle of `0..n` for each epoch (xorshift), so training is reproducible.
pub(crate) struct Shuffle {
    order: Vec<usize>,
    seed: u64,
}

impl Shuffle {
    pub(crate) fn new(n: usize) -> Shuffle {
        Shuffle {
            order: (0..n).collect(),
            seed: 0x2545_F491_4F6C_DD1D,
        }
    }

    pub(crate) fn next_epoch(&mut self) -> &[usize] {
        for i in (1..self.order.len()).rev() {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            self.order.swap(i, (self.seed % (i as u64 + 1)) as usize);
        }
        &self.order
    }
}

/// Logistic regression by AdaGrad; with `ratios`, each bucket's input is scaled by its
/// ratio (and the exported weight carries it).
fn logistic(
    family: Family,
    examples: &[&Example],
    epochs: usize,
    rate: f32,
    l2: f32,
    ratios: Option<&[f32]>,
) -> LinearModel {
    let (wp, wn) = class_weights(examples);
    let mut model = LinearModel::zero(family);
    let mut squares = vec![1e-6f32; 1 << BITS];
    let mut bias_squares = 1e-6f32;
    let input = |b: u32| ratios.map_or(1.0, |r| r[b as usize]);
    let mut shuffle = Shuffle::new(examples.len());
    for _ in 0..epochs {
        for &i in shuffle.next_epoch() {
            let e = examples[i];
            let scale = e.scale();
            let sum: f32 = e
                .buckets
                .iter()
                .map(|&b| model.weights[b as usize] * input(b))
                .sum();
            let p = sigmoid(model.bias + sum * scale);
            let target = if e.positive { 1.0 } else { 0.0 };
            let error = (p - target) * e.weight * if e.positive { wp } else { wn };
            for &b in &e.buckets {
                let b = b as usize;
                let g = error * scale * input(b as u32) + l2 * model.weights[b];
                squares[b] += g * g;
                model.weights[b] -= rate * g / squares[b].sqrt();
            }
            bias_squares += error * error;
            model.bias -= rate * error / bias_squares.sqrt();
        }
    }
    if let Some(r) = ratios {
        for (w, r) in model.weights.iter_mut().zip(r) {
            *w *= r;
        }
    }
    model
}

/// The naive-Bayes log-count ratio of each bucket: log of (its share among positives'
/// features) over (its share among negatives'), each bucket counted once per text.
fn log_count_ratios(examples: &[&Example], smoothing: f32) -> Vec<f32> {
    let mut positive = vec![smoothing; 1 << BITS];
    let mut negative = vec![smoothing; 1 << BITS];
    let mut seen: Vec<u32> = Vec::new();
    for e in examples {
        seen.clear();
        seen.extend_from_slice(&e.buckets);
        seen.sort_unstable();
        seen.dedup();
        let counts = if e.positive {
            &mut positive
        } else {
            &mut negative
        };
        for &b in &seen {
            counts[b as usize] += e.weight;
        }
    }
    let p_total: f32 = positive.iter().sum();
    let n_total: f32 = negative.iter().sum();
    positive
        .iter()
        .zip(&negative)
        .map(|(p, n)| ((p / p_total) / (n / n_total)).ln())
        .collect()
}

/// A fastText-style model: bucket vectors summed (1/√n each), read by one output vector;
/// plain SGD with a linearly decaying rate, as fastText trains.
fn embedding(
    family: Family,
    examples: &[&Example],
    epochs: usize,
    rate: f32,
    dim: usize,
) -> LinearModel {
    let (wp, wn) = class_weights(examples);
    let buckets = 1usize << BITS;
    // Small seeded initial vectors; the output starts at zero as in fastText.
    let mut vectors = vec![0f32; buckets * dim];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for v in vectors.iter_mut() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        *v = ((seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5) / dim as f32;
    }
    let mut output = vec![0f32; dim];
    let mut bias = 0f32;
    let mut hidden = vec![0f32; dim];
    let mut gradient = vec![0f32; dim];
    let steps = (epochs * examples.len()).max(1) as f32;
    let mut step = 0f32;
    let mut shuffle = Shuffle::new(examples.len());
    for _ in 0..epochs {
        for &i in shuffle.next_epoch() {
            let e = examples[i];
            let lr = rate * (1.0 - step / steps);
            step += 1.0;
            let scale = e.scale();
            hidden.iter_mut().for_each(|h| *h = 0.0);
            for &b in &e.buckets {
                let v = &vectors[b as usize * dim..(b as usize + 1) * dim];
                for (h, x) in hidden.iter_mut().zip(v) {
                    *h += x * scale;
                }
            }
            let z: f32 = bias + hidden.iter().zip(&output).map(|(h, u)| h * u).sum::<f32>();
            let target = if e.positive { 1.0 } else { 0.0 };
            let error = (sigmoid(z) - target) * e.weight * if e.positive { wp } else { wn };
            for ((g, u), h) in gradient.iter_mut().zip(output.iter_mut()).zip(&hidden) {
                *g = error * *u;
                *u -= lr * error * h;
            }
            bias -= lr * error;
            for &b in &e.buckets {
                let v = &mut vectors[b as usize * dim..(b as usize + 1) * dim];
                for (x, g) in v.iter_mut().zip(&gradient) {
                    *x -= lr * g * scale;
                }
            }
        }
    }
    // A bucket no training text had keeps its random start: it says nothing, so it
    // exports as 0.
    let mut seen = vec![false; buckets];
    for e in examples {
        for &b in &e.buckets {
            seen[b as usize] = true;
        }
    }
    let mut model = LinearModel::zero(family);
    model.bias = bias;
    for (b, w) in model.weights.iter_mut().enumerate() {
        if seen[b] {
            let v = &vectors[b * dim..(b + 1) * dim];
            *w = v.iter().zip(&output).map(|(x, u)| x * u).sum();
        }
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learning::examples::{Examples, Labelled};

    /// Our own sentences: civil comments about a match, and the same with an insult.
    fn toy() -> Examples {
        let civil = [
            "المباراة كانت جميلة والمدرب اختار التشكيلة المناسبة",
            "الحكم كان عادلا في قراراته طوال المباراة",
            "نتمنى التوفيق للمنتخب في البطولة القادمة",
            "اداء اللاعبين تحسن كثيرا في الشوط الثاني",
            "الجمهور كان رائعا والملعب امتلا عن اخره",
            "شكرا للمراسل على التغطية الممتازة للمباراة",
        ];
        let insults = ["صعلوك", "رعاع", "حثالة"];
        let mut texts = Vec::new();
        for round in 0..6 {
            for (i, c) in civil.iter().enumerate() {
                let insult = insults[(i + round) % insults.len()];
                for (text, positive) in [(c.to_string(), false), (format!("{c} يا {insult}"), true)]
                {
                    texts.push(Labelled {
                        text,
                        positive,
                        corpus: "toy".into(),
                        weight: 1.0,
                    });
                }
            }
        }
        Examples::of(Family::Abuse, &texts)
    }

    #[test]
    fn every_learner_learns_the_words_it_was_shown() {
        let examples = toy();
        let all: Vec<&Example> = examples.items.iter().collect();
        for learner in Learner::all() {
            let model = learner.fit(Family::Abuse, &all);
            let raw = |text: &str| {
                let mut b = Vec::new();
                crate::filter::features::extract(&crate::filter::normalize::text_key(text), &mut b);
                model.raw(&b)
            };
            let insult = raw("المدرب اختار تشكيلة جيدة يا حثالة");
            let civil = raw("المدرب اختار تشكيلة جيدة يا جماعة");
            assert!(
                insult > civil + 0.2,
                "{}: {insult} vs {civil}",
                learner.name()
            );
        }
    }

    #[test]
    fn training_is_reproducible() {
        let examples = toy();
        let all: Vec<&Example> = examples.items.iter().collect();
        let learner = Learner::all()[0];
        assert_eq!(
            learner.fit(Family::Abuse, &all),
            learner.fit(Family::Abuse, &all)
        );
    }
}
