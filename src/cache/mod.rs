//! What each replica remembers between requests: pages of approved comments, bans and
//! closed articles, author histories.

pub mod memo;
pub mod pages;
pub mod reputation;
pub mod restrictions;
