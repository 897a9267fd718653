//! Rule statistics: for each term, rule and signal, how often it fired in the last 7 and
//! 30 days (shadow entries included) and what became of those comments, so dead rules
//! and rules that catch comments moderators approve stand out.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Status;
use crate::filter::Category;
use crate::store::filters::{FilterState, ReplayComment};

const DAY_MS: i64 = 86_400_000;
const EXAMPLES: usize = 5;

/// One rule's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RuleStats {
    /// The rule id of its hits (`list:ar/insult:كلب`, `rule:sms_short_code`, `signal:phone`).
    pub rule: String,
    pub category: Option<Category>,
    pub shadow: bool,
    /// Comments it fired on in the last 7 days.
    pub hits_7d: u64,
    /// … and in the whole window.
    pub hits_30d: u64,
    /// What became of those comments (status → count), over the whole window.
    pub outcomes: BTreeMap<String, u64>,
    /// Approved by a person / rejected or spam by a person.
    pub approved: u64,
    pub rejected: u64,
    /// Share of its decided comments that moderators approved (high: harmful rule).
    pub approved_share: Option<f64>,
    pub last_seen: Option<i64>,
    /// A few comment ids it fired on, newest first.
    pub examples: Vec<i64>,
}

/// The statistics of a window.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Statistics {
    pub days: i64,
    pub comments: u64,
    /// Most hits first.
    pub rules: Vec<RuleStats>,
    /// Live enabled terms and rules that did not fire once in the window.
    pub silent: u64,
    /// The learned models' holds per filter version, and what moderators made of them.
    pub models: Vec<super::model_stats::ModelStats>,
}

#[derive(Deserialize)]
struct StoredHit {
    rule: String,
    category: Option<Category>,
    #[serde(default)]
    shadow: bool,
}

/// Counts hits in `comments` (newest first), `now` and `days` giving the window.
pub fn collect(comments: &[ReplayComment], live: &FilterState, now: i64, days: i64) -> Statistics {
    let week_ago = now - 7 * DAY_MS;
    let mut by_rule: BTreeMap<String, RuleStats> = BTreeMap::new();
    for c in comments {
        let Ok(hits) = serde_json::from_str::<Vec<StoredHit>>(&c.hits) else {
            continue;
        };
        let mut seen = HashSet::new();
        for hit in hits {
            if !seen.insert(hit.rule.clone()) {
                continue;
            }
            let stats = by_rule
                .entry(hit.rule.clone())
                .or_insert_with(|| RuleStats {
                    rule: hit.rule.clone(),
                    category: hit.category,
                    shadow: hit.shadow,
                    ..Default::default()
                });
            stats.hits_30d += 1;
            if c.created_at >= week_ago {
                stats.hits_7d += 1;
            }
            *stats
                .outcomes
                .entry(c.status.as_str().to_string())
                .or_default() += 1;
            if c.decided {
                match c.status {
                    Status::Approved => stats.approved += 1,
                    Status::Rejected | Status::Spam => stats.rejected += 1,
                    _ => {}
                }
            }
            stats.last_seen = Some(stats.last_seen.unwrap_or(0).max(c.created_at));
            if stats.examples.len() < EXAMPLES {
                stats.examples.push(c.id);
            }
        }
    }
    let fired: HashSet<&str> = by_rule.keys().map(String::as_str).collect();
    let silent_terms = live
        .terms
        .iter()
        .filter(|t| t.enabled && !super::versions::is_domain_category(t.category))
        .filter(|t| !fired.contains(format!("list:{}:{}", t.list, t.term).as_str()))
        .count();
    let silent_rules = live
        .rules
        .iter()
        .filter(|r| r.enabled && !fired.contains(format!("rule:{}", r.name).as_str()))
        .count();
    let mut rules: Vec<RuleStats> = by_rule
        .into_values()
        .map(|mut s| {
            let decided = s.approved + s.rejected;
            s.approved_share = (decided > 0)
                .then(|| (s.approved as f64 / decided as f64 * 1000.0).round() / 1000.0);
            s
        })
        .collect();
    rules.sort_by(|a, b| b.hits_30d.cmp(&a.hits_30d).then(a.rule.cmp(&b.rule)));
    Statistics {
        days,
        comments: comments.len() as u64,
        rules,
        silent: (silent_terms + silent_rules) as u64,
        models: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Class;
    use crate::filter::FilterSettings;

    fn comment(id: i64, hits: &str, status: Status, decided: bool, days_ago: i64) -> ReplayComment {
        ReplayComment {
            id,
            article: "a".into(),
            name: String::new(),
            email: String::new(),
            body: String::new(),
            status,
            class: Class::Hold,
            decided,
            hits: hits.into(),
            created_at: 100 * DAY_MS - days_ago * DAY_MS,
        }
    }

    #[test]
    fn hits_are_counted_per_window_and_outcome() {
        let insult = r#"[{"rule":"list:ar:كلب","category":"insult","weight":3,"field":"body","explanation":""},
                         {"rule":"list:ar:كلب","category":"insult","weight":3,"field":"body","explanation":""}]"#;
        let shadow = r#"[{"rule":"rule:try","category":"rule","weight":1,"field":"body","explanation":"","shadow":true}]"#;
        let comments = vec![
            comment(3, insult, Status::Rejected, true, 1),
            comment(2, insult, Status::Approved, true, 10),
            comment(1, shadow, Status::Approved, false, 2),
        ];
        let live = FilterState {
            version: 1,
            settings: FilterSettings::default(),
            terms: Vec::new(),
            rules: Vec::new(),
        };
        let stats = collect(&comments, &live, 100 * DAY_MS, 30);
        assert_eq!(stats.rules.len(), 2);
        let kalb = &stats.rules[0];
        assert_eq!(kalb.rule, "list:ar:كلب");
        assert_eq!(
            (kalb.hits_7d, kalb.hits_30d),
            (1, 2),
            "counted once per comment"
        );
        assert_eq!((kalb.approved, kalb.rejected), (1, 1));
        assert_eq!(kalb.approved_share, Some(0.5));
        assert_eq!(kalb.examples, [3, 2]);
        let try_rule = &stats.rules[1];
        assert!(try_rule.shadow);
        assert_eq!(try_rule.approved, 0, "not decided by a person");
        assert_eq!(try_rule.outcomes["approved"], 1);
    }
}
