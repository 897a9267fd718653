//! Hits → score → class.
//!
//! Each rule counts once however often it fires (its largest weight). The abuse family
//! (profanity, insult, hate) and the spam family are summed apart: identity terms add to
//! abuse only when there is abuse; the spam class needs spam-family evidence; a block needs
//! abuse past the block threshold or a hit whose action is `block`. Neutral hits
//! (reputation, repetition, allowed links) only move the total. Shadow hits are recorded
//! and ignored here.

use super::model::{Category, Class, Family, Hit};
use super::settings::FilterSettings;

/// A raw byte span.
type Span = (usize, usize);

/// How far apart (bytes of the raw text, about five Arabic words) a group word and a
/// dehumanizing word may be to be read together: «الـX حشرات», not a nationality in one
/// sentence and pest control in the next.
const GROUP_DISTANCE: usize = 64;

/// The class and score of a set of hits. `spam_probability` is the spam model's, when it
/// judged the text.
pub fn decide(
    hits: &[Hit],
    settings: &FilterSettings,
    flood: bool,
    spam_probability: Option<f32>,
) -> (Class, f32) {
    // A comment has tens of hits: sorting them beats hashing every rule id.
    let mut by_rule: Vec<&Hit> = hits.iter().filter(|h| !h.shadow).collect();
    // The heaviest hit of each rule first, so it is the one `dedup_by` keeps.
    by_rule.sort_unstable_by(|a, b| a.rule.cmp(&b.rule).then(b.weight.total_cmp(&a.weight)));
    by_rule.dedup_by(|later, kept| later.rule == kept.rule);
    let (mut abuse, mut spam, mut neutral) = (0f32, 0f32, 0f32);
    let mut identity = 0usize;
    let (mut groups, mut dehumanizing): (Vec<Span>, Vec<Span>) = (Vec::new(), Vec::new());
    let mut floor = Class::Ok;
    // A way to reach the author (a phone number, a messenger handle) beside ad wording
    // from the lists is an ad, whatever the sum: readers quoting a hotline do not also
    // write "contact us for loans".
    let (mut reach, mut ad_wording, mut warning) = (false, false, false);
    for hit in by_rule {
        reach |= matches!(hit.category, Category::Phone | Category::Contact) && hit.weight > 0.0;
        warning |= hit.category == Category::Warning;
        ad_wording |= hit.category == Category::SpamPhrase
            && hit.rule.starts_with("list:")
            && hit.weight >= settings.signals.ad_with_contact_min;
        floor = floor.max(hit.action.floor());
        if let Some(action) = settings.category_actions.get(&hit.category) {
            let forced = action.floor();
            // Identity and dehumanizing terms never condemn alone, whatever an admin sets.
            floor = floor.max(if hit.category.is_qualifier() {
                forced.min(Class::Hold)
            } else {
                forced
            });
        }
        match (hit.category, hit.category.family()) {
            (Category::Identity, _) => {
                identity += 1;
                groups.extend(hit.span);
            }
            (Category::Dehumanizing, _) => dehumanizing.extend(hit.span),
            (_, Family::Abuse) => abuse += hit.weight,
            (_, Family::Spam) => spam += hit.weight,
            (_, Family::Neutral) => neutral += hit.weight,
        }
    }
    // «they are insects» is an ordinary sentence about insects; «the Xs are insects» is
    // hate against a group.
    let near = |a: &Span, b: &Span| a.0.max(b.0).saturating_sub(a.1.min(b.1)) <= GROUP_DISTANCE;
    let called_vermin = dehumanizing
        .iter()
        .any(|d| groups.iter().any(|g| near(d, g)));
    if called_vermin && settings.signals.group_dehumanizing > 0.0 {
        abuse += settings.signals.group_dehumanizing;
        floor = floor.max(Class::Hold);
    }
    if abuse > 0.0 {
        abuse += settings.signals.identity_boost * identity.min(2) as f32;
    }
    let total = abuse + spam + neutral;
    // Good history can lower a spam score; bad history cannot make spam on its own.
    let spam_score = spam + neutral.min(0.0);
    let mut class = if abuse >= settings.block {
        Class::Block
    // An ad's wording beside words warning of a scam, with no way to reach anyone, is a
    // reader quoting the scam to warn others: held for a moderator, not refused.
    } else if spam_score >= settings.spam && (reach || !warning) {
        Class::Spam
    } else if total >= settings.hold {
        Class::Hold
    } else {
        Class::Ok
    };
    // A confident spam model is ad wording too, where the lists have none.
    let model_ad = spam_probability.is_some_and(|p| p >= settings.models.spam.with_contact)
        && settings.models.spam.with_contact < 1.0;
    let listed_ad = ad_wording && settings.signals.ad_with_contact_min > 0.0;
    if reach && (listed_ad || model_ad) {
        floor = floor.max(Class::Spam);
    }
    class = class.max(floor);
    if flood {
        class = class.max(Class::Hold);
    }
    (class, (total * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::model::{Action, Field};

    fn hit(rule: &str, category: Category, weight: f32) -> Hit {
        Hit {
            rule: rule.into(),
            category,
            weight,
            action: Action::Score,
            field: Field::Body,
            span: None,
            explanation: String::new(),
            shadow: false,
        }
    }

    fn at(mut hit: Hit, span: (usize, usize)) -> Hit {
        hit.span = Some(span);
        hit
    }

    #[test]
    fn a_way_to_reach_the_author_beside_ad_wording_is_spam() {
        // Weights that sum below the spam threshold (6): only the pairing makes spam.
        let mut s = FilterSettings::default();
        s.signals.ad_with_contact_min = 2.0;
        let phone = hit("signal:phone", Category::Phone, 3.5);
        let ad = hit("list:ar/spam:قروض فورية", Category::SpamPhrase, 2.0);
        assert_eq!(
            decide(&[phone.clone(), ad.clone()], &s, false, None).0,
            Class::Spam
        );
        // Either alone holds at most; a weak phrase with a phone is not enough.
        assert_eq!(
            decide(std::slice::from_ref(&phone), &s, false, None).0,
            Class::Hold
        );
        let weak = hit("list:ar/spam:للتواصل", Category::SpamPhrase, 1.0);
        assert_eq!(
            decide(&[phone.clone(), weak], &s, false, None).0,
            Class::Hold
        );
        // The model's spam hit is not ad wording from the lists.
        let model = hit("model:spam", Category::SpamPhrase, 2.0);
        assert_eq!(
            decide(&[phone.clone(), model.clone()], &s, false, None).0,
            Class::Hold
        );
        // Unless the model is past `with_contact`: then it is ad wording too.
        let mut confident = s.clone();
        confident.models.spam.with_contact = 0.8;
        let judged = |p| decide(&[phone.clone(), model.clone()], &confident, false, Some(p)).0;
        assert_eq!(judged(0.9), Class::Spam);
        assert_eq!(judged(0.7), Class::Hold);
        assert_eq!(
            decide(std::slice::from_ref(&model), &confident, false, Some(0.9)).0,
            Class::Hold,
            "no way to reach the author: not an ad by this rule"
        );
        let mut off = s.clone();
        off.signals.ad_with_contact_min = 0.0;
        assert_eq!(decide(&[phone, ad], &off, false, None).0, Class::Hold);
    }

    #[test]
    fn classes_follow_the_thresholds() {
        let s = FilterSettings::default();
        let cases: Vec<(Vec<Hit>, Class, &str)> = vec![
            (vec![], Class::Ok, "nothing"),
            (
                vec![hit("a", Category::Insult, 3.0)],
                Class::Hold,
                "one insult holds",
            ),
            (
                vec![hit("a", Category::Insult, 1.0)],
                Class::Ok,
                "a mild word alone passes",
            ),
            (
                vec![hit("i", Category::Identity, 0.0)],
                Class::Ok,
                "identity alone never condemns",
            ),
            (
                vec![
                    hit("i", Category::Identity, 0.0),
                    hit("j", Category::Identity, 0.0),
                    hit("k", Category::Identity, 0.0),
                ],
                Class::Ok,
                "many identity terms alone",
            ),
            (
                vec![
                    hit("a", Category::Insult, 1.5),
                    hit("i", Category::Identity, 0.0),
                ],
                Class::Hold,
                "identity raises an insult",
            ),
            (
                vec![hit("d", Category::Dehumanizing, 0.0)],
                Class::Ok,
                "a dehumanizing word alone is an ordinary word",
            ),
            (
                vec![
                    at(hit("d", Category::Dehumanizing, 0.0), (20, 30)),
                    at(hit("i", Category::Identity, 0.0), (0, 12)),
                ],
                Class::Hold,
                "a group called vermin is hate",
            ),
            (
                vec![
                    at(hit("d", Category::Dehumanizing, 0.0), (300, 310)),
                    at(hit("i", Category::Identity, 0.0), (0, 12)),
                ],
                Class::Ok,
                "a group word and pest control sentences apart",
            ),
            (
                vec![hit("t", Category::Threat, 3.0)],
                Class::Hold,
                "a call to violence holds without an insult word",
            ),
            (
                vec![
                    hit("s", Category::SpamPhrase, 3.0),
                    hit("p", Category::Phone, 3.5),
                ],
                Class::Spam,
                "ad plus phone",
            ),
            (
                vec![hit("p", Category::Phone, 3.5)],
                Class::Hold,
                "a phone alone holds",
            ),
            (
                vec![
                    hit("a", Category::Profanity, 5.0),
                    hit("b", Category::Profanity, 5.0),
                    hit("c", Category::Hate, 6.0),
                ],
                Class::Block,
                "heavy abuse blocks",
            ),
            (
                vec![
                    hit("a", Category::Insult, 6.0),
                    hit("a", Category::Insult, 6.0),
                    hit("a", Category::Insult, 6.0),
                ],
                Class::Hold,
                "a repeated word counts once",
            ),
            (
                vec![
                    hit("s", Category::SpamPhrase, 4.0),
                    hit("l", Category::Link, 2.0),
                    hit("t", Category::Reputation, -2.0),
                ],
                Class::Hold,
                "a trusted author is not spam for a link",
            ),
        ];
        for (hits, want, why) in cases {
            assert_eq!(decide(&hits, &s, false, None).0, want, "{why}");
        }
    }

    #[test]
    fn actions_floors_shadow_and_flood() {
        let s = FilterSettings::default();
        let mut blocker = hit("b", Category::Hate, 0.5);
        blocker.action = Action::Block;
        assert_eq!(decide(&[blocker.clone()], &s, false, None).0, Class::Block);
        blocker.shadow = true;
        assert_eq!(
            decide(&[blocker], &s, false, None).0,
            Class::Ok,
            "shadow hits do not count"
        );
        assert_eq!(
            decide(&[], &s, true, None).0,
            Class::Hold,
            "flood guard holds"
        );
    }
}
