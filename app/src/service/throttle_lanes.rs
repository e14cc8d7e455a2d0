//! Lanes: attempts on the same throttle budgets in this process take turns instead of racing.
//!
//! Invariants:
//! - A budget's compare-and-set stays the rule that makes attempts atomic (several servers
//!   share one database); a lane only keeps this process's own attempts from colliding on it.
//!   Without lanes, a storm of sign-ins on one account retried its races up to fifty times
//!   each, and the retries starved every other request of the cores.
//! - A key always maps to the same lane; an attempt takes its lanes in ascending order and
//!   holds them only around its database reads and writes (never around a password hash or
//!   a client's input), so no two attempts wait on each other in a circle.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;
use tokio::sync::{Mutex, MutexGuard};

/// How many lanes keys share: unrelated keys on one lane only wait a turn for each other.
const LANES: usize = 256;

static LANE_LOCKS: LazyLock<Vec<Mutex<()>>> =
    LazyLock::new(|| (0..LANES).map(|_| Mutex::new(())).collect());

/// The lanes an attempt holds; dropping it lets the next attempt go.
pub struct Turn {
    _held: Vec<MutexGuard<'static, ()>>,
}

/// Waits for the turn on every lane of `keys` (first come, first served).
pub async fn turn(keys: &[String]) -> Turn {
    let mut lanes: Vec<usize> = keys.iter().map(|key| lane(key)).collect();
    lanes.sort_unstable();
    lanes.dedup();
    let mut held = Vec::with_capacity(lanes.len());
    for index in lanes {
        if let Some(lock) = LANE_LOCKS.get(index) {
            held.push(lock.lock().await);
        }
    }
    Turn { _held: held }
}

/// The lane of `key`: the same in every call of this process.
fn lane(key: &str) -> usize {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    usize::try_from(hasher.finish() % LANES as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_shared_key_waits_its_turn_and_other_keys_do_not() {
        let keys = vec!["pair:a".to_string(), "ip:a".to_string()];
        let first = turn(&keys).await;
        let shared = vec!["ip:a".to_string()];
        let waiting = tokio::time::timeout(Duration::from_millis(50), turn(&shared)).await;
        assert!(waiting.is_err(), "a key in use waits");
        let other = (0..1000)
            .map(|i| format!("ip:other-{i}"))
            .find(|k| keys.iter().all(|held| lane(held) != lane(k)))
            .expect("some key on another lane");
        let free = tokio::time::timeout(Duration::from_millis(50), turn(&[other])).await;
        assert!(free.is_ok(), "a key on another lane goes at once");
        drop(first);
        let after = tokio::time::timeout(Duration::from_millis(50), turn(&shared)).await;
        assert!(after.is_ok(), "the turn passes when the holder is done");
    }

    #[test]
    fn the_same_key_keeps_its_lane() {
        assert_eq!(lane("pair:192.0.2.1|user:x"), lane("pair:192.0.2.1|user:x"));
        assert!(lane("anything") < LANES);
    }
}
