//! What a request must pass before its work is done: the security code and rate limits.

pub mod captcha;
pub mod ratelimit;
