//! A newer release's shipped word lists and settings reaching a database that was seeded
//! from older ones.
//!
//! The change is worked out against the **baseline**: the state the shipped lists last
//! gave this database exactly (the seed, or the last upgrade the service applied by
//! itself). What the new lists add, remove or re-weigh relative to the baseline is carried
//! over to the live state, except where an admin has since changed that very entry or setting (their
//! choice stands). A database whose every version was made by the service itself gets the
//! change as a new version at once (audited, restorable); one that admins have changed
//! keeps its version and gets the change as a **candidate** to back-test and promote. The
//! same change is offered once (a fingerprint of what it holds). This file works the
//! change out; `moderation::shipped` stores it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::filter::spec::MatchMode;
use crate::filter::{Action, Category, FilterSettings, Target, WordLists};
use crate::store::filters::{FilterOp, FilterState, StoredRule, StoredTerm};

use super::entries::{RuleInput, TermInput};
use super::proposal::Proposal;
use super::versions::seed_edit;

/// A term's identity across versions: list, category, normalized key.
type TermKey = (String, Category, String);

fn term_key(t: &StoredTerm) -> TermKey {
    (t.list.clone(), t.category, t.key.clone())
}

/// What of a term an upgrade may change. (Weights are stored as the f32 they were read
/// as, so equality is exact.)
fn term_values(t: &StoredTerm) -> (f32, Action, MatchMode, bool) {
    (t.weight, t.action, t.mode, t.enabled)
}

fn rule_values(r: &StoredRule) -> (&str, f32, Action, Target, Category) {
    (&r.pattern, r.weight, r.action, r.target, r.category)
}

/// The change that brings `shipped` (lists and settings) to `live`, relative to
/// `baseline`; empty when there is nothing to bring.
pub fn plan(
    baseline: &FilterState,
    live: &FilterState,
    shipped: &WordLists,
    settings: &FilterSettings,
) -> Proposal {
    let seed = seed_edit(shipped, settings, 0);
    let (mut new_terms, mut new_rules) = (BTreeMap::new(), BTreeMap::new());
    for op in &seed.ops {
        match op {
            FilterOp::AddTerm(t) => {
                new_terms.insert(term_key(t), t);
            }
            FilterOp::AddRule(r) => {
                new_rules.insert(r.name.clone(), r);
            }
            _ => {}
        }
    }
    let shipped_lists: std::collections::BTreeSet<&str> =
        new_terms.keys().map(|k| k.0.as_str()).collect();
    let old_terms: BTreeMap<TermKey, &StoredTerm> = baseline
        .terms
        .iter()
        .filter(|t| shipped_lists.contains(t.list.as_str()))
        .map(|t| (term_key(t), t))
        .collect();
    let live_terms: BTreeMap<TermKey, &StoredTerm> =
        live.terms.iter().map(|t| (term_key(t), t)).collect();
    let mut proposal = Proposal::default();
    for (key, new) in &new_terms {
        let old = old_terms.get(key);
        if old.is_some_and(|old| term_values(old) == term_values(new)) {
            continue;
        }
        match (old, live_terms.get(key)) {
            // New in this release, and not added by an admin meanwhile.
            (None, None) => proposal.add_terms.push(term_input(new)),
            // Re-weighed in this release: only where the live entry is still the old one.
            (Some(old), Some(current)) if term_values(old) == term_values(current) => {
                proposal.remove_terms.push(current.id);
                proposal.add_terms.push(term_input(new));
            }
            _ => {}
        }
    }
    for (key, old) in &old_terms {
        if new_terms.contains_key(key) {
            continue;
        }
        if let Some(current) = live_terms.get(key)
            && term_values(current) == term_values(old)
        {
            proposal.remove_terms.push(current.id);
        }
    }
    plan_rules(baseline, live, &new_rules, &mut proposal);
    let patch = settings_patch(
        &json(&baseline.settings),
        &json(&live.settings),
        &json(settings),
    );
    proposal.settings = patch;
    proposal.remove_terms.sort_unstable();
    proposal
}

