//! Lanes: attempts on the same throttle budgets in this process take turns instead of racing.
//!
//! Invariants:
//! - A budget's compare-and-set stays the rule that makes attempts atomic (several servers
//!   share one database); a lane only keeps this process's own attempts from colliding on it.
//!   Without lanes, a storm of sign-ins from one address retried its races on the address's
//!   budget up to fifty times each, and the retries starved every other request of the cores.
//! - One lane per key (no two keys share one), so an attempt only ever waits for attempts
//!   that spend one of its own budgets.
//! - An attempt takes its lanes in the order its caller gives, which is the same for every
//!   caller: the budget the most attempts share first (the address), the narrowest last (the
//!   pair). An attempt waiting for a lane therefore holds only wider ones: a flood from one
//!   address queues on that address's lane and holds nobody else's account or pair lane.
//! - Lanes are held only around the database reads and writes of an attempt or a refund
//!   (never around a password hash, an audit entry or a client's input), and a lane nobody
//!   holds or waits for is forgotten.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex as StdMutex};
use tokio::sync::{Mutex, OwnedMutexGuard};

type Lanes = HashMap<String, Arc<Mutex<()>>>;

static LANES: LazyLock<StdMutex<Lanes>> = LazyLock::new(|| StdMutex::new(HashMap::new()));

/// The lanes an attempt holds; dropping it lets the next attempt on each go.
pub struct Turn {
    held: Vec<(String, OwnedMutexGuard<()>)>,
}

/// Waits for the turn on the lane of every key of `keys`, in the order given (first come,
/// first served on each).
pub async fn turn(keys: &[String]) -> Turn {
    let mut held = Vec::with_capacity(keys.len());
    for key in keys {
        if held.iter().any(|(k, _)| k == key) {
            continue;
        }
        let lane = {
            let mut lanes = LANES
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(lanes.entry(key.clone()).or_default())
        };
        held.push((key.clone(), lane.lock_owned().await));
    }
    Turn { held }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let held = std::mem::take(&mut self.held);
        let mut lanes = LANES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (key, guard) in held {
            drop(guard);
            // Only the map's own reference left: nobody holds or waits for this lane.
            if lanes
                .get(&key)
                .is_some_and(|lane| Arc::strong_count(lane) == 1)
            {
                lanes.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|k| k.to_string()).collect()
    }

    #[tokio::test]
    async fn a_shared_key_waits_its_turn_and_other_keys_do_not() {
        let first = turn(&keys(&["lanes-test:ip:a", "lanes-test:pair:a"])).await;
        let shared = keys(&["lanes-test:ip:a"]);
        let waiting = tokio::time::timeout(Duration::from_millis(50), turn(&shared)).await;
        assert!(waiting.is_err(), "a key in use waits");
        let other = tokio::time::timeout(
            Duration::from_millis(50),
            turn(&keys(&["lanes-test:ip:b", "lanes-test:pair:b"])),
        )
        .await;
        assert!(other.is_ok(), "other keys go at once");
        drop(first);
        let after = tokio::time::timeout(Duration::from_millis(50), turn(&shared)).await;
        assert!(after.is_ok(), "the turn passes when the holder is done");
    }

    #[tokio::test]
    async fn a_lane_nobody_uses_is_forgotten() {
        let key = "lanes-test:forgotten".to_string();
        let held = turn(std::slice::from_ref(&key)).await;
        assert!(LANES.lock().unwrap().contains_key(&key));
        drop(held);
        assert!(!LANES.lock().unwrap().contains_key(&key));
    }
}
