//! An admin changes the filter: every change (a term, a rule, the settings, an import, a
//! restore) is one edit that makes a new filter version, audited in the same
//! transaction, in force on this replica before the answer and on the others within a
//! second.

use std::collections::HashSet;

use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::filter::{Category, ModelSettings};
use crate::store::filters::{FilterEdit, FilterEdited, FilterOp, FilterState, StoredTerm};
use crate::store::{StoreError, now_ms};
use crate::tuning::import::LineError;
use crate::tuning::{self, TermInput};

use super::refusal::Refusal;

/// Bad import lines named in one answer at most.
const MAX_LINE_ERRORS: usize = 50;

/// The filter version in force, with its terms, rules and settings. The database always
/// holds one (it is seeded at start), so its absence is a store failure.
pub async fn live_state(state: &AppState) -> Result<FilterState, Refusal> {
    state.store().filter_state(None).await?.ok_or_else(|| {
        Refusal::Store(StoreError::Database(
            "no filter version in the database".into(),
        ))
    })
}

/// One change by `actor` as the version list and the audit log record it.
pub fn edit(
    actor: &str,
    action: &str,
    summary: String,
    detail: serde_json::Value,
    ops: Vec<FilterOp>,
) -> FilterEdit {
    FilterEdit {
        by: actor.to_string(),
        now: now_ms(),
        summary,
        action: action.to_string(),
        detail,
        ops,
        check_duplicates: true,
        if_current: None,
    }
}

/// Stores an edit, then puts the new version in force on this replica. A duplicate is
/// named on the field that makes it one: a rule's `name`, a term's `term`; settings that
/// name a model the database does not hold are refused before anything is stored (no
/// replica could load that version).
pub async fn apply(state: &AppState, edit: FilterEdit) -> Result<FilterEdited, Refusal> {
    for op in &edit.ops {
        if let FilterOp::Settings(settings) = op {
            models_stored(state, &settings.models).await?;
        }
    }
    let field = if edit.action.starts_with("filter.rule") {
        "name"
    } else {
        "term"
    };
    let done = state
        .store()
        .apply_filter_edit(edit)
        .await
        .map_err(|err| match err {
            StoreError::Duplicate(what) => {
                let mut errors = FieldErrors::default();
                errors.add_detail(field, FieldCode::Duplicate, what);
                Refusal::Invalid(errors)
            }
            other => other.into(),
        })?;
    state.refresh_filter().await?;
    Ok(done)
}

/// Refuses settings whose model hashes name no stored model.
async fn models_stored(state: &AppState, models: &ModelSettings) -> Result<(), Refusal> {
    let named = [
        ("models.abuse_model", &models.abuse_model),
        ("models.spam_model", &models.spam_model),
    ];
    let mut errors = FieldErrors::default();
    for (field, hash) in named {
        let Some(hash) = hash else { continue };
        if !state.store().has_model(hash).await? {
            errors.add_detail(
                field,
                FieldCode::Invalid,
                format!("no stored model has the hash {hash:?}"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Invalid(errors))
    }
}

/// The terms of an import that are new: each line checked like a single term, lines the
/// live filter (or an earlier line) has already skipped and counted. All or nothing: any
/// bad line refuses the whole import, each bad line named in `lines`.
pub fn new_terms(
    live: &[StoredTerm],
    parsed: Vec<(usize, TermInput)>,
    mut line_errors: Vec<LineError>,
) -> Result<(Vec<StoredTerm>, usize), Refusal> {
    let mut known: HashSet<(Category, String)> =
        live.iter().map(|t| (t.category, t.key.clone())).collect();
    let mut terms = Vec::new();
    let mut skipped = 0;
    for (line, input) in parsed {
        match tuning::new_term(&input) {
            Ok(term) if known.insert((term.category, term.key.clone())) => terms.push(term),
            Ok(_) => skipped += 1,
            Err(fields) => line_errors.extend(fields.0.iter().map(|(field, e)| LineError {
                line,
                message: format!(
                    "{field}: {}",
                    e.detail.clone().unwrap_or_else(|| e.code.as_str().into())
                ),
            })),
        }
    }
    if !line_errors.is_empty() {
        line_errors.sort_by_key(|e| e.line);
        let detail = line_errors
            .iter()
            .take(MAX_LINE_ERRORS)
            .map(|e| format!("line {}: {}", e.line, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut errors = FieldErrors::default();
        errors.add_detail("lines", FieldCode::Invalid, detail);
        return Err(Refusal::Invalid(errors));
    }
    Ok((terms, skipped))
}
