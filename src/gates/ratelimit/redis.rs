//! The shared limiter: the same GCRA decision made atomically inside Redis by a Lua
//! script, on Redis's own clock, so N replicas enforce one quota without clock skew.

use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;

use super::quota::{LimitedAction, Quota};

/// GCRA: KEYS[1] holds the theoretical arrival time (µs). ARGV: emission interval (µs),
/// burst. Returns {1, 0} when allowed, {0, wait µs} when not.
const GCRA: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if now < allow_at then
  return {0, allow_at - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, 0}
"#;

/// Counts one event in the current minute of KEYS[1] and returns {this minute, last minute}.
const COUNT_MINUTE: &str = r#"
local t = redis.call('TIME')
local minute = math.floor(tonumber(t[1]) / 60)
local current = redis.call('INCR', KEYS[1] .. ':' .. minute)
redis.call('EXPIRE', KEYS[1] .. ':' .. minute, 180)
local previous = tonumber(redis.call('GET', KEYS[1] .. ':' .. (minute - 1)) or 0)
return {current, previous}
"#;

pub struct RedisLimiter {
    connection: ConnectionManager,
    gcra: Script,
    count_minute: Script,
    quotas: Vec<Quota>,
    prefix: String,
}

impl RedisLimiter {
    /// Prepares a connection; it is made on first use and remade when lost, so an
    /// unreachable Redis at start does not stop the service.
    pub fn new(url: &str, prefix: &str, quotas: &[Quota]) -> Result<RedisLimiter, String> {
        let client = redis::Client::open(url).map_err(|e| format!("bad redis_url: {e}"))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(250)))
            .set_response_timeout(Some(Duration::from_millis(250)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let connection = client
            .get_connection_manager_lazy(config)
            .map_err(|e| format!("redis: {e}"))?;
        Ok(RedisLimiter {
            connection,
            gcra: Script::new(GCRA),
            count_minute: Script::new(COUNT_MINUTE),
            quotas: quotas.to_vec(),
            prefix: prefix.to_string(),
        })
    }

    pub async fn check(
        &self,
        action: LimitedAction,
        key: u128,
    ) -> Result<Result<(), Duration>, String> {
        let quota = self.quotas[action.index()];
        let interval_us = (60_000_000.0 / quota.per_minute.max(0.001)).round() as u64;
        let mut connection = self.connection.clone();
        let (allowed, wait_us): (i64, i64) = self
            .gcra
            .key(format!("{}:rl:{}:{key:032x}", self.prefix, action.name()))
            .arg(interval_us.max(1))
            .arg(quota.burst.max(1))
            .invoke_async(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Ok(if allowed == 1 {
            Ok(())
        } else {
            Err(Duration::from_micros(wait_us.max(1) as u64))
        })
    }

    /// Counts an event under `name` and returns (this minute, the minute before).
    pub async fn count_minute(&self, name: &str) -> Result<(u64, u64), String> {
        let mut connection = self.connection.clone();
        let (current, previous): (i64, i64) = self
            .count_minute
            .key(format!("{}:count:{name}", self.prefix))
            .invoke_async(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Ok((current.max(0) as u64, previous.max(0) as u64))
    }
}
