//! Which Gatehouse account a person the provider vouched for signs in as.
//!
//! Invariants:
//! - An identity (provider + subject) is linked to at most one user (its record key is
//!   [`identity_key`]); a linked identity signs in as its user, if active.
//! - An unlinked identity whose *verified* address belongs to an account is never linked by
//!   the address alone: the person first proves the account (its password, and two-factor
//!   when on) on the link page ([`complete_link`]).
//! - Otherwise an account is made just in time only while sign-up is open or "SSO sign-up" is
//!   on, throttled per address like sign-up, with no password (it signs in through the
//!   provider, or sets one through "Forgot password?").
//! - Gatehouse's own two-factor is still asked when the account has it on.

use super::accounts::{INVALID_CREDENTIALS, LoginOutcome};
use super::oidc::Failure;
use super::oidc::Verified;
use super::principal::ClientInfo;
use super::secret::{random_secret, sha256_hex};
use super::sessions::{self, How};
use super::{passwords, throttle};
use crate::domain::email::Email;
use crate::domain::password::Password;
use crate::domain::sso::LinkPreview;
use crate::domain::username::Username;
use crate::error::{AppError, ErrorCode};
use crate::store::identities::NewIdentity;
use crate::store::login_challenges::ChallengeSso;
use crate::store::sso_flows::PendingLink;
use crate::store::sso_providers::ProviderRow;
use crate::store::users::{NewUser, UserRow};
use crate::store::{self, Db, Guard};
use chrono::{DateTime, Duration, Utc};

/// How long a pending link waits for its person to prove the account.
pub const LINK_MINUTES: i64 = 15;

/// The record key of an identity: one per provider and subject.
pub fn identity_key(provider: &str, subject: &str) -> String {
    sha256_hex(&format!("{provider}\n{subject}"))
}

/// Why a sign-in through a provider failed: its code names the message on the sign-in page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused(pub &'static str);

impl From<Failure> for Refused {
    fn from(failure: Failure) -> Self {
        Refused(failure.code())
    }
}

impl From<AppError> for Refused {
    fn from(err: AppError) -> Self {
        if err.code == crate::error::ErrorCode::RateLimited {
            return Refused("throttled");
        }
        tracing::error!(error = %err.message, "single sign-on failed");
        Refused("unavailable")
    }
}

impl From<crate::store::StoreError> for Refused {
    fn from(err: crate::store::StoreError) -> Self {
        AppError::from(err).into()
    }
}

/// What the callback leads to.
pub enum Finished {
    /// Signed in, or the two-factor step (as after a password).
    Outcome(LoginOutcome),
    /// The address belongs to an account: its person proves it on the link page, with the
    /// secret of this cookie.
    Link { secret: String },
}

/// Resolves the person `who` vouched for by `provider` to an account and signs them in.
pub(super) async fn resolve(
    db: &Db,
    provider: &ProviderRow,
    who: &Verified,
    next: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<Finished, Refused> {
    if who.subject.is_empty() || who.subject.len() > 255 {
        return Err(Refused("rejected"));
    }
    let key = identity_key(&provider.id, &who.subject);
    let groups = provider
        .groups_claim
        .as_deref()
        .and_then(|claim| who.values(claim));
    let via = Via {
        provider,
        groups: groups.as_deref(),
    };
    if let Some(user) = store::identities::user_of(db, &key, now).await? {
        return Ok(Finished::Outcome(
            sign_in(db, &user, via, false, client, now).await?,
        ));
    }
    let email = who
        .email
        .as_deref()
        .map(Email::parse)
        .transpose()
        .ok()
        .flatten();
    let holder = match &email {
        Some(email) => store::users::by_login(db, email.as_str())
            .await?
            .filter(|u| u.email.to_lowercase() == email.key()),
        None => None,
    };
    if let Some(holder) = holder {
        if !who.email_verified {
            // Nobody may claim an account with an address the provider did not check.
            return Err(Refused("email_unverified"));
        }
        if !holder.active {
            return Err(Refused("inactive"));
        }
        let secret = random_secret()?;
        let identity = NewIdentity {
            key: &key,
            provider: &provider.id,
            subject: &who.subject,
            email: holder.email.as_str(),
        };
        store::sso_flows::pend(
            db,
            &sha256_hex(&secret),
            &PendingLink {
                identity,
                user: &holder.id,
                groups: groups.clone().unwrap_or_default(),
                groups_known: groups.is_some(),
                next,
                expires_at: now + Duration::minutes(LINK_MINUTES),
            },
        )
        .await?;
        return Ok(Finished::Link { secret });
    }
    let email = email.ok_or(Refused("email_missing"))?;
    if !who.email_verified {
        // A new account claims its address: only one the provider checked.
        return Err(Refused("email_unverified"));
    }
    let user = create_just_in_time(db, provider, who, &key, &email, client, now).await?;
    Ok(Finished::Outcome(
        sign_in(db, &user, via, false, client, now).await?,
    ))
}

/// The provider a sign-in came through, and its groups claim (if it sent one).
#[derive(Clone, Copy)]
struct Via<'a> {
    provider: &'a ProviderRow,
    groups: Option<&'a [String]>,
}

