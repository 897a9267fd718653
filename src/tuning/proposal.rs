//! A change not saved yet, applied in memory to judge text as if it were in force (the test
//! box and the back-test).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::store::filters::{FilterOp, FilterState};

use super::entries::{RuleInput, TermInput, merged_settings, new_rule, new_term};

/// A change an admin is considering: tested and back-tested before it is saved.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    #[serde(default)]
    pub add_terms: Vec<TermInput>,
    /// Ids of live terms to remove.
    #[serde(default)]
    pub remove_terms: Vec<i64>,
    #[serde(default)]
    pub add_rules: Vec<RuleInput>,
    /// Ids of live rules to remove.
    #[serde(default)]
    pub remove_rules: Vec<i64>,
    /// A partial settings object merged over the live settings.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

impl Proposal {
    pub fn is_empty(&self) -> bool {
        self.add_terms.is_empty()
            && self.remove_terms.is_empty()
            && self.add_rules.is_empty()
            && self.remove_rules.is_empty()
            && self.settings.is_none()
    }

    /// The live state with this change applied, in memory. Errors name the entry
    /// (`add_terms[2].term`).
    pub fn apply(&self, state: &FilterState) -> Result<FilterState, Vec<(String, String)>> {
        let mut next = state.clone();
        let mut errors = Vec::new();
        for id in &self.remove_terms {
            let before = next.terms.len();
            next.terms.retain(|t| t.id != *id);
            if next.terms.len() == before {
                errors.push((format!("remove_terms: {id}"), "no such live term".into()));
            }
        }
        for id in &self.remove_rules {
            let before = next.rules.len();
            next.rules.retain(|r| r.id != *id);
            if next.rules.len() == before {
                errors.push((format!("remove_rules: {id}"), "no such live rule".into()));
            }
        }
        for (i, input) in self.add_terms.iter().enumerate() {
            match new_term(input) {
                Ok(mut term) => {
                    term.id = -(i as i64) - 1;
                    next.terms.push(term);
                }
                Err(fields) => errors.extend(
                    fields
                        .0
                        .iter()
                        .map(|(f, e)| (format!("add_terms[{i}].{f}"), describe(e))),
                ),
            }
        }
        for (i, input) in self.add_rules.iter().enumerate() {
            match new_rule(input) {
                Ok(mut rule) => {
                    rule.id = -(i as i64) - 1;
                    next.rules.push(rule);
                }
                Err(fields) => errors.extend(
                    fields
                        .0
                        .iter()
                        .map(|(f, e)| (format!("add_rules[{i}].{f}"), describe(e))),
                ),
            }
        }
        if let Some(patch) = &self.settings {
            match merged_settings(&state.settings, patch) {
                Ok(settings) => next.settings = settings,
                Err(message) => errors.push(("settings".into(), message)),
            }
        }
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(errors)
        }
    }
}

impl Proposal {
    /// The steps that make this change to `state`, for one filter edit (checked as
    /// [`Proposal::apply`] checks it).
    pub fn ops(&self, state: &FilterState) -> Result<Vec<FilterOp>, Vec<(String, String)>> {
        let next = self.apply(state)?;
        let mut ops: Vec<FilterOp> = Vec::new();
        ops.extend(self.remove_terms.iter().map(|&id| FilterOp::RemoveTerm(id)));
        ops.extend(self.remove_rules.iter().map(|&id| FilterOp::RemoveRule(id)));
        // `apply` gave the added entries negative ids; the store gives them real ones.
        ops.extend(
            next.terms.iter().filter(|t| t.id < 0).map(|t| {
                FilterOp::AddTerm(crate::store::filters::StoredTerm { id: 0, ..t.clone() })
            }),
        );
        ops.extend(
            next.rules.iter().filter(|r| r.id < 0).map(|r| {
                FilterOp::AddRule(crate::store::filters::StoredRule { id: 0, ..r.clone() })
            }),
        );
        if self.settings.is_some() {
            ops.push(FilterOp::Settings(next.settings));
        }
        Ok(ops)
    }
}

fn describe(error: &crate::domain::errors::FieldError) -> String {
    error
        .detail
        .clone()
        .unwrap_or_else(|| error.code.as_str().to_string())
}
