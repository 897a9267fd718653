//! Background work: housekeeping sweeps (retention, spent nonces, limiter memory).

pub mod housekeeping;
