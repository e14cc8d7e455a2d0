//! Password hashing and the server-side strength check.
//!
//! Invariants:
//! - Hashes are argon2id, m = 19456 KiB, t = 2, p = 1 (OWASP), computed on the blocking pool
//!   at most one per core, never on the async executor; at most `max_waiting` wait, and the
//!   next one is refused with 503 `unavailable` + `Retry-After` ([`HashQueue`]).
//! - Verifying against an unknown user still costs one hash ([`verify_or_dummy`]), so a failed
//!   sign-in takes the same time whether the account exists or not.

use crate::domain::password::Password;
use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

fn argon2() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19_456, 2, 1, None).map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes waiting for a core, at most (`--max-hash-queue`): past it, 503 with `Retry-After`.
pub const DEFAULT_MAX_WAITING: usize = 64;

/// Password hashes: at most one per core at once (each takes 19 MiB and a core for tens of
/// milliseconds), and a bounded number waiting. A flood of sign-ins gets 503 `unavailable`
/// with `Retry-After` instead of an ever longer wait that holds memory and connections.
pub struct HashQueue {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// One place in the waiting line, given back when dropped (also when the request goes away).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Seconds a caller is told to wait when the queue is full.
const BUSY_RETRY_AFTER_SECS: u64 = 1;

impl HashQueue {
    pub fn new(parallel: usize, max_waiting: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(parallel.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// Runs `work` on the blocking pool when a core is free; refuses at once when the
    /// waiting line is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = match self.running.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let _waiting = self.wait()?;
                self.running
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(AppError::internal)?
            }
        };
        // The core stays taken until the hash is done, even when the request that asked for
        // it goes away first (the blocking task runs on regardless).
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(AppError::internal)?
    }

    fn wait(&self) -> Result<Waiting<'_>, AppError> {
        let before = self.waiting.fetch_add(1, Ordering::AcqRel);
        let place = Waiting(&self.waiting);
        if before >= self.max_waiting {
            tracing::warn!(
                max_waiting = self.max_waiting,
                "password hash queue full; answering 503"
            );
            return Err(AppError {
                retry_after: Some(BUSY_RETRY_AFTER_SECS),
                ..AppError::unavailable(
                    "The server is busy checking passwords. Try again in a moment.",
                )
            });
        }
        Ok(place)
    }
}

static QUEUE: OnceLock<HashQueue> = OnceLock::new();

/// Sets how many hashes may wait (`--max-hash-queue`); call once at start, before any hash.
/// Returns false when the queue was already in use.
pub fn configure(max_waiting: usize) -> bool {
    QUEUE.set(HashQueue::new(cores(), max_waiting)).is_ok()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn queue() -> &'static HashQueue {
    QUEUE.get_or_init(|| HashQueue::new(cores(), DEFAULT_MAX_WAITING))
}

async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    queue().run(work).await
}

/// Hashes a password into a PHC string.
pub async fn hash(password: &Password) -> Result<String, AppError> {
    let secret = password.expose().to_string();
    on_blocking_pool(move || {
        let salt = super::secret::random_bytes::<16>()?;
        let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
        argon2()?
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
}

/// Whether `password` matches `phc` (a stored hash). An account without a password (made
/// through single sign-on: `phc` empty) matches nothing, after the same work.
pub async fn verify(password: &Password, phc: &str) -> Result<bool, AppError> {
    if phc.is_empty() {
        let dummy = dummy_hash().await?;
        Box::pin(verify(password, &dummy)).await?;
        return Ok(false);
    }
    let secret = password.expose().to_string();
    let phc = phc.to_string();
    on_blocking_pool(move || {
        let parsed = PasswordHash::new(&phc).map_err(AppError::internal)?;
        Ok(argon2()?
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// Verifies against `phc` when there is a user, and otherwise against a fixed dummy hash, so
/// both cases cost the same. Returns false for the dummy.
pub async fn verify_or_dummy(password: &Password, phc: Option<&str>) -> Result<bool, AppError> {
    match phc {
        Some(phc) => verify(password, phc).await,
        None => {
            let dummy = dummy_hash().await?;
            verify(password, &dummy).await?;
            Ok(false)
        }
    }
}

async fn dummy_hash() -> Result<String, AppError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| async {
            hash(&Password::new("gatehouse dummy password for timing")).await
        })
        .await
        .cloned()
}

/// Refuses passwords that are easy to guess (zxcvbn score below 3 of 4), taking the user's
/// own name and email into account.
pub fn check_strength(
    password: &Password,
    field: &str,
    username: &str,
    email: &str,
) -> Result<(), AppError> {
    let inputs = [username, email];
    let estimate = zxcvbn::zxcvbn(password.expose(), &inputs);
    if u8::from(estimate.score()) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .filter(|w| !w.is_empty());
        let message = match hint {
            Some(warning) => format!("This password is too easy to guess: {warning}"),
            None => "This password is too easy to guess. A few unrelated words make a strong one."
                .to_string(),
        };
        return Err(AppError::validation(field, message));
    }
    Ok(())
}

/// All password rules for a new password: shape, then strength.
pub fn check_new(
    password: &Password,
    field: &str,
    username: &str,
    email: &str,
) -> Result<(), AppError> {
    password.check_new(field, username, email)?;
    check_strength(password, field, username, email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let pw = Password::new("purple monkey dishwasher");
        let phc = hash(&pw).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify(&pw, &phc).await.unwrap());
        assert!(
            !verify(&Password::new("purple monkey dishwashe"), &phc)
                .await
                .unwrap()
        );
        assert!(!verify_or_dummy(&pw, None).await.unwrap());
    }

    /// With one core busy and the line full, the next hash is refused at once (503 with
    /// `Retry-After`); once the line moves, hashes are accepted again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_answers_503_instead_of_waiting() {
        let queue = Arc::new(HashQueue::new(1, 1));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy = {
            let queue = queue.clone();
            tokio::spawn(async move {
                queue
                    .run(move || {
                        hold.recv().map_err(AppError::internal)?;
                        Ok(1)
                    })
                    .await
            })
        };
        while queue.running.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let waiting = {
            let queue = queue.clone();
            tokio::spawn(async move { queue.run(|| Ok(2)).await })
        };
        while queue.waiting.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        let refused = queue.run(|| Ok(3)).await.unwrap_err();
        assert_eq!(refused.code, crate::error::ErrorCode::Unavailable);
        assert_eq!(refused.status(), 503);
        assert_eq!(refused.retry_after, Some(1));
        release.send(()).unwrap();
        assert_eq!(busy.await.unwrap().unwrap(), 1);
        assert_eq!(waiting.await.unwrap().unwrap(), 2);
        assert_eq!(queue.waiting.load(Ordering::Acquire), 0);
        assert_eq!(queue.run(|| Ok(4)).await.unwrap(), 4);
    }

    #[test]
    fn weak_passwords_are_refused() {
        for weak in ["password123", "qwertyuiop", "aaaaaaaaaaaa", "ada-lovelace1"] {
            let err = check_new(
                &Password::new(weak),
                "password",
                "ada-lovelace",
                "ada@example.org",
            );
            assert!(err.is_err(), "{weak} should be refused");
        }
        assert!(
            check_new(
                &Password::new("violet tractor quietly hums"),
                "password",
                "ada",
                "ada@example.org"
            )
            .is_ok()
        );
    }
}
