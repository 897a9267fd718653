//! What the filter reads: the fields of a submission and what the caller knows around it.

use super::fingerprint::RecentComments;

/// The fields of a submission the filter reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct Input<'a> {
    pub body: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub website: Option<&'a str>,
}

/// What the caller knows around the submission. Everything is optional: the default is
/// a neutral context (no history, no timing).
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Milliseconds between serving the form and the submission (from the form token).
    pub elapsed_ms: Option<u64>,
    pub reputation: Reputation,
    /// Fingerprints of recent comments, for near-duplicates (none: the signal is off).
    pub recent: Option<std::sync::Arc<RecentComments>>,
    /// Who is submitting (keyed hash of the canonical email), to tell own repeats apart.
    pub author: Option<String>,
    /// The article is receiving a flood of comments.
    pub flood: bool,
}

/// An author's history (same canonical email or IP).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reputation {
    pub approved: u32,
    pub rejected: u32,
    pub spam: u32,
}
