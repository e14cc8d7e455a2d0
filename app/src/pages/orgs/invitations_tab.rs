use super::add_people::AddPeople;
use crate::api::invitations::{
    Invite, ResendInvitation, RevokeInvitation, list_invitations, take_invitation_link,
};
use crate::components::copy_button::CopyButton;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::group_choices::GroupChoices;
use crate::domain::day;
use crate::domain::invitation::Invitation;
use crate::domain::organization::{OrgView, RoleChoice};
use crate::error::AppError;
use leptos::prelude::*;

/// The invitations tab: invite by email with a role and groups, then the pending list.
#[component]
pub fn InvitationsTab(view: OrgView) -> impl IntoView {
    let org = view.organization.name.clone();
    let invite = ServerAction::<Invite>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let o1 = org.clone();
    let pending = Resource::new(
        move || {
            (
                invite.version().get(),
                resend.version().get(),
                revoke.version().get(),
            )
        },
        move |_| list_invitations(o1.clone()),
    );
    let direct = view.organization.allow_direct_adding;
    view! {
        {direct.then(|| view! { <AddPeople view=view.clone() /> })}
        <InvitationLink org=org.clone() invite resend />
        <h2>"Invite someone"</h2>
        <InviteForm org=org.clone() roles=view.grantable_roles.clone() invite />
        <h2>"Pending invitations"</h2>
        <PendingInvitations org pending resend revoke />
    }
}

/// The link of the invitation just sent or resent (from the action, or from the cookie a
/// form post without JavaScript left), to hand over by hand.
#[component]
fn InvitationLink(
    org: String,
    invite: ServerAction<Invite>,
    resend: ServerAction<ResendInvitation>,
) -> impl IntoView {
    let reveal = Resource::new(|| (), move |_| take_invitation_link(org.clone()));
    let fresh_link = move || {
        resend
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| invite.value().get().and_then(Result::ok))
            .and_then(|i| i.accept_url.map(|url| (i.email, url)))
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let cookie_link = reveal.await.ok().flatten().map(|url| (String::new(), url));
                fresh_link()
                    .or(cookie_link)
                    .map(|(email, url)| {
                        view! {
                            <div class="token-reveal" role="status">
                                <p>
                                    <strong>"Invitation sent"</strong>
                                    {if email.is_empty() {
                                        ".".to_string()
                                    } else {
                                        format!(" to {email}.")
                                    }}
                                    " You can also hand over this link yourself; it works once, for 7 days."
                                </p>
                                <div class="token-reveal__row">
                                    <label class="visually-hidden" for="invitation-link">
                                        "Invitation link"
                                    </label>
                                    <input
                                        id="invitation-link"
                                        class="token-reveal__value"
                                        type="text"
                                        readonly
                                        value=url.clone()
                                    />
                                    <CopyButton text=url />
                                </div>
                            </div>
                        }
                    })
            })}
        </Suspense>
    }
}

/// Email, role (only the roles the caller may hand out) and groups to join.
#[component]
fn InviteForm(org: String, roles: Vec<RoleChoice>, invite: ServerAction<Invite>) -> impl IntoView {
    let error = submission_error(invite);
    view! {
        <ActionForm action=invite>
            <FormError error />
            <input type="hidden" name="org" value=org.clone() />
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input
                    id="invite-email"
                    name="email"
                    type="email"
                    required
                    autocomplete="off"
                    aria-invalid=invalid(error, "email")
                />
                <FieldError error field="email" />
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role" aria-invalid=invalid(error, "role")>
                    {roles
                        .iter()
                        .map(|r| {
                            view! {
                                <option value=r.name.clone() selected=r.name == "viewer">
                                    {format!("{} — {}", r.title, r.description)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError error field="role" />
            </div>
            <GroupChoices org=org.clone() roles=roles.clone() prefix="invite" />
            <FieldError error field="groups" />
            <button type="submit" disabled=move || invite.pending().get()>
                {move || if invite.pending().get() { "Inviting…" } else { "Send invitation" }}
            </button>
        </ActionForm>
    }
}

/// The pending invitations, each with resend and revoke.
#[component]
fn PendingInvitations(
    org: String,
    pending: Resource<Result<Vec<Invitation>, AppError>>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let row_error = submission_error(resend);
    let revoke_error = submission_error(revoke);
    view! {
        <FormError error=row_error />
        <FormError error=revoke_error />
        <Suspense fallback=|| {
            view! {
                <p class="muted" role="status">
                    "Loading invitations…"
                </p>
            }
        }>
            {move || {
                let org = org.clone();
                Suspend::new(async move {
                    match pending.await {
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">"No pending invitations."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <div class="table-wrap">
                                    <table>
                                        <caption class="visually-hidden">
                                            "Pending invitations"
                                        </caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Email"</th>
                                                <th scope="col">"Role"</th>
                                                <th scope="col">"Groups"</th>
                                                <th scope="col">"Invited by"</th>
                                                <th scope="col">"Expires"</th>
                                                <th scope="col">
                                                    <span class="visually-hidden">"Actions"</span>
                                                </th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|inv| {
                                                    view! {
                                                        <InvitationRow org=org.clone() inv resend revoke />
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn InvitationRow(
    org: String,
    inv: Invitation,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let resend_label = format!("Resend the invitation to {}", inv.email);
    let revoke_label = format!("Revoke the invitation to {}", inv.email);
    let (org_resend, id_resend) = (org.clone(), inv.id.clone());
    let (org_revoke, id_revoke) = (org, inv.id.clone());
    view! {
        <tr>
            <td>{inv.email.clone()}</td>
            <td>
                <span class="badge">{inv.role.clone()}</span>
            </td>
            <td>{if inv.groups.is_empty() { "—".to_string() } else { inv.groups.join(", ") }}</td>
            <td>{inv.invited_by.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{day(&inv.expires_at)}</td>
            <td class="row-actions">
                <ActionForm action=resend attr:class="inline-form">
                    <input type="hidden" name="org" value=org_resend />
                    <input type="hidden" name="id" value=id_resend />
                    <button type="submit" class="button--secondary" aria-label=resend_label>
                        "Resend"
                    </button>
                </ActionForm>
                <ActionForm action=revoke attr:class="inline-form">
                    <input type="hidden" name="org" value=org_revoke />
                    <input type="hidden" name="id" value=id_revoke />
                    <button type="submit" class="button--danger" aria-label=revoke_label>
                        "Revoke"
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}
