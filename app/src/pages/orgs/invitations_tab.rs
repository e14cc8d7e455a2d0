use crate::api::groups::list_groups;
use crate::api::invitations::{
    Invite, ResendInvitation, RevokeInvitation, list_invitations, take_invitation_link,
};
use crate::components::copy_button::CopyButton;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::domain::day;
use crate::domain::organization::OrgView;
use leptos::prelude::*;

/// The invitations tab: invite by email with a role and groups, then the pending list.
#[component]
pub fn InvitationsTab(view: OrgView) -> impl IntoView {
    let org = view.organization.name.clone();
    let invite = ServerAction::<Invite>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let error = submission_error(invite);
    let row_error = submission_error(resend);
    let revoke_error = submission_error(revoke);
    let roles = view.grantable_roles.clone();
    let offerable: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
    let (o1, o2, o3) = (org.clone(), org.clone(), org.clone());
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
    let groups = Resource::new(|| (), move |_| list_groups(o2.clone()));
    let reveal = Resource::new(|| (), move |_| take_invitation_link(o3.clone()));
    let fresh_link = move || {
        resend
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| invite.value().get().and_then(Result::ok))
            .and_then(|i| i.accept_url.map(|url| (i.email, url)))
    };
    let org_rows = org.clone();

    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let cookie_link = reveal.await.ok().flatten().map(|url| (String::new(), url));
                fresh_link().or(cookie_link).map(|(email, url)| view! {
                    <div class="token-reveal" role="status">
                        <p>
                            <strong>"Invitation sent"</strong>
                            {if email.is_empty() { ".".to_string() } else { format!(" to {email}.") }}
                            " You can also hand over this link yourself; it works once, for 7 days."
                        </p>
                        <div class="token-reveal__row">
                            <label class="visually-hidden" for="invitation-link">"Invitation link"</label>
                            <input id="invitation-link" class="token-reveal__value" type="text" readonly value=url.clone() />
                            <CopyButton text=url />
                        </div>
                    </div>
                })
            })}
        </Suspense>
        <h2>"Invite someone"</h2>
        <ActionForm action=invite>
            <FormError error />
            <input type="hidden" name="org" value=org.clone() />
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" name="email" type="email" required autocomplete="off" aria-invalid=invalid(error, "email") />
                <FieldError error field="email" />
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role" aria-invalid=invalid(error, "role")>
                    {roles.iter().map(|r| view! { <option value=r.name.clone() selected=r.name == "viewer">{format!("{} — {}", r.title, r.description)}</option> }).collect_view()}
                </select>
                <FieldError error field="role" />
            </div>
            <Suspense fallback=|| ()>
                {move || { let offerable = offerable.clone(); Suspend::new(async move {
                    // Joining a group gives its role: only groups whose role the caller may
                    // hand out are offered (the server checks again).
                    let list: Vec<_> = groups
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|g| g.role.as_deref().is_none_or(|r| offerable.iter().any(|o| o == r)))
                        .collect();
                    (!list.is_empty()).then(|| view! {
                        <fieldset class="field checkbox-list">
                            <legend>"Groups to join (optional)"</legend>
                            {list.into_iter().enumerate().map(|(i, g)| {
                                let id = format!("invite-group-{}", g.name);
                                let label_for = id.clone();
                                view! {
                                    <label for=label_for>
                                        <input id=id type="checkbox" name=format!("groups[{i}]") value=g.name.clone() />
                                        " " {g.name.clone()}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    })
                })}}
            </Suspense>
            <FieldError error field="groups" />
            <button type="submit" disabled=move || invite.pending().get()>
                {move || if invite.pending().get() { "Inviting…" } else { "Send invitation" }}
            </button>
        </ActionForm>
        <h2>"Pending invitations"</h2>
        <FormError error=row_error />
        <FormError error=revoke_error />
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading invitations…"</p> }>
            {move || {
                let org = org_rows.clone();
                Suspend::new(async move {
                    match pending.await {
                        Err(err) => view! { <p class="notice notice--error" role="alert">{err.message}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No pending invitations."</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table>
                                    <caption class="visually-hidden">"Pending invitations"</caption>
                                    <thead><tr>
                                        <th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Groups"</th>
                                        <th scope="col">"Invited by"</th><th scope="col">"Expires"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|inv| {
                                            let (org1, org2) = (org.clone(), org.clone());
                                            let (id1, id2) = (inv.id.clone(), inv.id.clone());
                                            let (email1, email2) = (inv.email.clone(), inv.email.clone());
                                            view! {
                                            <tr>
                                                <td>{inv.email.clone()}</td>
                                                <td><span class="badge">{inv.role.clone()}</span></td>
                                                <td>{if inv.groups.is_empty() { "—".to_string() } else { inv.groups.join(", ") }}</td>
                                                <td>{inv.invited_by.clone().unwrap_or_else(|| "—".into())}</td>
                                                <td>{day(&inv.expires_at)}</td>
                                                <td class="row-actions">
                                                    <ActionForm action=resend attr:class="inline-form">
                                                        <input type="hidden" name="org" value=org1 />
                                                        <input type="hidden" name="id" value=id1 />
                                                        <button type="submit" class="button--secondary" aria-label=format!("Resend the invitation to {email1}")>"Resend"</button>
                                                    </ActionForm>
                                                    <ActionForm action=revoke attr:class="inline-form">
                                                        <input type="hidden" name="org" value=org2 />
                                                        <input type="hidden" name="id" value=id2 />
                                                        <button type="submit" class="button--danger" aria-label=format!("Revoke the invitation to {email2}")>"Revoke"</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
