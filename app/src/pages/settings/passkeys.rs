use super::{SettingsFrame, SignInFirst};
use crate::api::passkeys::{DeletePasskey, RenamePasskey, my_passkeys};
use crate::components::form::{FormError, submission_error};
use crate::components::loading::loading;
use crate::domain::day;
use crate::domain::passkey::{MAX_NAME_CHARS, Passkey};
use crate::domain::percent::encode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/settings/passkeys`: the account's passkeys (name, added, last used), renamed in place and
/// deleted after a confirmation; adding one uses the browser's WebAuthn API
/// (`public/passkeys.js`), so that part needs JavaScript.
#[component]
pub fn PasskeysPage() -> impl IntoView {
    let rename = ServerAction::<RenamePasskey>::new();
    let delete = ServerAction::<DeletePasskey>::new();
    let rename_error = submission_error(rename);
    let delete_error = submission_error(delete);
    let passkeys = Resource::new(
        move || (rename.version().get(), delete.version().get()),
        |_| my_passkeys(),
    );
    let query = use_query_map();
    let confirming = Memo::new(move |_| query.read().get("delete"));
    let notice = move || {
        let query = query.read();
        if query.get("added").is_some() {
            Some(
                "The passkey was added. You can sign in with it, and it counts as a second factor.",
            )
        } else if query.get("renamed").is_some() {
            Some("The passkey was renamed.")
        } else if query.get("deleted").is_some() {
            Some("The passkey was deleted.")
        } else {
            None
        }
    };

    view! {
        <Title text="Passkeys" />
        <SettingsFrame title="Passkeys">
            <p class="muted">
                "A passkey signs you in without a password, with your device's screen lock or a security key, and counts as a second factor after a password. Keep an authenticator app with recovery codes too if you might lose every device."
            </p>
            {move || {
                notice()
                    .map(|text| {
                        view! {
                            <p class="notice notice--success" role="status">
                                {text}
                            </p>
                        }
                    })
            }}
            <FormError error=rename_error />
            <FormError error=delete_error />
            <AddPasskey />
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match passkeys.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"No passkey yet."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <PasskeyTable list confirming=confirming.get() rename delete />
                            }
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

/// The form that adds a passkey: `public/passkeys.js` runs the ceremony when its button is
/// pressed; without JavaScript (or WebAuthn) it says why nothing can be added here.
#[component]
fn AddPasskey() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="add-passkey-heading">
            <h2 id="add-passkey-heading">"Add a passkey"</h2>
            <p class="muted passkey-unavailable">
                "Adding a passkey needs JavaScript and a browser that supports passkeys."
            </p>
            <form class="passkey-only" data-passkey-form="register">
                <div class="field">
                    <label for="passkey-name">"Name"</label>
                    <input
                        id="passkey-name"
                        name="name"
                        type="text"
                        maxlength=MAX_NAME_CHARS.to_string()
                        placeholder="e.g. Work laptop"
                        aria-describedby="passkey-name-hint"
                        required
                    />
                    <p id="passkey-name-hint" class="hint">
                        "So that you can tell your passkeys apart."
                    </p>
                </div>
                <p class="notice notice--error" role="alert" data-passkey-error hidden />
                <button type="submit">"Add a passkey"</button>
            </form>
        </section>
    }
}

#[component]
fn PasskeyTable(
    list: Vec<Passkey>,
    confirming: Option<String>,
    rename: ServerAction<RenamePasskey>,
    delete: ServerAction<DeletePasskey>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Your passkeys"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Action"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|passkey| {
                            let asking = confirming.as_deref() == Some(passkey.id.as_str());
                            view! { <PasskeyRow passkey asking rename delete /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PasskeyRow(
    passkey: Passkey,
    asking: bool,
    rename: ServerAction<RenamePasskey>,
    delete: ServerAction<DeletePasskey>,
) -> impl IntoView {
    let field = format!("passkey-name-{}", passkey.id);
    let label = format!("Name of {}", passkey.name);
    let (id, rename_id) = (passkey.id.clone(), passkey.id.clone());
    let action = if asking {
        view! {
            <div class="confirm" role="alertdialog" aria-labelledby="confirm-delete-passkey">
                <p id="confirm-delete-passkey">
                    <strong>"Delete the passkey " {passkey.name.clone()} "?"</strong>
                </p>
                <p class="muted">"It will no longer sign you in. Remove it from the device too."</p>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button--danger">
                        "Delete"
                    </button>
                    <a class="button" href="/settings/passkeys">
                        "Cancel"
                    </a>
                </ActionForm>
            </div>
        }
        .into_any()
    } else {
        view! {
            <a class="button" href=format!("/settings/passkeys?delete={}", encode(&passkey.id))>
                "Delete…"
            </a>
        }
        .into_any()
    };
    view! {
        <tr>
            <td>
                <ActionForm action=rename attr:class="inline-form">
                    <input type="hidden" name="id" value=rename_id />
                    <label class="visually-hidden" for=field.clone()>
                        {label}
                    </label>
                    <input
                        id=field
                        name="name"
                        type="text"
                        required
                        maxlength=MAX_NAME_CHARS.to_string()
                        value=passkey.name.clone()
                    />
                    <button type="submit">"Rename"</button>
                </ActionForm>
            </td>
            <td>
                <time datetime=passkey.created_at.clone()>{day(&passkey.created_at)}</time>
            </td>
            <td>{passkey.last_used_at.as_deref().map(day).unwrap_or_else(|| "—".to_string())}</td>
            <td>{action}</td>
        </tr>
    }
}
