//! Accounts: sign-up and sign-in.
//!
//! Invariants:
//! - Every failed sign-in answers the same `invalid_credentials` sentence, after one password
//!   hash, whether the account exists, is deactivated, or the password is wrong.
//! - Sign-up obeys the instance's sign-up mode on every path.
//! - A sign-in always opens a fresh session (a new random id), never reuses one.

use super::principal::ClientInfo;
use super::{passwords, sessions, throttle};
use crate::domain::email::Email;
use crate::domain::ids::UserId;
use crate::domain::password::Password;
use crate::domain::user::User;
use crate::domain::user::{LoginInput, ProfileUpdate, SignupInput};
use crate::domain::username::Username;
use crate::error::{AppError, ErrorCode};
use crate::store::Guard;
use crate::store::users::{NewUser, UserRow};
use crate::store::{self, Db};
use chrono::{DateTime, Utc};

pub enum LoginOutcome {
    SignedIn {
        user: Box<User>,
        session: sessions::IssuedSession,
    },
    /// The password is a temporary one: this session may only change it.
    PasswordChangeRequired { session: sessions::IssuedSession },
    /// The password is right but two-factor is on and no code came with it: the pages open a
    /// challenge ([`super::login_challenge`]), the REST API answers 401 `two_factor_required`.
    TwoFactorRequired {
        user_id: UserId,
        /// The sign-in through a provider this step follows (none after a password).
        sso: Option<crate::store::login_challenges::ChallengeSso>,
    },
}

pub const INVALID_CREDENTIALS: &str = "Invalid username or password.";

/// What an account is created with, by any path (sign-up, invitation, admin, CLI).
pub struct AccountSpec<'a> {
    /// How the account came to be, for the audit log: `sign-up`, `invitation`, `setup`, `cli`.
    pub via: &'a str,
    /// The client address of the request that creates it ("" from the command line).
    pub ip: &'a str,
    pub username: &'a str,
    pub email: &'a str,
    pub password: &'a Password,
    pub email_verified: bool,
    pub site_admin: bool,
    pub password_change_required: bool,
}

/// Validates and creates an account.
pub async fn create_account(
    db: &Db,
    spec: &AccountSpec<'_>,
    now: DateTime<Utc>,
) -> Result<UserRow, AppError> {
    let username = Username::parse(spec.username)?;
    let email = Email::parse(spec.email)?;
    passwords::check_new(spec.password, "password", username.as_str(), email.as_str())?;
    let hash = passwords::hash(spec.password).await?;
    let new = NewUser {
        username: username.as_str(),
        email: email.as_str(),
        email_key: &email.key(),
        email_verified: spec.email_verified,
        display_name: "",
        password_hash: &hash,
        password_change_required: spec.password_change_required,
        password_expires_at: None,
        instance_role: spec
            .site_admin
            .then_some(crate::domain::instance_permission::SITE_ADMIN),
    };
    let audit = super::audit_entry::entry_as(
        super::audit_entry::Who {
            name: username.as_str(),
            id: "",
            ip: spec.ip,
        },
        "account.created",
        format!("user:{}", username.as_str()),
        None,
        serde_json::json!({ "via": spec.via, "site_admin": spec.site_admin }),
        now,
    );
    store::users::create(db, &new, now, Some(&audit))
        .await
        .map_err(AppError::from)
}

/// Public sign-up (no permission; only while the sign-up mode is `open`). Sends a verification
/// link to the new address; `base_url` is where links in emails point.
///
/// An address already in use is reported (the form must say why it failed), so each such
/// answer counts against the client address's throttle: probing which addresses have
/// accounts costs as much as guessing passwords.
pub async fn signup(
    db: &Db,
    input: &SignupInput,
    client: &ClientInfo,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let settings = store::settings::get(db).await?;
    if settings.signup_mode != "open" || settings.sso_only {
        return Err(AppError::forbidden(
            "Sign-up is not open on this instance. Ask an administrator for an account or an invitation.",
        ));
    }
    // Probing for taken addresses is throttled per address (only probes count)...
    let probes = vec![throttle::Budget {
        key: format!("signup-probe:{}", throttle::address_part(&client.ip)),
        policy: throttle::SIGNUP_PROBES,
        refund: throttle::Refund::One,
    }];
    let probe = throttle::attempt(db, probes, &client.ip, now).await?;
    // ...and new accounts (each sends a verification email) per address.
    let accounts = throttle::signups(&client.ip);
    throttle::open(db, &accounts, now).await?;
    let created = create_account(
        db,
        &AccountSpec {
            via: "sign-up",
            ip: &client.ip,
            username: &input.username,
            email: &input.email,
            password: &input.password,
            email_verified: false,
            site_admin: false,
            password_change_required: false,
        },
        now,
    )
    .await;
    // A taken address or username is a probe and stays counted (each one also cost a
    // password hash); anything else is given back.
    let taken = [Guard::EmailTaken, Guard::UsernameTaken].map(AppError::from);
    let probed = created.as_ref().is_err_and(|err| {
        taken
            .iter()
            .any(|t| t.field == err.field && t.message == err.message)
    });
    if !probed {
        probe.succeeded(db).await?;
    }
    let row = created?;
    throttle::count(db, &accounts, &client.ip, now).await?;
    super::email_verification::send_link(db, &row.id, &row.email, base_url, now).await?;
    Ok(super::user_view::user(&row))
}

