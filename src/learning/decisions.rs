//! Moderators' decisions as labelled examples: what each decision teaches (approve and
//! "not spam" → civil, spam → spam, reject → abuse unless its reason says otherwise), how
//! much it weighs (recent decisions more; no author more than a cap), which are held back
//! to judge the result (the newest), and whether one moderator's decisions changed
//! suddenly (a poisoning guard: reported, not acted on).

use std::collections::HashMap;

use serde::Serialize;

use super::stack::Label;

const DAY_MS: f64 = 86_400_000.0;

/// One decided comment, as training reads it.
#[derive(Clone, Debug)]
pub struct Decision {
    pub body: String,
    pub label: Label,
    /// Who wrote it (a keyed hash): only to cap each author's weight, never a feature.
    pub author: String,
    pub moderator: String,
    /// Unix ms.
    pub at: i64,
}

/// What a decided comment teaches: its status (its last state, so a reversed decision
/// counts as the one that stands) and, for a rejection, its reason. None: nothing.
pub fn label_of(status: &str, reason: Option<&str>, not_abuse: &[String]) -> Option<Label> {
    match status {
        // "pending" here is a comment a moderator moved back from spam ("not spam").
        "approved" | "pending" => Some(Label::Ham),
        "spam" => Some(Label::Spam),
        "rejected" if reason.is_some_and(|r| not_abuse.iter().any(|n| n == r)) => None,
        "rejected" => Some(Label::Abuse),
        _ => None,
    }
}

/// How decisions weigh and which are held back.
#[derive(Clone, Copy, Debug)]
pub struct Weighing {
    /// Share of the newest decisions held back.
    pub holdout: f64,
    /// The most one author's decisions weigh together.
    pub author_cap: f32,
    pub half_life_days: f32,
    /// Unix ms: the age of a decision is counted to here.
    pub now: i64,
}

/// Decisions to train on, each with its weight, and the newest, held back.
#[derive(Clone, Debug, Default)]
pub struct Split {
    pub train: Vec<(Decision, f32)>,
    pub held: Vec<Decision>,
}

/// Splits `decisions` (any order) into the newest `holdout` share, held back, and the
/// rest, weighed: `0.5^(age / half-life)`, then scaled down so that no author's decisions
/// weigh more than `author_cap` together.
pub fn split(mut decisions: Vec<Decision>, w: Weighing) -> Split {
    decisions.sort_by_key(|d| std::cmp::Reverse(d.at));
    let held_count = ((decisions.len() as f64) * w.holdout).round() as usize;
    let train = decisions.split_off(held_count.min(decisions.len()));
    let held = decisions;
    let recency = |d: &Decision| {
        let age_days = ((w.now - d.at).max(0) as f64 / DAY_MS) as f32;
        0.5f32.powf(age_days / w.half_life_days.max(1.0))
    };
    let mut per_author: HashMap<&str, f32> = HashMap::new();
    for d in &train {
        *per_author.entry(d.author.as_str()).or_default() += recency(d);
    }
    let scale: HashMap<String, f32> = per_author
        .into_iter()
        .map(|(a, total)| (a.to_string(), (w.author_cap / total).min(1.0)))
        .collect();
    let train = train
        .into_iter()
        .map(|d| {
            let weight = recency(&d) * scale.get(&d.author).copied().unwrap_or(1.0);
            (d, weight)
        })
        .collect();
    Split { train, held }
}

/// A moderator whose decisions changed suddenly: the share of one label in their last
/// week against the weeks before.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MixShift {
    pub moderator: String,
    /// `civil`, `abuse` or `spam`.
    pub label: &'static str,
    pub before: f64,
    pub recent: f64,
    pub recent_decisions: usize,
}

/// Decisions a moderator needs in each period before their mix is compared.
const MIN_TO_COMPARE: usize = 20;
/// A change of a label's share this large (0–1) is reported.
const SHIFT: f64 = 0.3;

