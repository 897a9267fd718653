//! The models of one site: retrained on its decisions, and how much they count chosen on
//! its decisions too. Each decision is judged by models that did not learn from it: a
//! site with up to [`CROSS_FIT_MAX`] training decisions is cut into [`FOLDS`] parts, each
//! judged by models retrained on the others, and the site's models are the average of
//! those; a larger site sets its newest quarter aside, judged by models retrained on the
//! rest. On those judgements the grid of [`super::stack`] picks each family's threshold
//! and points (most abuse and spam caught for the civil comments held, which may rise at
//! most one point over the live version's there). A family with too few examples judged
//! keeps the live version's model and numbers.

use crate::filter::FilterSettings;
use crate::filter::model::Hit;
use crate::filter::models::{Family, LinearModel, Models};
use crate::filter::normalize::text_key;
use crate::filter::settings::{FamilyModel, ModelSettings};

use super::decisions::Decision;
use super::retrain::{FineTune, SiteExamples, average, retrain_on};
use super::stack::{self, Case, Label, Tally};

/// The lowest probability a site's model may count from. Decisions on texts like those
/// the shipped models learned from look easier than a site's new comments are: on such a
/// replay (MPOLD's half 1, which the shipped models were trained on) an unbounded choice
/// went down to 0.3 and held twice the civil comments on the other half; from 0.5 up it
/// held 0.7 points more, and nothing was lost on texts the models had never seen.
const THRESHOLD_FLOOR: f32 = 0.5;
/// The most training decisions cut into folds: past it one split leaves enough on both
/// sides, and training once costs a quarter of the time.
pub const CROSS_FIT_MAX: usize = 40_000;
/// Parts of a cross-fitted site.
pub const FOLDS: usize = 4;
/// Share of a large site's (newest) training decisions set aside to choose the numbers.
const CHOOSING: f64 = 0.25;
/// The most decisions set aside (the grid's cost grows with them; 20,000 judge a
/// threshold to a fraction of a point).
const CHOOSING_MAX: usize = 20_000;
/// Fewest texts of a family in that share for its numbers to be chosen.
const LEAST: usize = 15;
/// How far civil comments held may rise over the live version, on the site's decisions
/// (under the two points a site accepts, for the texts it has not seen).
const CIVIL_RISE: f64 = 0.01;

/// A site's models and the numbers they count with.
pub struct SiteModels {
    /// The retrained abuse model; none: the live version's stays.
    pub abuse: Option<LinearModel>,
    /// The retrained spam model; none: the live version's stays.
    pub spam: Option<LinearModel>,
    /// The live numbers with each family's threshold and points chosen on the site's
    /// decisions (where it had enough); the model hashes are left to the caller.
    pub settings: ModelSettings,
}

/// Retrains `base` (the shipped models) on `train` (newest first) and chooses the numbers
/// against `live` (the live version's settings and models); `rule_hits` is the rule
/// layer's verdict on a text (the live filter without its models).
pub fn train_for_site(
    base: &Models,
    train: &[(Decision, f32)],
    tune: FineTune,
    live: (&FilterSettings, &Models),
    rule_hits: &dyn Fn(&str) -> Vec<Hit>,
) -> SiteModels {
    let (live, live_models) = live;
    let folds = Folds::for_size(train.len());
    let examples = SiteExamples::of(base, train, &|i| folds.learns_from(i));
    let (mut cases, mut before) = (Vec::new(), Vec::new());
    let mut trials = Vec::new();
    for fold in 0..folds.count {
        let (abuse, spam) = retrain_on(base, &examples, &|i| !folds.judges(fold, i), tune);
        let trial = Models::new(abuse, spam);
        let judged = train
            .iter()
            .enumerate()
            .filter(|(i, _)| folds.judges(fold, *i));
        for (_, (d, _)) in judged {
            let key = text_key(&d.body);
            let hits = rule_hits(&d.body);
            for (models, out) in [(&trial, &mut cases), (live_models, &mut before)] {
                let p = models.probabilities(&key);
                out.push(Case {
                    hits: hits.clone(),
                    abuse: p.abuse,
                    spam: p.spam,
                    label: d.label,
                    corpus: 0,
                });
            }
        }
        trials.push(trial);
    }
    let live_tally = stack::tally(&before, live, 1)[0];
    let (settings, [abuse_chosen, spam_chosen]) = choose(&cases, live, &live_tally);
    // A family whose numbers could not be chosen keeps its live model too: retrained on
    // a handful of examples it would count with numbers chosen for another model (on a
    // replay of 250 decisions that held five points more civil comments). The models the
    // numbers were chosen for are the ones kept (their average when cross-fitted, as sure
    // of itself as each): one retrained on every decision would be surer of itself than
    // the numbers assume (on the replays, civil comments held rose a point more that way).
    let mean = |family: Family| {
        let models: Vec<&LinearModel> = trials.iter().filter_map(|m| m.of(family)).collect();
        average(&models)
    };
    SiteModels {
        abuse: mean(Family::Abuse).filter(|_| abuse_chosen),
        spam: mean(Family::Spam).filter(|_| spam_chosen),
        settings,
    }
}

