//! The command line's work beyond serving: accounts and offline scoring.

pub mod accounts;
pub mod embed;
pub mod model;
pub mod privacy;
pub mod score;
pub mod seed;
pub mod train;
pub mod wordlists;
