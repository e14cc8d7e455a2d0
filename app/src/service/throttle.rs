//! Throttling: guesses at passwords and codes, and messages sent on anyone's behalf.
//!
//! Invariants:
//! - An attempt is reserved before the password hash or code check runs: one atomic
//!   compare-and-set over all its budgets ([`attempt`]: one read, one write), so a burst of
//!   parallel guesses cannot slip through before the first failure is written. Past a budget's free attempts within its
//!   window, the next one starts a lock, twice as long as the last (from `base_lock` up to
//!   `max_lock`); while a budget is locked, attempts get 429 with `Retry-After` without
//!   costing a hash. A lock starting is audited (`auth.locked`).
//! - Sign-in spends three budgets: the pair (address, account) hard, the account softly (a
//!   guess from many addresses), the address softly (a lock there must not lock everyone
//!   behind it). The account is the resolved user when the name or email is one (so both
//!   spellings share a budget), else the name as typed (so the throttle reveals nothing).
//!   Every check of a current password or code by a signed-in user spends the same pair and
//!   account budgets.
//! - Success refunds the pair and the account, and gives the address back its one attempt.
//!   Two-factor and recovery codes have budgets of their own ([`code_guessing`]), which only a
//!   right code refunds: a right password never wipes out wrong codes.
//! - An attempt whose check never ran (503: the hash queue was full) is given back exactly.
//! - Within one process, attempts and refunds on the same keys take turns
//!   ([`super::throttle_lanes`], lanes taken widest budget first): a storm from one address
//!   queues instead of racing.
//! - Addresses are counted per IPv4 address and per IPv6 /64 (one host's whole prefix).
//! - Messages sent on request (sign-ups, verification resends, email changes) are limited per
//!   address and per account ([`limit`]).

use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::store::{self, Db, throttle::ThrottleRow};
use chrono::{DateTime, Duration, Utc};
use std::net::IpAddr;

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub free_failures: i64,
    pub window: Duration,
    pub base_lock: Duration,
    pub max_lock: Duration,
}

/// One address against one account: 5 free failures per 15 minutes, then 1 min, 2 min, … up
/// to 15 min.
pub const PER_PAIR: Policy = Policy {
    free_failures: 5,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
};

/// One account from anywhere: 20 free failures per 15 minutes (a guess spread over many
/// addresses), then 1 min doubling up to 15 min.
pub const PER_ACCOUNT: Policy = Policy {
    free_failures: 20,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
};

/// One address against every account: 100 free failures per 15 minutes (many people share an
/// address), then short locks (1 min, up to 5 min).
pub const PER_ADDRESS: Policy = Policy {
    free_failures: 100,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(5),
};

/// Probing for taken email addresses through sign-up: 30 per 15 minutes per address.
pub const SIGNUP_PROBES: Policy = Policy {
    free_failures: 30,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
};

/// Messages sent on request, per account: 5 an hour.
pub const MESSAGES_PER_ACCOUNT: Policy = Policy {
    free_failures: 5,
    window: Duration::hours(1),
    base_lock: Duration::hours(1),
    max_lock: Duration::hours(1),
};

/// Messages sent on request, per address: 20 an hour.
pub const MESSAGES_PER_ADDRESS: Policy = Policy {
    free_failures: 20,
    window: Duration::hours(1),
    base_lock: Duration::hours(1),
    max_lock: Duration::hours(1),
};

/// New accounts per address: 100 an hour (each sends a verification email; an office shares
/// one address).
pub const SIGNUPS_PER_ADDRESS: Policy = Policy {
    free_failures: 100,
    window: Duration::hours(1),
    base_lock: Duration::hours(1),
    max_lock: Duration::hours(1),
};

/// Looking accounts up to add them to an organization (`service::direct_add`): 60 lookups per
/// 15 minutes per caller and per address, then locks (a full address is a question about
/// whether an account exists).
pub const ACCOUNT_LOOKUPS: Policy = Policy {
    free_failures: 60,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(15),
};

/// The budgets a lookup of accounts by `actor` (an id) from `ip` spends.
pub fn account_lookups(actor: &str, ip: &str) -> Vec<Budget> {
    vec![
        Budget {
            key: format!("lookup:actor:{actor}"),
            policy: ACCOUNT_LOOKUPS,
            refund: Refund::None,
        },
        Budget {
            key: format!("lookup:ip:{}", address_part(ip)),
            policy: ACCOUNT_LOOKUPS,
            refund: Refund::None,
        },
    ]
}

