use crate::api::admin::{
    DeleteUser, DisableUserTwoFactor, ResetUserPassword, SetUserFlag, SetUserInstanceRole,
    admin_check, get_user, take_password_reveal,
};
use crate::api::instance_roles::list_instance_roles;
use crate::components::confirm_step::ConfirmStep;
use crate::components::copy_button::CopyButton;
use crate::components::form::{FieldError, FormError, submission_error};
use crate::components::loading::loading;
use crate::domain::admin::AdminUser;
use crate::domain::day;
use crate::domain::role::RoleInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/admin/users/{username}`: one account and what the caller's instance role lets them do
/// to it (the server decides again on every action).
#[component]
pub fn AdminUserPage() -> impl IntoView {
    let params = use_params_map();
    let username = Memo::new(move |_| params.read().get("username").unwrap_or_default());
    let flag = ServerAction::<SetUserFlag>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let two_factor = ServerAction::<DisableUserTwoFactor>::new();
    let role = ServerAction::<SetUserInstanceRole>::new();
    let user = Resource::new(
        move || {
            (
                username.get(),
                flag.version().get(),
                reset.version().get(),
                two_factor.version().get(),
                role.version().get(),
            )
        },
        |(name, ..)| get_user(name),
    );
    let mine = Resource::new(|| (), |_| admin_check());
    let roles = Resource::new(|| (), |_| list_instance_roles());
    let reveal = Resource::new(move || username.get(), take_password_reveal);
    view! {
        <Title text="User" />
        <p>
            <a href="/admin/users">"← All users"</a>
        </p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let from_cookie = reveal.await.ok().flatten();
                let mine = mine.await.unwrap_or_default();
                let roles = roles.await.unwrap_or_default();
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
                        let actions = Actions {
                            flag,
                            reset,
                            two_factor,
                            role,
                        };
                        view! { <UserBody user from_cookie actions mine roles /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The page's actions, whose results refresh the user.
#[derive(Clone, Copy)]
struct Actions {
    flag: ServerAction<SetUserFlag>,
    reset: ServerAction<ResetUserPassword>,
    two_factor: ServerAction<DisableUserTwoFactor>,
    role: ServerAction<SetUserInstanceRole>,
}

/// The user and the sections the caller's instance permissions (`mine`) open.
#[component]
fn UserBody(
    user: AdminUser,
    from_cookie: Option<String>,
    actions: Actions,
    mine: Vec<String>,
    roles: Vec<RoleInfo>,
) -> impl IntoView {
    let Actions {
        flag,
        reset,
        two_factor,
        role,
    } = actions;
    let can = |permission: &str| mine.iter().any(|p| p == permission);
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
    let role_title = u.instance_role.as_ref().map(|r| {
        roles
            .iter()
            .find(|info| &info.name == r)
            .map(|info| info.title.clone())
            .unwrap_or_else(|| r.clone())
    });
    let role_form = can("users.update").then(|| {
        view! {
            <InstanceRoleForm
                action=role
                username=name.clone()
                current=u.instance_role.clone()
                roles=roles.clone()
            />
        }
    });
    let status = can("users.deactivate")
        .then(|| {
            view! {
                <h3>"Access"</h3>
                <FormError error=flag_error />
                <div class="actions-row">
                    {if u.active {
                        flag_button("deactivate", "Deactivate", true).into_any()
                    } else {
                        flag_button("activate", "Activate", false).into_any()
                    }}
                </div>
                <p class="muted small">
                    "Deactivating ends access at once (sessions and tokens stop working); memberships and data stay."
                </p>
            }
        });
    let password_reset = can("users.reset_password").then(|| {
        view! {
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
        }
    });
    let delete = can("users.delete").then(|| view! { <DeleteUserSection username=name_delete /> });
    view! {
        <h2>{u.username.clone()}</h2>
        <UserFacts user=user.clone() role_title />
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
        {role_form}
        {status}
        {password_reset}
        {delete}
    }
}

/// Giving the user an instance role, or taking theirs away.
#[component]
fn InstanceRoleForm(
    action: ServerAction<SetUserInstanceRole>,
    username: String,
    current: Option<String>,
    roles: Vec<RoleInfo>,
) -> impl IntoView {
    let error = submission_error(action);
    let current = current.unwrap_or_default();
    view! {
        <h3>"Instance role"</h3>
        <ActionForm action=action attr:class="inline-form">
            <FormError error />
            <input type="hidden" name="username" value=username />
            <div class="field">
                <label for="instance-role">"Instance role"</label>
                <select id="instance-role" name="instance_role">
                    <option value="" selected=current.is_empty()>
                        "None"
                    </option>
                    {roles
                        .into_iter()
                        .map(|r| {
                            let selected = r.name == current;
                            view! {
                                <option value=r.name.clone() selected=selected>
                                    {r.title.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError error field="instance_role" />
            </div>
            <button type="submit" class="button--secondary">
                "Save role"
            </button>
        </ActionForm>
        <p class="muted small">
            "An instance role opens the site administration. You can give only roles that carry nothing you do not hold."
        </p>
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
fn UserFacts(user: AdminUser, role_title: Option<String>) -> impl IntoView {
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
                <dt>"Instance role"</dt>
                <dd>{role_title.unwrap_or_else(|| "None".into())}</dd>
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
