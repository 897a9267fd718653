//! An admin adds, changes or removes one entry of the filter: a term or a regex rule.
//! Both go the same way (check, describe, one edit that makes a new version), so the
//! steps are written once over [`Entry`]. The answer is the entry as the edit's own
//! transaction wrote it, never a second read after it: another admin's change could
//! land between the two (a removal made such a read find nothing: a 500).

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
pub trait Entry: Clone + Serialize + Sized + Send + Sync {
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
    /// This entry as the edit stored it: with its id and the version that wrote it.
    fn stored_as(self, id: i64, version: i64) -> Self;
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
    let ops = vec![entry.clone().add_op()];
    let edit = tune::edit(actor, &action::<E>("add"), summary, detail, ops);
    let done = tune::apply(state, edit).await?;
    let id = done.ids.first().copied().ok_or_else(|| written(E::NOUN))?;
    Ok(Changed {
        entry: entry.stored_as(id, done.version),
        version: done.version,
    })
}

/// Changes an entry; `NotFound` when there is no live one with this id (also when it is
/// removed between reading it and storing the change: the store checks inside the
/// edit's transaction).
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
    let ops = vec![E::replace_op(id, next.clone())];
    let edit = tune::edit(actor, &action::<E>("change"), summary, detail, ops);
    let done = tune::apply(state, edit).await?;
    Ok(Changed {
        entry: next.stored_as(id, done.version),
        version: done.version,
    })
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

/// The store did not give back the id of what it was asked to add.
fn written(noun: &str) -> Refusal {
    Refusal::Store(StoreError::Database(format!("no {noun} id written")))
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

    fn stored_as(self, id: i64, version: i64) -> Self {
        StoredTerm {
            id,
            version,
            ..self
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

    fn stored_as(self, id: i64, version: i64) -> Self {
        StoredRule {
            id,
            version,
            ..self
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
