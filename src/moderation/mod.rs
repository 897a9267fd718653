//! The workflow: what readers, moderators and admins do, as use cases over the store,
//! knowing nothing of HTTP.

pub mod live_filter;
pub mod privacy;
