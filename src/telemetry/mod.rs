//! Logs and metrics, and refused requests logged without flooding the log.

pub mod logging;
pub mod metrics;
pub mod refusals;
