use super::AdminFrame;
use crate::api::admin::{SaveSettings, get_settings};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin/settings`: sign-up mode, two-factor for everyone (with who it would lock out),
/// session timeouts, token lifetime. Applied without a restart.
#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSettings>::new();
    let error = submission_error(save);
    let query = use_query_map();
    let saved = move || {
        query.read().get("saved").is_some() || save.value().get().is_some_and(|r| r.is_ok())
    };
    let settings = Resource::new(move || save.version().get(), |_| get_settings());
    view! {
        <Title text="Instance settings" />
        <AdminFrame title="Instance settings">
            <Show when=saved>
                <p class="notice notice--success" role="status">"The settings were saved; they apply now."</p>
            </Show>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(err) => view! { <p class="notice notice--error" role="alert">{err.message}</p> }.into_any(),
                        Ok((s, lockout)) => view! {
                            <ActionForm action=save>
                                <FormError error />
                                <div class="field">
                                    <label for="signup-mode">"Sign-up"</label>
                                    <select id="signup-mode" name="signup_mode" aria-invalid=invalid(error, "signup_mode")>
                                        <option value="open" selected=s.signup_mode == "open">"Open: anyone can create an account"</option>
                                        <option value="invite_only" selected=s.signup_mode == "invite_only">"Invitation only"</option>
                                        <option value="closed" selected=s.signup_mode == "closed">"Closed: only site admins create accounts"</option>
                                    </select>
                                    <FieldError error field="signup_mode" />
                                </div>
                                <div class="field field--check">
                                    <input id="require-2fa" name="require_two_factor" type="checkbox" value="on" checked=s.require_two_factor />
                                    <label for="require-2fa">"Require two-factor authentication for everyone"</label>
                                </div>
                                {(!lockout.is_empty()).then(|| view! {
                                    <p class="notice notice--warning" role="status">
                                        {format!("{} active user(s) have no two-factor yet and would be asked to set it up: ", lockout.len())}
                                        {lockout.iter().take(20).cloned().collect::<Vec<_>>().join(", ")}
                                        {(lockout.len() > 20).then_some(", …")}
                                    </p>
                                })}
                                <div class="field">
                                    <label for="idle">"Sign out after this many idle minutes"</label>
                                    <input id="idle" name="session_idle_minutes" type="number" min="5" max="43200" required value=s.session_idle_minutes.to_string() aria-invalid=invalid(error, "session_idle_minutes") />
                                    <FieldError error field="session_idle_minutes" />
                                </div>
                                <div class="field">
                                    <label for="max-hours">"Sign out at the latest after this many hours"</label>
                                    <input id="max-hours" name="session_max_hours" type="number" min="1" max="8760" required value=s.session_max_hours.to_string() aria-invalid=invalid(error, "session_max_hours") />
                                    <FieldError error field="session_max_hours" />
                                </div>
                                <div class="field">
                                    <label for="token-max">"Longest token lifetime"</label>
                                    <select id="token-max" name="token_max_days" aria-invalid=invalid(error, "token_max_days")>
                                        <option value="none" selected=s.token_max_days.is_none()>"No limit"</option>
                                        {[7i64, 30, 90, 365].into_iter().map(|d| view! {
                                            <option value=d.to_string() selected=s.token_max_days == Some(d)>{format!("{d} days")}</option>
                                        }).collect_view()}
                                    </select>
                                    <FieldError error field="token_max_days" />
                                </div>
                                <button type="submit" disabled=move || save.pending().get()>"Save settings"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}
