//! The filter's configuration as the store reads and writes it: terms, regex rules,
//! settings and their versions (see [`super::filters`] for how versions work). In a file
//! of its own so that `filters.rs` (the trait and the reads, which calls the edits) and
//! `filter_edit.rs` (the edits) can share them without an import cycle.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::filter::spec::MatchMode;
use crate::filter::{Action, Category, FilterSettings, Language, Target};

/// The `NOTIFY` channel of new filter versions.
pub const FILTER_CHANNEL: &str = "raqib_filter";

/// One word-list entry as stored (its id is stable across edits).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredTerm {
    pub id: i64,
    pub term: String,
    /// The normalized form it matches.
    pub key: String,
    /// The list it belongs to (`ar/insult`, `admin`), part of its hits' rule id.
    pub list: String,
    pub category: Category,
    #[schema(value_type = String)]
    pub language: Language,
    pub weight: f32,
    pub action: Action,
    #[serde(rename = "match")]
    #[schema(value_type = String)]
    pub mode: MatchMode,
    pub shadow: bool,
    pub enabled: bool,
    pub note: Option<String>,
    /// The version that last changed it.
    pub version: i64,
}

/// A regex rule as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredRule {
    pub id: i64,
    /// The name in its hits' rule id (`rule:<name>`).
    pub name: String,
    pub pattern: String,
    pub weight: f32,
    pub action: Action,
    #[schema(value_type = String)]
    pub target: Target,
    pub category: Category,
    pub description: String,
    pub shadow: bool,
    pub enabled: bool,
    pub version: i64,
}

/// A filter version's header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FilterVersion {
    pub version: i64,
    pub created_at: i64,
    pub created_by: String,
    pub summary: String,
    /// Term and rule rows this version opened (added or changed).
    pub opened: i64,
    /// Term and rule rows this version closed (removed or changed).
    pub closed: i64,
}

/// Everything a filter version holds.
#[derive(Clone, Debug)]
pub struct FilterState {
    pub version: i64,
    pub settings: FilterSettings,
    pub terms: Vec<StoredTerm>,
    pub rules: Vec<StoredRule>,
}

/// What one version changed, row by row.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionChanges {
    pub version: FilterVersion,
    pub terms_opened: Vec<StoredTerm>,
    pub terms_closed: Vec<StoredTerm>,
    pub rules_opened: Vec<StoredRule>,
    pub rules_closed: Vec<StoredRule>,
}

/// One step of an edit. `id`s are term or rule ids.
#[derive(Clone, Debug)]
pub enum FilterOp {
    AddTerm(StoredTerm),
    ReplaceTerm(i64, StoredTerm),
    RemoveTerm(i64),
    AddRule(StoredRule),
    ReplaceRule(i64, StoredRule),
    RemoveRule(i64),
    Settings(FilterSettings),
    /// Make the live state equal to an earlier version's.
    Restore(i64),
}

/// An admin's change: its steps, and what the audit log says about it.
#[derive(Clone, Debug)]
pub struct FilterEdit {
    pub by: String,
    pub now: i64,
    pub summary: String,
    /// The audit action (`filter.term.add`, …).
    pub action: String,
    pub detail: serde_json::Value,
    pub ops: Vec<FilterOp>,
    /// Refuse an added term whose category and key a live term has already. Seeding and
    /// imports (which sort out repeats themselves) skip the per-term query.
    pub check_duplicates: bool,
    /// Apply only when this is the current version (0: no version yet); else the edit
    /// fails with [`StoreError::Conflict`](super::error::StoreError::Conflict).
    pub if_current: Option<i64>,
}

/// The new version and the ids of what each add or replace step wrote, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterEdited {
    pub version: i64,
    pub ids: Vec<i64>,
}

/// Which live terms to list.
#[derive(Clone, Debug, Default)]
pub struct TermQuery {
    pub category: Option<Category>,
    pub list: Option<String>,
    /// A substring of the term or its normalized key.
    pub search: Option<String>,
    pub shadow: Option<bool>,
    pub enabled: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

/// A stored comment as the back-test replays it.
#[derive(Clone, Debug)]
pub struct ReplayComment {
    pub id: i64,
    pub article: String,
    pub name: String,
    pub email: String,
    pub body: String,
    pub status: crate::domain::Status,
    pub class: crate::domain::Class,
    /// A person (not the filter) decided its status.
    pub decided: bool,
    pub hits: String,
    pub created_at: i64,
}
