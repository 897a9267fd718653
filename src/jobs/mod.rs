//! Background work: housekeeping sweeps and webhook delivery.

pub mod housekeeping;
pub mod webhook;
