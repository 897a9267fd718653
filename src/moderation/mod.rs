//! The workflow: what readers, moderators and admins do, one use case per file, each a
//! named sequence of steps over the store, knowing nothing of HTTP. Handlers parse the
//! request, call a use case and map its [`refusal::Refusal`] to their own answer.

pub mod accounts;
pub mod audit;
pub mod ban;
pub mod ban_preview;
pub mod candidates;
pub mod claim;
pub mod close;
pub mod decide;
pub mod privacy;
pub mod receipt;
pub mod refusal;
pub mod report;
pub mod retrain;
pub mod retrain_promote;
pub mod shipped;
pub mod sign_in;
pub mod submit;
pub mod tune;
pub mod tune_entry;