/// Sign-in with username or email and password.
pub async fn login(
    db: &Db,
    input: &LoginInput,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let invalid = || AppError::new(ErrorCode::InvalidCredentials, INVALID_CREDENTIALS);
    // Empty or oversized input is refused before it costs a hash; the answer is still the
    // generic one.
    if input.login.trim().is_empty()
        || input.login.len() > 320
        || input.password.expose().chars().count() > 256
    {
        return Err(invalid());
    }
    let (user, sso_only) = store::users::for_sign_in(db, &input.login).await?;
    let account = throttle::account_part(user.as_ref().map(|u| &u.id), &input.login);
    let attempt = throttle::attempt(
        db,
        throttle::guessing(&client.ip, &account),
        &client.ip,
        now,
    )
    .await?;
    let matches = match passwords::verify_or_dummy(
        &input.password,
        user.as_ref().map(|u| u.password_hash.as_str()),
    )
    .await
    {
        Ok(matches) => matches,
        Err(err) => {
            attempt.unused(db).await?;
            return Err(err);
        }
    };
    let allowed = user
        .as_ref()
        .is_some_and(|u| super::sso_policy::password_allowed(sso_only, u));
    let Some(user) = user.filter(|u| matches && u.active && allowed) else {
        let reason = if sso_only { "sso_only" } else { "password" };
        sign_in_failed(db, &input.login, client, reason, now).await?;
        // Under "SSO only" every refusal is the same one, right password or not, so it
        // confirms no guess.
        return Err(if sso_only {
            super::sso_policy::refusal()
        } else {
            invalid()
        });
    };
    if user.two_factor_enabled {
        let Some(code) = &input.code else {
            // The password was right: this attempt is settled; the code is a new one.
            attempt.succeeded(db).await?;
            return Ok(LoginOutcome::TwoFactorRequired {
                user_id: user.id,
                sso: None,
            });
        };
        check_code(db, &user, code, &input.login, &account, client, now).await?;
    }
    attempt.succeeded(db).await?;
    finish_sign_in(db, &user, client, now).await
}

/// The second factor of a sign-in whose password was right: `code` (from the authenticator or
/// a recovery code), counted against the code-guessing throttle of `account`; a wrong one is
/// audited against `login` (as typed).
pub(crate) async fn check_code(
    db: &Db,
    user: &UserRow,
    code: &str,
    login: &str,
    account: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let code_attempt = throttle::attempt(
        db,
        throttle::code_guessing(&client.ip, account),
        &client.ip,
        now,
    )
    .await?;
    if !super::two_factor::consume_code(db, &user.id, code, now).await? {
        sign_in_failed(db, login, client, "two_factor_code", now).await?;
        return Err(super::two_factor::invalid_code());
    }
    code_attempt.succeeded(db).await?;
    Ok(())
}

/// Records a failed sign-in (what was typed as the login, never the password).
pub(crate) async fn sign_in_failed(
    db: &Db,
    login: &str,
    client: &ClientInfo,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let login: String = login.trim().chars().take(100).collect();
    store::audit::append(
        db,
        &super::audit_entry::entry_as(
            super::audit_entry::Who {
                name: "anonymous",
                id: "",
                ip: &client.ip,
            },
            "auth.sign_in_failed",
            format!("login:{}", login.to_lowercase()),
            None,
            serde_json::json!({ "reason": reason }),
            now,
        ),
    )
    .await?;
    Ok(())
}

/// The last step of every successful password sign-in: a fresh session, limited to changing
/// the password when the password is a temporary one.
pub(crate) async fn finish_sign_in(
    db: &Db,
    user: &UserRow,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let how = sessions::How {
        action: "auth.signed_in",
        detail: serde_json::json!({}),
        sso_provider: None,
    };
    finish_sign_in_as(db, user, client, how, now).await
}

