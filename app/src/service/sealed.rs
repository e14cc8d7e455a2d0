//! Sealing a one-time result (a batch of new accounts' temporary passwords) for the browser
//! that asked for it, when that browser has no JavaScript to receive it directly: the result
//! is encrypted (ChaCha20-Poly1305) under a fresh random key, the database keeps only the
//! ciphertext for a few minutes, and the key travels only in that browser's one-time cookie.
//!
//! Invariants:
//! - The database never holds the result in the clear; a key is used for one seal only (so a
//!   fixed nonce is safe), and a record is read at most once (the read deletes it).
//! - A record is opened only by the user who sealed it, within its lifetime.

use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};

/// How long a sealed result waits to be read (as long as the one-time cookie lives).
pub const LIFETIME_MINUTES: i64 = 5;

fn key(bytes: &[u8; 32]) -> Result<LessSafeKey, AppError> {
    let key = UnboundKey::new(&CHACHA20_POLY1305, bytes).map_err(AppError::internal)?;
    Ok(LessSafeKey::new(key))
}

/// What the ciphertext is bound to: its record and its owner.
fn bound(id: &str, owner: &UserId) -> Vec<u8> {
    format!("{id}:{owner}").into_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// Seals `plain` for `owner`; returns the ticket (`record.key`, for the one-time cookie).
pub async fn seal(
    db: &Db,
    owner: &UserId,
    plain: &[u8],
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let secret = super::secret::random_bytes::<32>()?;
    let id = hex(&super::secret::random_bytes::<16>()?);
    let mut data = plain.to_vec();
    key(&secret)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key([0; 12]),
            Aad::from(bound(&id, owner)),
            &mut data,
        )
        .map_err(AppError::internal)?;
    store::sealed_results::put(
        db,
        &id,
        owner,
        &hex(&data),
        now + Duration::minutes(LIFETIME_MINUTES),
        now,
    )
    .await?;
    Ok(format!("{id}.{}", hex(&secret)))
}

/// Opens the result behind `ticket` for `owner`, once; none when it is gone, expired, someone
/// else's or does not decrypt.
pub async fn open(
    db: &Db,
    owner: &UserId,
    ticket: &str,
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>, AppError> {
    let Some((id, secret)) = ticket.split_once('.') else {
        return Ok(None);
    };
    let Some(secret) = unhex(secret).and_then(|s| <[u8; 32]>::try_from(s).ok()) else {
        return Ok(None);
    };
    if id.len() != 32 || unhex(id).is_none() {
        return Ok(None);
    }
    let Some(sealed) = store::sealed_results::take(db, id, owner, now).await? else {
        return Ok(None);
    };
    let Some(mut data) = unhex(&sealed) else {
        return Ok(None);
    };
    let opened = key(&secret)?
        .open_in_place(
            Nonce::assume_unique_for_key([0; 12]),
            Aad::from(bound(id, owner)),
            &mut data,
        )
        .map(|plain| plain.to_vec())
        .ok();
    Ok(opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_garbage() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }
}
