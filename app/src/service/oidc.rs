//! The OpenID Connect protocol, through the `openidconnect` crate: discovery, the
//! authorization request (code flow with PKCE, `state` and `nonce`), the code exchange and the
//! ID token's validation. No JWT is parsed by hand here.
//!
//! Invariants:
//! - An ID token is accepted only when its signature verifies against the provider's JWKS
//!   (discovered from the issuer; fetched again once when the token names a key the cached set
//!   lacks) with an asymmetric algorithm, its `iss` is the configured issuer, its `aud` holds
//!   our client id (and `azp`, when present, is ours), it has not expired, it was issued within the last
//!   ten minutes (five minutes of clock skew allowed), and its `nonce` is the one this sign-in
//!   sent.
//! - The HTTP client follows no redirect (a provider cannot bounce our requests elsewhere) and
//!   gives up after ten seconds; the endpoints discovery names are https (or the issuer's own
//!   origin, for a provider on this machine).
//! - `email_verified` is read as the provider sent it; a missing claim means unverified.

use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreClaimName, CoreClaimType, CoreClientAuthMethod,
    CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
    CoreResponseMode, CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreSubjectIdentifierType, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AdditionalProviderMetadata, AuthenticationFlow, AuthorizationCode,
    ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError,
    StandardErrorResponse, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, OnceLock};
use std::time::Instant;

/// Every claim of an ID token beyond the standard ones (a provider's groups, custom names).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

/// The discovery document's RP-initiated logout endpoint, beside the core metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogoutMetadata {
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

impl AdditionalProviderMetadata for LogoutMetadata {}

type Metadata = openidconnect::ProviderMetadata<
    LogoutMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type TokenResponse = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type OidcClient = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in through a provider failed, as the sign-in page names it (`?sso_error=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The provider could not be reached or described itself wrongly.
    Unreachable,
    /// The sign-in was not started here, was finished already, or took too long.
    Expired,
    /// The person cancelled or the provider refused.
    Denied,
    /// The provider's answer failed validation (signature, issuer, audience, expiry, nonce).
    Rejected,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Failure::Unreachable => "unreachable",
            Failure::Expired => "expired",
            Failure::Denied => "denied",
            Failure::Rejected => "rejected",
        }
    }
}

/// The person the provider vouched for.
#[derive(Debug, Clone)]
pub struct Verified {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    /// Every claim of the ID token as JSON (for the username and groups claims).
    pub claims: serde_json::Value,
}

impl Verified {
    /// A claim's text value, if it is one.
    pub fn text(&self, claim: &str) -> Option<String> {
        self.claims
            .get(claim)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// A claim's values: a list of strings, or one string; `None` when the token has no such
    /// claim or it is something else (a provider that sends "too many groups" markers instead).
    pub fn values(&self, claim: &str) -> Option<Vec<String>> {
        match self.claims.get(claim)? {
            serde_json::Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .take(1000)
                    .collect(),
            ),
            serde_json::Value::String(one) => Some(vec![one.clone()]),
            _ => None,
        }
    }
}

/// What the provider is asked for and how.
pub struct Provider<'a> {
    /// The provider's record key (the cache's key).
    pub id: &'a str,
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub redirect_url: &'a str,
    pub scopes: &'a [String],
}

/// The authorization request: where to send the browser, and what to keep for the callback.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

const ASYMMETRIC: [CoreJwsSigningAlgorithm; 10] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EcdsaP521Sha512,
    CoreJwsSigningAlgorithm::EdDsa,
];

fn http() -> Result<&'static reqwest::Client, Failure> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .ok()
        })
        .as_ref()
        .ok_or(Failure::Unreachable)
}

/// Discovered metadata (with the JWKS) by provider, kept an hour.
type Cache = Mutex<HashMap<String, (String, Instant, Metadata)>>;
static DISCOVERED: LazyLock<Cache> = LazyLock::new(|| Mutex::new(HashMap::new()));
const CACHE_FOR: std::time::Duration = std::time::Duration::from_secs(3600);

/// The provider's metadata: from the cache unless `fresh` or stale.
async fn metadata(provider: &Provider<'_>, fresh: bool) -> Result<Metadata, Failure> {
    if !fresh
        && let Ok(cache) = DISCOVERED.lock()
        && let Some((issuer, at, metadata)) = cache.get(provider.id)
        && issuer == provider.issuer
        && at.elapsed() < CACHE_FOR
    {
        return Ok(metadata.clone());
    }
    let issuer = IssuerUrl::new(provider.issuer.to_string()).map_err(|_| Failure::Unreachable)?;
    let metadata = Metadata::discover_async(issuer, http()?)
        .await
        .map_err(|err| {
            tracing::warn!(provider = provider.id, error = %err, "OpenID Connect discovery failed");
            Failure::Unreachable
        })?;
    // The client secret and the codes go to these: https, or this machine when the issuer
    // itself is (a provider under test).
    let endpoints = [
        Some(metadata.authorization_endpoint().url().as_str()),
        metadata.token_endpoint().map(|t| t.url().as_str()),
        Some(metadata.jwks_uri().url().as_str()),
    ];
    if !endpoints
        .into_iter()
        .flatten()
        .all(|url| endpoint_allowed(url, provider.issuer))
    {
        tracing::warn!(
            provider = provider.id,
            "a discovered endpoint is neither https nor the issuer's own"
        );
        return Err(Failure::Unreachable);
    }
    if let Ok(mut cache) = DISCOVERED.lock() {
        cache.insert(
            provider.id.to_string(),
            (
                provider.issuer.to_string(),
                Instant::now(),
                metadata.clone(),
            ),
        );
    }
    Ok(metadata)
}

/// `scheme://host:port` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let end = url
        .get(after_scheme..)
        .and_then(|rest| rest.find(['/', '?', '#']))
        .map_or(url.len(), |at| after_scheme + at);
    url.get(..end).unwrap_or(url)
}

