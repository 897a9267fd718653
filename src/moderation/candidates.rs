//! Filter candidates: an admin lists them, promotes one (applied as one edit by that
//! admin, in force on every replica within a second like any other version) or dismisses
//! one (the filter stays as it is).

use crate::app::AppState;
use crate::store::StoreError;
use crate::store::candidates::FilterCandidate;
use crate::store::filters::{FilterEdit, FilterEdited, FilterState};
use crate::store::now_ms;
use crate::tuning::Proposal;

use super::refusal::Refusal;
use super::tune;

/// The newest candidates first.
pub async fn candidates(state: &AppState) -> Result<Vec<FilterCandidate>, Refusal> {
    Ok(state.store().list_filter_candidates(100).await?)
}

/// Applies an open candidate as one edit by `actor`. Entries the live filter no longer
/// has (an admin removed them since) are not removed again, and entries it has since
/// gained are not added twice; `Conflict` when the candidate is not open.
pub async fn promote(state: &AppState, id: i64, actor: &str) -> Result<FilterEdited, Refusal> {
    let candidate = open_candidate(state, id).await?;
    let live = tune::live_state(state).await?;
    let proposal: Proposal = serde_json::from_value(candidate.proposal.clone())
        .map_err(|e| Refusal::Store(StoreError::Database(format!("candidate {id}: {e}"))))?;
    let proposal = still_applicable(proposal, &live);
    let ops = proposal.ops(&live).map_err(proposal_refusal)?;
    let now = now_ms();
    if !state
        .store()
        .close_filter_candidate(id, "promoted", actor.to_string(), now, None)
        .await?
    {
        return Err(Refusal::Conflict { current: None });
    }
    let edit = FilterEdit {
        check_duplicates: false,
        ..tune::edit(
            actor,
            "filter.candidate.promote",
            format!("promoted candidate {id}: {}", candidate.summary),
            serde_json::json!({"candidate": id, "proposal": candidate.proposal}),
            ops,
        )
    };
    match tune::apply(state, edit).await {
        Ok(done) => {
            state
                .store()
                .set_filter_candidate_version(id, done.version)
                .await?;
            Ok(done)
        }
        Err(refusal) => {
            state.store().reopen_filter_candidate(id).await?;
            Err(refusal)
        }
    }
}

/// Closes an open candidate without applying it.
pub async fn dismiss(state: &AppState, id: i64, actor: &str) -> Result<(), Refusal> {
    open_candidate(state, id).await?;
    let closed = state
        .store()
        .close_filter_candidate(id, "dismissed", actor.to_string(), now_ms(), None)
        .await?;
    if closed {
        Ok(())
    } else {
        Err(Refusal::Conflict { current: None })
    }
}

async fn open_candidate(state: &AppState, id: i64) -> Result<FilterCandidate, Refusal> {
    let candidate = state
        .store()
        .filter_candidate(id)
        .await?
        .ok_or(Refusal::NotFound)?;
    if candidate.status != "open" {
        let current = serde_json::to_value(&candidate).ok();
        return Err(Refusal::Conflict { current });
    }
    Ok(candidate)
}

/// The proposal without removals of entries no longer live and additions of entries
/// (same list, category and key) or rules (same name) already live.
fn still_applicable(mut p: Proposal, live: &FilterState) -> Proposal {
    p.remove_terms
        .retain(|id| live.terms.iter().any(|t| t.id == *id));
    p.remove_rules
        .retain(|id| live.rules.iter().any(|r| r.id == *id));
    let removed = |id: i64| p.remove_terms.contains(&id);
    let kept: Vec<_> = p
        .add_terms
        .iter()
        .filter(|input| {
            let Ok(new) = crate::tuning::new_term(input) else {
                return true; // refused with its field named by `ops`
            };
            !live.terms.iter().any(|t| {
                !removed(t.id)
                    && t.list == new.list
                    && t.category == new.category
                    && t.key == new.key
            })
        })
        .cloned()
        .collect();
    let removed_rules = p.remove_rules.clone();
    p.add_rules.retain(|input| {
        let name = input.name.as_deref().unwrap_or_default();
        !live
            .rules
            .iter()
            .any(|r| r.name == name && !removed_rules.contains(&r.id))
    });
    p.add_terms = kept;
    p
}

fn proposal_refusal(errors: Vec<(String, String)>) -> Refusal {
    let mut fields = crate::domain::errors::FieldErrors::default();
    for (name, message) in errors {
        fields.add_detail(
            "proposal",
            crate::domain::errors::FieldCode::Invalid,
            format!("{name}: {message}"),
        );
    }
    Refusal::Invalid(fields)
}