fn plan_rules(
    baseline: &FilterState,
    live: &FilterState,
    new_rules: &BTreeMap<String, &StoredRule>,
    proposal: &mut Proposal,
) {
    let old: BTreeMap<&str, &StoredRule> = baseline
        .rules
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    let current: BTreeMap<&str, &StoredRule> =
        live.rules.iter().map(|r| (r.name.as_str(), r)).collect();
    for (name, new) in new_rules {
        let before = old.get(name.as_str());
        if before.is_some_and(|b| rule_values(b) == rule_values(new)) {
            continue;
        }
        match (before, current.get(name.as_str())) {
            (None, None) => proposal.add_rules.push(rule_input(new)),
            (Some(b), Some(c)) if rule_values(b) == rule_values(c) => {
                proposal.remove_rules.push(c.id);
                proposal.add_rules.push(rule_input(new));
            }
            _ => {}
        }
    }
    for (name, b) in &old {
        if new_rules.contains_key(*name) {
            continue;
        }
        if let Some(c) = current.get(name)
            && rule_values(b) == rule_values(c)
        {
            proposal.remove_rules.push(c.id);
        }
    }
}

fn json(settings: &FilterSettings) -> Value {
    serde_json::to_value(settings).unwrap_or(Value::Null)
}

/// The settings the release changed (new ≠ baseline) that admins left alone
/// (live = baseline), as a partial object; None when there are none.
fn settings_patch(baseline: &Value, live: &Value, new: &Value) -> Option<Value> {
    match (baseline, live, new) {
        (Value::Object(b), Value::Object(l), Value::Object(n)) => {
            let mut out = Map::new();
            for (key, value) in n {
                let (b, l) = (b.get(key), l.get(key));
                let patch = match (b, l) {
                    // Replaced whole by a patch: compare whole.
                    _ if key == "category_actions" => {
                        (b != Some(value) && b == l).then(|| value.clone())
                    }
                    (Some(b), Some(l)) => settings_patch(b, l, value),
                    // A setting older releases did not have.
                    (None, None) => Some(value.clone()),
                    _ => None,
                };
                if let Some(patch) = patch {
                    out.insert(key.clone(), patch);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        (b, l, n) => (b != n && b == l).then(|| n.clone()),
    }
}

fn term_input(t: &StoredTerm) -> TermInput {
    TermInput {
        term: t.term.clone(),
        category: t.category,
        weight: t.weight,
        action: Some(t.action),
        mode: Some(t.mode),
        shadow: Some(t.shadow),
        enabled: Some(t.enabled),
        list: Some(t.list.clone()),
        language: Some(t.language),
        note: None,
    }
}

fn rule_input(r: &StoredRule) -> RuleInput {
    RuleInput {
        pattern: r.pattern.clone(),
        weight: r.weight,
        action: Some(r.action),
        target: Some(r.target),
        description: Some(r.description.clone()),
        shadow: Some(r.shadow),
        enabled: Some(r.enabled),
        name: Some(r.name.clone()),
        category: Some(r.category),
    }
}

/// A one-line account of a proposal.
pub fn describe(p: &Proposal) -> String {
    format!(
        "shipped word lists of raqib {}: {} terms added, {} removed, {} rules added, {} removed{}",
        env!("CARGO_PKG_VERSION"),
        p.add_terms.len(),
        p.remove_terms.len(),
        p.add_rules.len(),
        p.remove_rules.len(),
        if p.settings.is_some() {
            ", settings changed"
        } else {
            ""
        }
    )
}

/// What identifies one release's change to one baseline: the same change is offered
/// once, however often the service starts.
pub fn fingerprint(base_version: i64, release: &Proposal) -> String {
    let body = serde_json::to_value(release).unwrap_or(Value::Null);
    hex(&Sha256::digest(format!("{base_version}:{body}").as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
