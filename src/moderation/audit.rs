//! The audit log: one row for every change a person makes. Writing it never fails the
//! change it records: a failure is logged (and the change stands).

use crate::app::AppState;
use crate::store::accounts::AuditEntry;
use crate::store::now_ms;

/// Appends an audit row for `actor` doing `action` to `target`, with the state before
/// and after when the change has one.
pub async fn record(
    state: &AppState,
    actor: &str,
    action: &str,
    target: Option<String>,
    change: Option<(serde_json::Value, serde_json::Value)>,
) {
    let (before, after) = match change {
        Some((b, a)) => (Some(b), Some(a)),
        None => (None, None),
    };
    let entry = AuditEntry {
        at: now_ms(),
        actor: actor.to_string(),
        action: action.to_string(),
        target,
        before,
        after,
        reason: None,
    };
    if let Err(err) = state.store().append_audit(entry).await {
        tracing::error!(error = %err, action, "could not write the audit log");
    }
}
