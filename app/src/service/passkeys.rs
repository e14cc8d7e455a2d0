//! The caller's passkeys (WebAuthn, with `webauthn-rs`): registered, listed, renamed and
//! deleted by their own user; and the relying party every passkey ceremony uses.
//!
//! Invariants:
//! - Only a person in a session manages passkeys (an API token cannot), as for every
//!   credential; registering works while the instance still requires two-factor setup, since
//!   a passkey satisfies that requirement.
//! - A registration is finished only with the ceremony this user started here (its challenge,
//!   stored server-side, used once, five minutes), and user verification is required.
//! - Passkeys are discoverable (resident) credentials, so they also sign in without a
//!   username (`passkey_sign_in`).
//! - The last way to sign in is never deleted (`store::passkeys::delete`), and the user's
//!   two-factor flag follows their passkeys in the same transaction.

use super::principal::{Principal, SignedInUser};
use super::secret;
use crate::domain::passkey::{NewPasskey, Passkey, validate_name};
use crate::error::{AppError, ErrorCode};
use crate::store::passkeys::{CeremonyRow, PasskeyRow};
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};
use webauthn_rs::prelude as wa;

/// How long a ceremony may take between its options and the browser's answer.
pub const CEREMONY_MINUTES: i64 = 5;
const KEY_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The relying party: this instance as its users reach it (`base_url`). Browsers accept
/// passkeys only for a host name (not an IP address), over https or on `localhost`.
pub fn relying_party(base_url: &str) -> Result<wa::Webauthn, AppError> {
    let unusable = || {
        AppError::conflict(
            ErrorCode::Conflict,
            "Passkeys need Gatehouse to be reached by a host name (https, or localhost): set its public URL (--public-url).",
        )
    };
    let origin = wa::Url::parse(base_url).map_err(|_| unusable())?;
    // `domain()` is none for an IP address.
    let host = origin.domain().ok_or_else(unusable)?.to_string();
    wa::WebauthnBuilder::new(&host, &origin)
        .and_then(|builder| builder.rp_name("Gatehouse").build())
        .map_err(|_| unusable())
}

/// The caller for passkey management: a person in a session (not a token, not a session
/// that may only change a temporary password).
fn person(principal: &Principal) -> Result<&SignedInUser, AppError> {
    principal.user_for_enrolment()?;
    principal.in_person()
}

/// The challenge a browser's answer signed (from its client data), for finding the ceremony.
pub(crate) fn challenge_of(client_data_json: &[u8]) -> Option<String> {
    let data: serde_json::Value = serde_json::from_slice(client_data_json).ok()?;
    data.get("challenge")?
        .as_str()
        .map(|c| c.trim_end_matches('=').to_string())
}

/// The challenge of options about to be sent (base64url), for keying their ceremony.
pub(crate) fn challenge_in(options: &serde_json::Value) -> Result<String, AppError> {
    options
        .pointer("/publicKey/challenge")
        .and_then(serde_json::Value::as_str)
        .map(|c| c.trim_end_matches('=').to_string())
        .ok_or_else(|| AppError::internal("WebAuthn options without a challenge"))
}

/// Stores a ceremony under its challenge.
pub(crate) async fn remember(
    db: &Db,
    options: &serde_json::Value,
    kind: &str,
    user: Option<&str>,
    login_challenge: Option<String>,
    state: &impl serde::Serialize,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let ceremony = CeremonyRow {
        kind: kind.to_string(),
        user: user.map(str::to_string),
        login_challenge,
        state: serde_json::to_string(state).map_err(AppError::internal)?,
        expires_at: now + Duration::minutes(CEREMONY_MINUTES),
    };
    let hash = secret::sha256_hex(&challenge_in(options)?);
    store::passkeys::start_ceremony(db, &hash, &ceremony, now).await?;
    Ok(())
}

