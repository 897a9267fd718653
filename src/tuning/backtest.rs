//! The back-test: replay stored comments through the live filter and through a proposed
//! one, and compare both with what moderators decided.
//!
//! Both filters see the comments the same way (text, name and email, no timing,
//! reputation or near-duplicate context), so a difference is the proposal's doing and
//! not the missing context. Labels come from people only: a comment approved by a
//! moderator is good; rejected or marked spam is bad (spam is also the spam label).
//! Comments the filter settled alone (blocked, auto-published, still pending) count in
//! "changed" but not in precision and recall.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Class, Status};
use crate::filter::{Context, Filter, Hit, Input};
use crate::store::filters::ReplayComment;

/// How many changed comments the report shows.
const EXAMPLES: usize = 25;

/// Precision and recall of one kind of flag against moderators' decisions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Quality {
    /// Decided comments the filter flagged.
    pub flagged: u64,
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    /// None when nothing was flagged.
    pub precision: Option<f64>,
    /// None when nothing was bad.
    pub recall: Option<f64>,
}

impl Quality {
    fn count(&mut self, flagged: bool, bad: bool) {
        match (flagged, bad) {
            (true, true) => self.true_positives += 1,
            (true, false) => self.false_positives += 1,
            (false, true) => self.false_negatives += 1,
            (false, false) => {}
        }
    }

    fn finish(mut self) -> Quality {
        self.flagged = self.true_positives + self.false_positives;
        let ratio = |num: u64, den: u64| {
            (den > 0).then(|| (num as f64 / den as f64 * 10_000.0).round() / 10_000.0)
        };
        self.precision = ratio(self.true_positives, self.flagged);
        self.recall = ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        );
        self
    }
}

/// Spam and hold quality of one filter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Scores {
    /// Class spam vs. moderators' spam.
    pub spam: Quality,
    /// Any class but ok vs. moderators' rejected or spam.
    pub hold: Quality,
    /// Comments per class.
    pub classes: BTreeMap<String, u64>,
}

/// One comment whose class would change.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = ChangedComment)]
pub struct Changed {
    pub id: i64,
    pub article: String,
    pub status: Status,
    pub before: Class,
    pub after: Class,
    pub before_score: f32,
    pub after_score: f32,
    /// The body, cut to 200 characters.
    pub excerpt: String,
    /// Hits of the proposed filter that the live one does not have.
    pub new_hits: Vec<Hit>,
    /// Hits of the live filter that the proposed one no longer has.
    pub lost_hits: Vec<Hit>,
}

/// The back-test report.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Report {
    /// Comments replayed.
    pub replayed: u64,
    /// Of those, decided by a person.
    pub decided: u64,
    /// Comments whose class would change.
    pub changed: u64,
    /// `before→after` → count, e.g. `ok→hold`.
    pub transitions: BTreeMap<String, u64>,
    /// Approved by a moderator, but the proposal would hold them or worse.
    pub newly_flagged_approved: u64,
    /// Rejected or spam by a moderator, and the proposal would let them through.
    pub newly_passed_bad: u64,
    pub before: Scores,
    pub after: Scores,
    /// Up to 25 changed comments, those moderators approved first.
    pub examples: Vec<Changed>,
    /// Time to replay, in milliseconds.
    pub elapsed_ms: u64,
}

struct Outcome {
    before: (Class, f32, Vec<Hit>),
    after: (Class, f32, Vec<Hit>),
}

fn judge(filter: &Filter, c: &ReplayComment) -> (Class, f32, Vec<Hit>) {
    let verdict = filter.check(
        &Input {
            body: &c.body,
            name: &c.name,
            email: &c.email,
            website: None,
        },
        &Context::default(),
    );
    (verdict.class, verdict.score, verdict.hits)
}

