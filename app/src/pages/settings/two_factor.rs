use super::{SettingsFrame, SignInFirst};
use crate::api::two_factor::{
    BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor, RegenerateRecoveryCodes, get_two_factor,
    take_recovery_reveal,
};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::components::recovery_codes::RecoveryCodesReveal;
use crate::domain::two_factor::{Enrolment, TwoFactorStatus};
use leptos::prelude::*;
use leptos_meta::Title;

/// The base32 secret in groups of four, easier to type into an app.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `/settings/two-factor`: enrol an authenticator app, confirm it, keep the recovery codes,
/// regenerate them, or turn two-factor off.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let status = Resource::new(
        move || {
            (
                begin.version().get(),
                confirm.version().get(),
                regenerate.version().get(),
                disable.version().get(),
            )
        },
        |_| get_two_factor(),
    );
    // After a plain form post the new codes come back once, through a one-time cookie.
    let reveal = Resource::new(|| (), |_| take_recovery_reveal());
    let fresh = move || {
        regenerate
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| confirm.value().get().and_then(Result::ok))
            .map(|c| c.recovery_codes)
    };
    let begin_error = submission_error(begin);

    view! {
        <Title text="Two-factor authentication" />
        <SettingsFrame title="Two-factor authentication">
            <p class="muted">
                "With two-factor on, signing in needs your password and a code from an authenticator app on your phone (any app that supports TOTP)."
            </p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let from_cookie = reveal.await.ok().flatten();
                    match status.await {
                        Err(err) if err.status() == 401 => view! { <SignInFirst /> }.into_any(),
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(
                            TwoFactorStatus {
                                enabled: true,
                                recovery_codes_left,
                                required,
                                required_by,
                                ..
                            },
                        ) => {
                            let codes = fresh().or(from_cookie);
                            view! {
                                {codes.map(|codes| view! { <RecoveryCodesReveal codes /> })}
                                <Enabled
                                    recovery_codes_left
                                    required
                                    required_by
                                    regenerate
                                    disable
                                />
                            }
                                .into_any()
                        }
                        Ok(TwoFactorStatus { pending: Some(enrolment), .. }) => {
                            view! { <Pending enrolment confirm disable /> }.into_any()
                        }
                        Ok(_) => {
                            view! {
                                <p>
                                    "Two-factor authentication is " <span class="badge">"off"</span>
                                </p>
                                <ActionForm action=begin>
                                    <FormError error=begin_error />
                                    <button
                                        type="submit"
                                        class="button--primary"
                                        disabled=move || begin.pending().get()
                                    >
                                        {move || {
                                            if begin.pending().get() {
                                                "Starting…"
                                            } else {
                                                "Set up two-factor authentication"
                                            }
                                        }}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </SettingsFrame>
    }
}

/// Enrolment started: the QR code and the key, then the confirmation form.
#[component]
fn Pending(
    enrolment: Enrolment,
    confirm: ServerAction<ConfirmTwoFactor>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let error = submission_error(confirm);
    let pending = confirm.pending();
    view! {
        <h2>"1. Add Gatehouse to your authenticator app"</h2>
        <div class="enrol">
            <div class="enrol__qr" inner_html=enrolment.qr_svg />
            <div>
                <p>"Scan this QR code with the app, or type this key into it:"</p>
                <p>
                    <code class="enrol__secret" aria-label="Secret key">
                        {grouped(&enrolment.secret)}
                    </code>
                </p>
                <p class="muted">
                    "Time-based, SHA-1, 6 digits, every 30 seconds (the usual defaults)."
                </p>
            </div>
        </div>
        <h2>"2. Enter the code the app shows"</h2>
        <ActionForm action=confirm>
            <FormError error />
            <div class="field">
                <label for="confirm-code">"Code"</label>
                <input
                    id="confirm-code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    required
                    maxlength="6"
                    pattern="[0-9 ]{6,7}"
                    aria-invalid=invalid(error, "code")
                />
                <FieldError error field="code" />
            </div>
            <button type="submit" class="button--primary" disabled=move || pending.get()>
                {move || if pending.get() { "Checking…" } else { "Turn on two-factor" }}
            </button>
        </ActionForm>
        <ActionForm action=disable attr:class="inline-form">
            <input type="hidden" name="password" value="" />
            <input type="hidden" name="code" value="" />
            <button type="submit" class="button--secondary">
                "Cancel setup"
            </button>
        </ActionForm>
    }
}

/// Two-factor is on: recovery codes and turning it off.
#[component]
fn Enabled(
    recovery_codes_left: u32,
    required: bool,
    required_by: Vec<String>,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let regenerate_error = submission_error(regenerate);
    let disable_error = submission_error(disable);
    view! {
        <p class="notice notice--success" role="status">
            "Two-factor authentication is on. "
            {format!("{recovery_codes_left} of 10 recovery codes left.")}
        </p>
        <h2>"Recovery codes"</h2>
        <p class="muted">
            "New codes replace all the old ones. Confirm with a current code from your app (or a recovery code)."
        </p>
        <ActionForm action=regenerate>
            <FormError error=regenerate_error />
            <div class="field">
                <label for="regenerate-code">"Code"</label>
                <input
                    id="regenerate-code"
                    name="code"
                    type="text"
                    autocomplete="one-time-code"
                    required
                    maxlength="64"
                    aria-invalid=invalid(regenerate_error, "code")
                />
                <FieldError error=regenerate_error field="code" />
            </div>
            <button type="submit" disabled=move || regenerate.pending().get()>
                {move || {
                    if regenerate.pending().get() {
                        "Generating…"
                    } else {
                        "Generate new recovery codes"
                    }
                }}
            </button>
        </ActionForm>
        <h2>"Turn off"</h2>
        {if required {
            view! {
                <p class="notice notice--warning">
                    "This instance requires two-factor authentication, so it cannot be turned off."
                </p>
            }
                .into_any()
        } else {
            view! {
                <p class="muted">
                    "Signing in will need only your password again. Confirm with your password or a current code."
                </p>
                <ActionForm action=disable>
                    <FormError error=disable_error />
                    <div class="field">
                        <label for="disable-password">"Password"</label>
                        <input
                            id="disable-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            aria-invalid=invalid(disable_error, "password")
                        />
                        <FieldError error=disable_error field="password" />
                    </div>
                    <div class="field">
                        <label for="disable-code">"Or a code"</label>
                        <input
                            id="disable-code"
                            name="code"
                            type="text"
                            autocomplete="one-time-code"
                            maxlength="64"
                            aria-invalid=invalid(disable_error, "code")
                        />
                        <FieldError error=disable_error field="code" />
                    </div>
                    <BlockedIn required_by />
                    <button
                        type="submit"
                        class="button--danger"
                        disabled=move || disable.pending().get()
                    >
                        {move || {
                            if disable.pending().get() {
                                "Turning off…"
                            } else {
                                "Turn off two-factor"
                            }
                        }}
                    </button>
                </ActionForm>
            }
                .into_any()
        }}
    }
}

/// Organizations of the user's that require two-factor: turning it off blocks them there, so
/// the form asks them to accept that first (the server refuses without it).
#[component]
fn BlockedIn(required_by: Vec<String>) -> impl IntoView {
    (!required_by.is_empty()).then(|| {
        let (verb, names) = if required_by.len() == 1 {
            ("requires", required_by.join(""))
        } else {
            ("require", required_by.join(", "))
        };
        view! {
            <p class="notice notice--warning" id="disable-blocked-note">
                <strong>{names}</strong>
                {format!(
                    " {verb} two-factor authentication. With it off you are blocked there until you turn it on again.",
                )}
            </p>
            <div class="field field--check">
                <input
                    id="disable-accept-blocked"
                    name="accept_blocked"
                    type="checkbox"
                    required
                    aria-describedby="disable-blocked-note"
                />
                <label for="disable-accept-blocked">
                    "Turn it off anyway and be blocked in these organizations"
                </label>
            </div>
        }
    })
}
