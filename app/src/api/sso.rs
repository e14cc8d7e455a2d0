//! Single sign-on for the pages: the providers on the sign-in page, the link page, the
//! caller's linked identities and the administrators' provider settings. The redirects to and
//! from a provider are REST routes (`/api/v1/auth/sso/...`, in the server crate).

use crate::domain::sso::{
    EndSessionOffer, LinkPreview, LinkedIdentity, SignInOptions, SsoProvider,
};
use crate::error::AppError;
use leptos::prelude::*;

/// What the sign-in page offers: the providers, and whether passwords are for site
/// administrators only. No permission.
#[server(endpoint = "auth/sso/offer")]
pub async fn sign_in_offer() -> Result<SignInOptions, AppError> {
    let result = async {
        let state = super::state()?;
        crate::service::sso_providers::sign_in_options(&state.db).await
    }
    .await;
    super::respond(result)
}

#[cfg(feature = "ssr")]
fn link_dead() -> AppError {
    AppError::new(
        crate::error::ErrorCode::NotFound,
        "There is no sign-in waiting to be linked in this browser, or it expired. Sign in through your provider again.",
    )
}

#[cfg(feature = "ssr")]
fn link_cookie(state: &crate::state::AppState) -> Option<String> {
    let headers = use_context::<http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default();
    crate::cookies::read(&headers, crate::cookies::sso_link(state))
}

/// The identity waiting to be linked in this browser. No permission (its cookie is the proof
/// of the provider's sign-in).
#[server(endpoint = "auth/sso/link/pending")]
pub async fn pending_link() -> Result<LinkPreview, AppError> {
    let result = async {
        let state = super::state()?;
        let secret = link_cookie(&state).ok_or_else(link_dead)?;
        crate::service::sso_accounts::pending(&state.db, &secret, chrono::Utc::now()).await
    }
    .await;
    super::respond(result)
}

/// Links the waiting identity to the account it names once its password (and two-factor
/// code) are right, and signs in. No permission beyond those proofs.
#[server(endpoint = "auth/sso/link")]
pub async fn link_identity(password: String, code: Option<String>) -> Result<(), AppError> {
    use crate::domain::password::Password;
    let result = async {
        let state = super::state()?;
        let secret = link_cookie(&state).ok_or_else(link_dead)?;
        let now = chrono::Utc::now();
        let (outcome, next) = crate::service::sso_accounts::complete_link(
            &state.db,
            &secret,
            Password::new(password),
            code,
            &super::client(),
            now,
        )
        .await?;
        linked(&state, outcome, &next, now).await
    }
    .await;
    super::respond(result)
}

/// Emails the account the waiting identity would be linked to a link that proves it (instead
/// of its password), then shows the page again saying so. No permission beyond the cookie.
#[server(endpoint = "auth/sso/link/email")]
pub async fn email_link_proof() -> Result<(), AppError> {
    let result = async {
        let state = super::state()?;
        let secret = link_cookie(&state).ok_or_else(link_dead)?;
        crate::service::sso_link_email::send(
            &state.db,
            &secret,
            &super::base_url(&state),
            &super::client(),
            chrono::Utc::now(),
        )
        .await?;
        super::redirect("/login/link?sent=1");
        Ok(())
    }
    .await;
    super::respond(result)
}

/// Links the waiting identity with the emailed link's `token` as the proof of the account, and
/// signs in (the account's second factor is still asked when it has one). No permission beyond
/// the cookie of this browser and the token.
#[server(endpoint = "auth/sso/link/by-email")]
pub async fn link_identity_by_email(token: String) -> Result<(), AppError> {
    let result = async {
        let state = super::state()?;
        let secret = link_cookie(&state).ok_or_else(link_dead)?;
        let now = chrono::Utc::now();
        let (outcome, next) = crate::service::sso_link_email::complete(
            &state.db,
            &secret,
            &token,
            &super::client(),
            now,
        )
        .await?;
        linked(&state, outcome, &next, now).await
    }
    .await;
    super::respond(result)
}

/// After a link: the link cookie goes, the sign-in lands (see `api::landing`).
#[cfg(feature = "ssr")]
async fn linked(
    state: &crate::state::AppState,
    outcome: crate::service::accounts::LoginOutcome,
    next: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    super::set_cookie(crate::cookies::short_lived(
        state,
        crate::cookies::sso_link(state),
        "",
        "/",
        0,
    ));
    let landing = super::landing::landing(state, outcome, Some(next), now).await?;
    for cookie in landing.cookies {
        super::set_cookie(cookie);
    }
    super::redirect(&landing.location);
    Ok(())
}

/// The provider `provider`'s own sign-out, if it offers one. No permission.
#[server(endpoint = "auth/sso/end-session")]
pub async fn provider_sign_out(provider: String) -> Result<Option<EndSessionOffer>, AppError> {
    let result = async {
        let state = super::state()?;
        let base_url = super::base_url(&state);
        Ok(crate::service::sso_sign_in::end_session(&state.db, &provider, &base_url).await)
    }
    .await;
    super::respond(result)
}

