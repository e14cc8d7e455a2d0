use super::{SettingsFrame, SignInFirst};
use crate::api::account::{RevokeSession, list_sessions};
use crate::components::form::{FormError, submission_error};
use crate::domain::session::SessionInfo;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/settings/sessions`: where the user is signed in, and a way to end any other session.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let error = submission_error(revoke);
    let sessions = Resource::new(move || revoke.version().get(), |_| list_sessions());

    view! {
        <Title text="Sessions" />
        <SettingsFrame title="Sessions">
            <p class="muted">
                "Every browser or device signed in to your account. End any you do not recognise."
            </p>
            <FormError error />
            <Suspense fallback=|| {
                view! {
                    <p class="muted" role="status">
                        "Loading sessions…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! { <SessionTable list revoke /> }.into_any(),
                        Err(err) if err.status() == 401 => view! { <SignInFirst /> }.into_any(),
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

#[component]
fn SessionTable(list: Vec<SessionInfo>, revoke: ServerAction<RevokeSession>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Your sessions"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Device"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Signed in"</th>
                        <th scope="col">"Last seen"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Action"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|s| {
                            let device = if s.user_agent.is_empty() {
                                "Unknown device".to_string()
                            } else {
                                s.user_agent.clone()
                            };
                            view! {
                                <tr>
                                    <td>{device}</td>
                                    <td>
                                        {if s.ip.is_empty() {
                                            "—".to_string()
                                        } else {
                                            s.ip.clone()
                                        }}
                                    </td>
                                    <td>
                                        <time datetime=s
                                            .created_at
                                            .clone()>
                                            {s.created_at.replace('T', " ").replace('Z', " UTC")}
                                        </time>
                                    </td>
                                    <td>
                                        <time datetime=s
                                            .last_seen_at
                                            .clone()>
                                            {s.last_seen_at.replace('T', " ").replace('Z', " UTC")}
                                        </time>
                                    </td>
                                    <td>
                                        {if s.current {
                                            view! {
                                                <span class="badge badge--ok">"This session"</span>
                                            }
                                                .into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=revoke attr:class="inline-form">
                                                    <input type="hidden" name="id" value=s.id.clone() />
                                                    <button type="submit" class="button--danger">
                                                        "Sign out"
                                                    </button>
                                                </ActionForm>
                                            }
                                                .into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
