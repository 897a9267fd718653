//! Values read from the database and remembered for a while, each replica its own copy:
//! served until they are older than a time to live, and dropped all at once when what
//! they were read from changed. The public page cache and the memory of author histories
//! are both one of these.
//!
//! A value read while such a change happened must not be remembered after it: the reader
//! takes the [`Memo::generation`] before reading and passes it to [`Memo::put`], which
//! keeps the value only if nothing was invalidated in between.
//!
//! Kept instead of `moka` because `cargo bench --bench keeping` measured this map faster on
//! the read path it serves (1,000 hot page keys): a hit 103–104 ns against 229–238 ns on
//! one thread and 428–458 ns against 629–639 ns on two at once; a put 124–125 ns against
//! 717–732 ns (672–677 against 2,910–3,121 on two threads). moka's strengths (eviction by
//! frequency, very large caches) are not needed by a map this size that is emptied on
//! every decision.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Memo<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    generation: AtomicU64,
    ttl: Duration,
    max: usize,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// Values are served for `ttl`; at most `max` are kept.
    pub fn new(ttl: Duration, max: usize) -> Self {
        Memo {
            entries: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            ttl,
            max,
        }
    }

    /// The generation to pass to [`Memo::put`] for a value about to be read.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A value remembered less than `ttl` ago and not invalidated since.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (at, value) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    /// Remembers a value read under `generation`, unless something changed since.
    pub fn put(&self, key: K, generation: u64, value: V) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        // Checked under the lock `invalidate` takes, so a drop cannot slip in between.
        if generation != self.generation() {
            return;
        }
        if entries.len() >= self.max {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= self.max {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// What the values were read from changed: none may be served again.
    pub fn invalidate(&self) {
        // First the generation (a `put` still holding an older one now refuses), then
        // whatever was remembered.
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_served_until_invalidated_and_stale_reads_are_not_kept() {
        let memo = Memo::new(Duration::from_secs(60), 10);
        let g = memo.generation();
        memo.put("a", g, 1);
        assert_eq!(memo.get(&"a"), Some(1));
        memo.invalidate();
        assert_eq!(memo.get(&"a"), None);
        // A value read before the change must not be kept after it.
        memo.put("a", g, 2);
        assert_eq!(memo.get(&"a"), None);
        memo.put("a", memo.generation(), 3);
        assert_eq!(memo.get(&"a"), Some(3));
    }

    #[test]
    fn values_expire_and_the_map_stays_bounded() {
        let memo = Memo::new(Duration::ZERO, 2);
        let g = memo.generation();
        memo.put(1, g, "one");
        assert_eq!(memo.get(&1), None, "older than its time to live");
        let memo = Memo::new(Duration::from_secs(60), 2);
        for key in 0..5 {
            memo.put(key, g, key);
        }
        assert!(memo.entries.lock().unwrap().len() <= 2);
        assert_eq!(memo.get(&4), Some(4), "the newest is kept");
    }
}
