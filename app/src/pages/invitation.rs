use crate::api::auth::current_user;
use crate::api::invitations::{
    AcceptInvitation, DeclineInvitation, SignUpWithInvitation, view_invitation,
};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::invitation::PublicInvitation;
use crate::domain::{password, username};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/invitations/{token}`: what the invitation offers; accept (signed in with the invited
/// address), sign up through it, or decline.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let invitation = Resource::new(move || token.get(), view_invitation);
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="Invitation" />
        <section class="panel form-panel">
            <h1>"Invitation"</h1>
            <Suspense fallback=|| {
                view! {
                    <p class="muted" role="status">
                        "Checking the invitation…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match (invitation.await, user.await) {
                        (Err(err), _) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                        (Ok(inv), me) => {
                            view! {
                                <Offer
                                    invitation=inv
                                    me=me.ok().flatten()
                                    token=token.get_untracked()
                                />
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Offer(
    invitation: PublicInvitation,
    me: Option<crate::domain::user::User>,
    token: String,
) -> impl IntoView {
    let accept = ServerAction::<AcceptInvitation>::new();
    let decline = ServerAction::<DeclineInvitation>::new();
    let accept_error = submission_error(accept);
    let decline_error = submission_error(decline);
    let org = if invitation.organization_display_name.is_empty() {
        invitation.organization.clone()
    } else {
        invitation.organization_display_name.clone()
    };
    let matches = me
        .as_ref()
        .is_some_and(|u| u.email.eq_ignore_ascii_case(&invitation.email));
    let here = format!("/invitations/{token}");
    let decline_token = token.clone();
    view! {
        <p>
            {invitation
                .invited_by
                .clone()
                .map(|by| {
                    view! {
                        <strong>{by}</strong>
                        " invited "
                    }
                })} <strong>{invitation.email.clone()}</strong> " to join " <strong>{org}</strong>
            " as " <span class="badge">{invitation.role.clone()}</span> "."
        </p>
        <p class="muted small">
            {format!(
                "The invitation expires on {}.",
                invitation.expires_at.split('T').next().unwrap_or_default(),
            )}
        </p>
        <FormError error=accept_error />
        <FormError error=decline_error />
        {match me {
            Some(user) if matches => {
                view! {
                    <ActionForm action=accept>
                        <input type="hidden" name="token" value=token.clone() />
                        <button type="submit">{format!("Join as {}", user.username)}</button>
                    </ActionForm>
                }
                    .into_any()
            }
            Some(user) => {
                view! {
                    <p class="notice notice--warning">
                        {format!(
                            "You are signed in as {} ({}), but this invitation is for {}. Sign out and sign in with that address, or create an account for it.",
                            user.username,
                            user.email,
                            invitation.email,
                        )}
                    </p>
                }
                    .into_any()
            }
            None => {
                view! {
                    <p>
                        "Already have an account with this address? "
                        <a href=format!(
                            "/login?next={}",
                            crate::domain::percent::encode(&here),
                        )>"Sign in to accept"</a>
                    </p>
                    <InvitationSignup token=token.clone() email=invitation.email.clone() />
                }
                    .into_any()
            }
        }}
        <ActionForm action=decline attr:class="inline-form-block">
            <input type="hidden" name="token" value=decline_token />
            <button type="submit" class="button--secondary">
                "Decline the invitation"
            </button>
        </ActionForm>
    }
}

/// `/invitations/declined`: after declining.
#[component]
pub fn InvitationDeclinedPage() -> impl IntoView {
    view! {
        <Title text="Invitation declined" />
        <section class="panel form-panel">
            <h1>"Invitation declined"</h1>
            <p>"The invitation link no longer works. Nothing else changed."</p>
            <p>
                <a href="/">"Go to the home page"</a>
            </p>
        </section>
    }
}

/// Creating an account to accept the invitation (for the invited address).
#[component]
fn InvitationSignup(token: String, email: String) -> impl IntoView {
    let signup = ServerAction::<SignUpWithInvitation>::new();
    let signup_error = submission_error(signup);
    view! {
        <h2>"Or create your account"</h2>
        <ActionForm action=signup>
            <FormError error=signup_error />
            <input type="hidden" name="token" value=token.clone() />
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" type="email" value=email readonly />
            </div>
            <div class="field">
                <label for="username">"Username"</label>
                <input
                    id="username"
                    name="username"
                    type="text"
                    required
                    maxlength=username::MAX_LEN
                    autocomplete="username"
                    aria-invalid=invalid(signup_error, "username")
                />
                <FieldError error=signup_error field="username" />
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    required
                    minlength=password::MIN_LEN
                    maxlength=password::MAX_LEN
                    autocomplete="new-password"
                    aria-invalid=invalid(signup_error, "password")
                />
                <FieldError error=signup_error field="password" />
            </div>
            <button type="submit" disabled=move || signup.pending().get()>
                "Create account and join"
            </button>
        </ActionForm>
    }
}
