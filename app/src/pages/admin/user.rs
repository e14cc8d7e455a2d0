use crate::api::admin::{
    DeleteUser, DisableUserTwoFactor, ResetUserPassword, SetUserFlag, get_user,
    take_password_reveal,
};
use crate::components::confirm_step::ConfirmStep;
use crate::components::copy_button::CopyButton;
use crate::components::form::{FieldError, FormError, submission_error};
use crate::components::loading::loading;
use crate::domain::admin::AdminUser;
use crate::domain::day;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/admin/users/{username}`: one account and what a site admin can do to it.
#[component]
pub fn AdminUserPage() -> impl IntoView {
    let params = use_params_map();
    let username = Memo::new(move |_| params.read().get("username").unwrap_or_default());
    let flag = ServerAction::<SetUserFlag>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let two_factor = ServerAction::<DisableUserTwoFactor>::new();
    let user = Resource::new(
        move || {
            (
                username.get(),
                flag.version().get(),
                reset.version().get(),
                two_factor.version().get(),
            )
        },
        |(name, ..)| get_user(name),
    );
    let reveal = Resource::new(move || username.get(), take_password_reveal);
    view! {
        <Title text="User" />
        <p>
            <a href="/admin/users">"← All users"</a>
        </p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let from_cookie = reveal.await.ok().flatten();
                match user.await {
                    Err(err) if err.status() == 404 => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                "There is no such user."
                            </p>
                        }
                            .into_any()
                    }
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(user) => {
                        view! { <UserBody user from_cookie flag reset two_factor /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserBody(
    user: AdminUser,
    from_cookie: Option<String>,
    flag: ServerAction<SetUserFlag>,
    reset: ServerAction<ResetUserPassword>,
    two_factor: ServerAction<DisableUserTwoFactor>,
) -> impl IntoView {
    let name = user.user.username.clone();
    let flag_error = submission_error(flag);
    let reset_error = submission_error(reset);
    let password = move || {
        reset
            .value()
            .get()
            .and_then(Result::ok)
            .map(|r| r.temporary_password)
            .or_else(|| from_cookie.clone())
    };
    let flag_button = |what: &'static str, label: &'static str, danger: bool| {
        let name = name.clone();
        view! {
            <ActionForm action=flag attr:class="inline-form">
                <input type="hidden" name="username" value=name />
                <input type="hidden" name="what" value=what />
                <button
                    type="submit"
                    class=if danger { "button--danger" } else { "button--secondary" }
                >
                    {label}
                </button>
            </ActionForm>
        }
    };
    let u = user.user.clone();
    let (name_reset, name_2fa, name_delete) = (name.clone(), name.clone(), name.clone());
    view! {
        <h2>{u.username.clone()}</h2>
        <UserFacts user=user.clone() />
        {move || {
            password()
                .map(|p| {
                    view! {
                        <div class="token-reveal" role="status">
                            <p>
                                <strong>"New temporary password."</strong>
                                " Hand it over now; it will not be shown again. Their sessions have ended."
                            </p>
                            <div class="token-reveal__row">
                                <label class="visually-hidden" for="temporary-password">
                                    "Temporary password"
                                </label>
                                <input
                                    id="temporary-password"
                                    class="token-reveal__value"
                                    type="text"
                                    readonly
                                    value=p.clone()
                                />
                                <CopyButton text=p />
                            </div>
                        </div>
                    }
                })
        }}
        <h3>"Access"</h3>
        <FormError error=flag_error />
        <div class="actions-row">
            {if u.active {
                flag_button("deactivate", "Deactivate", true).into_any()
            } else {
                flag_button("activate", "Activate", false).into_any()
            }}
            {if u.site_admin {
                flag_button("revoke_admin", "Remove site admin", true).into_any()
            } else {
                flag_button("grant_admin", "Make site admin", false).into_any()
            }}
        </div>
        <p class="muted small">
            "Deactivating ends access at once (sessions and tokens stop working); memberships and data stay."
        </p>
        <h3>"Password"</h3>
        <FormError error=reset_error />
        <ActionForm action=reset>
            <input type="hidden" name="username" value=name_reset />
            <button type="submit" class="button--secondary">
                "Reset password"
            </button>
        </ActionForm>
        {u
            .two_factor_enabled
            .then(|| view! { <TwoFactorOff action=two_factor username=name_2fa.clone() /> })}
        <DeleteUserSection username=name_delete />
    }
}

/// Deleting, behind a confirmation step (`?delete=1`) that works without JavaScript.
#[component]
fn DeleteUserSection(username: String) -> impl IntoView {
    let delete = ServerAction::<DeleteUser>::new();
    let error = submission_error(delete);
    let page = format!("/admin/users/{username}");
    let question = format!("Delete the account {username}?");
    let back = page.clone();
    let form = move || {
        let (username, page) = (username.clone(), back.clone());
        view! {
            <ActionForm action=delete attr:class="confirm__actions">
                <input type="hidden" name="username" value=username />
                <button type="submit" class="button--danger">
                    "Delete account"
                </button>
                <a class="button" href=page>
                    "Cancel"
                </a>
            </ActionForm>
        }
    };
    view! {
        <h3>"Delete"</h3>
        <FormError error />
        <ConfirmStep
            open_label="Delete account…"
            page
            question
            form
            consequence="Their sessions, tokens and memberships go with it. Refused while they are the last owner of an organization or own projects. This cannot be undone."
        />
    }
}

/// What the admin page says about a user: address, name, status, roles, dates.
#[component]
fn UserFacts(user: AdminUser) -> impl IntoView {
    let u = user.user;
    view! {
        <dl class="facts">
            <div>
                <dt>"Email"</dt>
                <dd>
                    {u.email.clone()}
                    {if u.email_verified { " (verified)" } else { " (not verified)" }}
                </dd>
            </div>
            <div>
                <dt>"Display name"</dt>
                <dd>
                    {if u.display_name.is_empty() {
                        "—".to_string()
                    } else {
                        u.display_name.clone()
                    }}
                </dd>
            </div>
            <div>
                <dt>"Status"</dt>
                <dd>{if u.active { "Active" } else { "Deactivated" }}</dd>
            </div>
            <div>
                <dt>"Site admin"</dt>
                <dd>{if u.site_admin { "Yes" } else { "No" }}</dd>
            </div>
            <div>
                <dt>"Two-factor"</dt>
                <dd>{if u.two_factor_enabled { "On" } else { "Off" }}</dd>
            </div>
            <div>
                <dt>"Organizations"</dt>
                <dd>{user.organizations}</dd>
            </div>
            <div>
                <dt>"Last sign-in"</dt>
                <dd>
                    {user.last_sign_in_at.as_deref().map(day).unwrap_or_else(|| "Never".into())}
                </dd>
            </div>
            <div>
                <dt>"Created"</dt>
                <dd>{day(&u.created_at)}</dd>
            </div>
        </dl>
    }
}

/// Turning a user's two-factor off, with the reason the audit log records.
#[component]
fn TwoFactorOff(action: ServerAction<DisableUserTwoFactor>, username: String) -> impl IntoView {
    let error = submission_error(action);
    view! {
        <h3>"Two-factor"</h3>
        <ActionForm action=action>
            <FormError error=error />
            <input type="hidden" name="username" value=username />
            <div class="field">
                <label for="two-factor-reason">"Why (recorded in the audit log)"</label>
                <input id="two-factor-reason" name="reason" type="text" required maxlength="300" />
                <FieldError error=error field="reason" />
            </div>
            <button type="submit" class="button--danger">
                "Turn two-factor off"
            </button>
        </ActionForm>
    }
}
