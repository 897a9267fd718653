//! What each replica remembers between requests: the live filter and the fingerprints of
//! recent comments, pages of approved comments, bans and closed articles, author
//! histories. Each is rebuilt from the database (or simply forgotten) on start.

pub mod live_filter;
pub mod memo;
pub mod pages;
pub mod reputation;
pub mod restrictions;
