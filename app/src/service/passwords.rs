//! Password hashing and the server-side strength check.
//!
//! Invariants:
//! - Hashes are argon2id, m = 19456 KiB, t = 2, p = 1 (OWASP), computed on the blocking pool
//!   behind a semaphore, never on the async executor.
//! - Verifying against an unknown user still costs one hash ([`verify_or_dummy`]), so a failed
//!   sign-in takes the same time whether the account exists or not.

use crate::domain::password::Password;
use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

fn argon2() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19_456, 2, 1, None).map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// At most this many hashes run at once (each takes 19 MiB and a core for ~tens of ms).
fn permits() -> &'static Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(Semaphore::new(cores.max(1)))
    })
}

async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let _permit = permits()
        .clone()
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)?
}

/// Hashes a password into a PHC string.
pub async fn hash(password: &Password) -> Result<String, AppError> {
    let secret = password.expose().to_string();
    on_blocking_pool(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(AppError::internal)?;
        let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
        argon2()?
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
}

/// Whether `password` matches `phc` (a stored hash).
pub async fn verify(password: &Password, phc: &str) -> Result<bool, AppError> {
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