/// Moderators whose share of some label moved by [`SHIFT`] or more between the last 7
/// days and the 8 weeks before (each period with at least [`MIN_TO_COMPARE`] decisions).
pub fn mix_shifts(decisions: &[Decision], now: i64) -> Vec<MixShift> {
    let week = 7 * DAY_MS as i64;
    let mut counts: HashMap<&str, [[usize; 3]; 2]> = HashMap::new();
    for d in decisions {
        let period = if d.at >= now - week {
            1
        } else if d.at >= now - 9 * week {
            0
        } else {
            continue;
        };
        counts.entry(d.moderator.as_str()).or_default()[period][index(d.label)] += 1;
    }
    let mut shifts = Vec::new();
    for (moderator, [before, recent]) in counts {
        let (n_before, n_recent) = (before.iter().sum::<usize>(), recent.iter().sum::<usize>());
        if n_before < MIN_TO_COMPARE || n_recent < MIN_TO_COMPARE {
            continue;
        }
        for (i, label) in ["civil", "abuse", "spam"].into_iter().enumerate() {
            let was = before[i] as f64 / n_before as f64;
            let now_share = recent[i] as f64 / n_recent as f64;
            if (now_share - was).abs() >= SHIFT {
                shifts.push(MixShift {
                    moderator: moderator.to_string(),
                    label,
                    before: was,
                    recent: now_share,
                    recent_decisions: n_recent,
                });
            }
        }
    }
    shifts.sort_by(|a, b| a.moderator.cmp(&b.moderator).then(a.label.cmp(b.label)));
    shifts
}

fn index(label: Label) -> usize {
    match label {
        Label::Ham => 0,
        Label::Abuse => 1,
        Label::Spam => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(author: &str, label: Label, at: i64) -> Decision {
        Decision {
            body: "نص".into(),
            label,
            author: author.into(),
            moderator: "mona".into(),
            at,
        }
    }

    #[test]
    fn a_rejection_for_being_off_topic_teaches_nothing_and_not_spam_is_civil() {
        let not_abuse = vec!["off_topic".to_string(), "duplicate".to_string()];
        assert_eq!(label_of("rejected", None, &not_abuse), Some(Label::Abuse));
        assert_eq!(
            label_of("rejected", Some("insult"), &not_abuse),
            Some(Label::Abuse)
        );
        assert_eq!(label_of("rejected", Some("off_topic"), &not_abuse), None);
        assert_eq!(label_of("pending", None, &not_abuse), Some(Label::Ham));
        assert_eq!(label_of("spam", None, &not_abuse), Some(Label::Spam));
        assert_eq!(label_of("blocked", None, &not_abuse), None);
    }

    #[test]
    fn the_newest_are_held_back_and_no_author_weighs_more_than_the_cap() {
        let now = 100 * DAY_MS as i64;
        let mut decisions: Vec<Decision> = (0..50)
            .map(|i| decision("flooder", Label::Spam, now - (i + 1) * 1000))
            .collect();
        decisions.push(decision("reader", Label::Ham, now - 10 * DAY_MS as i64));
        decisions.push(decision("newest", Label::Ham, now));
        let split = split(
            decisions,
            Weighing {
                holdout: 0.1,
                author_cap: 10.0,
                half_life_days: 10.0,
                now,
            },
        );
        assert_eq!(split.held.len(), 5);
        assert_eq!(split.held[0].author, "newest");
        let flooder: f32 = split
            .train
            .iter()
            .filter(|(d, _)| d.author == "flooder")
            .map(|(_, w)| w)
            .sum();
        assert!((flooder - 10.0).abs() < 0.01, "{flooder}");
        let (_, reader) = split
            .train
            .iter()
            .find(|(d, _)| d.author == "reader")
            .unwrap();
        assert!(
            (reader - 0.5).abs() < 0.01,
            "ten days at a ten-day half-life: {reader}"
        );
    }

    #[test]
    fn a_moderator_whose_mix_turns_suddenly_is_reported() {
        let now = 100 * DAY_MS as i64;
        let mut decisions = Vec::new();
        for i in 0..30 {
            decisions.push(decision("a", Label::Ham, now - 20 * DAY_MS as i64 - i));
            decisions.push(decision("a", Label::Spam, now - DAY_MS as i64 - i));
        }
        let shifts = mix_shifts(&decisions, now);
        assert_eq!(shifts.len(), 2, "{shifts:?}");
        assert_eq!(shifts[0].label, "civil");
        assert!((shifts[0].before - 1.0).abs() < 1e-9 && shifts[0].recent.abs() < 1e-9);
        // A steady mix is not reported.
        let steady: Vec<Decision> = (0..80)
            .map(|i| decision("b", Label::Ham, now - i * DAY_MS as i64 / 2))
            .collect();
        assert!(mix_shifts(&steady, now).is_empty());
    }
}