/// Replays `comments` through both filters, on every core.
pub fn run(live: &Filter, proposed: &Filter, comments: &[ReplayComment]) -> Report {
    let started = std::time::Instant::now();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = comments.len().div_ceil(threads).max(1);
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let workers: Vec<_> = comments
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|c| Outcome {
                            before: judge(live, c),
                            after: judge(proposed, c),
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut report = Report {
        replayed: comments.len() as u64,
        decided: 0,
        changed: 0,
        transitions: BTreeMap::new(),
        newly_flagged_approved: 0,
        newly_passed_bad: 0,
        before: Scores::default(),
        after: Scores::default(),
        examples: Vec::new(),
        elapsed_ms: 0,
    };
    let (mut spam_before, mut hold_before) = (Quality::default(), Quality::default());
    let (mut spam_after, mut hold_after) = (Quality::default(), Quality::default());
    let mut examples: Vec<(bool, Changed)> = Vec::new();
    for (c, o) in comments.iter().zip(outcomes) {
        let (before, after) = (o.before.0, o.after.0);
        *report
            .before
            .classes
            .entry(before.as_str().to_string())
            .or_default() += 1;
        *report
            .after
            .classes
            .entry(after.as_str().to_string())
            .or_default() += 1;
        if c.decided {
            report.decided += 1;
            let spam = c.status == Status::Spam;
            let bad = matches!(c.status, Status::Spam | Status::Rejected);
            spam_before.count(before == Class::Spam, spam);
            spam_after.count(after == Class::Spam, spam);
            hold_before.count(before != Class::Ok, bad);
            hold_after.count(after != Class::Ok, bad);
            if c.status == Status::Approved && before == Class::Ok && after != Class::Ok {
                report.newly_flagged_approved += 1;
            }
            if bad && before != Class::Ok && after == Class::Ok {
                report.newly_passed_bad += 1;
            }
        }
        if before != after {
            report.changed += 1;
            *report
                .transitions
                .entry(format!("{}→{}", before.as_str(), after.as_str()))
                .or_default() += 1;
            if examples.len() < EXAMPLES * 4 {
                let differs = |a: &[Hit], b: &[Hit]| -> Vec<Hit> {
                    a.iter()
                        .filter(|h| !b.iter().any(|o| o.rule == h.rule))
                        .cloned()
                        .collect()
                };
                examples.push((
                    c.decided && c.status == Status::Approved,
                    Changed {
                        id: c.id,
                        article: c.article.clone(),
                        status: c.status,
                        before,
                        after,
                        before_score: o.before.1,
                        after_score: o.after.1,
                        excerpt: c.body.chars().take(200).collect(),
                        new_hits: differs(&o.after.2, &o.before.2),
                        lost_hits: differs(&o.before.2, &o.after.2),
                    },
                ));
            }
        }
    }
    // The innocent comments a change would hit are what an admin must see first.
    examples.sort_by_key(|(approved, _)| !approved);
    report.examples = examples
        .into_iter()
        .take(EXAMPLES)
        .map(|(_, c)| c)
        .collect();
    report.before.spam = spam_before.finish();
    report.before.hold = hold_before.finish();
    report.after.spam = spam_after.finish();
    report.after.hold = hold_after.finish();
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Category, FilterSettings, Language, TermSpec, WordLists};

    fn filter(words: &[&str]) -> Filter {
        let lists = WordLists {
            terms: words
                .iter()
                .map(|w| TermSpec {
                    list: "t".into(),
                    term: w.to_string(),
                    category: Category::SpamPhrase,
                    language: Language::Ar,
                    weight: 7.0,
                    action: Default::default(),
                    mode: Default::default(),
                    shadow: false,
                })
                .collect(),
            ..Default::default()
        };
        // The rules alone: the counting is what is tested, not the shipped models.
        let mut settings = FilterSettings::default();
        settings.signals.abuse_model = 0.0;
        Filter::compile(&lists, settings).unwrap()
    }

    fn comment(id: i64, body: &str, status: Status, decided: bool) -> ReplayComment {
        ReplayComment {
            id,
            article: "a".into(),
            name: "قارئ".into(),
            email: "r@example.com".into(),
            body: body.into(),
            status,
            class: Class::Ok,
            decided,
            hits: "[]".into(),
            created_at: 0,
        }
    }

    #[test]
    fn quality_counts_match_a_hand_made_set() {
        let comments = vec![
            comment(1, "قروض سريعة بدون كفيل", Status::Spam, true),
            comment(2, "مقال رائع عن الاقتصاد", Status::Approved, true),
            comment(3, "قروض التعليم مهمة للطلاب", Status::Approved, true),
            comment(4, "سحر وجلب الحبيب", Status::Spam, true),
            comment(5, "تعليق لم يراجع بعد عن قروض", Status::Pending, false),
        ];
        let live = filter(&[]);
        let proposed = filter(&["قروض"]);
        let r = run(&live, &proposed, &comments);
        assert_eq!(r.replayed, 5);
        assert_eq!(r.decided, 4);
        assert_eq!(r.changed, 3, "{:?}", r.transitions);
        assert_eq!(r.transitions["ok→spam"], 3);
        assert_eq!(r.newly_flagged_approved, 1);
        assert_eq!(r.before.spam.flagged, 0);
        assert_eq!(r.before.spam.precision, None);
        assert_eq!(r.before.spam.recall, Some(0.0));
        assert_eq!(r.after.spam.true_positives, 1);
        assert_eq!(r.after.spam.false_positives, 1);
        assert_eq!(r.after.spam.false_negatives, 1);
        assert_eq!(r.after.spam.precision, Some(0.5));
        assert_eq!(r.after.spam.recall, Some(0.5));
        assert_eq!(r.examples[0].id, 3, "the approved comment comes first");
        assert_eq!(r.examples[0].new_hits[0].rule, "list:t:قروض");
    }
}