/// Sign-ins through a provider started from one address: each leaves a record for ten
/// minutes. An office shares one address and everyone in it signs in at nine, so 300 per 15
/// minutes, then short locks.
pub const SSO_STARTS_PER_ADDRESS: Policy = Policy {
    free_failures: 300,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(5),
};

/// The budget starting sign-ins through a provider from `ip` spends.
pub fn sso_starts(ip: &str) -> Vec<Budget> {
    vec![Budget {
        key: format!("sso-start:ip:{}", address_part(ip)),
        policy: SSO_STARTS_PER_ADDRESS,
        refund: Refund::None,
    }]
}

/// Passkey sign-in ceremonies (options and answers) one address may run: each leaves a record
/// (a ceremony, or a failure in the audit log), so they are counted like starts through a
/// provider.
pub const PASSKEY_CEREMONIES_PER_ADDRESS: Policy = Policy {
    free_failures: 600,
    window: Duration::minutes(15),
    base_lock: Duration::minutes(1),
    max_lock: Duration::minutes(5),
};

/// The budget a passkey sign-in step from `ip` spends.
pub fn passkey_ceremonies(ip: &str) -> Vec<Budget> {
    vec![Budget {
        key: format!("passkey:ip:{}", address_part(ip)),
        policy: PASSKEY_CEREMONIES_PER_ADDRESS,
        refund: Refund::None,
    }]
}

/// The budget new accounts from `ip` spend.
pub fn signups(ip: &str) -> Vec<Budget> {
    vec![Budget {
        key: format!("signup:ip:{}", address_part(ip)),
        policy: SIGNUPS_PER_ADDRESS,
        refund: Refund::None,
    }]
}

/// How a budget is settled when the attempt succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refund {
    /// Forget every failure (the pair, the account).
    All,
    /// Give back this one attempt (the address).
    One,
    /// Keep it spent (message limits).
    None,
}

/// A budget: a key, its policy, and its refund on success.
#[derive(Debug, Clone)]
pub struct Budget {
    pub key: String,
    pub policy: Policy,
    pub refund: Refund,
}

