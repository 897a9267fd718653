//! An admin (or the daily run) retrains the learned models on this site's decisions: the
//! decided comments become labelled examples, the newest are held back, the shipped
//! models are retrained on the rest, and the result is offered as a filter candidate
//! with a report: the live version against the candidate on the held-back decisions.
//! Promoting it (by an admin, or by [`super::retrain_promote`] when asked and earned) makes
//! a new filter version like any other change.

use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::filter::models::{LinearModel, Models};
use crate::filter::{Context, Filter, Input, ModelSettings};
use crate::learning::decisions::{self, Decision, MixShift, Weighing};
use crate::learning::retrain::{Figures, FineTune};
use crate::learning::site::{SiteModels, train_for_site};
use crate::learning::stack::Label;
use crate::store::candidates::NewCandidate;
use crate::store::filters::FilterState;
use crate::store::now_ms;
use crate::tuning::models::hash_of;

use super::refusal::Refusal;
use super::tune;

/// Where a candidate made by retraining comes from.
pub const SOURCE: &str = "model";

/// What a retraining found, kept with its candidate.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TrainingReport {
    /// Decided comments read (the newest `model.max_decisions`).
    pub decisions: usize,
    pub trained_on: usize,
    pub held_back: usize,
    /// The live version on the held-back decisions.
    #[schema(value_type = Object)]
    pub before: Figures,
    /// The candidate on the same decisions.
    #[schema(value_type = Object)]
    pub after: Figures,
    /// `after.merit − before.merit` (abuse caught + spam caught − civil held).
    pub gain: f64,
    /// Moderators whose decision mix changed suddenly (a possible poisoning).
    #[schema(value_type = Vec<Object>)]
    pub mix_shifts: Vec<MixShift>,
    pub abuse_model: Option<String>,
    pub spam_model: Option<String>,
    /// The live version it was made against.
    pub base_version: i64,
    /// Seconds spent training and evaluating.
    pub seconds: f64,
}

/// A retraining's outcome.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Retrained {
    pub candidate: i64,
    pub report: TrainingReport,
}

/// Reports how far along it is: (share done, what it does now).
pub type Progress<'a> = &'a (dyn Fn(f64, &'static str) + Send + Sync);

/// Retrains the models and records the candidate.
pub async fn retrain(state: &AppState, progress: Progress<'_>) -> Result<Retrained, Refusal> {
    let config = state.config().model.clone();
    progress(0.05, "reading decisions");
    let decided = read_decisions(state, config.max_decisions, &config.not_abuse_reasons).await?;
    too_few(decided.len(), config.min_decisions)?;
    let now = now_ms();
    let mix_shifts = decisions::mix_shifts(&decided, now);
    let count = decided.len();
    let split = decisions::split(
        decided,
        Weighing {
            holdout: config.holdout,
            author_cap: config.author_cap,
            half_life_days: config.half_life_days,
            now,
        },
    );
    let live = tune::live_state(state).await?;
    let base_version = live.version;
    let live_filter = live_filter(state, &live).await?;
    let live_models =
        crate::tuning::models::models_for(state.store().as_ref(), &live.settings.models)
            .await
            .map_err(internal)?;
    progress(0.2, "training");
    let started = std::time::Instant::now();
    let (trained_on, held_back) = (split.train.len(), split.held.len());
    let tune = FineTune {
        epochs: config.epochs.clamp(1, 50),
        rate: config.learning_rate,
        prior: config.prior,
    };
    let (site, candidate, held) = tokio::task::spawn_blocking(move || {
        let rules = rules_only(&live)?;
        let rule_hits = |body: &str| {
            let input = Input {
                body,
                ..Default::default()
            };
            rules.check(&input, &Context::default()).hits
        };
        let site = train_for_site(
            Models::shipped(),
            &split.train,
            tune,
            (&live.settings, &live_models),
            &rule_hits,
        );
        let candidate = candidate_filter(&live, &live_models, &site)?;
        Ok::<_, String>((site, candidate, split.held))
    })
    .await
    .map_err(|e| internal(format!("training task: {e}")))?
    .map_err(internal)?;
    let SiteModels {
        abuse,
        spam,
        settings: numbers,
    } = site;
    progress(0.8, "evaluating");
    let (before, after) = tokio::task::spawn_blocking(move || {
        (figures(&live_filter, &held), figures(&candidate, &held))
    })
    .await
    .map_err(|e| internal(format!("evaluation task: {e}")))?;
    progress(0.9, "storing");
    let report = TrainingReport {
        decisions: count,
        trained_on,
        held_back,
        gain: after.merit() - before.merit(),
        before,
        after,
        mix_shifts,
        abuse_model: abuse.as_ref().map(hash_of),
        spam_model: spam.as_ref().map(hash_of),
        base_version,
        seconds: started.elapsed().as_secs_f64(),
    };
    let candidate = record(state, [abuse, spam], &numbers, &report).await?;
    Ok(Retrained { candidate, report })
}

/// Refuses before any work when the site has too few decided comments.
pub async fn enough_decisions(state: &AppState) -> Result<(), Refusal> {
    let least = state.config().model.min_decisions;
    let count = state
        .store()
        .decided_count(i64::try_from(least).unwrap_or(i64::MAX))
        .await?;
    too_few(usize::try_from(count).unwrap_or(0), least)
}

fn too_few(count: usize, least: usize) -> Result<(), Refusal> {
    if count >= least {
        return Ok(());
    }
    let mut errors = FieldErrors::default();
    errors.add_detail(
        "decisions",
        FieldCode::Invalid,
        format!("{count} decided comments; training needs at least {least} (model.min_decisions)"),
    );
    Err(Refusal::Invalid(errors))
}

/// The decided comments as decisions, newest first (reasons in `not_abuse` teach nothing).
async fn read_decisions(
    state: &AppState,
    limit: usize,
    not_abuse: &[String],
) -> Result<Vec<Decision>, Refusal> {
    let rows = state
        .store()
        .decided_comments(i64::try_from(limit).unwrap_or(i64::MAX))
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let label = decisions::label_of(&row.status, row.reason_code.as_deref(), not_abuse)?;
            Some(Decision {
                body: row.body,
                label,
                author: row.email_hash,
                moderator: row.decided_by,
                at: row.decided_at,
            })
        })
        .collect())
}

