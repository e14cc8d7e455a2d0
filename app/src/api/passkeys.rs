//! The caller's passkeys for the pages: listed, renamed and deleted with plain form posts.
//! Registering one and signing in with one need the browser's WebAuthn API: `public/passkeys.js`
//! calls the REST endpoints (`/api/v1/account/passkeys…`, `/api/v1/auth/passkey…`).

use crate::domain::passkey::Passkey;
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's passkeys. Needs a person in a session.
#[server(endpoint = "account/passkeys")]
pub async fn my_passkeys() -> Result<Vec<Passkey>, AppError> {
    super::run(move |state, principal| async move {
        crate::service::passkeys::mine(&state.db, &principal).await
    })
    .await
}

/// Renames one of the caller's passkeys. Needs a person in a session.
#[server(endpoint = "account/passkeys/rename")]
pub async fn rename_passkey(id: String, name: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::passkeys::rename(&state.db, &principal, &id, &name, chrono::Utc::now())
            .await?;
        if super::plain_form_post() {
            super::redirect("/settings/passkeys?renamed=1");
        }
        Ok(())
    })
    .await
}

/// Deletes one of the caller's passkeys (never the last way to sign in). Needs a person in a
/// session.
#[server(endpoint = "account/passkeys/delete")]
pub async fn delete_passkey(id: String) -> Result<(), AppError> {
    super::run(move |state, principal| async move {
        crate::service::passkeys::delete(&state.db, &principal, &id, chrono::Utc::now()).await?;
        super::redirect("/settings/passkeys?deleted=1");
        Ok(())
    })
    .await
}