/// [`finish_sign_in`] for a sign-in proved otherwise (`how`: a passkey).
pub(crate) async fn finish_sign_in_as(
    db: &Db,
    user: &UserRow,
    client: &ClientInfo,
    how: sessions::How,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let limited = user.password_change_required;
    if limited && user.password_expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::new(
            ErrorCode::InvalidCredentials,
            INVALID_CREDENTIALS,
        ));
    }
    let session = sessions::open_as(
        db,
        &user.id,
        &user.username,
        &client.user_agent,
        &client.ip,
        limited,
        how,
        now,
    )
    .await?;
    if limited {
        return Ok(LoginOutcome::PasswordChangeRequired { session });
    }
    Ok(LoginOutcome::SignedIn {
        user: Box::new(super::user_view::user(user)),
        session,
    })
}

/// The caller's own account. Needs a signed-in user.
pub async fn me(db: &Db, principal: &super::principal::Principal) -> Result<User, AppError> {
    let caller = principal.identity()?;
    if let Some(account) = &caller.account {
        return Ok(User::clone(account));
    }
    let row = store::users::by_id(db, &caller.user_id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    Ok(super::user_view::user(&row))
}

/// Ends the caller's current session (a no-op without one); audited as `auth.signed_out`.
/// Returns the provider the session was signed in through, if any (its own sign-out is
/// offered next).
pub async fn logout(
    db: &Db,
    principal: &super::principal::Principal,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    if let super::principal::Principal::User(user) = principal
        && let Some(hash) = &user.session_hash
    {
        // Signing out never fails for want of the provider's name.
        let provider = store::sessions::sso_provider(db, hash).await.ok().flatten();
        sessions::end(db, principal, hash, "auth.signed_out", now).await?;
        return Ok(provider);
    }
    Ok(None)
}

/// Changes the caller's username, display name or email. Needs a signed-in user; changing
/// the email also needs the current password, makes the new address unverified, sends it a
/// verification link and tells the old address.
pub async fn update_profile(
    db: &Db,
    principal: &super::principal::Principal,
    update: &ProfileUpdate,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let caller = principal.user()?;
    let user = store::users::by_id(db, &caller.user_id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    // The current name, as the profile form sends it back, is no rename (even if it is one a
    // new account could not take today).
    let username = update
        .username
        .as_deref()
        .filter(|u| u.trim().to_lowercase() != user.username)
        .map(Username::parse)
        .transpose()?;
    let email = update.email.as_deref().map(Email::parse).transpose()?;
    let renamed = username
        .as_ref()
        .is_some_and(|u| u.as_str() != user.username);
    let readdressed = email
        .as_ref()
        .is_some_and(|e| e.key() != user.email.to_lowercase());
    if renamed || readdressed {
        principal.in_person()?;
    }
    if renamed && !store::settings::get(db).await?.allow_rename {
        return Err(AppError::forbidden(
            "Usernames cannot be changed on this instance; ask an administrator.",
        ));
    }
    let display_name = update.display_name.as_deref().map(str::trim);
    if display_name.is_some_and(|d| d.chars().count() > 100) {
        return Err(AppError::validation(
            "display_name",
            "Use at most 100 characters.",
        ));
    }
    if let Some(new) = &email
        && new.key() != user.email.to_lowercase()
    {
        let Some(current) = &update.current_password else {
            return Err(AppError::validation(
                "current_password",
                "Enter your current password to change your email address.",
            ));
        };
        super::account_security::verify_current_password(
            db,
            principal,
            &user,
            current,
            "current_password",
            now,
        )
        .await?;
        // Each change sends two messages (a link to the new address, a notice to the old).
        throttle::limit(
            db,
            throttle::messages(
                "email_change",
                principal.ip(),
                &throttle::account_part(Some(&user.id), &user.username),
            ),
            principal.ip(),
            now,
        )
        .await?;
    }
    let email_key = email.as_ref().map(Email::key);
    let change = store::users::ProfileChange {
        username: username.as_ref().map(Username::as_str),
        email: email
            .as_ref()
            .zip(email_key.as_deref())
            .map(|(e, k)| (e.as_str(), k)),
        display_name,
    };
    let audit = super::audit_entry::entry(
        principal,
        "account.profile_updated",
        format!("user:{}", user.username),
        None,
        serde_json::json!({
            "username": change.username.filter(|u| *u != user.username),
            "email_changed": change.email.is_some_and(|(_, key)| key != user.email.to_lowercase()),
            "display_name": change.display_name,
        }),
        now,
    );
    let row = store::users::update_profile(db, &user.id, &change, now, &audit).await?;
    if row.email.to_lowercase() != user.email.to_lowercase() {
        use super::email_verification::{notify_change, send_link};
        send_link(db, &row.id, &row.email, base_url, now).await?;
        notify_change(db, &user.email, &row.email, &row.username, now).await?;
    }
    Ok(super::user_view::user(&row))
}
