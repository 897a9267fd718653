//! The models of one site: retrained on its decisions, and how much they count chosen on
//! its decisions too. The newest quarter of the training decisions is set aside: models
//! retrained on the rest judge it, and the grid of [`super::stack`] picks each family's
//! threshold and points there (most abuse and spam caught for the civil comments held,
//! which may rise at most one point over the live version's there). A family with too few
//! examples in that quarter keeps the live version's model and numbers.

use crate::filter::FilterSettings;
use crate::filter::model::Hit;
use crate::filter::models::{Family, LinearModel, Models};
use crate::filter::normalize::text_key;
use crate::filter::settings::{FamilyModel, ModelSettings};

use super::decisions::Decision;
use super::retrain::{FineTune, retrain_models};
use super::stack::{self, Case, Label, Tally};

/// The lowest probability a site's model may count from. Decisions on texts like those
/// the shipped models learned from look easier than a site's new comments are: on such a
/// replay (MPOLD's half 1, which the shipped models were trained on) an unbounded choice
/// went down to 0.3 and held twice the civil comments on the other half; from 0.5 up it
/// held 0.7 points more, and nothing was lost on texts the models had never seen.
const THRESHOLD_FLOOR: f32 = 0.5;
/// Share of the (newest) training decisions set aside to choose the numbers.
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
    let set_aside = (((train.len() as f64) * CHOOSING).round() as usize).min(CHOOSING_MAX);
    let (choosing, fitting) = train.split_at(set_aside.min(train.len()));
    let (abuse, spam) = retrain_models(base, fitting, tune);
    let trial = Models::new(abuse, spam);
    let (mut cases, mut before) = (Vec::new(), Vec::new());
    for (d, _) in choosing {
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
    let live_tally = stack::tally(&before, live, 1)[0];
    let (settings, [abuse_chosen, spam_chosen]) = choose(&cases, live, &live_tally);
    // A family whose numbers could not be chosen keeps its live model too: retrained on
    // a handful of examples it would count with numbers chosen for another model (on a
    // replay of 250 decisions that held five points more civil comments). The models the
    // numbers were chosen for are the ones kept: retrained on every decision they would be
    // more sure of themselves than the numbers assume (on the replays, civil comments held
    // rose a point more that way).
    SiteModels {
        abuse: trial.abuse.clone().filter(|_| abuse_chosen),
        spam: trial.spam.clone().filter(|_| spam_chosen),
        settings,
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
