//! Two-factor authentication: TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps) and recovery codes.
//!
//! Invariants:
//! - A TOTP code is accepted for steps −1/0/+1 around `now`, and only if its step is newer than
//!   every step accepted before for that user; the store records the step in the same
//!   transaction that checks it, so a replay — even two parallel requests — is refused.
//! - Recovery codes are 50 random bits each; only their SHA-256 is stored, and each one is
//!   removed by the transaction that accepts it.
//! - The TOTP secret leaves the server only to its owner, while enrolment is pending.
//! - Wrong codes count against the account's throttle like wrong passwords.

use super::principal::Principal;
use super::{qr, secret, throttle};
use crate::domain::ids::UserId;
use crate::domain::two_factor::DisableTwoFactor;
use crate::domain::two_factor::{
    Enrolment, RECOVERY_CODE_COUNT, RecoveryCodes, TwoFactorStatus, normalize_code,
};
use crate::error::{AppError, ErrorCode};
use crate::store::Guard;
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use totp_rs::{Builder, Secret, Totp};

const ISSUER: &str = "Gatehouse";

fn totp(secret_base32: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_base32).map_err(AppError::internal)?;
    Builder::new()
        .with_secret(secret)
        .build()
        .map_err(AppError::internal)
}

/// A wrong, reused or malformed code: one answer for all.
pub(crate) fn invalid_code() -> AppError {
    Guard::TwoFactorUsed.into()
}

/// The TOTP step `code` is valid for at `now` (±1 step), without recording it.
fn totp_step(secret_base32: &str, code: &str, now: DateTime<Utc>) -> Result<Option<i64>, AppError> {
    let time = u64::try_from(now.timestamp()).unwrap_or(0);
    Ok(totp(secret_base32)?
        .check(code, time)
        .and_then(|step| i64::try_from(step).ok()))
}

/// Ten fresh codes (`xxxxx-xxxxx`, base32 lower case) and their hashes.
fn new_recovery_codes() -> Result<(Vec<String>, Vec<String>), AppError> {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut codes = Vec::with_capacity(RECOVERY_CODE_COUNT);
    for _ in 0..RECOVERY_CODE_COUNT {
        let chars = secret::random_string(ALPHABET, 10)?;
        codes.push(format!("{}-{}", &chars[..5], &chars[5..]));
    }
    let hashes = codes
        .iter()
        .map(|c| secret::sha256_hex(&normalize_code(c)))
        .collect();
    Ok((codes, hashes))
}

