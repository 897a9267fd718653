//! Rate limiting: limited actions with a quota each, keyed on an honest client identity
//! ([`client`]), decided in process ([`memory`], `governor`) or shared through Redis
//! ([`redis`]) — falling back to the in-process limiter, and saying so in `/readyz`, while
//! Redis is unreachable. Also the per-article flood guard.

pub mod client;
mod flood;
pub mod limiter;
pub mod memory;
pub mod quota;
mod redis;

pub use limiter::Limiter;
pub use quota::{Backend, LimitedAction, Quota, RateLimitConfig, text_key};