/// Which training decisions each round of retraining leaves out to judge.
struct Folds {
    count: usize,
    /// Decisions (newest first) a single split sets aside; 0 when cross-fitted.
    set_aside: usize,
}

impl Folds {
    fn for_size(n: usize) -> Folds {
        if n <= CROSS_FIT_MAX {
            Folds {
                count: FOLDS,
                set_aside: 0,
            }
        } else {
            let share = ((n as f64) * CHOOSING).round() as usize;
            Folds {
                count: 1,
                set_aside: share.min(CHOOSING_MAX),
            }
        }
    }

    /// Whether some round learns from decision `i`.
    fn learns_from(&self, i: usize) -> bool {
        self.count > 1 || i >= self.set_aside
    }

    /// Whether round `fold` judges decision `i` (and so does not learn from it).
    fn judges(&self, fold: usize, i: usize) -> bool {
        if self.count == 1 {
            i < self.set_aside
        } else {
            i % self.count == fold
        }
    }
}

/// Each family's numbers chosen on `cases` (the live ones where there are too few);
/// `before` is how the live version did on the same decisions.
fn choose(cases: &[Case], live: &FilterSettings, before: &Tally) -> (ModelSettings, [bool; 2]) {
    let objective = |family: Family, tallies: &[Tally]| objective(family, &tallies[0], before);
    let allowed = |_: Family, m: &FamilyModel| m.threshold >= THRESHOLD_FLOOR;
    let mut chosen = stack::search_within(cases, live, 1, objective, allowed);
    let count = |label: Label| cases.iter().filter(|c| c.label == label).count();
    let enough = |label: Label| count(label) >= LEAST && count(Label::Ham) >= LEAST;
    let (abuse, spam) = (enough(Label::Abuse), enough(Label::Spam));
    if !abuse {
        chosen.abuse = live.models.abuse.clone();
    }
    if !spam {
        chosen.spam = live.models.spam.clone();
    }
    chosen.abuse_model = live.models.abuse_model.clone();
    chosen.spam_model = live.models.spam_model.clone();
    (chosen, [abuse, spam])
}

/// What a site wants: its abuse or spam caught, less the civil comments held, with a hard
/// cost past [`CIVIL_RISE`] over the live version and a harder one on civil comments
/// refused outright.
fn objective(family: Family, tally: &Tally, before: &Tally) -> f64 {
    let held = Tally::rate(tally.ham_held, tally.ham);
    let refused = Tally::rate(tally.ham_refused, tally.ham);
    let limit = Tally::rate(before.ham_held, before.ham) + CIVIL_RISE;
    let refused_before = Tally::rate(before.ham_refused, before.ham);
    let penalty =
        50.0 * (held - limit).max(0.0) + 100.0 * (refused - refused_before.max(0.005)).max(0.0);
    let gain = match family {
        Family::Abuse => Tally::rate(tally.abuse_caught, tally.abuse),
        Family::Spam => {
            Tally::rate(tally.spam_caught, tally.spam)
                + 0.25 * Tally::rate(tally.spam_held, tally.spam)
        }
    };
    gain - held - penalty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_decision_is_judged_once_by_models_that_did_not_learn_from_it() {
        let small = Folds::for_size(1_000);
        assert_eq!(small.count, FOLDS);
        for i in 0..1_000 {
            let judging = (0..small.count).filter(|&f| small.judges(f, i)).count();
            assert_eq!(judging, 1, "decision {i}");
        }
        let large = Folds::for_size(CROSS_FIT_MAX + 1_000);
        assert_eq!(large.count, 1);
        let judged = (0..CROSS_FIT_MAX + 1_000)
            .filter(|&i| large.judges(0, i))
            .count();
        assert_eq!(
            judged,
            ((CROSS_FIT_MAX + 1_000) as f64 * CHOOSING).round() as usize
        );
        assert!(large.judges(0, 0), "the newest are the ones set aside");
        let huge = Folds::for_size(1_000_000);
        assert_eq!(huge.set_aside, CHOOSING_MAX);
    }
}
