//! Rendered pages of an article's approved comments, kept for a second.
//!
//! A popular article's thread is read far more often than it changes. Each replica keeps
//! the JSON of the pages it served for up to a second (so a comment approved on another
//! replica shows within a second) and drops them all at once when this replica changes
//! what is public (a decision, a comment published on arrival, a report that takes one
//! down, an erasure). A page read from the database while such a change happened is not
//! kept (see [`Memo`]).

use std::time::Duration;

use bytes::Bytes;

use crate::cache::memo::Memo;

/// How long a page is served from memory.
const TTL: Duration = Duration::from_secs(1);
/// Pages kept at most.
const MAX_PAGES: usize = 10_000;

/// Article, cursor (last id of the previous page), page size.
pub type PageKey = (String, Option<i64>, u32);

/// The pages this replica served in the last second.
pub struct PageCache(Memo<PageKey, Bytes>);

impl Default for PageCache {
    fn default() -> Self {
        PageCache(Memo::new(TTL, MAX_PAGES))
    }
}

impl std::ops::Deref for PageCache {
    type Target = Memo<PageKey, Bytes>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