/// The filter in force for `live` (compiled again when another replica moved on).
async fn live_filter(state: &AppState, live: &FilterState) -> Result<Arc<Filter>, Refusal> {
    if state.live_filter().version() == live.version {
        return Ok(state.live_filter().filter());
    }
    crate::tuning::compile_stored(state.store().as_ref(), live.clone())
        .await
        .map(Arc::new)
        .map_err(internal)
}

/// The live version with the site's models and numbers in it.
fn candidate_filter(
    live: &FilterState,
    live_models: &Models,
    site: &SiteModels,
) -> Result<Filter, String> {
    let mut state = live.clone();
    state.settings.models = site.settings.clone();
    if let Some(abuse) = &site.abuse {
        state.settings.models.abuse_model = Some(hash_of(abuse));
    }
    if let Some(spam) = &site.spam {
        state.settings.models.spam_model = Some(hash_of(spam));
    }
    let models = Models::new(
        site.abuse.clone().or_else(|| live_models.abuse.clone()),
        site.spam.clone().or_else(|| live_models.spam.clone()),
    );
    crate::tuning::versions::compile_with(&state, Arc::new(models))
}

/// The live version's rule layer alone (its models off).
fn rules_only(live: &FilterState) -> Result<Filter, String> {
    let mut state = live.clone();
    state.settings.signals.abuse_model = 0.0;
    crate::tuning::versions::compile(&state)
}

/// How `filter` judges the held-back decisions (the text alone: no history or timing,
/// the same for both filters compared).
fn figures(filter: &Filter, held: &[Decision]) -> Figures {
    let pairs: Vec<(Label, crate::domain::Class)> = held
        .iter()
        .map(|d| {
            let input = Input {
                body: &d.body,
                ..Default::default()
            };
            (d.label, filter.check(&input, &Context::default()).class)
        })
        .collect();
    Figures::of(&pairs)
}

/// Stores the models and the candidate that would put them in force.
async fn record(
    state: &AppState,
    models: [Option<LinearModel>; 2],
    numbers: &ModelSettings,
    report: &TrainingReport,
) -> Result<i64, Refusal> {
    let now = now_ms();
    let detail = serde_json::json!({
        "trained_on": report.trained_on,
        "base_version": report.base_version,
    });
    for model in models.iter().flatten() {
        state
            .store()
            .put_model(
                hash_of(model),
                model.family.as_str(),
                model.to_bytes(),
                detail.clone(),
                now,
            )
            .await?;
    }
    let mut settings = serde_json::Map::new();
    for (key, numbers) in [("abuse", &numbers.abuse), ("spam", &numbers.spam)] {
        settings.insert(
            key.into(),
            serde_json::to_value(numbers).unwrap_or_default(),
        );
    }
    for (key, hash) in [
        ("abuse_model", &report.abuse_model),
        ("spam_model", &report.spam_model),
    ] {
        if let Some(hash) = hash {
            settings.insert(key.into(), hash.clone().into());
        }
    }
    let proposal = serde_json::json!({"settings": {"models": settings}});
    let candidate = NewCandidate {
        now,
        source: SOURCE.into(),
        fingerprint: format!(
            "model:{now}:{}",
            report.abuse_model.as_deref().unwrap_or("")
        ),
        base_version: report.base_version,
        summary: summary(report),
        proposal,
        status: "open".into(),
        decided_by: None,
        version: None,
        report: serde_json::to_value(report).ok(),
    };
    state
        .store()
        .add_filter_candidate(candidate)
        .await?
        .ok_or_else(|| internal("a candidate with that fingerprint exists".into()))
}

/// One line for the versions list: the models and what they did on the held-back part.
pub fn summary(report: &TrainingReport) -> String {
    let short = |h: &Option<String>| {
        h.as_deref()
            .map_or("shipped".to_string(), |h| h[..8].to_string())
    };
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    format!(
        "models retrained on {} decisions (abuse {}, spam {}); on {} held back: abuse caught {} → {}, spam caught {} → {}, civil held {} → {}",
        report.trained_on,
        short(&report.abuse_model),
        short(&report.spam_model),
        report.held_back,
        pct(report.before.abuse_recall),
        pct(report.after.abuse_recall),
        pct(report.before.spam_recall),
        pct(report.after.spam_recall),
        pct(report.before.civil_held),
        pct(report.after.civil_held),
    )
}

fn internal(message: String) -> Refusal {
    Refusal::Store(crate::store::StoreError::Database(message))
}
