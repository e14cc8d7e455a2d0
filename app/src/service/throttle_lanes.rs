//! Lanes: attempts on the same throttle budgets in this process take turns instead of racing.
//!
//! Invariants:
//! - A budget's compare-and-set stays the rule that makes attempts atomic (several servers
//!   share one database); a lane only keeps this process's own attempts from colliding on it.
//!   Without lanes, a storm of sign-ins on one account retried its races up to fifty times
//!   each, and the retries starved every other request of the cores.
//! - A key always maps to the same lane in one process (the mapping is seeded at random per
//!   process, so nobody can aim at another account's lane from outside); an attempt takes its
//!   lanes in ascending order and holds them only around its database reads and writes (never
//!   around a password hash, an audit entry or a client's input), so no two attempts wait on
//!   each other in a circle.
//! - A turn is only an optimisation, so it is never waited for long: after [`MAX_WAIT`] the
//!   attempt goes on without lanes and races the compare-and-set as it would on another
//!   server. A flood on one address's lane slows others sharing a lane by that much at most.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// How many lanes keys share: unrelated keys on one lane only wait a turn for each other.
const LANES: usize = 256;

/// The longest an attempt waits for its turn before it goes on without one.
pub const MAX_WAIT: Duration = Duration::from_millis(100);

static LANE_LOCKS: LazyLock<Vec<Mutex<()>>> =
    LazyLock::new(|| (0..LANES).map(|_| Mutex::new(())).collect());

/// This process's mapping of keys to lanes (random keys, drawn once).
static SEED: LazyLock<RandomState> = LazyLock::new(RandomState::new);

/// The lanes an attempt holds (none when its turn did not come in time); dropping it lets
/// the next attempt go.
pub struct Turn {
    _held: Vec<MutexGuard<'static, ()>>,
}

/// Waits, at most [`MAX_WAIT`], for the turn on every lane of `keys` (first come, first
/// served); past that, a turn that holds nothing.
pub async fn turn(keys: &[String]) -> Turn {
    let mut lanes: Vec<usize> = keys.iter().map(|key| lane(key)).collect();
    lanes.sort_unstable();
    lanes.dedup();
    let take_all = async {
        let mut held = Vec::with_capacity(lanes.len());
        for index in &lanes {
            if let Some(lock) = LANE_LOCKS.get(*index) {
                held.push(lock.lock().await);
            }
        }
        held
    };
    // On time-out the lanes taken so far are dropped with the future.
    let held = tokio::time::timeout(MAX_WAIT, take_all)
        .await
        .unwrap_or_default();
    Turn { _held: held }
}

/// The lane of `key`: the same in every call of this process.
fn lane(key: &str) -> usize {
    usize::try_from(SEED.hash_one(key) % LANES as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_shared_key_waits_its_turn_and_other_keys_do_not() {
        let keys = vec!["pair:a".to_string(), "ip:a".to_string()];
        let first = turn(&keys).await;
        assert_eq!(first._held.len(), distinct_lanes(&keys));
        let shared = vec!["ip:a".to_string()];
        let waiting = tokio::time::timeout(Duration::from_millis(50), turn(&shared)).await;
        assert!(waiting.is_err(), "a key in use waits");
        // Not for ever: past MAX_WAIT the attempt goes on holding nothing.
        let gave_up = turn(&shared).await;
        assert!(gave_up._held.is_empty());
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

    fn distinct_lanes(keys: &[String]) -> usize {
        let mut lanes: Vec<usize> = keys.iter().map(|k| lane(k)).collect();
        lanes.sort_unstable();
        lanes.dedup();
        lanes.len()
    }

    #[test]
    fn the_same_key_keeps_its_lane() {
        assert_eq!(lane("pair:192.0.2.1|user:x"), lane("pair:192.0.2.1|user:x"));
        assert!(lane("anything") < LANES);
    }
}
