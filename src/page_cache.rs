//! Rendered pages of an article's approved comments, kept for a second.
//!
//! A popular article's thread is read far more often than it changes. Each replica keeps
//! the JSON of the pages it served for up to a second (so a comment approved on another
//! replica shows within a second) and drops them all at once when this replica changes
//! what is public (a decision, a comment published on arrival, a report that takes one
//! down, an erasure). A page read from the database while such a change happened is not
//! kept: the generation it was read under is stale.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// How long a page is served from memory.
const TTL: Duration = Duration::from_secs(1);
/// Pages kept at most.
const MAX_PAGES: usize = 10_000;

/// Article, cursor (last id of the previous page), page size.
pub type PageKey = (String, Option<i64>, u32);

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<PageKey, (Instant, u64, Bytes)>>,
    generation: AtomicU64,
}

impl PageCache {
    /// The generation to pass to [`PageCache::put`] for a page about to be read.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A page served less than a second ago and not invalidated since.
    pub fn get(&self, key: &PageKey) -> Option<Bytes> {
        let generation = self.generation();
        let pages = self.pages.lock().ok()?;
        let (at, page_generation, body) = pages.get(key)?;
        (*page_generation == generation && at.elapsed() < TTL).then(|| body.clone())
    }

    /// Keeps a page read under `generation`, unless something changed since.
    pub fn put(&self, key: PageKey, generation: u64, body: Bytes) {
        if generation != self.generation() {
            return;
        }
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= MAX_PAGES {
                pages.retain(|_, (at, g, _)| *g == generation && at.elapsed() < TTL);
                if pages.len() >= MAX_PAGES {
                    pages.clear();
                }
            }
            pages.insert(key, (Instant::now(), generation, body));
        }
    }

    /// Something public changed: no page in memory may be served again.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_served_until_invalidated_and_stale_reads_are_not_kept() {
        let cache = PageCache::default();
        let key: PageKey = ("/news/1".into(), None, 50);
        let g = cache.generation();
        cache.put(key.clone(), g, Bytes::from_static(b"[1]"));
        assert_eq!(cache.get(&key).as_deref(), Some(&b"[1]"[..]));
        cache.invalidate();
        assert_eq!(cache.get(&key), None);
        // A page read before the change must not be kept after it.
        cache.put(key.clone(), g, Bytes::from_static(b"[old]"));
        assert_eq!(cache.get(&key), None);
    }
}