/// Checks and consumes a TOTP or recovery code of a user with two-factor on. `Ok(false)` for
/// a wrong, reused or malformed code. No throttling here: callers count failures.
pub(crate) async fn consume_code(
    db: &Db,
    user_id: &UserId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let code = normalize_code(code);
    if code.is_empty() || code.len() > 64 {
        return Ok(false);
    }
    let Some(row) = store::two_factor::get(db, user_id).await? else {
        return Ok(false);
    };
    if !row.enabled {
        return Ok(false);
    }
    let outcome = if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let Some(step) = totp_step(&row.secret, &code, now)? else {
            return Ok(false);
        };
        store::two_factor::use_step(db, user_id, step).await
    } else {
        store::two_factor::use_recovery_code(db, user_id, &secret::sha256_hex(&code)).await
    };
    match outcome {
        Ok(()) => Ok(true),
        Err(Guard::TwoFactorUsed | Guard::TwoFactorState) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// `consume_code` behind the code throttle (pair and account): for the settings actions
/// that need a code.
async fn throttled_code(
    db: &Db,
    principal: &Principal,
    user_id: &UserId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let ip = principal.ip();
    let account = throttle::account_part(Some(user_id), "");
    let attempt = throttle::attempt(db, throttle::code_guessing(ip, &account), ip, now).await?;
    if consume_code(db, user_id, code, now).await? {
        attempt.succeeded(db).await
    } else {
        Err(invalid_code())
    }
}

/// The caller's two-factor state. Needs a signed-in user.
pub async fn status(db: &Db, principal: &Principal) -> Result<TwoFactorStatus, AppError> {
    let caller = principal.user_for_enrolment()?;
    let row = store::two_factor::get(db, &caller.user_id).await?;
    let required = caller.rules.require_two_factor;
    let pending = match &row {
        Some(row) if !row.enabled => Some(enrolment(&caller.username, &row.secret)?),
        _ => None,
    };
    Ok(TwoFactorStatus {
        enabled: row.as_ref().is_some_and(|r| r.enabled),
        pending,
        recovery_codes_left: row
            .as_ref()
            .filter(|r| r.enabled)
            .map_or(0, |r| u32::try_from(r.recovery_left).unwrap_or(0)),
        required,
        required_by: required_by(db, &caller.user_id).await?,
    })
}

/// The names of `user_id`'s organizations whose policy requires two-factor.
async fn required_by(db: &Db, user_id: &UserId) -> Result<Vec<String>, AppError> {
    Ok(store::organizations::of_user(db, user_id)
        .await?
        .into_iter()
        .filter(|(org, _)| org.require_two_factor)
        .map(|(org, _)| org.name)
        .collect())
}

fn enrolment(username: &str, secret: &str) -> Result<Enrolment, AppError> {
    // Usernames are `a-z 0-9 -` and the secret is base32: nothing here needs escaping.
    let otpauth_url = format!(
        "otpauth://totp/{ISSUER}:{username}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30"
    );
    let qr_svg = qr::svg(&otpauth_url)
        .ok_or_else(|| AppError::internal("the enrolment URL does not fit in a QR code"))?;
    Ok(Enrolment {
        secret: secret.to_string(),
        otpauth_url,
        qr_svg,
    })
}

/// Starts enrolment with a new secret (replacing an unconfirmed one). Needs a signed-in user
/// without two-factor (409 `conflict` otherwise).
pub async fn begin(
    db: &Db,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Enrolment, AppError> {
    let caller = principal.user_for_enrolment()?;
    principal.in_person()?;
    let secret = Secret::from(secret::random_bytes::<20>()?.to_vec()).to_base32();
    store::two_factor::begin(db, &caller.user_id, &secret, now).await?;
    enrolment(&caller.username, &secret)
}

/// Confirms enrolment with a code from the app; returns the recovery codes (shown once) and
/// the fresh session that replaces the current one (for the transport to set as the new
/// cookie). Needs a person signed in with a pending enrolment.
pub async fn confirm(
    db: &Db,
    principal: &Principal,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(RecoveryCodes, Option<super::sessions::IssuedSession>), AppError> {
    let caller = principal.user_for_enrolment()?;
    principal.in_person()?;
    let ip = principal.ip();
    let account = throttle::account_part(Some(&caller.user_id), "");
    let attempt = throttle::attempt(db, throttle::code_guessing(ip, &account), ip, now).await?;
    let pending = store::two_factor::get(db, &caller.user_id)
        .await?
        .filter(|row| !row.enabled)
        .ok_or_else(|| {
            AppError::conflict(
                ErrorCode::Conflict,
                "There is no enrolment to confirm. Start the setup again.",
            )
        })?;
    let normalized = normalize_code(code);
    let Some(step) = totp_step(&pending.secret, &normalized, now)? else {
        return Err(AppError::validation(
            "code",
            "That code does not match. Check the time on your phone and enter the current code.",
        ));
    };
    let (codes, hashes) = new_recovery_codes()?;
    let audit = super::audit_entry::entry(
        principal,
        "account.two_factor_enabled",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({}),
        now,
    );
    store::two_factor::enable(
        db,
        &caller.user_id,
        &pending.secret,
        step,
        &hashes,
        now,
        &audit,
    )
    .await?;
    attempt.succeeded(db).await?;
    let session = super::sessions::rotate(db, principal, "two_factor_enabled", now).await?;
    Ok((
        RecoveryCodes {
            recovery_codes: codes,
        },
        session,
    ))
}

/// Replaces the recovery codes; needs a current code. Needs a signed-in user with two-factor.
pub async fn regenerate_recovery_codes(
    db: &Db,
    principal: &Principal,
    code: &str,
    now: DateTime<Utc>,
) -> Result<RecoveryCodes, AppError> {
    let caller = principal.user()?;
    principal.in_person()?;
    require_enabled(db, &caller.user_id).await?;
    throttled_code(db, principal, &caller.user_id, code, now).await?;
    let (codes, hashes) = new_recovery_codes()?;
    let audit = super::audit_entry::entry(
        principal,
        "account.recovery_codes_regenerated",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({}),
        now,
    );
    store::two_factor::replace_recovery_codes(db, &caller.user_id, &hashes, &audit).await?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

async fn require_enabled(db: &Db, user_id: &UserId) -> Result<(), AppError> {
    match store::two_factor::get(db, user_id).await? {
        Some(row) if row.enabled => Ok(()),
        _ => Err(AppError::conflict(
            ErrorCode::Conflict,
            "Two-factor authentication is not on.",
        )),
    }
}

/// Turns two-factor off (or cancels a pending enrolment) with the password or a current code.
/// Needs a signed-in user; refused (403 `two_factor_policy`) while an instance policy
/// requires two-factor, and while organizations the caller belongs to require it unless they
/// accept being blocked there (`accept_blocked`).
pub async fn disable(
    db: &Db,
    principal: &Principal,
    proof: &DisableTwoFactor,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = principal.user()?;
    principal.in_person()?;
    let row = store::two_factor::get(db, &caller.user_id).await?;
    let Some(row) = row else {
        return Err(AppError::conflict(
            ErrorCode::Conflict,
            "Two-factor authentication is not on.",
        ));
    };
    if row.enabled {
        // With a passkey left, the account keeps a second factor: no policy is concerned.
        let passkeys_left = !store::passkeys::of_user(db, &caller.user_id)
            .await?
            .is_empty();
        if caller.rules.require_two_factor && !passkeys_left {
            return Err(AppError::new(
                ErrorCode::TwoFactorPolicy,
                "This instance requires two-factor authentication, so it cannot be turned off.",
            ));
        }
        let blocking = if passkeys_left {
            Vec::new()
        } else {
            required_by(db, &caller.user_id).await?
        };
        if !blocking.is_empty() && !proof.accept_blocked {
            return Err(AppError::new(
                ErrorCode::TwoFactorPolicy,
                format!(
                    "{} {} two-factor authentication: with it off you are blocked there until you turn it on again. Confirm to turn it off anyway.",
                    blocking.join(", "),
                    if blocking.len() == 1 {
                        "requires"
                    } else {
                        "require"
                    },
                ),
            ));
        }
        match (
            &proof.password,
            proof.code.as_deref().filter(|c| !c.trim().is_empty()),
        ) {
            (_, Some(code)) => {
                throttled_code(db, principal, &caller.user_id, code, now).await?;
            }
            (Some(password), None) if !password.expose().is_empty() => {
                let user = store::users::by_id(db, &caller.user_id)
                    .await?
                    .ok_or_else(AppError::unauthenticated)?;
                super::account_security::verify_current_password(
                    db, principal, &user, password, "password", now,
                )
                .await?;
            }
            _ => {
                return Err(AppError::validation(
                    "password",
                    "Enter your password or a code to turn two-factor authentication off.",
                ));
            }
        }
    }
    let audit = super::audit_entry::entry(
        principal,
        "account.two_factor_disabled",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({}),
        now,
    );
    store::two_factor::disable(db, &caller.user_id, now, &audit).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_and_hashed() {
        let (codes, hashes) = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODE_COUNT);
        assert_eq!(hashes.len(), RECOVERY_CODE_COUNT);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        );
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODE_COUNT);
        assert_eq!(
            hashes[0],
            secret::sha256_hex(&normalize_code(&codes[0].to_uppercase()))
        );
    }

    #[test]
    fn totp_accepts_one_step_either_side() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let at = DateTime::from_timestamp(59, 0).unwrap();
        // RFC 6238 appendix B: SHA-1 at T=59 is 94287082 (8 digits); 6 digits: 287082.
        assert_eq!(totp_step(&secret, "287082", at).unwrap(), Some(1));
        let later = DateTime::from_timestamp(59 + 30, 0).unwrap();
        assert_eq!(totp_step(&secret, "287082", later).unwrap(), Some(1));
        let too_late = DateTime::from_timestamp(59 + 60, 0).unwrap();
        assert_eq!(totp_step(&secret, "287082", too_late).unwrap(), None);
        assert_eq!(totp_step(&secret, "28708", at).unwrap(), None);
    }
}
