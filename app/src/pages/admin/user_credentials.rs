//! A user's credentials on their admin page, for holders of `users.manage_credentials`: API
//! access (on or off, with what it means), their live tokens (revocable one by one) and their
//! sessions (all ended at once).

use crate::api::admin::{EndUserSessions, RevokeUserToken, SetUserApiAccess};
use crate::components::form::{FormError, submission_error};
use crate::components::token_table::TokenTable;
use crate::domain::day;
use crate::domain::session::SessionInfo;
use crate::domain::token::TokenInfo;
use crate::error::AppError;
use leptos::prelude::*;

/// The user's tokens and sessions, read by the routed page (a resource made inside a
/// `Suspend` may miss the server's answer when the page hydrates).
pub type Credentials = Resource<Result<(Vec<TokenInfo>, Vec<SessionInfo>), AppError>>;

/// The actions of the section, made by the routed page (their results refresh `Credentials`).
#[derive(Clone, Copy)]
pub struct CredentialActions {
    pub access: ServerAction<SetUserApiAccess>,
    pub revoke: ServerAction<RevokeUserToken>,
    pub end: ServerAction<EndUserSessions>,
}

#[component]
pub fn UserCredentials(
    username: String,
    api_access: bool,
    actions: CredentialActions,
    credentials: Credentials,
) -> impl IntoView {
    let CredentialActions {
        access,
        revoke,
        end,
    } = actions;
    let access_error = submission_error(access);
    let revoke_error = submission_error(revoke);
    let end_error = submission_error(end);
    let page = format!("/admin/users/{username}");
    let (turn, text, button) = if api_access {
        (
            "off",
            "On: their API tokens work and they may create new ones.",
            "Turn API access off",
        )
    } else {
        (
            "on",
            "Off: their tokens are refused and they cannot create new ones.",
            "Turn API access on",
        )
    };
    let (u1, u2, u3) = (username.clone(), username.clone(), username.clone());
    view! {
        <h3>"API access"</h3>
        <p>
            <span class="badge" class=("badge--ok", api_access)>
                {if api_access { "API access on" } else { "API access off" }}
            </span>
            " "
            {text}
        </p>
        <FormError error=access_error />
        <ActionForm action=access attr:class="inline-form">
            <input type="hidden" name="username" value=u1 />
            <input type="hidden" name="access" value=turn />
            <button type="submit" class="button--secondary">
                {button}
            </button>
        </ActionForm>
        <Suspense fallback=|| ()>
            {move || {
                let (page, u2, u3) = (page.clone(), u2.clone(), u3.clone());
                Suspend::new(async move {
                    match credentials.await {
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                        Ok((tokens, sessions)) => {
                            let tokens_view = if tokens.is_empty() {
                                view! { <p class="muted">"No live tokens."</p> }.into_any()
                            } else {
                                view! {
                                    <TokenTable
                                        caption="Their API tokens"
                                        list=tokens
                                        page=page.clone()
                                        revoke_form=move |t: &TokenInfo| {
                                            let (id, user) = (t.id.clone(), u2.clone());
                                            view! {
                                                <ActionForm action=revoke attr:class="inline-form">
                                                    <input type="hidden" name="username" value=user />
                                                    <input type="hidden" name="id" value=id />
                                                    <button type="submit" class="button--danger">
                                                        "Revoke token"
                                                    </button>
                                                </ActionForm>
                                            }
                                                .into_any()
                                        }
                                    />
                                }
                                    .into_any()
                            };
                            let count = sessions.len();
                            view! {
                                <h3>"Tokens"</h3>
                                <FormError error=revoke_error />
                                {tokens_view}
                                <h3>"Sessions"</h3>
                                <FormError error=end_error />
                                {if count == 0 {
                                    view! { <p class="muted">"Not signed in anywhere."</p> }
                                        .into_any()
                                } else {
                                    view! {
                                        <ul class="session-list">
                                            {sessions
                                                .into_iter()
                                                .map(|s| {
                                                    view! {
                                                        <li>
                                                            {format!(
                                                                "{} from {}, last seen {}",
                                                                s.user_agent,
                                                                s.ip,
                                                                day(&s.last_seen_at),
                                                            )}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                        <ActionForm action=end attr:class="inline-form">
                                            <input type="hidden" name="username" value=u3 />
                                            <button type="submit" class="button--danger">
                                                {if count == 1 {
                                                    "End their session".to_string()
                                                } else {
                                                    format!("End all {count} sessions")
                                                }}
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }}
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
