//! Per-client rate limit (fixed windows, in memory only) with a shared pool.
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

impl std::fmt::Display for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_off() {
            return f.write_str("off");
        }
        match self.per.as_secs() {
            1 => write!(f, "{}/s", self.max),
            60 => write!(f, "{}/min", self.max),
            3600 => write!(f, "{}/h", self.max),
            s => write!(f, "{}/{s}s", self.max),
        }
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

/// Per-client limit with a shared pool for clients that need more.
///
/// Each client (IPv4 address, IPv6 /64: `limits::client_key`) has its **own allowance**
/// (`own`, e.g. 10 a minute) that no one else can use up. A client over its own allowance
/// may draw from a **shared pool** (`shared`, e.g. 100 a minute for the whole receiver), but
/// at most half of the pool per pool window: a village office or a carrier-grade NAT address
/// where dozens of people share one address gets through, while one flooding address is
/// held to its allowance plus half the pool, and many flooding addresses to their own
/// allowances plus the pool.
pub(super) struct Limiter {
    own: RateLimit,
    shared: RateLimit,
    state: Mutex<LimiterState>,
}

#[derive(Default)]
struct LimiterState {
    clients: HashMap<IpAddr, Client>,
    /// (window start, draws) of the shared pool.
    pool: Option<(Instant, u32)>,
}

struct Client {
    start: Instant,
    used: u32,
    /// (window start, draws) from the shared pool.
    extra: (Instant, u32),
}

/// How a request was let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grant {
    Own,
    Shared,
}

/// Upper bound on tracked clients; beyond it the oldest windows are dropped.
const MAX_TRACKED: usize = 100_000;

impl Limiter {
    /// Only a per-client limit (no shared pool).
    pub(super) fn new(limit: RateLimit) -> Limiter {
        Limiter::with_shared(limit, RateLimit::OFF)
    }

    pub(super) fn with_shared(own: RateLimit, shared: RateLimit) -> Limiter {
        Limiter {
            own,
            shared,
            state: Mutex::new(LimiterState::default()),
        }
    }

    /// Counts one request from `ip`; Err(retry_after_seconds) when over the limit.
    pub(super) fn check(&self, ip: IpAddr) -> Result<Grant, u64> {
        if self.own.is_off() {
            return Ok(Grant::Own);
        }
        let key = super::limits::client_key(ip);
        let now = Instant::now();
        let Ok(mut st) = self.state.lock() else {
            return Ok(Grant::Own);
        };
        let keep = self.own.per.max(self.shared.per);
        if st.clients.len() >= MAX_TRACKED {
            st.clients.retain(|_, c| {
                now.duration_since(c.start) < keep || now.duration_since(c.extra.0) < keep
            });
            if st.clients.len() >= MAX_TRACKED {
                st.clients.clear();
            }
        }
        let c = st.clients.entry(key).or_insert(Client {
            start: now,
            used: 0,
            extra: (now, 0),
        });
        if now.duration_since(c.start) >= self.own.per {
            c.start = now;
            c.used = 0;
        }
        if c.used < self.own.max {
            c.used += 1;
            return Ok(Grant::Own);
        }
        let own_retry = self
            .own
            .per
            .saturating_sub(now.duration_since(c.start))
            .as_secs()
            .max(1);
        if self.shared.is_off() {
            return Err(own_retry);
        }
        if now.duration_since(c.extra.0) >= self.shared.per {
            c.extra = (now, 0);
        }
        let share = (self.shared.max / 2).max(1);
        if c.extra.1 >= share {
            return Err(own_retry);
        }
        let pool = match st.pool {
            Some((start, n)) if now.duration_since(start) < self.shared.per => (start, n),
            _ => (now, 0),
        };
        if pool.1 >= self.shared.max {
            st.pool = Some(pool);
            return Err(own_retry);
        }
        st.pool = Some((pool.0, pool.1 + 1));
        if let Some(c) = st.clients.get_mut(&key) {
            c.extra.1 += 1;
        }
        Ok(Grant::Shared)
    }

    /// Drops expired windows (called periodically).
    pub(super) fn prune(&self) {
        let now = Instant::now();
        let keep = self.own.per.max(self.shared.per);
        if let Ok(mut st) = self.state.lock() {
            st.clients.retain(|_, c| {
                now.duration_since(c.start) < keep || now.duration_since(c.extra.0) < keep
            });
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

    #[test]
    fn shared_pool_serves_a_busy_address_but_not_a_flood() {
        let l = Limiter::with_shared(RateLimit::per_minute(2), RateLimit::per_minute(10));
        let office: IpAddr = [203, 0, 113, 1].into();
        let other: IpAddr = [203, 0, 113, 2].into();
        // Own allowance, then at most half the pool.
        assert_eq!(l.check(office), Ok(Grant::Own));
        assert_eq!(l.check(office), Ok(Grant::Own));
        for _ in 0..5 {
            assert_eq!(l.check(office), Ok(Grant::Shared));
        }
        assert!(l.check(office).is_err());
        // Another client still has its own allowance and the rest of the pool.
        assert_eq!(l.check(other), Ok(Grant::Own));
        assert_eq!(l.check(other), Ok(Grant::Own));
        for _ in 0..5 {
            assert_eq!(l.check(other), Ok(Grant::Shared));
        }
        // The pool is used up: a third busy client gets its own allowance only.
        let third: IpAddr = [203, 0, 113, 3].into();
        assert_eq!(l.check(third), Ok(Grant::Own));
        assert_eq!(l.check(third), Ok(Grant::Own));
        assert!(l.check(third).is_err());
        // IPv6: one /64 is one client.
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::2".parse().unwrap();
        let l = Limiter::new(RateLimit::per_minute(1));
        assert!(l.check(a).is_ok());
        assert!(l.check(b).is_err());
    }
}