/// Opens a session for `user` and applies the provider's group mappings, or asks for the
/// two-factor step when they have it on (unless the code was `proven` already).
async fn sign_in(
    db: &Db,
    user: &UserRow,
    via: Via<'_>,
    proven: bool,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, Refused> {
    if !user.active {
        return Err(Refused("inactive"));
    }
    if user.two_factor_enabled && !proven {
        return Ok(LoginOutcome::TwoFactorRequired {
            user_id: user.id.clone(),
            sso: Some(ChallengeSso {
                provider: via.provider.id.clone(),
                groups: via.groups.map(<[String]>::to_vec).unwrap_or_default(),
                groups_known: via.groups.is_some(),
                link: None,
            }),
        });
    }
    let session = sessions::open_as(
        db,
        &user.id,
        &user.username,
        &client.user_agent,
        &client.ip,
        false,
        How {
            action: "auth.sso_signed_in",
            detail: serde_json::json!({
                "provider": via.provider.name, "provider_id": via.provider.id
            }),
            sso_provider: Some(via.provider.id.clone()),
        },
        now,
    )
    .await?;
    // The provider's groups claim, now that the person is in.
    super::sso_groups::apply(db, via.provider, user, via.groups, &client.ip, now).await;
    Ok(LoginOutcome::SignedIn {
        user: Box::new(super::user_view::user(user)),
        session,
    })
}

/// The usernames to try for a new account: the provider's username claim, the address's
/// local part, then either with a number.
fn candidates(provider: &ProviderRow, who: &Verified, email: &Email) -> Vec<Username> {
    let tidy = |raw: &str| -> String {
        let lowered: String = raw
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let mut name = lowered
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        name.truncate(30);
        name.trim_end_matches('-').to_string()
    };
    let local = email.as_str().split('@').next().unwrap_or_default();
    let bases: Vec<String> = [who.text(&provider.username_claim), Some(local.to_string())]
        .into_iter()
        .flatten()
        .map(|raw| tidy(&raw))
        .filter(|name| !name.is_empty())
        .collect();
    let numbered = bases
        .iter()
        .flat_map(|base| (2..=9).map(move |n| format!("{base}-{n}")));
    bases
        .iter()
        .cloned()
        .chain(numbered)
        .filter_map(|name| Username::parse(&name).ok())
        .collect()
}

async fn create_just_in_time(
    db: &Db,
    provider: &ProviderRow,
    who: &Verified,
    key: &str,
    email: &Email,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<UserRow, Refused> {
    let settings = store::settings::get(db).await?;
    if settings.signup_mode != "open" && !settings.sso_signup {
        return Err(Refused("signup_closed"));
    }
    let budget = throttle::signups(&client.ip);
    throttle::open(db, &budget, now).await?;
    let display_name: String = who
        .text("name")
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect();
    for username in candidates(provider, who, email) {
        let audit = super::audit_entry::entry_as(
            super::audit_entry::Who {
                name: username.as_str(),
                id: "",
                ip: &client.ip,
            },
            "account.created",
            format!("user:{}", username.as_str()),
            None,
            serde_json::json!({ "via": "sso", "provider": provider.name, "site_admin": false }),
            now,
        );
        let created = store::identities::create_user_with(
            db,
            &NewUser {
                username: username.as_str(),
                email: email.as_str(),
                email_key: &email.key(),
                email_verified: true,
                display_name: &display_name,
                password_hash: "",
                password_change_required: false,
                password_expires_at: None,
                instance_role: None,
            },
            &NewIdentity {
                key,
                provider: &provider.id,
                subject: &who.subject,
                email: email.as_str(),
            },
            now,
            &audit,
        )
        .await;
        match created {
            Ok(user) => {
                throttle::count(db, &budget, &client.ip, now).await?;
                return Ok(user);
            }
            Err(Guard::UsernameTaken) => continue,
            // A concurrent callback of the same person won: sign in as what it made.
            Err(Guard::IdentityLinked) => {
                return store::identities::user_of(db, key, now)
                    .await?
                    .ok_or(Refused("unavailable"));
            }
            Err(Guard::EmailTaken) => return Err(Refused("email_unverified")),
            Err(other) => return Err(AppError::from(other).into()),
        }
    }
    Err(Refused("username"))
}

/// The pending link a cookie secret names. No permission (the secret is the proof of the
/// provider's sign-in).
pub async fn pending(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<LinkPreview, AppError> {
    let view = store::sso_flows::pending(db, &sha256_hex(secret), now)
        .await?
        .ok_or_else(|| AppError::from(Guard::LinkDead))?;
    Ok(LinkPreview {
        provider_name: view.provider_name,
        username: view.username,
    })
}

/// Links the pending identity after its person proved the account with its password (and a
/// two-factor code when on), and signs them in through the provider. Audited as
/// `auth.sso_linked`. The password is checked against the pending link's own user (by id),
/// with the throttles of a sign-in, and nothing is opened before the link is made.
pub async fn complete_link(
    db: &Db,
    secret: &str,
    password: Password,
    code: Option<String>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(LoginOutcome, String), AppError> {
    let hash = sha256_hex(secret);
    let dead = || AppError::from(Guard::LinkDead);
    let view = store::sso_flows::pending(db, &hash, now)
        .await?
        .ok_or_else(dead)?;
    let user = store::users::by_id(db, &view.user)
        .await?
        .filter(|u| u.active)
        .ok_or_else(dead)?;
    // `false`: the account's second factor is a passkey, given next; the link waits for it.
    let both_factors = prove(db, &user, &password, code, client, now).await?;
    let outcome =
        link_and_sign_in(db, &user, &hash, &view, None, !both_factors, client, now).await?;
    Ok((outcome, view.next))
}

/// Links the pending identity `hash` (`view`) to `user`, who proved the account (`email_token`:
/// by the emailed link, its SHA-256), and signs them in through the provider; or, while a
/// second factor is still owed, asks for it first — the link is made once it is given.
#[allow(clippy::too_many_arguments)]
pub(super) async fn link_and_sign_in(
    db: &Db,
    user: &UserRow,
    hash: &str,
    view: &store::sso_flows::LinkView,
    email_token: Option<&str>,
    second_factor_owed: bool,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let dead = || AppError::from(Guard::LinkDead);
    if second_factor_owed {
        return Ok(LoginOutcome::TwoFactorRequired {
            user_id: user.id.clone(),
            sso: Some(ChallengeSso {
                provider: view.provider.clone(),
                groups: view.groups.clone(),
                groups_known: view.groups_known,
                link: Some(hash.to_string()),
            }),
        });
    }
    link_pending(db, user, hash, email_token, client, now).await?;
    let provider = store::sso_providers::get(db, &view.provider)
        .await?
        .ok_or_else(dead)?;
    let via = Via {
        provider: &provider,
        groups: view.groups_known.then_some(view.groups.as_slice()),
    };
    sign_in(db, user, via, true, client, now)
        .await
        .map_err(|Refused(_)| dead())
}

/// Makes the pending link `hash` of `user` (who proved the account), audited as
/// `auth.sso_linked`.
async fn link_pending(
    db: &Db,
    user: &UserRow,
    hash: &str,
    email_token: Option<&str>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let dead = || AppError::from(Guard::LinkDead);
    let view = store::sso_flows::pending(db, hash, now)
        .await?
        .filter(|view| view.user == user.id)
        .ok_or_else(dead)?;
    let audit = super::audit_entry::entry_as(
        super::audit_entry::Who {
            name: &user.username,
            id: user.id.as_str(),
            ip: &client.ip,
        },
        "auth.sso_linked",
        format!("user:{}", user.username),
        None,
        serde_json::json!({
            "provider": view.provider_name, "provider_id": view.provider,
            "proof": if email_token.is_some() { "email" } else { "account" },
        }),
        now,
    );
    let key = identity_key(&view.provider, &view.subject);
    store::sso_flows::complete(db, hash, &user.id, &key, email_token, now, &audit).await?;
    Ok(())
}

/// The proof of an account: its password, and its authenticator code when on, counted against
/// the sign-in throttles. `Ok(false)` when the password was right and the account's second
/// factor is a passkey, which the two-factor page asks for next.
async fn prove(
    db: &Db,
    user: &UserRow,
    password: &Password,
    code: Option<String>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let account = throttle::account_part(Some(&user.id), &user.username);
    let attempt = throttle::attempt(
        db,
        throttle::guessing(&client.ip, &account),
        &client.ip,
        now,
    )
    .await?;
    let matches = match passwords::verify(password, &user.password_hash).await {
        Ok(matches) => matches,
        Err(err) => {
            attempt.unused(db).await?;
            return Err(err);
        }
    };
    // A temporary password (set by an administrator) proves nothing about its holder.
    let temporary = user.password_change_required;
    if !matches || temporary {
        super::accounts::sign_in_failed(db, &user.username, client, "sso_link_password", now)
            .await?;
        return Err(AppError {
            field: Some("password".into()),
            ..AppError::new(ErrorCode::InvalidCredentials, INVALID_CREDENTIALS)
        });
    }
    let authenticator = user.two_factor_enabled
        && store::two_factor::get(db, &user.id)
            .await?
            .is_some_and(|row| row.enabled);
    if user.two_factor_enabled && !authenticator {
        attempt.succeeded(db).await?;
        return Ok(false);
    }
    if authenticator {
        let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
            attempt.succeeded(db).await?;
            return Err(AppError {
                field: Some("code".into()),
                ..AppError::new(
                    ErrorCode::TwoFactorRequired,
                    "Your account has two-factor authentication on: enter the current code from your authenticator app, or a recovery code.",
                )
            });
        };
        super::accounts::check_code(db, user, &code, &user.username, &account, client, now).await?;
    }
    attempt.succeeded(db).await?;
    Ok(true)
}

/// Finishes a sign-in through a provider after Gatehouse's own second factor was given: the
/// identity link it waited for (if any), the provider's session, and its group mappings. The provider must still be configured.
pub(super) async fn after_code(
    db: &Db,
    user: &UserRow,
    sso: &ChallengeSso,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    if let Some(link) = &sso.link {
        link_pending(db, user, link, None, client, now).await?;
    }
    let provider = store::sso_providers::get(db, &sso.provider)
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidCredentials,
                "Your sign-in expired. Sign in through your identity provider again.",
            )
        })?;
    let groups = sso.groups_known.then_some(sso.groups.as_slice());
    let via = Via {
        provider: &provider,
        groups,
    };
    sign_in(db, user, via, true, client, now)
        .await
        .map_err(|Refused(code)| {
            AppError::new(
                ErrorCode::InvalidCredentials,
                crate::domain::sso::failure_message(code),
            )
        })
}
