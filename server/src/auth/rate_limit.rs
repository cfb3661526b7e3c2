//! Sign-in attempts limited per account and per client address, without permanent lock-out:
//! a GCRA bucket per key refills steadily, so waiting always helps.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::AuthSettings;

pub struct LoginLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

fn quota(limit: u32, window: Duration) -> Quota {
    let limit = NonZeroU32::new(limit.max(1)).expect("non-zero");
    let period = window / limit.get();
    Quota::with_period(period.max(Duration::from_millis(1))).expect("non-zero period").allow_burst(limit)
}

impl LoginLimiter {
    pub fn new(settings: &AuthSettings) -> Self {
        Self {
            per_account: RateLimiter::keyed(quota(settings.login_account_limit, settings.login_window)),
            per_address: RateLimiter::keyed(quota(settings.login_ip_limit, settings.login_window)),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one attempt for this account and address; when either is exhausted, returns how
    /// long to wait.
    pub fn attempt(&self, email: &str, address: IpAddr) -> Result<(), Duration> {
        let now = self.clock.now();
        let account = self.per_account.check_key(&email.to_owned()).map_err(|n| n.wait_time_from(now));
        let ip = self.per_address.check_key(&address).map_err(|n| n.wait_time_from(now));
        match (account, ip) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(wait), _) | (_, Err(wait)) => Err(wait),
        }
    }

    /// Drops buckets that have refilled, so memory does not grow with every address seen.
    pub fn forget_idle(&self) {
        self.per_account.retain_recent();
        self.per_address.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn the_sixth_attempt_in_a_minute_waits_and_others_are_unaffected() {
        let settings = Settings::from_lookup(|_| None).unwrap();
        let limiter = LoginLimiter::new(&settings.auth);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..5 {
            assert!(limiter.attempt("a@example.org", ip).is_ok());
        }
        let wait = limiter.attempt("a@example.org", ip).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(12), "{wait:?}");
        assert!(limiter.attempt("b@example.org", ip).is_ok(), "another account from the same address");
    }
}
