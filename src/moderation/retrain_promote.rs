//! A retraining that promotes its candidate by itself (`raqib model train --promote`, the
//! daily run): only when the candidate beats the live version on the held-back decisions
//! by `model.promote_margin` and holds no more civil comments. Either way the audit log
//! says what was decided and why; a candidate not promoted is dismissed (an admin can
//! train again and promote by hand).

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;

use super::audit;
use super::candidates;
use super::refusal::Refusal;
use super::retrain::{Progress, Retrained, TrainingReport, retrain};

/// A retraining and what became of its candidate.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Judged {
    #[serde(flatten)]
    pub retrained: Retrained,
    /// The filter version the promotion made.
    pub promoted: Option<i64>,
    /// Why it was or was not promoted.
    pub why: String,
}

/// Retrains; with `promote`, promotes the candidate when it earns it.
pub async fn train_and_judge(
    state: &AppState,
    actor: &str,
    promote: bool,
    progress: Progress<'_>,
) -> Result<Judged, Refusal> {
    let retrained = retrain(state, progress).await?;
    if !promote {
        return Ok(Judged {
            retrained,
            promoted: None,
            why: "not asked to promote: the candidate waits for an admin".into(),
        });
    }
    let id = retrained.candidate;
    let margin = state.config().model.promote_margin;
    let detail = serde_json::to_value(&retrained.report).unwrap_or_default();
    let target = Some(format!("candidate:{id}"));
    match earned(&retrained.report, margin) {
        Ok(why) => {
            let done = candidates::promote(state, id, actor).await?;
            let after = serde_json::json!({"version": done.version, "why": why, "report": detail});
            audit::record(
                state,
                actor,
                "filter.model.promote",
                target,
                Some((serde_json::Value::Null, after)),
            )
            .await;
            Ok(Judged {
                retrained,
                promoted: Some(done.version),
                why,
            })
        }
        Err(why) => {
            candidates::dismiss(state, id, actor).await?;
            let after = serde_json::json!({"why": why, "report": detail});
            audit::record(
                state,
                actor,
                "filter.model.refuse",
                target,
                Some((serde_json::Value::Null, after)),
            )
            .await;
            Ok(Judged {
                retrained,
                promoted: None,
                why,
            })
        }
    }
}

/// Whether a candidate earns promotion, and why (or why not).
pub fn earned(report: &TrainingReport, margin: f64) -> Result<String, String> {
    let (before, after) = (&report.before, &report.after);
    if after.civil_held > before.civil_held {
        return Err(format!(
            "it would hold more civil comments ({:.1}% against {:.1}% on {} held back)",
            100.0 * after.civil_held,
            100.0 * before.civil_held,
            report.held_back
        ));
    }
    if report.gain < margin {
        return Err(format!(
            "its gain {:.3} (abuse caught + spam caught − civil held) is below the margin {margin}",
            report.gain
        ));
    }
    Ok(format!(
        "it gains {:.3} (abuse caught + spam caught − civil held) on {} held back, holding no more civil comments",
        report.gain, report.held_back
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learning::retrain::Figures;

    fn report(before: (f64, f64), after: (f64, f64)) -> TrainingReport {
        let figures = |(abuse_recall, civil_held): (f64, f64)| Figures {
            civil: 100,
            abuse: 50,
            abuse_recall,
            civil_held,
            ..Default::default()
        };
        let (before, after) = (figures(before), figures(after));
        TrainingReport {
            decisions: 500,
            trained_on: 400,
            held_back: 100,
            gain: after.merit() - before.merit(),
            before,
            after,
            mix_shifts: Vec::new(),
            abuse_model: None,
            spam_model: None,
            base_version: 1,
            seconds: 0.0,
        }
    }

    #[test]
    fn a_candidate_is_promoted_only_when_it_gains_enough_and_holds_no_more_civil_comments() {
        assert!(earned(&report((0.6, 0.10), (0.7, 0.10)), 0.01).is_ok());
        let more_held = earned(&report((0.6, 0.10), (0.9, 0.11)), 0.01).unwrap_err();
        assert!(more_held.contains("more civil comments"), "{more_held}");
        let too_little = earned(&report((0.6, 0.10), (0.605, 0.10)), 0.01).unwrap_err();
        assert!(too_little.contains("below the margin"), "{too_little}");
    }
}