/// The address as throttles count it: an IPv4 address, or an IPv6 address's /64.
pub fn address_part(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

/// The account part of a key: the user's id when the login names one, else the login typed.
pub fn account_part(user_id: Option<&UserId>, login: &str) -> String {
    match user_id {
        Some(id) => format!("user:{id}"),
        None => format!("login:{}", login.trim().to_lowercase()),
    }
}

/// The budgets a sign-in (or a signed-in user's password check) spends.
pub fn guessing(ip: &str, account: &str) -> Vec<Budget> {
    guesses("", ip, account)
}

/// The budgets a guess at a two-factor or recovery code spends. They are apart from the
/// password's: a right password refunds its own budgets, and must not refund wrong codes
/// (else someone who knows the password guesses codes for ever, one right password between
/// every few). The address budget is shared.
pub fn code_guessing(ip: &str, account: &str) -> Vec<Budget> {
    guesses("code-", ip, account)
}

/// The pair and account budgets under `prefix`, and the address budget.
fn guesses(prefix: &str, ip: &str, account: &str) -> Vec<Budget> {
    let address = address_part(ip);
    vec![
        Budget {
            key: format!("{prefix}pair:{address}|{account}"),
            policy: PER_PAIR,
            refund: Refund::All,
        },
        Budget {
            key: format!("{prefix}account:{account}"),
            policy: PER_ACCOUNT,
            refund: Refund::All,
        },
        Budget {
            key: format!("ip:{address}"),
            policy: PER_ADDRESS,
            refund: Refund::One,
        },
    ]
}

/// The budgets a message sent on request spends: `what` (`verification`, `email_change`)
/// per address and per account.
pub fn messages(what: &str, ip: &str, account: &str) -> Vec<Budget> {
    vec![
        Budget {
            key: format!("{what}:ip:{}", address_part(ip)),
            policy: MESSAGES_PER_ADDRESS,
            refund: Refund::None,
        },
        Budget {
            key: format!("{what}:{account}"),
            policy: MESSAGES_PER_ACCOUNT,
            refund: Refund::None,
        },
    ]
}

/// Attempts reserved on budgets; settle with [`Attempt::succeeded`] (a failure is already
/// counted).
#[must_use = "a successful attempt must refund its budgets"]
pub struct Attempt {
    budgets: Vec<Budget>,
}

fn retry_after(wait: Duration) -> AppError {
    let secs = u64::try_from(wait.num_seconds()).unwrap_or(0) + 1;
    AppError::rate_limited(secs)
}

/// Reserves one attempt on each budget, or 429 while any of them is locked. The attempt that
/// uses up a budget's free ones still runs (and starts the lock, audited as `auth.locked`).
/// One read and one write, whatever the number of budgets.
pub async fn attempt(
    db: &Db,
    budgets: Vec<Budget>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Attempt, AppError> {
    spend(db, &budgets, ip, now).await?;
    Ok(Attempt { budgets })
}

/// The longest lock among `rows` still running at `now`.
fn longest_lock(rows: &[Option<ThrottleRow>], now: DateTime<Utc>) -> Option<Duration> {
    rows.iter()
        .flatten()
        .filter_map(|row| row.locked_until)
        .filter(|until| *until > now)
        .map(|until| until - now)
        .max()
}

fn keys(budgets: &[Budget]) -> Vec<String> {
    budgets.iter().map(|b| b.key.clone()).collect()
}

/// The lanes of `budgets` in the order every attempt takes them ([`super::throttle_lanes`]):
/// the budget the most attempts share first (the one allowing the most failures: an
/// address's), then by key.
fn lane_order(budgets: &[Budget]) -> Vec<String> {
    let mut ordered: Vec<&Budget> = budgets.iter().collect();
    ordered.sort_by(|a, b| {
        b.policy
            .free_failures
            .cmp(&a.policy.free_failures)
            .then_with(|| a.key.cmp(&b.key))
    });
    ordered.iter().map(|b| b.key.clone()).collect()
}

/// 429 while any of `budgets` is locked; spends nothing.
pub async fn open(db: &Db, budgets: &[Budget], now: DateTime<Utc>) -> Result<(), AppError> {
    let rows = store::throttle::get_all(db, &keys(budgets)).await?;
    match longest_lock(&rows, now) {
        Some(wait) => Err(retry_after(wait)),
        None => Ok(()),
    }
}

/// Counts one use of each budget (after what it limits has happened).
pub async fn count(
    db: &Db,
    budgets: &[Budget],
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    spend(db, budgets, ip, now).await?;
    Ok(())
}

/// Spends one attempt on a message budget for good: 429 once it is used up.
pub async fn limit(
    db: &Db,
    budgets: Vec<Budget>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // The attempt that starts the lock is refused too: a message limit is a hard count.
    match spend(db, &budgets, ip, now).await?.into_iter().max() {
        Some(until) => Err(retry_after(until - now)),
        None => Ok(()),
    }
}

const MAX_RACES: usize = 50;

/// One more attempt on every budget, atomically (one compare-and-set over all of them,
/// retried on a race); nothing is spent while any of them is locked. The locks this attempt
/// started, if any.
async fn spend(
    db: &Db,
    budgets: &[Budget],
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, AppError> {
    let keys = keys(budgets);
    // One compare-and-set per key: a key twice would never match its own first write.
    debug_assert!(
        keys.iter()
            .enumerate()
            .all(|(i, k)| !keys.iter().take(i).any(|o| o == k)),
        "an attempt's budgets have distinct keys"
    );
    // This process's attempts on these keys take turns; the compare-and-set below still
    // settles races with other servers.
    let turn = super::throttle_lanes::turn(&lane_order(budgets)).await;
    let mut swapped = None;
    for _ in 0..MAX_RACES {
        let previous = store::throttle::get_all(db, &keys).await?;
        if previous.len() != keys.len() {
            return Err(AppError::internal(
                "the throttle read fewer counters than it asked for",
            ));
        }
        if let Some(wait) = longest_lock(&previous, now) {
            return Err(retry_after(wait));
        }
        let next: Vec<ThrottleRow> = budgets
            .iter()
            .zip(&previous)
            .map(|(budget, row)| after_failure(row.as_ref(), &budget.policy, now))
            .collect();
        let swaps: Vec<store::throttle::Swap<'_>> = keys
            .iter()
            .zip(&previous)
            .zip(&next)
            .map(|((key, expected), next)| store::throttle::Swap {
                key,
                expected: expected.as_ref(),
                next,
            })
            .collect();
        if store::throttle::swap_all(db, &swaps).await? {
            let started: Vec<(&String, DateTime<Utc>)> = keys
                .iter()
                .zip(&next)
                .filter_map(|(key, row)| row.locked_until.map(|until| (key, until)))
                .collect();
            swapped = Some(started);
            break;
        }
    }
    // The audit entries of the locks this attempt started are written after its turn.
    drop(turn);
    let Some(started) = swapped else {
        return Err(AppError::rate_limited(1));
    };
    let mut until_all = Vec::new();
    for (key, until) in started {
        locked(db, key, until, ip, now).await?;
        until_all.push(until);
    }
    Ok(until_all)
}

/// Records that a lock starts on `key`.
async fn locked(
    db: &Db,
    key: &str,
    until: DateTime<Utc>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    store::audit::append(
        db,
        &super::audit_entry::entry_as(
            super::audit_entry::Who {
                name: "anonymous",
                id: "",
                ip,
            },
            "auth.locked",
            format!("throttle:{key}"),
            None,
            serde_json::json!({ "until": super::rfc3339(until) }),
            now,
        ),
    )
    .await?;
    Ok(())
}

impl Attempt {
    /// The attempt succeeded: refund its budgets as their policy says (one write).
    pub async fn succeeded(self, db: &Db) -> Result<(), AppError> {
        let with = |refund: Refund| -> Vec<String> {
            self.budgets
                .iter()
                .filter(|b| b.refund == refund)
                .map(|b| b.key.clone())
                .collect()
        };
        let (clear, give_back) = (with(Refund::All), with(Refund::One));
        let _turn = super::throttle_lanes::turn(&lane_order(&self.budgets)).await;
        match store::throttle::refund(db, &clear, &give_back).await {
            // Still clashing with parallel attempts on a shared address after every retry:
            // clear what must be cleared, and let the address keep this one attempt.
            Err(err) if err.is_conflict() => store::throttle::refund(db, &clear, &[]).await?,
            other => other?,
        }
        Ok(())
    }

    /// The check never ran (the server was too busy to hash): give back this one attempt on
    /// every budget, clearing nothing else (one write).
    pub async fn unused(self, db: &Db) -> Result<(), AppError> {
        let _turn = super::throttle_lanes::turn(&lane_order(&self.budgets)).await;
        store::throttle::refund(db, &[], &keys(&self.budgets)).await?;
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_free_failures_and_doubles() {
        let t0 = Utc::now();
        let mut row: Option<ThrottleRow> = None;
        for i in 1..=5 {
            let next = after_failure(row.as_ref(), &PER_PAIR, t0);
            assert_eq!(next.failures, i);
            assert!(next.locked_until.is_none(), "failure {i} is free");
            row = Some(next);
        }
        let sixth = after_failure(row.as_ref(), &PER_PAIR, t0);
        assert_eq!(sixth.locked_until, Some(t0 + Duration::minutes(1)));
        let seventh = after_failure(Some(&sixth), &PER_PAIR, t0);
        assert_eq!(seventh.locked_until, Some(t0 + Duration::minutes(2)));
        let mut r = seventh;
        for _ in 0..10 {
            r = after_failure(Some(&r), &PER_PAIR, t0);
        }
        assert_eq!(r.locked_until, Some(t0 + Duration::minutes(15)), "capped");
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(address_part("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_part("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
        assert_eq!(address_part("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_part("192.0.2.7"), "192.0.2.7");
    }

    #[test]
    fn an_old_window_starts_over() {
        let t0 = Utc::now();
        let old = ThrottleRow {
            failures: 4,
            window_start: t0 - Duration::hours(1),
            locked_until: None,
        };
        let next = after_failure(Some(&old), &PER_PAIR, t0);
        assert_eq!(next.failures, 1);
        assert_eq!(next.window_start, t0);
    }
}