/// The caller's linked identities. Needs a person in a session.
#[server(endpoint = "account/identities")]
pub async fn my_identities() -> Result<Vec<LinkedIdentity>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::identities::mine(&state.db, &principal).await
    })
    .await
}

/// Unlinks one of the caller's identities (never the last way to sign in). Needs a person in
/// a session.
#[server(endpoint = "account/identities/unlink")]
pub async fn unlink_identity(id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::identities::unlink(&state.db, &principal, &id, chrono::Utc::now()).await?;
        if super::plain_form_post() {
            super::redirect("/settings/sign-in-methods?unlinked=1");
        }
        Ok(())
    })
    .await
}

/// Every provider. Needs the Site admin role.
#[server(endpoint = "admin/sso")]
pub async fn admin_providers() -> Result<Vec<SsoProvider>, AppError> {
    super::run(move |state, principal| async move {
        let base_url = super::base_url(&state);
        crate::service::sso_providers::list(&state.db, &principal, &base_url).await
    })
    .await
}

/// One provider. Needs the Site admin role.
#[server(endpoint = "admin/sso/get")]
pub async fn admin_provider(id: String) -> Result<SsoProvider, AppError> {
    super::run(move |state, principal| async move {
        let base_url = super::base_url(&state);
        crate::service::sso_providers::get(&state.db, &principal, &id, &base_url).await
    })
    .await
}

/// The provider form's fields, as a form posts them (`group_mappings` one per line:
/// `claim value = organization / group`).
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ProviderForm {
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub scopes: String,
    #[serde(default)]
    pub username_claim: String,
    #[serde(default)]
    pub groups_claim: String,
    #[serde(default)]
    pub group_mappings: String,
}

impl std::fmt::Debug for ProviderForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderForm")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl ProviderForm {
    /// The form as the service's input; a mapping line that is not `value = org / group` is
    /// refused with its line number.
    pub fn input(&self) -> Result<crate::domain::sso::SsoProviderInput, AppError> {
        use crate::domain::sso::{GroupMapping, SsoProviderInput};
        let mappings = self
            .group_mappings
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(n, line)| {
                // The target holds no '=', the claim value may (an LDAP DN).
                let parsed = line.rsplit_once('=').and_then(|(value, target)| {
                    let (org, group) = target.split_once('/')?;
                    Some(GroupMapping {
                        claim_value: value.trim().to_string(),
                        organization: org.trim().to_string(),
                        group: group.trim().to_string(),
                    })
                });
                parsed.ok_or_else(|| {
                    AppError::validation(
                        "group_mappings",
                        format!(
                            "Line {}: write `claim value = organization / group`.",
                            n + 1
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let text = |value: &str| (!value.trim().is_empty()).then(|| value.trim().to_string());
        Ok(SsoProviderInput {
            name: Some(self.name.clone()),
            issuer: Some(self.issuer.clone()),
            client_id: Some(self.client_id.clone()),
            client_secret: text(&self.client_secret),
            scopes: Some(
                self.scopes
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            username_claim: text(&self.username_claim),
            groups_claim: Some(self.groups_claim.trim().to_string()),
            group_mappings: Some(mappings),
        })
    }
}

/// Adds a provider. Needs the Site admin role.
#[server(endpoint = "admin/sso/create")]
pub async fn create_provider(
    #[server(flatten)] form: ProviderForm,
) -> Result<SsoProvider, AppError> {
    super::run(move |state, principal| async move {
        let base_url = super::base_url(&state);
        let created = crate::service::sso_providers::create(
            &state.db,
            &principal,
            &form.input()?,
            &base_url,
            chrono::Utc::now(),
        )
        .await?;
        // To the provider's page, which shows the redirect URL to register.
        super::redirect(&format!("/admin/sso/{}?created=1", created.id));
        Ok(created)
    })
    .await
}

/// Changes a provider (an empty secret keeps the stored one). Needs the
/// Site admin role.
#[server(endpoint = "admin/sso/update")]
pub async fn update_provider(
    id: String,
    #[server(flatten)] form: ProviderForm,
) -> Result<SsoProvider, AppError> {
    super::run(move |state, principal| async move {
        let base_url = super::base_url(&state);
        let saved = crate::service::sso_providers::update(
            &state.db,
            &principal,
            &id,
            &form.input()?,
            &base_url,
            chrono::Utc::now(),
        )
        .await?;
        super::redirect(&format!("/admin/sso/{}?saved=1", saved.id));
        Ok(saved)
    })
    .await
}

/// Removes a provider and every identity linked through it. Needs the
/// Site admin role.
#[server(endpoint = "admin/sso/delete")]
pub async fn delete_provider(id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::sso_providers::delete(&state.db, &principal, &id, chrono::Utc::now())
            .await?;
        super::redirect("/admin/sso?deleted=1");
        Ok(())
    })
    .await
}
