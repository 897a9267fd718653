//! A filter version's learned models: the shipped ones, or the site's own, named by
//! content hash in the version's settings (`models.abuse_model`, `models.spam_model`).
//! A model is read from the store once per process and shared by every filter version
//! that names it: a term edit makes a new version but loads nothing again.

use std::sync::{Arc, LazyLock, Mutex};

use sha2::{Digest, Sha256};

use crate::filter::models::{Family, LinearModel, Models};
use crate::filter::{Filter, ModelSettings};
use crate::store::Store;
use crate::store::filters::FilterState;

/// Model pairs kept in memory: the live version's, a candidate's, and a few more.
const KEPT: usize = 4;

type PairKey = (Option<String>, Option<String>);

/// The pairs loaded, oldest first.
type Loaded = Vec<(PairKey, Arc<Models>)>;

static LOADED: LazyLock<Mutex<Loaded>> = LazyLock::new(|| Mutex::new(Vec::new()));

/// The content hash a model is stored under: SHA-256 of its file, in hex.
pub fn hash_of(model: &LinearModel) -> String {
    let digest = Sha256::digest(model.to_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The models `settings` name (the shipped ones where they name none).
pub async fn models_for(
    store: &dyn Store,
    settings: &ModelSettings,
) -> Result<Arc<Models>, String> {
    let key: PairKey = (settings.abuse_model.clone(), settings.spam_model.clone());
    if key == (None, None) {
        return Ok(Models::shipped_shared());
    }
    if let Some(found) = cached(&key) {
        return Ok(found);
    }
    let shipped = Models::shipped();
    let abuse = match &key.0 {
        Some(hash) => Some(stored(store, hash, Family::Abuse).await?),
        None => shipped.abuse.clone(),
    };
    let spam = match &key.1 {
        Some(hash) => Some(stored(store, hash, Family::Spam).await?),
        None => shipped.spam.clone(),
    };
    let models = Arc::new(Models::new(abuse, spam));
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    loaded.retain(|(k, _)| *k != key);
    loaded.push((key, models.clone()));
    if loaded.len() > KEPT {
        loaded.remove(0);
    }
    Ok(models)
}

fn cached(key: &PairKey) -> Option<Arc<Models>> {
    let loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    loaded
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, m)| m.clone())
}

async fn stored(store: &dyn Store, hash: &str, family: Family) -> Result<LinearModel, String> {
    let bytes = store
        .model_bytes(hash)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the {} model {hash} is not stored", family.as_str()))?;
    LinearModel::from_bytes(&bytes)
        .filter(|m| m.family == family)
        .ok_or_else(|| format!("the stored {} model {hash} is unreadable", family.as_str()))
}

/// Compiles the filter a stored state describes, with the models its settings name.
pub async fn compile_stored(store: &dyn Store, state: FilterState) -> Result<Filter, String> {
    let models = models_for(store, &state.settings.models).await?;
    tokio::task::spawn_blocking(move || super::versions::compile_with(&state, models))
        .await
        .map_err(|e| format!("filter compile task: {e}"))?
}
