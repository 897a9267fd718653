//! The Arabic-aware spam and abuse filter: pure, synchronous, no I/O.
//!
//! A [`Filter`] is compiled once from word lists, regex rules and settings, then shared
//! (and swapped whole when an admin changes it). [`Filter::check`] reads a submission and
//! its [`Context`] and returns a [`Verdict`]: a class (`ok | hold | spam | block`), a
//! score, and the hits that explain it, each with a span in the text as submitted.

pub mod compiled;
pub mod features;
pub mod fingerprint;
pub mod guard;
pub mod input;
pub mod letters;
pub mod lexicon;
pub mod lists;
pub mod model;
pub mod models;
pub mod normalize;
pub mod rules;
pub mod score;
pub mod search;
pub mod settings;
#[cfg(test)]
mod shipped_cases;
pub mod signals;
pub mod spec;

pub use compiled::Filter;
pub use input::{Context, Input, Reputation};
pub use lists::{Source, WordLists};
pub use model::{Action, Category, Class, Field, Hit, Verdict};
pub use settings::{FilterSettings, ModelSettings};
pub use spec::{Language, ListSpec, RuleSpec, Target, TermSpec};
