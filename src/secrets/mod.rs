//! The secret key, the keyed hashes derived from it, and sealed tokens.

pub mod keys;
pub mod seal;
