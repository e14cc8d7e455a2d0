//! Signing in with a passkey: passwordless (the passkey says whose it is), or as the second
//! step of a password sign-in (instead of an authenticator code).
//!
//! Invariants:
//! - Every answer is checked by `webauthn-rs` against the ceremony this server started (its
//!   challenge stored server-side, used once, five minutes), the instance's origin, the stored
//!   public key and signature counter, with user verification required.
//! - Passwordless: the passkey's credential id names the passkey, and the user handle the
//!   authenticator returns must be its user's; only an active user signs in, and under "SSO
//!   only" only a site administrator (a passkey is a way around the identity provider like a
//!   password is). A passkey proves two factors, so no code is asked after it.
//! - Second factor: the ceremony is bound to the login challenge (the two-factor page's
//!   cookie) it was started for, and only that challenge's user's passkeys answer it; a wrong
//!   answer counts against the challenge like a wrong code.
//! - Every refusal is the same answer, audited as `auth.sign_in_failed`.

use super::accounts::{self, LoginOutcome};
use super::login_challenge;
use super::passkeys::{credential_key, parse_stored, relying_party, remember, take};
use super::principal::ClientInfo;
use super::{secret, throttle};
use crate::domain::ids::UserId;
use crate::domain::passkey::PasskeyPurpose;
use crate::error::{AppError, ErrorCode};
use crate::store::{self, Db};
use chrono::{DateTime, Utc};
use webauthn_rs::prelude as wa;

fn refused() -> AppError {
    AppError::new(
        ErrorCode::InvalidCredentials,
        "This passkey was not accepted. Try again, or sign in another way.",
    )
}

fn challenge_expired() -> AppError {
    AppError::new(
        ErrorCode::InvalidCredentials,
        "Your sign-in expired. Enter your username and password again.",
    )
}

