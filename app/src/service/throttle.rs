//! Throttling repeated sign-in failures, per account name and per client address.
//!
//! Invariants:
//! - Past a policy's free failures within its window, each further failure locks the key for
//!   twice as long as the last (from `base_lock` up to `max_lock`); a locked key gets 429 with
//!   `Retry-After` without costing a password hash.
//! - Keys are the name as typed (lower-cased), whether or not such an account exists, so the
//!   throttle does not reveal which accounts exist.

use crate::error::AppError;
use crate::store::{self, Db, throttle::ThrottleRow};
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub free_failures: i64,
    pub window: Duration,
    pub base_lock: Duration,
    pub max_lock: Duration,
}

/// Per account name: 5 free failures per 15 minutes, then 1 min, 2 min, … up to 15 min.
pub const PER_ACCOUNT: Policy = Policy {
    free_failures: 5,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
};

/// Per client address: 30 free failures per 15 minutes (many people can share an address).
pub const PER_ADDRESS: Policy = Policy {
    free_failures: 30,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
};

pub fn account_key(login: &str) -> String {
    format!("login:{}", login.trim().to_lowercase())
}

pub fn address_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Refuses with 429 while any of `keys` is locked.
pub async fn check(db: &Db, keys: &[&str], now: DateTime<Utc>) -> Result<(), AppError> {
    let mut wait = Duration::zero();
    for key in keys {
        if let Some(row) = store::throttle::get(db, key).await?
            && let Some(until) = row.locked_until
            && until > now
        {
            wait = wait.max(until - now);
        }
    }
    if wait > Duration::zero() {
        let secs = u64::try_from(wait.num_seconds()).unwrap_or(0) + 1;
        return Err(AppError::rate_limited(secs));
    }
    Ok(())
}

/// The next state of a key after one more failure at `now`.
pub fn after_failure(
    previous: Option<&ThrottleRow>,
    policy: &Policy,
    now: DateTime<Utc>,
) -> ThrottleRow {
    let (failures, window_start) = match previous {
        Some(row)
            if now - row.window_start <= policy.window
                || row.locked_until.is_some_and(|u| u > now - policy.window) =>
        {
            (row.failures + 1, row.window_start)
        }
        _ => (1, now),
    };
    let locked_until = (failures > policy.free_failures).then(|| {
        let doublings = u32::try_from((failures - policy.free_failures - 1).min(10)).unwrap_or(10);
        let lock = (policy.base_lock * 2i32.pow(doublings)).min(policy.max_lock);
        now + lock
    });
    ThrottleRow {
        failures,
        window_start,
        locked_until,
    }
}

pub async fn failed(
    db: &Db,
    key: &str,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let previous = store::throttle::get(db, key).await?;
    let next = after_failure(previous.as_ref(), policy, now);
    store::throttle::put(db, key, &next).await?;
    Ok(())
}

pub async fn succeeded(db: &Db, key: &str) -> Result<(), AppError> {
    store::throttle::clear(db, key).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_free_failures_and_doubles() {
        let t0 = Utc::now();
        let mut row: Option<ThrottleRow> = None;
        for i in 1..=5 {
            let next = after_failure(row.as_ref(), &PER_ACCOUNT, t0);
            assert_eq!(next.failures, i);
            assert!(next.locked_until.is_none(), "failure {i} is free");
            row = Some(next);
        }
        let sixth = after_failure(row.as_ref(), &PER_ACCOUNT, t0);
        assert_eq!(sixth.locked_until, Some(t0 + Duration::minutes(1)));
        let seventh = after_failure(Some(&sixth), &PER_ACCOUNT, t0);
        assert_eq!(seventh.locked_until, Some(t0 + Duration::minutes(2)));
        let mut r = seventh;
        for _ in 0..10 {
            r = after_failure(Some(&r), &PER_ACCOUNT, t0);
        }
        assert_eq!(r.locked_until, Some(t0 + Duration::minutes(15)), "capped");
    }

    #[test]
    fn an_old_window_starts_over() {
        let t0 = Utc::now();
        let old = ThrottleRow {
            failures: 4,
            window_start: t0 - Duration::hours(1),
            locked_until: None,
        };
        let next = after_failure(Some(&old), &PER_ACCOUNT, t0);
        assert_eq!(next.failures, 1);
        assert_eq!(next.window_start, t0);
    }
}
