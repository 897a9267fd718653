//! Newer shipped word lists reaching an existing database (the change itself is worked
//! out in `tuning::upgrade`).
//!
//! At start, after the seeding: a database whose every filter version the service made
//! itself gets the change as a new version (audited, restorable like any other); one that
//! admins have changed keeps its version and gets the change as a candidate to back-test
//! and promote (`moderation::candidates`). Needs only the store: it runs before the app
//! state exists.

use std::sync::Arc;

use crate::filter::{FilterSettings, WordLists};
use crate::store::candidates::{NewCandidate, SHIPPED};
use crate::store::filters::FilterEdit;
use crate::store::{Store, StoreError, StoreResult};
use crate::tuning::upgrade::{describe, fingerprint, plan};

/// Who the service's own versions are made by.
pub const SYSTEM: &str = "system";

/// What happened to the shipped lists at start.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The live filter already has what the shipped lists hold.
    UpToDate,
    /// Applied as this new version (nobody had changed the filter).
    Applied(i64),
    /// Offered to admins as this candidate.
    Offered(i64),
    /// Offered or applied before.
    AlreadyOffered,
}

/// Brings the shipped lists to the database at start (see the module doc). Runs after
/// the seeding, before the live filter is compiled.
pub async fn bring_shipped(
    store: &Arc<dyn Store>,
    shipped: &WordLists,
    settings: &FilterSettings,
    now: i64,
) -> StoreResult<Outcome> {
    let Some(live) = store.filter_state(None).await? else {
        return Ok(Outcome::UpToDate);
    };
    let (first, by_others) = store.filter_history(SYSTEM).await?;
    let untouched = by_others == 0;
    // The baseline: the shipped lists as they last reached this database, exactly (the
    // seed, or the last upgrade the service applied by itself). A promoted candidate is
    // mixed with admins' changes, so it is not one: measured from the older baseline,
    // what it already brought is live and drops out of the next change.
    let base_version = match store.last_shipped_version().await? {
        Some(version) => version,
        None => first.unwrap_or(live.version),
    };
    let Some(baseline) = store.filter_state(Some(base_version)).await? else {
        return Ok(Outcome::UpToDate);
    };
    // What the release changes, whatever admins did since: offered once.
    let release = plan(&baseline, &baseline, shipped, settings);
    let proposal = plan(&baseline, &live, shipped, settings);
    if release.is_empty() || proposal.is_empty() {
        return Ok(Outcome::UpToDate);
    }
    let fingerprint = fingerprint(base_version, &release);
    let body = serde_json::to_value(&proposal).unwrap_or(serde_json::Value::Null);
    let summary = describe(&proposal);
    let record = |status: &str, version: Option<i64>| NewCandidate {
        now,
        source: SHIPPED.into(),
        fingerprint: fingerprint.clone(),
        base_version: live.version,
        summary: summary.clone(),
        proposal: body.clone(),
        status: status.into(),
        decided_by: version.map(|_| SYSTEM.to_string()),
        version,
        report: None,
    };
    if !untouched {
        return Ok(
            match store.add_filter_candidate(record("open", None)).await? {
                Some(id) => Outcome::Offered(id),
                None => Outcome::AlreadyOffered,
            },
        );
    }
    let ops = match proposal.ops(&live) {
        Ok(ops) => ops,
        Err(errors) => {
            // The shipped lists are checked by a unit test; a list directory an operator
            // edited by hand may still hold an entry the API would refuse.
            tracing::warn!(
                ?errors,
                "the shipped word lists do not apply; the filter is unchanged"
            );
            return Ok(Outcome::UpToDate);
        }
    };
    let edit = FilterEdit {
        by: SYSTEM.into(),
        now,
        summary: summary.clone(),
        action: "filter.upgrade".into(),
        detail: serde_json::json!({"from_version": live.version, "proposal": body.clone()}),
        ops,
        check_duplicates: false,
        if_current: Some(live.version),
    };
    let version = match store.apply_filter_edit(edit).await {
        Ok(done) => done.version,
        // Another replica applied it first.
        Err(StoreError::Conflict) => return Ok(Outcome::AlreadyOffered),
        Err(err) => return Err(err),
    };
    store
        .add_filter_candidate(record("applied", Some(version)))
        .await?;
    Ok(Outcome::Applied(version))
}
