use super::user_credentials::{CredentialActions, Credentials, UserCredentials};
use crate::api::admin::{
    DeleteUser, DisableUserTwoFactor, EndUserSessions, ResetUserPassword, RevokeUserToken,
    SetUserApiAccess, SetUserFlag, SetUserInstanceRole, SetUserNames, admin_check, get_user,
    take_password_reveal, user_credentials,
};
use crate::api::instance_roles::list_instance_roles;
use crate::components::confirm_step::ConfirmStep;
use crate::components::copy_button::CopyButton;
use crate::components::form::{FieldError, FormError, submission_error};
use crate::components::loading::loading;
use crate::domain::admin::{AdminUserDetail, UserOrganization};
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
    let names = ServerAction::<SetUserNames>::new();
    let access = ServerAction::<SetUserApiAccess>::new();
    let user = Resource::new(
        move || {
            (
                username.get(),
                flag.version().get(),
                reset.version().get(),
                two_factor.version().get(),
                role.version().get(),
                names.version().get(),
                access.version().get(),
            )
        },
        |(name, ..)| get_user(name),
    );
    let mine = Resource::new(|| (), |_| admin_check());
    let revoke = ServerAction::<RevokeUserToken>::new();
    let end = ServerAction::<EndUserSessions>::new();
    // Read only for callers who may see credentials (the section is shown to them only).
    let credentials: Credentials = Resource::new(
        move || (username.get(), revoke.version().get(), end.version().get()),
        move |(name, ..)| async move {
            let may = admin_check()
                .await
                .is_ok_and(|mine| mine.iter().any(|p| p == "users.manage_credentials"));
            if may {
                user_credentials(name).await
            } else {
                Ok((Vec::new(), Vec::new()))
            }
        },
    );
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
                            names,
                            credentials: CredentialActions {
                                access,
                                revoke,
                                end,
                            },
                        };
                        view! { <UserBody user from_cookie actions mine roles credentials /> }
                            .into_any()
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
    names: ServerAction<SetUserNames>,
    credentials: CredentialActions,
}

/// The user and the sections the caller's instance permissions (`mine`) open.
#[component]
fn UserBody(
    user: AdminUserDetail,
    from_cookie: Option<String>,
    actions: Actions,
    mine: Vec<String>,
    roles: Vec<RoleInfo>,
    credentials: Credentials,
) -> impl IntoView {
    let Actions {
        flag,
        reset,
        two_factor,
        role,
        names,
        credentials: credential_actions,
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
    let names_form = can("users.update").then(|| {
        view! {
            <NamesForm
                action=names
                username=name.clone()
                first=u.first_name.clone()
                last=u.last_name.clone()
                display=u.display_name.clone()
                email=u.email.clone()
            />
        }
    });
    let credentials = can("users.manage_credentials").then(|| {
        view! {
            <UserCredentials
                username=name.clone()
                api_access=u.api_access
                actions=credential_actions
                credentials
            />
        }
    });
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
        {names_form}
        {role_form}
        {status}
        {password_reset}
        {credentials}
        {delete}
    }
}

/// The user's names and email address.
#[component]
fn NamesForm(
    action: ServerAction<SetUserNames>,
    username: String,
    first: String,
    last: String,
    display: String,
    email: String,
) -> impl IntoView {
    let error = submission_error(action);
    view! {
        <h3>"Name and email"</h3>
        <ActionForm action=action>
            <FormError error />
            <input type="hidden" name="username" value=username />
            <div class="field">
                <label for="edit-first-name">"First name"</label>
                <input
                    id="edit-first-name"
                    name="first_name"
                    type="text"
                    maxlength="50"
                    value=first
                />
                <FieldError error field="first_name" />
            </div>
            <div class="field">
                <label for="edit-last-name">"Last name"</label>
                <input id="edit-last-name" name="last_name" type="text" maxlength="50" value=last />
                <FieldError error field="last_name" />
            </div>
            <div class="field">
                <label for="edit-display-name">"Display name"</label>
                <input
                    id="edit-display-name"
                    name="display_name"
                    type="text"
                    maxlength="100"
                    value=display
                />
                <FieldError error field="display_name" />
            </div>
            <div class="field">
                <label for="edit-email">"Email"</label>
                <input
                    id="edit-email"
                    name="email"
                    type="email"
                    required
                    maxlength="254"
                    autocomplete="off"
                    value=email
                    aria-describedby="edit-email-help"
                />
                <p id="edit-email-help" class="muted small">
                    "A new address stays unverified until its owner opens the link sent to it; the old address is told."
                </p>
                <FieldError error field="email" />
            </div>
            <button type="submit" class="button--secondary">
                "Save"
            </button>
        </ActionForm>
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
fn UserFacts(user: AdminUserDetail, role_title: Option<String>) -> impl IntoView {
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
                <dt>"Name"</dt>
                <dd>
                    {if u.first_name.is_empty() && u.last_name.is_empty() {
                        "—".to_string()
                    } else {
                        format!("{} {}", u.first_name, u.last_name).trim().to_string()
                    }}
                </dd>
            </div>
            <div>
                <dt>"API access"</dt>
                <dd>{if u.api_access { "On" } else { "Off" }}</dd>
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
                <dd>
                    <UserOrganizations organizations=user.organizations />
                </dd>
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

/// The organizations a user belongs to, each with their role and groups there.
#[component]
fn UserOrganizations(organizations: Vec<UserOrganization>) -> impl IntoView {
    if organizations.is_empty() {
        return view! { "None" }.into_any();
    }
    view! {
        <ul class="facts__list">
            {organizations
                .into_iter()
                .map(|o| {
                    let href = format!("/admin/organizations/{}", o.name);
                    let groups = if o.groups.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", o.groups.join(", "))
                    };
                    let title = if o.display_name.is_empty() {
                        o.name.clone()
                    } else {
                        o.display_name.clone()
                    };
                    view! {
                        <li>
                            <a href=href>{title}</a>
                            {format!(" — {}{groups}", o.role)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
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
