//! Per-address rate limit (fixed window per address, in memory only).
//!
//! Client addresses live only in this map and only while their window is running; the map is
//! pruned as it is used and is never written to disk.

use std::collections::HashMap;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `N/min`, `N/h`, `N/s`, a bare `N` (per minute), or `0`/`off` (no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub per: Duration,
}

impl RateLimit {
    pub const OFF: RateLimit = RateLimit {
        max: 0,
        per: Duration::from_secs(60),
    };
    pub fn per_minute(max: u32) -> RateLimit {
        RateLimit {
            max,
            per: Duration::from_secs(60),
        }
    }
    pub fn is_off(&self) -> bool {
        self.max == 0
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::per_minute(10)
    }
}

impl FromStr for RateLimit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(RateLimit::OFF);
        }
        let (n, unit) = s.split_once('/').unwrap_or((s, "min"));
        let max: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("expected N/min, N/h or N/s, got {s:?}"))?;
        let per = match unit.trim() {
            "s" | "sec" => Duration::from_secs(1),
            "m" | "min" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            u => return Err(format!("unknown rate unit {u:?} (use s, min or h)")),
        };
        Ok(RateLimit { max, per })
    }
}

pub struct Limiter {
    limit: RateLimit,
    map: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// Upper bound on tracked addresses; beyond it the oldest windows are dropped.
const MAX_TRACKED: usize = 100_000;

impl Limiter {
    pub fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `ip`; Err(retry_after_seconds) when over the limit.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        if self.limit.is_off() {
            return Ok(());
        }
        let now = Instant::now();
        let Ok(mut map) = self.map.lock() else {
            return Ok(());
        };
        if map.len() >= MAX_TRACKED {
            let per = self.limit.per;
            map.retain(|_, (start, _)| now.duration_since(*start) < per);
            if map.len() >= MAX_TRACKED {
                map.clear();
            }
        }
        let e = map.entry(ip).or_insert((now, 0));
        if now.duration_since(e.0) >= self.limit.per {
            *e = (now, 0);
        }
        if e.1 >= self.limit.max {
            let left = self.limit.per.saturating_sub(now.duration_since(e.0));
            return Err(left.as_secs().max(1));
        }
        e.1 += 1;
        Ok(())
    }

    /// Drops expired windows (called periodically).
    pub fn prune(&self) {
        let now = Instant::now();
        let per = self.limit.per;
        if let Ok(mut map) = self.map.lock() {
            map.retain(|_, (start, _)| now.duration_since(*start) < per);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_limits() {
        assert_eq!("10/min".parse(), Ok(RateLimit::per_minute(10)));
        assert_eq!("5".parse(), Ok(RateLimit::per_minute(5)));
        assert!("x/min".parse::<RateLimit>().is_err());
        let l = Limiter::new(RateLimit::per_minute(2));
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert!(l.check(ip).is_ok());
        assert!(l.check(ip).is_ok());
        assert!(matches!(l.check(ip), Err(s) if (1..=60).contains(&s)));
    }
}
