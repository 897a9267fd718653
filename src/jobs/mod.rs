//! Background work: housekeeping sweeps (retention, spent nonces, limiter memory) and
//! retraining the learned models.

pub mod housekeeping;
pub mod train;