/// Options for `navigator.credentials.get()`. `challenge_secret` is the two-factor page's
/// cookie (for [`PasskeyPurpose::SecondFactor`]). No permission.
pub async fn options(
    db: &Db,
    base_url: &str,
    purpose: PasskeyPurpose,
    challenge_secret: Option<&str>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<serde_json::Value, AppError> {
    let rp = relying_party(base_url)?;
    // Every ceremony leaves a record until it expires: one address starts only so many.
    throttle::limit(
        db,
        throttle::passkey_ceremonies(&client.ip),
        &client.ip,
        now,
    )
    .await?;
    match purpose {
        PasskeyPurpose::SignIn => {
            let (options, state) = rp
                .start_discoverable_authentication()
                .map_err(AppError::internal)?;
            let mut options = serde_json::to_value(&options).map_err(AppError::internal)?;
            // A button press, not the browser's autofill ("conditional") prompt.
            if let Some(map) = options.as_object_mut() {
                map.remove("mediation");
            }
            remember(db, &options, "sign_in", None, None, &state, now).await?;
            Ok(options)
        }
        PasskeyPurpose::SecondFactor => {
            let secret = challenge_secret.ok_or_else(challenge_expired)?;
            let live = login_challenge::live(db, secret, now).await?;
            let passkeys = store::passkeys::credentials_of(db, &live.user.id)
                .await?
                .iter()
                .map(|p| parse_stored(&p.credential))
                .collect::<Result<Vec<_>, _>>()?;
            if passkeys.is_empty() {
                return Err(AppError::conflict(
                    ErrorCode::Conflict,
                    "This account has no passkey: enter a code from your authenticator app or a recovery code.",
                ));
            }
            let (options, state) = rp
                .start_passkey_authentication(&passkeys)
                .map_err(AppError::internal)?;
            let options = serde_json::to_value(&options).map_err(AppError::internal)?;
            remember(
                db,
                &options,
                "second_factor",
                Some(live.user.id.as_str()),
                Some(live.hash().to_string()),
                &state,
                now,
            )
            .await?;
            Ok(options)
        }
    }
}

/// Signs in with the browser's answer to [`options`]: passwordless, or (with the two-factor
/// page's cookie, `challenge_secret`) the second step of a password sign-in. No permission.
pub async fn sign_in(
    db: &Db,
    base_url: &str,
    credential: &serde_json::Value,
    challenge_secret: Option<&str>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let credential: wa::PublicKeyCredential =
        serde_json::from_value(credential.clone()).map_err(|_| {
            AppError::validation("credential", "This is not a passkey answer from a browser.")
        })?;
    let rp = relying_party(base_url)?;
    // A refused answer leaves an audit entry: one address sends only so many.
    throttle::limit(
        db,
        throttle::passkey_ceremonies(&client.ip),
        &client.ip,
        now,
    )
    .await?;
    let ceremony = take(db, &credential.response.client_data_json, now).await?;
    let Some(ceremony) = ceremony.filter(|c| c.kind != "register") else {
        failed(db, client, "passkey_ceremony", now).await?;
        return Err(refused());
    };
    if ceremony.kind == "sign_in" {
        return passwordless(db, &rp, &credential, &ceremony.state, client, now).await;
    }
    let secret = challenge_secret.ok_or_else(challenge_expired)?;
    let live = login_challenge::live(db, secret, now).await?;
    let bound = ceremony
        .login_challenge
        .as_deref()
        .is_some_and(|hash| secret::same(hash, live.hash()))
        && ceremony.user.as_deref() == Some(live.user.id.as_str());
    if !bound {
        failed(db, client, "passkey_ceremony", now).await?;
        return Err(refused());
    }
    let state: wa::PasskeyAuthentication =
        serde_json::from_str(&ceremony.state).map_err(AppError::internal)?;
    let checked = check(db, &credential, Some(&live.user.id), now, |passkey| {
        rp.finish_passkey_authentication(&credential, &state)
            .map(|result| (result, passkey))
    })
    .await?;
    if checked.is_none() {
        live.failed(db).await?;
        accounts::sign_in_failed(db, &live.user.username, client, "passkey", now).await?;
        return Err(refused());
    }
    live.finish(db, client, now).await
}

/// A passkey that said whose it is.
async fn passwordless(
    db: &Db,
    rp: &wa::Webauthn,
    credential: &wa::PublicKeyCredential,
    state: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let state: wa::DiscoverableAuthentication =
        serde_json::from_str(state).map_err(AppError::internal)?;
    let Ok((handle, _)) = rp.identify_discoverable_authentication(credential) else {
        failed(db, client, "passkey", now).await?;
        return Err(refused());
    };
    let checked = check(db, credential, None, now, |passkey| {
        rp.finish_discoverable_authentication_v2(credential, state, &passkey)
            .map(|result| (result, passkey))
    })
    .await?;
    let Some((id, stored)) = checked else {
        failed(db, client, "passkey", now).await?;
        return Err(refused());
    };
    let used = store::passkeys::used(db, &id, stored.as_deref(), now).await?;
    let Some(store::passkeys::PasskeyUse {
        user: Some(user),
        handle: user_handle,
        sso_only,
    }) = used
    else {
        failed(db, client, "passkey", now).await?;
        return Err(refused());
    };
    let sso_only = sso_only.unwrap_or(false);
    let handle = handle.to_string();
    let theirs = user_handle.is_some_and(|h| secret::same(&h, &handle));
    if !theirs || !user.active {
        failed(db, client, "passkey", now).await?;
        return Err(refused());
    }
    if !super::sso_policy::password_allowed(sso_only, &user) {
        failed(db, client, "sso_only", now).await?;
        return Err(super::sso_policy::refusal());
    }
    let how = super::sessions::How {
        action: "auth.signed_in",
        detail: serde_json::json!({ "method": "passkey", "passkey": id }),
        sso_provider: None,
    };
    accounts::finish_sign_in_as(db, &user, client, how, now).await
}

/// Finds the passkey the answer names (of `owner`, when given) and lets `verify` check the
/// answer against it; records its use. `None` when there is no such passkey or the check
/// failed; else the passkey's id and its credential when the counter moved.
async fn check(
    db: &Db,
    credential: &wa::PublicKeyCredential,
    owner: Option<&UserId>,
    now: DateTime<Utc>,
    verify: impl FnOnce(wa::Passkey) -> wa::WebauthnResult<(wa::AuthenticationResult, wa::Passkey)>,
) -> Result<Option<(String, Option<String>)>, AppError> {
    let key = credential_key(credential.get_credential_id());
    let Some(stored) = store::passkeys::by_credential_id(db, &key).await? else {
        return Ok(None);
    };
    if owner.is_some_and(|owner| owner.as_str() != stored.user) {
        return Ok(None);
    }
    let passkey = parse_stored(&stored.credential)?;
    let last_counter = counter_of(&passkey);
    let (result, mut passkey) = match verify(passkey) {
        Ok(verified) => verified,
        Err(err) => {
            tracing::info!(error = %err, "passkey assertion refused");
            return Ok(None);
        }
    };
    // A counting authenticator whose count did not move past the stored one may be a copy
    // (checked against the stored passkey as it is now, not as the ceremony saw it).
    if result.counter() > 0 && u64::from(result.counter()) <= last_counter {
        tracing::warn!(passkey = %stored.id, "passkey counter went backwards: possible clone");
        return Ok(None);
    }
    let moved = passkey.update_credential(&result).unwrap_or(false);
    let updated = if moved {
        Some(serde_json::to_string(&passkey).map_err(AppError::internal)?)
    } else {
        None
    };
    if owner.is_some() {
        // The second factor: its use is recorded here (the passwordless path records it while
        // reading the user).
        store::passkeys::used(db, &stored.id, updated.as_deref(), now).await?;
    }
    Ok(Some((stored.id, updated)))
}

/// The signature counter a stored passkey last saw (0 for authenticators that keep none).
fn counter_of(passkey: &wa::Passkey) -> u64 {
    serde_json::to_value(passkey)
        .ok()
        .and_then(|v| {
            v.pointer("/cred/counter")
                .and_then(serde_json::Value::as_u64)
        })
        .unwrap_or(0)
}

async fn failed(
    db: &Db,
    client: &ClientInfo,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    accounts::sign_in_failed(db, "passkey", client, reason, now).await
}
