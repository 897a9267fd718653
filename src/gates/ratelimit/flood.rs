//! The flood guard: comments per article per minute, in process. With the Redis backend
//! the counts are kept in Redis instead, so replicas see the article's whole traffic.

use std::collections::HashMap;
use std::sync::Mutex;

/// (minute, comments this minute, comments the minute before) per article key.
#[derive(Default)]
pub struct MinuteCounter {
    counts: Mutex<HashMap<u128, (u64, u64, u64)>>,
}

impl MinuteCounter {
    /// Counts one event at `minute` and returns (this minute, the minute before).
    pub fn count(&self, key: u128, minute: u64) -> (u64, u64) {
        let Ok(mut counts) = self.counts.lock() else {
            return (0, 0);
        };
        let entry = counts.entry(key).or_insert((minute, 0, 0));
        if entry.0 != minute {
            let previous = if entry.0 + 1 == minute { entry.1 } else { 0 };
            *entry = (minute, 0, previous);
        }
        entry.1 += 1;
        (entry.1, entry.2)
    }

    /// Forgets articles quiet for two minutes.
    pub fn housekeep(&self, minute: u64) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.retain(|_, (m, _, _)| *m + 2 > minute);
            counts.shrink_to_fit();
        }
    }

    /// Articles counted in the last two minutes.
    #[cfg(test)]
    fn articles(&self) -> usize {
        self.counts.lock().map(|c| c.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_roll_over_by_minute() {
        let counter = MinuteCounter::default();
        assert_eq!(counter.count(1, 100), (1, 0));
        assert_eq!(counter.count(1, 100), (2, 0));
        assert_eq!(
            counter.count(1, 101),
            (1, 2),
            "the previous minute is remembered"
        );
        assert_eq!(counter.count(1, 105), (1, 0), "a gap forgets it");
        counter.housekeep(108);
        assert_eq!(counter.articles(), 0);
    }
}
