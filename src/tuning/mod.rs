//! Admins tuning the filter: the stored configuration turned into a compiled [`Filter`],
//! the first version seeded from `wordlists/` and the config, admins' terms and rules
//! checked before they are stored, and proposals (a change not saved yet) applied in
//! memory for the test box and the back-test.
//!
//! Nothing here touches HTTP or SQL: the handlers read and write through the store and
//! call these functions.

pub mod backtest;
pub mod entries;
pub mod import;
pub mod model_stats;
pub mod models;
pub mod proposal;
pub mod stats;
pub mod upgrade;
pub mod versions;

pub use entries::{
    RuleInput, RulePatch, TermInput, TermPatch, merged_settings, new_rule, new_term, patched_rule,
    patched_term,
};
pub use models::compile_stored;
pub use proposal::Proposal;
pub use versions::{compile, seed_edit};
