use super::{SettingsFrame, SignInFirst};
use crate::api::account::UpdateProfile;
use crate::api::auth::current_user;
use crate::api::email::ResendVerification;
use crate::components::avatar::Avatar;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::domain::user::User;
use crate::domain::username;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/settings/profile`: username, display name, email, and the generated avatar.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let action = ServerAction::<UpdateProfile>::new();
    let resend = ServerAction::<ResendVerification>::new();
    let user = Resource::new(
        move || (action.version().get(), resend.version().get()),
        |_| current_user(),
    );
    view! {
        <Title text="Profile" />
        <SettingsFrame title="Profile">
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => {
                            view! {
                                <Verification
                                    email=user.email.clone()
                                    verified=user.email_verified
                                    resend
                                />
                                <ProfileForm user action />
                            }
                                .into_any()
                        }
                        Ok(None) => view! { <SignInFirst /> }.into_any(),
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </SettingsFrame>
    }
}

/// Whether the email address is verified, and a way to get a new link if not.
#[component]
fn Verification(
    email: String,
    verified: bool,
    resend: ServerAction<ResendVerification>,
) -> impl IntoView {
    let error = submission_error(resend);
    let query = use_query_map();
    let sent = move || {
        error.get().is_none()
            && (matches!(resend.value().get(), Some(Ok(()))) || query.read().get("sent").is_some())
    };
    if verified {
        return view! { <p class="muted">{email} " " <span class="badge badge--ok">"Verified"</span></p> }
        .into_any();
    }
    view! {
        <div class="notice notice--warning">
            <p>
                <strong>{email.clone()}</strong>
                " is not verified yet. Open the link we sent to it, or ask for a new one."
            </p>
            <Show when=sent>
                <p role="status">{format!("A new link was sent to {email}.")}</p>
            </Show>
            <FormError error />
            <ActionForm action=resend>
                <button
                    type="submit"
                    class="button--secondary"
                    disabled=move || resend.pending().get()
                >
                    {move || if resend.pending().get() { "Sending…" } else { "Send a new link" }}
                </button>
            </ActionForm>
        </div>
    }
    .into_any()
}

#[component]
fn ProfileForm(user: User, action: ServerAction<UpdateProfile>) -> impl IntoView {
    let error = submission_error(action);
    let pending = action.pending();
    let query = use_query_map();
    let saved = move || {
        error.get().is_none()
            && (matches!(action.value().get(), Some(Ok(()))) || query.read().get("saved").is_some())
    };
    view! {
        <div class="profile-avatar">
            <Avatar seed=user.id.to_string() size=64 label=format!("Avatar of {}", user.username) />
            <p class="muted">
                "Your avatar is drawn from your account; no outside service is asked."
            </p>
        </div>
        <Show when=saved>
            <p class="notice notice--success" role="status">
                "Your profile was saved."
            </p>
        </Show>
        <ActionForm action=action>
            <FormError error />
            <div class="field">
                <label for="username">"Username"</label>
                <input
                    id="username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    required
                    maxlength=username::MAX_LEN
                    value=user.username.clone()
                    aria-describedby="username-hint"
                    aria-invalid=invalid(error, "username")
                />
                <p class="field__hint" id="username-hint">
                    "Changing it breaks links and scripts that use the old name."
                </p>
                <FieldError error field="username" />
            </div>
            <div class="field">
                <label for="display_name">"Display name"</label>
                <input
                    id="display_name"
                    name="display_name"
                    type="text"
                    autocomplete="name"
                    maxlength="100"
                    value=user.display_name.clone()
                    aria-invalid=invalid(error, "display_name")
                />
                <FieldError error field="display_name" />
            </div>
            <div class="field">
                <label for="email">"Email"</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    required
                    value=user.email.clone()
                    aria-invalid=invalid(error, "email")
                />
                <FieldError error field="email" />
            </div>
            <div class="field">
                <label for="current_password">"Current password"</label>
                <input
                    id="current_password"
                    name="current_password"
                    type="password"
                    autocomplete="current-password"
                    aria-describedby="current-password-hint"
                    aria-invalid=invalid(error, "current_password")
                />
                <p class="field__hint" id="current-password-hint">
                    "Needed only to change your email address."
                </p>
                <FieldError error field="current_password" />
            </div>
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save profile" }}
            </button>
        </ActionForm>
    }
}
