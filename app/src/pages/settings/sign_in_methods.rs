use super::{SettingsFrame, SignInFirst};
use crate::api::sso::{UnlinkIdentity, my_identities};
use crate::components::form::{FormError, submission_error};
use crate::components::loading::loading;
use crate::domain::day;
use crate::domain::percent::encode;
use crate::domain::sso::LinkedIdentity;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/settings/sign-in-methods`: the identity providers linked to the account, each removable
/// after a confirmation (never the last way to sign in).
#[component]
pub fn SignInMethodsPage() -> impl IntoView {
    let unlink = ServerAction::<UnlinkIdentity>::new();
    let error = submission_error(unlink);
    let identities = Resource::new(move || unlink.version().get(), |_| my_identities());
    let query = use_query_map();
    let confirming = Memo::new(move |_| query.read().get("unlink"));
    let unlinked = move || query.read().get("unlinked").is_some();

    view! {
        <Title text="Sign-in methods" />
        <SettingsFrame title="Sign-in methods">
            <p class="muted">
                "Identity providers you sign in with. Your password, if you have one, is the other way in."
            </p>
            <Show when=unlinked>
                <p class="notice notice--success" role="status">
                    "The identity was unlinked."
                </p>
            </Show>
            <FormError error />
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match identities.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="empty">
                                    "No identity provider is linked. Sign in once with a provider offered on the sign-in page to link it."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! { <IdentityTable list confirming=confirming.get() unlink /> }
                                .into_any()
                        }
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
fn IdentityTable(
    list: Vec<LinkedIdentity>,
    confirming: Option<String>,
    unlink: ServerAction<UnlinkIdentity>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Linked identity providers"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Provider"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Linked"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Action"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|identity| {
                            let asking = confirming.as_deref() == Some(identity.id.as_str());
                            let action = if asking {
                                view! {
                                    <div
                                        class="confirm"
                                        role="alertdialog"
                                        aria-labelledby="confirm-unlink"
                                    >
                                        <p id="confirm-unlink">
                                            <strong>
                                                "Unlink " {identity.provider_name.clone()} "?"
                                            </strong>
                                        </p>
                                        <p class="muted">
                                            "You will no longer sign in with it; signing in with it again links it again."
                                        </p>
                                        <ActionForm action=unlink attr:class="inline-form">
                                            <input type="hidden" name="id" value=identity.id.clone() />
                                            <button type="submit" class="button--danger">
                                                "Unlink"
                                            </button>
                                            <a class="button" href="/settings/sign-in-methods">
                                                "Cancel"
                                            </a>
                                        </ActionForm>
                                    </div>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <a
                                        class="button"
                                        href=format!(
                                            "/settings/sign-in-methods?unlink={}",
                                            encode(&identity.id),
                                        )
                                    >
                                        "Unlink…"
                                    </a>
                                }
                                    .into_any()
                            };
                            view! {
                                <tr>
                                    <td>{identity.provider_name.clone()}</td>
                                    <td>{identity.email.clone()}</td>
                                    <td>
                                        <time datetime=identity
                                            .linked_at
                                            .clone()>{day(&identity.linked_at)}</time>
                                    </td>
                                    <td>
                                        {identity
                                            .last_used_at
                                            .as_deref()
                                            .map(day)
                                            .unwrap_or_else(|| "—".to_string())}
                                    </td>
                                    <td>{action}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
