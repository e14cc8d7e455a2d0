use crate::api::admin::{SaveSettings, get_settings};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::domain::admin::InstanceSettings;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin/settings`: sign-up mode, two-factor for everyone (with who it would lock out),
/// session timeouts, token lifetime. Applied without a restart.
#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSettings>::new();
    let query = use_query_map();
    let saved = move || {
        query.read().get("saved").is_some() || save.value().get().is_some_and(|r| r.is_ok())
    };
    let settings = Resource::new(move || save.version().get(), |_| get_settings());
    view! {
        <Title text="Instance settings" />
        <Show when=saved>
            <p class="notice notice--success" role="status">
                "The settings were saved; they apply now."
            </p>
        </Show>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok((settings, lockout)) => {
                        view! { <SettingsForm save settings lockout /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Who the instance-wide two-factor requirement affects: active users without two-factor.
#[component]
fn Lockout(id: &'static str, users: Vec<String>, already_on: bool) -> impl IntoView {
    if users.is_empty() {
        return view! {
            <p id=id class="notice notice--success reveal-when-checked">
                "Every active user has two-factor on: nobody would be affected."
            </p>
        }
        .into_any();
    }
    let lead = if already_on {
        format!(
            "{} active user(s) have no two-factor yet; until they set it up, they can do nothing else: ",
            users.len()
        )
    } else {
        format!(
            "Saving with this ticked asks {} active user(s) without two-factor to set it up before they can do anything else: ",
            users.len()
        )
    };
    let more = users.len() > 20;
    let names = users.into_iter().take(20).collect::<Vec<_>>().join(", ");
    view! {
        <p id=id class="notice notice--warning reveal-when-checked">
            {lead}
            <strong>{names}</strong>
            {more.then_some(", …")}
        </p>
    }
    .into_any()
}

/// The settings form, filled with `settings`; `lockout` are the users a two-factor
/// requirement would lock out.
#[component]
fn SettingsForm(
    save: ServerAction<SaveSettings>,
    settings: InstanceSettings,
    lockout: Vec<String>,
) -> impl IntoView {
    let error = submission_error(save);
    let s = settings;
    view! {
        <ActionForm action=save>
            <FormError error />
            <div class="field">
                <label for="signup-mode">"Sign-up"</label>
                <select
                    id="signup-mode"
                    name="signup_mode"
                    aria-invalid=invalid(error, "signup_mode")
                >
                    <option value="open" selected=s.signup_mode == "open">
                        "Open: anyone can create an account"
                    </option>
                    <option value="invite_only" selected=s.signup_mode == "invite_only">
                        "Invitation only"
                    </option>
                    <option value="closed" selected=s.signup_mode == "closed">
                        "Closed: only site admins create accounts"
                    </option>
                </select>
                <FieldError error field="signup_mode" />
            </div>
            <div class="field field--check">
                <input
                    id="require-2fa"
                    name="require_two_factor"
                    type="checkbox"
                    value="on"
                    checked=s.require_two_factor
                    aria-describedby="lockout"
                />
                <label for="require-2fa">"Require two-factor authentication for everyone"</label>
                // Shown while the box is ticked (by CSS, so also without JavaScript).
                <Lockout id="lockout" users=lockout already_on=s.require_two_factor />
            </div>
            <div class="field field--check">
                <input
                    id="allow-direct-adding"
                    name="allow_direct_adding"
                    type="checkbox"
                    value="on"
                    checked=s.allow_direct_adding
                    aria-describedby="allow-direct-adding-hint"
                />
                <label for="allow-direct-adding">
                    "Organizations may add existing accounts directly"
                </label>
                <p class="field__hint" id="allow-direct-adding-hint">
                    "Each organization still chooses (by default, people are invited by email). Unticked, every organization invites."
                </p>
            </div>
            <div class="field field--check">
                <input
                    id="api-access-default"
                    name="api_access_default"
                    type="checkbox"
                    value="on"
                    checked=s.api_access_default
                />
                <label for="api-access-default">
                    "New accounts may use the API (create and use tokens)"
                </label>
            </div>
            <div class="field field--check">
                <input
                    id="allow-rename"
                    name="allow_rename"
                    type="checkbox"
                    value="on"
                    checked=s.allow_rename
                />
                <label for="allow-rename">"Users may change their own username"</label>
            </div>
            <div class="field field--check">
                <input
                    id="sso-signup"
                    name="sso_signup"
                    type="checkbox"
                    value="on"
                    checked=s.sso_signup
                    aria-describedby="sso-signup-hint"
                />
                <label for="sso-signup">"Single sign-on creates accounts (SSO sign-up)"</label>
                <p class="field__hint" id="sso-signup-hint">
                    "A first sign-in through a provider creates the account even when sign-up is not open."
                </p>
            </div>
            <div class="field field--check">
                <input
                    id="sso-only"
                    name="sso_only"
                    type="checkbox"
                    value="on"
                    checked=s.sso_only
                    aria-describedby="sso-only-hint"
                />
                <label for="sso-only">"Single sign-on only"</label>
                <p class="field__hint" id="sso-only-hint">
                    "Password sign-in, sign-up and password resets are off for everyone but site admins."
                </p>
            </div>
            <div class="field">
                <label for="idle">"Sign out after this many idle minutes"</label>
                <input
                    id="idle"
                    name="session_idle_minutes"
                    type="number"
                    min="5"
                    max="43200"
                    required
                    value=s.session_idle_minutes.to_string()
                    aria-invalid=invalid(error, "session_idle_minutes")
                />
                <FieldError error field="session_idle_minutes" />
            </div>
            <div class="field">
                <label for="max-hours">"Sign out at the latest after this many hours"</label>
                <input
                    id="max-hours"
                    name="session_max_hours"
                    type="number"
                    min="1"
                    max="8760"
                    required
                    value=s.session_max_hours.to_string()
                    aria-invalid=invalid(error, "session_max_hours")
                />
                <FieldError error field="session_max_hours" />
            </div>
            <div class="field">
                <label for="token-max">"Longest token lifetime"</label>
                <select
                    id="token-max"
                    name="token_max_days"
                    aria-invalid=invalid(error, "token_max_days")
                >
                    <option value="none" selected=s.token_max_days.is_none()>
                        "No limit"
                    </option>
                    {[7i64, 30, 90, 365]
                        .into_iter()
                        .map(|d| {
                            view! {
                                <option value=d.to_string() selected=s.token_max_days == Some(d)>
                                    {format!("{d} days")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError error field="token_max_days" />
            </div>
            <button type="submit" disabled=move || save.pending().get()>
                "Save settings"
            </button>
        </ActionForm>
    }
}
