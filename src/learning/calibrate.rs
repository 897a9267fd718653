//! From raw scores to meaning: Platt scaling (a probability from a raw score, fitted on
//! held-out scores), and the figures a moderator cares about: how much of a family is
//! caught when a given share of civil comments is flagged.

use crate::filter::models::sigmoid;

/// One held-out score: the raw score, whether the text belongs to the family, its weight.
#[derive(Clone, Copy, Debug)]
pub struct Scored {
    pub raw: f32,
    pub positive: bool,
    pub weight: f32,
}

/// Fits `p = sigmoid(a·raw + b)` to held-out scores by Newton's method on the log loss,
/// with Platt's smoothed targets (so a perfectly separated set does not push `a` to
/// infinity). Each class counts as it does in the scores: the probability is of the
/// training mix, which the thresholds in the settings are chosen on.
pub fn platt(scores: &[Scored]) -> (f32, f32) {
    let positives: f64 = scores
        .iter()
        .filter(|s| s.positive)
        .map(|s| f64::from(s.weight))
        .sum();
    let negatives: f64 = scores
        .iter()
        .filter(|s| !s.positive)
        .map(|s| f64::from(s.weight))
        .sum();
    if positives == 0.0 || negatives == 0.0 {
        return (1.0, 0.0);
    }
    let high = (positives + 1.0) / (positives + 2.0);
    let low = 1.0 / (negatives + 2.0);
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..100 {
        // Gradient and Hessian of the weighted log loss in (a, b).
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for s in scores {
            let x = f64::from(s.raw);
            let w = f64::from(s.weight);
            let t = if s.positive { high } else { low };
            let p = 1.0 / (1.0 + (-(a * x + b)).exp());
            let d = (p - t) * w;
            let v = (p * (1.0 - p)).max(1e-12) * w;
            ga += d * x;
            gb += d;
            haa += v * x * x;
            hab += v * x;
            hbb += v;
        }
        // A little ridge keeps the step defined.
        let (haa, hbb) = (haa + 1e-9, hbb + 1e-9);
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-18 {
            break;
        }
        let step_a = (hbb * ga - hab * gb) / det;
        let step_b = (haa * gb - hab * ga) / det;
        a -= step_a;
        b -= step_b;
        if step_a.abs() < 1e-7 && step_b.abs() < 1e-7 {
            break;
        }
    }
    (a as f32, b as f32)
}

/// The probability of a raw score under a Platt fit.
pub fn probability(platt: (f32, f32), raw: f32) -> f32 {
    sigmoid(platt.0 * raw + platt.1)
}

/// The score from which `rate` of the negatives (by weight) are flagged.
pub fn threshold_at(scores: &[f32], rate: f64) -> f32 {
    if scores.is_empty() {
        return f32::INFINITY;
    }
    let mut sorted = scores.to_vec();
    sorted.sort_by(f32::total_cmp);
    let index = ((1.0 - rate) * sorted.len() as f64).ceil() as usize;
    sorted
        .get(index.min(sorted.len() - 1))
        .copied()
        .unwrap_or(f32::INFINITY)
}

/// Share of `scores` at or past `threshold`.
pub fn share_at(scores: &[f32], threshold: f32) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    scores.iter().filter(|&&s| s >= threshold).count() as f64 / scores.len() as f64
}

/// The share of positives caught when `rate` of the negatives are flagged.
pub fn recall_at(scores: &[Scored], rate: f64) -> f64 {
    let negatives: Vec<f32> = scores
        .iter()
        .filter(|s| !s.positive)
        .map(|s| s.raw)
        .collect();
    let positives: Vec<f32> = scores
        .iter()
        .filter(|s| s.positive)
        .map(|s| s.raw)
        .collect();
    share_at(&positives, threshold_at(&negatives, rate))
}

/// The area under the ROC curve (the chance a positive outscores a negative).
pub fn auc(scores: &[Scored]) -> f64 {
    let mut sorted: Vec<&Scored> = scores.iter().collect();
    sorted.sort_by(|a, b| a.raw.total_cmp(&b.raw));
    let (mut negatives_below, mut sum) = (0f64, 0f64);
    let positives = scores.iter().filter(|s| s.positive).count() as f64;
    let negatives = scores.len() as f64 - positives;
    for s in sorted {
        if s.positive {
            sum += negatives_below;
        } else {
            negatives_below += 1.0;
        }
    }
    if positives == 0.0 || negatives == 0.0 {
        return 0.5;
    }
    sum / (positives * negatives)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(raw: f32, positive: bool) -> Scored {
        Scored {
            raw,
            positive,
            weight: 1.0,
        }
    }

    #[test]
    fn platt_scaling_makes_probabilities_of_scores() {
        // Negatives around -2, positives around +2, overlapping a little.
        let mut scores = Vec::new();
        for i in 0..200 {
            let jitter = (i % 10) as f32 * 0.3 - 1.35;
            scores.push(scored(-2.0 + jitter, false));
            scores.push(scored(2.0 + jitter, true));
        }
        let fit = platt(&scores);
        assert!(fit.0 > 0.0, "{fit:?}");
        assert!(probability(fit, 3.0) > 0.9 && probability(fit, -3.0) < 0.1);
        assert!((probability(fit, 0.0) - 0.5).abs() < 0.1);
    }

    #[test]
    fn recall_is_read_at_a_civil_rate() {
        let scores: Vec<Scored> = (0..100)
            .map(|i| scored(i as f32, false))
            .chain((0..10).map(|i| scored(90.0 + i as f32, true)))
            .collect();
        // The top 10 % of civil scores start at 90: every positive is caught there.
        assert_eq!(recall_at(&scores, 0.10), 1.0);
        assert!(recall_at(&scores, 0.01) < 0.2);
        assert!(auc(&scores) > 0.9);
    }
}
