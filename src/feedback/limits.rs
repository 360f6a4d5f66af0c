//! Fairness between clients: who counts as one client, and how many connections one client
//! may hold open.
//!
//! * One client = one IPv4 address, or one IPv6 /64 (a household or phone gets a whole /64,
//!   so counting single IPv6 addresses would let one person look like billions).
//! * Connections per client are capped (`Limits::max_connections_per_address`): one address
//!   holding hundreds of idle or slow connections cannot use up the receiver's connection
//!   slots. Connections from a trusted proxy (`--trust-proxy`, loopback peer) are not capped
//!   here: the proxy fronts everyone, and nginx's `limit_conn` caps per client there.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

/// The rate-limit and connection-cap key of an address: IPv4 as is (also when written as
/// `::ffff:a.b.c.d`), IPv6 cut to its /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

/// Open connections per client key.
pub struct ConnLimiter {
    per_key: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection; gives its slot back when dropped.
pub struct ConnSlot {
    limiter: Arc<ConnLimiter>,
    key: IpAddr,
}

impl ConnLimiter {
    /// `per_key` 0 = no cap.
    pub fn new(per_key: usize) -> Arc<ConnLimiter> {
        Arc::new(ConnLimiter {
            per_key,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for a new connection from `ip`, or None when that client already holds
    /// `per_key` connections.
    pub fn try_open(self: &Arc<Self>, ip: IpAddr) -> Option<ConnSlot> {
        let key = client_key(ip);
        if self.per_key == 0 {
            return Some(ConnSlot {
                limiter: self.clone(),
                key,
            });
        }
        let mut open = self.open.lock().ok()?;
        let n = open.entry(key).or_insert(0);
        if *n >= self.per_key {
            return None;
        }
        *n += 1;
        Some(ConnSlot {
            limiter: self.clone(),
            key,
        })
    }

    /// Connections open from `ip`'s client key.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        self.open
            .lock()
            .ok()
            .and_then(|m| m.get(&client_key(ip)).copied())
            .unwrap_or(0)
    }
}

impl Drop for ConnSlot {
    fn drop(&mut self) {
        if self.limiter.per_key == 0 {
            return;
        }
        if let Ok(mut open) = self.limiter.open.lock() {
            if let Some(n) = open.get_mut(&self.key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    open.remove(&self.key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_grouped_by_64_and_mapped_v4_is_v4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let m: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(client_key(m), "203.0.113.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn connection_slots_are_capped_and_given_back() {
        let l = ConnLimiter::new(2);
        let ip: IpAddr = "198.51.100.1".parse().unwrap();
        let other: IpAddr = "198.51.100.2".parse().unwrap();
        let s1 = l.try_open(ip).unwrap();
        let _s2 = l.try_open(ip).unwrap();
        assert!(l.try_open(ip).is_none());
        assert!(l.try_open(other).is_some());
        drop(s1);
        assert_eq!(l.open_from(ip), 1);
        assert!(l.try_open(ip).is_some());
    }
}