/// Whether a discovered endpoint may receive our requests: https, or the issuer's own origin.
fn endpoint_allowed(url: &str, issuer: &str) -> bool {
    url.starts_with("https://") || origin(url).eq_ignore_ascii_case(origin(issuer))
}

/// Forgets a provider's metadata (after its settings change).
pub fn forget(provider_id: &str) {
    if let Ok(mut cache) = DISCOVERED.lock() {
        cache.remove(provider_id);
    }
}

async fn client(provider: &Provider<'_>, fresh: bool) -> Result<OidcClient, Failure> {
    let metadata = metadata(provider, fresh).await?;
    let redirect =
        RedirectUrl::new(provider.redirect_url.to_string()).map_err(|_| Failure::Unreachable)?;
    Ok(OidcClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.to_string()),
        Some(ClientSecret::new(provider.client_secret.to_string())),
    )
    .set_redirect_uri(redirect))
}

/// Builds the authorization request (discovering the provider if need be).
pub async fn authorize(provider: &Provider<'_>) -> Result<Authorization, Failure> {
    let client = client(provider, false).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scopes(provider.scopes.iter().map(|s| Scope::new(s.clone())))
        .set_pkce_challenge(challenge)
        .url();
    Ok(Authorization {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
    })
}

/// Exchanges the code (with the PKCE verifier) and validates the ID token against `nonce`
/// at `now`.
pub async fn exchange(
    provider: &Provider<'_>,
    code: &str,
    verifier: &str,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<Verified, Failure> {
    let client = client(provider, false).await?;
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|_| Failure::Unreachable)?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()))
        .request_async(http()?)
        .await
        .map_err(|err| {
            tracing::warn!(provider = provider.id, error = %err, "OpenID Connect code exchange failed");
            Failure::Rejected
        })?;
    let id_token = response
        .extra_fields()
        .id_token()
        .ok_or(Failure::Rejected)?;
    let nonce = Nonce::new(nonce.to_string());
    let verify = |client: &OidcClient| {
        let verifier = client
            .id_token_verifier()
            // Asymmetric signatures only: an HMAC "signed" with our own client secret proves
            // nothing about the provider.
            .set_allowed_algs(ASYMMETRIC)
            .set_time_fn(move || now)
            .set_issue_time_verifier_fn(move |iat| {
                if iat > now + Duration::minutes(5) || iat < now - Duration::minutes(10) {
                    Err("issued too long ago or in the future".to_string())
                } else {
                    Ok(())
                }
            });
        id_token.claims(&verifier, &nonce).cloned()
    };
    let claims = match verify(&client) {
        // A key the cached set lacks: the provider may have rotated its keys.
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => verify(&client_fresh(provider).await?),
        other => other,
    }
    .map_err(|err| {
        tracing::warn!(provider = provider.id, error = %err, "ID token refused");
        Failure::Rejected
    })?;
    // The crate leaves `azp` unchecked: when present it must name us.
    if claims
        .authorized_party()
        .is_some_and(|azp| azp.as_str() != provider.client_id)
    {
        return Err(Failure::Rejected);
    }
    let json = serde_json::to_value(&claims).map_err(|_| Failure::Rejected)?;
    Ok(Verified {
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        claims: json,
    })
}

async fn client_fresh(provider: &Provider<'_>) -> Result<OidcClient, Failure> {
    client(provider, true).await
}

/// The provider's end-session URL, when it publishes one and its description is at hand
/// (cached by a sign-in): signing out never makes this server call out.
pub fn end_session_url(provider: &Provider<'_>) -> Option<String> {
    let cache = DISCOVERED.lock().ok()?;
    let (issuer, _, metadata) = cache.get(provider.id)?;
    if issuer != provider.issuer {
        return None;
    }
    metadata
        .additional_metadata()
        .end_session_endpoint
        .clone()
        .filter(|url| endpoint_allowed(url, provider.issuer))
}

impl From<Failure> for AppError {
    fn from(failure: Failure) -> Self {
        AppError::bad_request(match failure {
            Failure::Unreachable => "The identity provider could not be reached.",
            Failure::Expired => "This sign-in expired or was not started here. Start again.",
            Failure::Denied => "The identity provider did not sign you in.",
            Failure::Rejected => "The identity provider's answer was refused.",
        })
    }
}
