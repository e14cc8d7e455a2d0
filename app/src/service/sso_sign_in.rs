//! Signing in through an OpenID Connect provider: the start (a redirect to the provider) and
//! the callback (the provider's answer).
//!
//! Invariants:
//! - A callback is accepted only for a flow this server started, for the same provider, within
//!   ten minutes, in the same browser (the flow records the SHA-256 of a cookie set at the
//!   start: a callback URL sent to someone else signs nobody in — no login CSRF), and only once
//!   (taking the flow deletes it).
//! - What the provider says is believed only after `oidc::exchange` validated it.
//! - Every refusal after a live flow is audited as `auth.sign_in_failed` with its reason (a
//!   callback without one is noise anyone can make), and the browser only
//!   learns its code (`?sso_error=`), never the provider's words.

use super::oidc::{self, Failure};
use super::principal::ClientInfo;
use super::secret::{random_secret, same, sha256_hex};
pub use super::sso_accounts::Refused;
use super::sso_accounts::{self, Finished};
use super::sso_providers::{parse_id, redirect_url};
use crate::domain::sso::EndSessionOffer;
use crate::error::AppError;
use crate::store::sso_flows::FlowRow;
use crate::store::sso_providers::ProviderRow;
use crate::store::{self, Db};
use chrono::{DateTime, Duration, Utc};

/// How long the person may take at the provider.
pub const FLOW_MINUTES: i64 = 10;

/// Where to send the browser, and the cookie that binds the sign-in to it.
pub struct Started {
    pub location: String,
    pub browser: String,
}

/// The provider as the protocol needs it.
pub(super) async fn provider_of<'a>(
    db: &Db,
    row: &'a ProviderRow,
    redirect: &'a str,
    secret: &'a mut String,
) -> Result<oidc::Provider<'a>, AppError> {
    *secret = store::sso_providers::secret(db, &row.id)
        .await?
        .unwrap_or_default();
    Ok(oidc::Provider {
        id: &row.id,
        issuer: &row.issuer,
        client_id: &row.client_id,
        client_secret: secret.as_str(),
        redirect_url: redirect,
        scopes: &row.scopes,
    })
}

async fn provider_row(db: &Db, id: &str) -> Result<ProviderRow, AppError> {
    let id = parse_id(id).ok_or_else(AppError::not_found)?;
    store::sso_providers::get(db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Starts a sign-in through provider `id`, to land on `next` (a local path). No permission;
/// throttled per client address.
pub async fn start(
    db: &Db,
    id: &str,
    next: Option<&str>,
    client: &ClientInfo,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Started, AppError> {
    let row = provider_row(db, id).await?;
    super::throttle::limit(db, super::throttle::sso_starts(&client.ip), &client.ip, now).await?;
    let redirect = redirect_url(base_url, &row.id);
    let mut secret = String::new();
    let provider = provider_of(db, &row, &redirect, &mut secret).await?;
    let authorization = oidc::authorize(&provider).await?;
    let browser = random_secret()?;
    store::sso_flows::start(
        db,
        &sha256_hex(&authorization.state),
        &FlowRow {
            provider: row.id.clone(),
            browser: sha256_hex(&browser),
            verifier: authorization.verifier,
            nonce: authorization.nonce,
            next: crate::domain::redirect::local_path(next),
            expires_at: now + Duration::minutes(FLOW_MINUTES),
        },
        now,
    )
    .await?;
    Ok(Started {
        location: authorization.url,
        browser,
    })
}

/// The provider's answer, as the callback's query carries it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// The issuer, when the provider names it (RFC 9207): it must be this provider's.
    #[serde(default)]
    pub iss: Option<String>,
}

/// Finishes a sign-in through provider `id` with the provider's answer and the browser's
/// binding cookie. Returns what to do and where to land afterwards.
pub async fn finish(
    db: &Db,
    id: &str,
    answer: &Callback,
    browser: Option<&str>,
    client: &ClientInfo,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(Finished, String), Refused> {
    let result = finish_checked(db, id, answer, browser, client, base_url, now).await;
    // A callback without a live flow of this browser is noise anyone can make: not audited.
    // Every other refusal follows a sign-in this server started (and throttled).
    if let Err(Refused(reason)) = &result
        && *reason != Failure::Expired.code()
    {
        let login = format!("sso:{}", parse_id(id).unwrap_or("?"));
        super::accounts::sign_in_failed(db, &login, client, &format!("sso_{reason}"), now)
            .await
            .ok();
    }
    result
}

async fn finish_checked(
    db: &Db,
    id: &str,
    answer: &Callback,
    browser: Option<&str>,
    client: &ClientInfo,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(Finished, String), Refused> {
    let expired = Refused(Failure::Expired.code());
    let state = answer
        .state
        .as_deref()
        .filter(|s| s.len() <= 200)
        .ok_or(expired)?;
    let flow = store::sso_flows::take(db, &sha256_hex(state))
        .await
        .map_err(AppError::from)?
        .ok_or(expired)?;
    let same_browser = browser.is_some_and(|b| same(&sha256_hex(b), &flow.browser));
    if flow.provider != id || flow.expires_at <= now || !same_browser {
        return Err(expired);
    }
    if answer.error.is_some() {
        return Err(Failure::Denied.into());
    }
    let row = provider_row(db, id).await.map_err(|_| expired)?;
    if answer.iss.as_deref().is_some_and(|iss| iss != row.issuer) {
        // An answer from another provider (a mix-up attack).
        return Err(Refused(Failure::Rejected.code()));
    }
    let code = answer
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 2000)
        .ok_or(Refused(Failure::Rejected.code()))?;
    let redirect = redirect_url(base_url, &row.id);
    let mut secret = String::new();
    let provider = provider_of(db, &row, &redirect, &mut secret).await?;
    let verified = oidc::exchange(&provider, code, &flow.verifier, &flow.nonce, now).await?;
    let finished = sso_accounts::resolve(db, &row, &verified, &flow.next, client, now).await?;
    Ok((finished, flow.next))
}

/// The provider `id`'s own sign-out, when it publishes an end-session endpoint (offered after
/// signing out of Gatehouse). No permission: it names a configured provider's public
/// endpoint only.
pub async fn end_session(db: &Db, id: &str, base_url: &str) -> Option<EndSessionOffer> {
    let row = provider_row(db, id).await.ok()?;
    let redirect = redirect_url(base_url, &row.id);
    let mut secret = String::new();
    let provider = provider_of(db, &row, &redirect, &mut secret).await.ok()?;
    let endpoint = oidc::end_session_url(&provider)?;
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    Some(EndSessionOffer {
        provider_name: row.name.clone(),
        url: format!(
            "{endpoint}{separator}client_id={}",
            crate::domain::percent::encode(&row.client_id)
        ),
    })
}
