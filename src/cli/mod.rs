//! The command line's work beyond serving: accounts and offline scoring.

pub mod accounts;
pub mod score;