/// Takes (uses up) the live ceremony that the answer's challenge names, if any; the caller
/// checks its kind.
pub(crate) async fn take(
    db: &Db,
    client_data_json: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<CeremonyRow>, AppError> {
    let Some(challenge) = challenge_of(client_data_json) else {
        return Ok(None);
    };
    let ceremony = store::passkeys::take_ceremony(db, &secret::sha256_hex(&challenge)).await?;
    Ok(ceremony.filter(|c| c.expires_at > now))
}

/// A stored credential, parsed.
pub(crate) fn parse_stored(credential: &str) -> Result<wa::Passkey, AppError> {
    serde_json::from_str(credential).map_err(AppError::internal)
}

/// How the database names a credential id.
pub(crate) fn credential_key(id: &[u8]) -> String {
    secret::base64url(id)
}

/// Options for registering a passkey on the caller's account (the browser passes them to
/// `navigator.credentials.create()`). Needs a person in a session.
pub async fn registration_options(
    db: &Db,
    principal: &Principal,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<serde_json::Value, AppError> {
    let caller = person(principal)?;
    let rp = relying_party(base_url)?;
    let fresh = wa::Uuid::from_bytes(secret::random_bytes::<16>()?);
    let handle = store::passkeys::handle_of(db, &caller.user_id, &fresh.to_string())
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let handle = wa::Uuid::parse_str(&handle).map_err(AppError::internal)?;
    let existing = store::passkeys::credentials_of(db, &caller.user_id).await?;
    let exclude = existing
        .iter()
        .map(|p| parse_stored(&p.credential).map(|k| k.cred_id().clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let (options, state) = rp
        .start_passkey_registration(handle, &caller.username, &caller.username, Some(exclude))
        .map_err(AppError::internal)?;
    let mut options = serde_json::to_value(&options).map_err(AppError::internal)?;
    // A discoverable credential, so that the passkey also signs in without a username.
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
        selection["residentKey"] = serde_json::json!("required");
        selection["requireResidentKey"] = serde_json::json!(true);
    }
    remember(
        db,
        &options,
        "register",
        Some(caller.user_id.as_str()),
        None,
        &state,
        now,
    )
    .await?;
    Ok(options)
}

fn credential_refused(message: &str) -> AppError {
    AppError::validation("credential", message)
}

/// Registers a passkey from the browser's answer to [`registration_options`]. Needs a person
/// in a session: the same user who asked for the options, within five minutes. The session is
/// renewed (its new secret returned for the cookie) and the account's address told, as a
/// passkey is a way in of its own.
pub async fn register(
    db: &Db,
    principal: &Principal,
    base_url: &str,
    input: &NewPasskey,
    now: DateTime<Utc>,
) -> Result<(Passkey, Option<super::sessions::IssuedSession>), AppError> {
    let caller = person(principal)?;
    let name = validate_name(&input.name)?;
    let credential: wa::RegisterPublicKeyCredential =
        serde_json::from_value(input.credential.clone()).map_err(|_| {
            credential_refused("This is not a passkey registration from a browser.")
        })?;
    let rp = relying_party(base_url)?;
    let Some(ceremony) = take(db, &credential.response.client_data_json, now)
        .await?
        .filter(|c| c.kind == "register" && c.user.as_deref() == Some(caller.user_id.as_str()))
    else {
        return Err(credential_refused(
            "This passkey registration expired or was started elsewhere. Try again.",
        ));
    };
    let state: wa::PasskeyRegistration =
        serde_json::from_str(&ceremony.state).map_err(AppError::internal)?;
    let passkey = rp
        .finish_passkey_registration(&credential, &state)
        .map_err(|err| {
            tracing::warn!(error = %err, "passkey registration refused");
            credential_refused("The passkey could not be verified. Try again.")
        })?;
    let key = secret::random_string(KEY_ALPHABET, 20)?;
    let stored = serde_json::to_string(&passkey).map_err(AppError::internal)?;
    let audit = super::audit_entry::entry(
        principal,
        "passkey.registered",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({ "passkey": key, "name": name }),
        now,
    );
    store::passkeys::register(
        db,
        &caller.user_id,
        &store::passkeys::NewPasskey {
            key: &key,
            name: &name,
            credential_id: &credential_key(passkey.cred_id()),
            credential: &stored,
        },
        now,
        &audit,
    )
    .await?;
    notify(db, caller, &name, now).await;
    let session = super::sessions::rotate(db, principal, "passkey_registered", now).await?;
    let passkey = Passkey {
        id: key,
        name,
        created_at: super::rfc3339(now),
        last_used_at: None,
    };
    Ok((passkey, session))
}

/// Tells the account's address that a passkey was added (best effort: the passkey is there).
async fn notify(db: &Db, caller: &SignedInUser, name: &str, now: DateTime<Utc>) {
    let Ok(Some(user)) = store::users::by_id(db, &caller.user_id).await else {
        return;
    };
    let notice = format!(
        "A passkey named \"{name}\" was added to the Gatehouse account \"{}\". It signs in \
         without a password.\n\nIf you did not add it, sign in, delete it under Settings → \
         Passkeys, change your password and end your other sessions, or ask your administrator \
         for help.",
        user.username
    );
    let sent = super::mail::send(
        db,
        &user.email,
        "A passkey was added to your account",
        &notice,
        super::mail::kind::PASSKEY_ADDED,
        now,
    )
    .await;
    if let Err(error) = sent {
        tracing::warn!(error = %error.message, "could not queue the passkey notice");
    }
}

fn view(row: PasskeyRow) -> Passkey {
    Passkey {
        id: row.id,
        name: row.name,
        created_at: super::rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(super::rfc3339),
    }
}

/// The caller's passkeys, oldest first. Needs a person in a session.
pub async fn mine(db: &Db, principal: &Principal) -> Result<Vec<Passkey>, AppError> {
    let caller = person(principal)?;
    Ok(store::passkeys::of_user(db, &caller.user_id)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

fn valid_key(id: &str) -> Result<(), AppError> {
    if id.len() == 20 && id.bytes().all(|b| KEY_ALPHABET.contains(&b)) {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Renames one of the caller's passkeys. Needs a person in a session.
pub async fn rename(
    db: &Db,
    principal: &Principal,
    id: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = person(principal)?;
    valid_key(id)?;
    let name = validate_name(name)?;
    let audit = super::audit_entry::entry(
        principal,
        "passkey.renamed",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({ "passkey": id, "name": name }),
        now,
    );
    store::passkeys::rename(db, &caller.user_id, id, &name, &audit).await?;
    Ok(())
}

/// Deletes one of the caller's passkeys (409 when it is their last way to sign in; 403
/// `two_factor_policy` when it is their last second factor and the instance requires one).
/// Needs a person in a session.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let caller = person(principal)?;
    valid_key(id)?;
    let audit = super::audit_entry::entry(
        principal,
        "passkey.deleted",
        format!("user:{}", caller.username),
        None,
        serde_json::json!({ "passkey": id }),
        now,
    );
    // While the instance requires two-factor, the last second factor stays.
    let keep = caller.rules.require_two_factor;
    store::passkeys::delete(db, &caller.user_id, id, keep, now, &audit).await?;
    Ok(())
}
