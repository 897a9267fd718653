//! An admin adds, changes or removes one entry of the filter: a term or a regex rule.
//! Both go the same way (check, describe, one edit that makes a new version, read the
//! entry back as stored), so the steps are written once over [`Entry`].

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde_json::json;

use crate::app::AppState;
use crate::domain::errors::FieldErrors;
use crate::store::filters::{FilterOp, StoredRule, StoredTerm};
use crate::store::{Store, StoreError, StoreResult};
use crate::tuning::{self, RuleInput, RulePatch, TermInput, TermPatch};

use super::refusal::Refusal;
use super::tune;

type Live<'a, E> = Pin<Box<dyn Future<Output = StoreResult<Option<E>>> + Send + 'a>>;

/// A kind of filter entry an admin edits one at a time.
pub trait Entry: Serialize + Sized + Send + Sync {
    /// What the admin sends to add one.
    type Input;
    /// What the admin sends to change one.
    type Patch;
    /// `term` or `rule`: the audit action's middle word and the detail's key.
    const NOUN: &'static str;

    /// The live entry with this id, when there is one.
    fn live(store: &dyn Store, id: i64) -> Live<'_, Self>;
    /// A new entry from the admin's input, every bad field named.
    fn create(input: &Self::Input) -> Result<Self, FieldErrors>;
    /// This entry with the admin's change, every bad field named.
    fn patched(&self, patch: &Self::Patch) -> Result<Self, FieldErrors>;
    /// The version list's line for `verb` (`added`, `changed`, `removed`) done to it.
    fn summary(&self, verb: &str) -> String;
    fn add_op(self) -> FilterOp;
    fn replace_op(id: i64, next: Self) -> FilterOp;
    fn remove_op(id: i64) -> FilterOp;
}

/// An entry as stored after a change, and the filter version the change made.
pub struct Changed<E> {
    pub entry: E,
    pub version: i64,
}

/// Adds an entry.
pub async fn add<E: Entry>(
    state: &AppState,
    actor: &str,
    input: &E::Input,
) -> Result<Changed<E>, Refusal> {
    let entry = E::create(input)?;
    let summary = entry.summary("added");
    let detail = json!({ E::NOUN: &entry });
    let edit = tune::edit(
        actor,
        &action::<E>("add"),
        summary,
        detail,
        vec![entry.add_op()],
    );
    let done = tune::apply(state, edit).await?;
    let id = done
        .ids
        .first()
        .copied()
        .ok_or_else(|| written(E::NOUN, None))?;
    stored(state, id, done.version).await
}

/// Changes an entry; `NotFound` when there is no live one with this id.
pub async fn change<E: Entry>(
    state: &AppState,
    actor: &str,
    id: i64,
    patch: &E::Patch,
) -> Result<Changed<E>, Refusal> {
    let current = E::live(state.store().as_ref(), id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let next = current.patched(patch)?;
    let summary = current.summary("changed");
    let detail = json!({"before": &current, "after": &next});
    let ops = vec![E::replace_op(id, next)];
    let edit = tune::edit(actor, &action::<E>("change"), summary, detail, ops);
    let done = tune::apply(state, edit).await?;
    stored(state, id, done.version).await
}

/// Removes an entry (it stays in earlier versions); returns the version that made.
pub async fn remove<E: Entry>(state: &AppState, actor: &str, id: i64) -> Result<i64, Refusal> {
    let current = E::live(state.store().as_ref(), id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let summary = current.summary("removed");
    let detail = json!({"before": &current});
    let ops = vec![E::remove_op(id)];
    let edit = tune::edit(actor, &action::<E>("remove"), summary, detail, ops);
    Ok(tune::apply(state, edit).await?.version)
}

/// The audit action of `verb` done to an entry: `filter.term.add` …
fn action<E: Entry>(verb: &str) -> String {
    format!("filter.{}.{verb}", E::NOUN)
}

/// The entry as the edit stored it.
async fn stored<E: Entry>(state: &AppState, id: i64, version: i64) -> Result<Changed<E>, Refusal> {
    let entry = E::live(state.store().as_ref(), id)
        .await?
        .ok_or_else(|| written(E::NOUN, Some(id)))?;
    Ok(Changed { entry, version })
}

/// The store did not give back what it was asked to write.
fn written(noun: &str, id: Option<i64>) -> Refusal {
    let what = match id {
        Some(id) => format!("{noun} {id} missing after writing it"),
        None => format!("no {noun} id written"),
    };
    Refusal::Store(StoreError::Database(what))
}

impl Entry for StoredTerm {
    type Input = TermInput;
    type Patch = TermPatch;
    const NOUN: &'static str = "term";

    fn live(store: &dyn Store, id: i64) -> Live<'_, Self> {
        Box::pin(store.live_term(id))
    }

    fn create(input: &TermInput) -> Result<Self, FieldErrors> {
        tuning::new_term(input)
    }

    fn patched(&self, patch: &TermPatch) -> Result<Self, FieldErrors> {
        tuning::patched_term(self, patch)
    }

    fn summary(&self, verb: &str) -> String {
        let (term, category) = (&self.term, self.category.as_str());
        match verb {
            "added" => format!("term added: «{term}» ({category}, weight {})", self.weight),
            "removed" => format!("term removed: «{term}» ({category})"),
            _ => format!("term {verb}: «{term}»"),
        }
    }

    fn add_op(self) -> FilterOp {
        FilterOp::AddTerm(self)
    }

    fn replace_op(id: i64, next: Self) -> FilterOp {
        FilterOp::ReplaceTerm(id, next)
    }

    fn remove_op(id: i64) -> FilterOp {
        FilterOp::RemoveTerm(id)
    }
}

impl Entry for StoredRule {
    type Input = RuleInput;
    type Patch = RulePatch;
    const NOUN: &'static str = "rule";

    fn live(store: &dyn Store, id: i64) -> Live<'_, Self> {
        Box::pin(store.live_rule(id))
    }

    fn create(input: &RuleInput) -> Result<Self, FieldErrors> {
        tuning::new_rule(input)
    }

    fn patched(&self, patch: &RulePatch) -> Result<Self, FieldErrors> {
        tuning::patched_rule(self, patch)
    }

    fn summary(&self, verb: &str) -> String {
        match verb {
            "added" => format!("rule added: {} /{}/", self.name, self.pattern),
            _ => format!("rule {verb}: {}", self.name),
        }
    }

    fn add_op(self) -> FilterOp {
        FilterOp::AddRule(self)
    }

    fn replace_op(id: i64, next: Self) -> FilterOp {
        FilterOp::ReplaceRule(id, next)
    }

    fn remove_op(id: i64) -> FilterOp {
        FilterOp::RemoveRule(id)
    }
}
