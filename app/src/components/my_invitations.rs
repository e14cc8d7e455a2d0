//! The invitations addressed to the signed-in user's verified email, answered in place
//! (without the emailed link): accept, or decline after a confirmation step that works
//! without JavaScript (`?decline={id}` on the page `back`).

use crate::api::invitations::{AcceptMyInvitation, DeclineMyInvitation, my_invitations};
use crate::components::form::{FormError, submission_error};
use crate::domain::day;
use crate::domain::invitation::PendingInvitation;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "Invitations for you", shown when there are any; `back` is the page it stands on.
#[component]
pub fn MyInvitations(back: &'static str) -> impl IntoView {
    let accept = ServerAction::<AcceptMyInvitation>::new();
    let decline = ServerAction::<DeclineMyInvitation>::new();
    let accept_error = submission_error(accept);
    let decline_error = submission_error(decline);
    let list = Resource::new(move || decline.version().get(), |_| my_invitations());
    view! {
        <FormError error=accept_error />
        <FormError error=decline_error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let items = list.await.unwrap_or_default();
                (!items.is_empty())
                    .then(|| {
                        view! {
                            <section class="panel" aria-labelledby="my-invitations-heading">
                                <h2 id="my-invitations-heading">"Invitations for you"</h2>
                                <ul class="org-list">
                                    {items
                                        .into_iter()
                                        .map(|invitation| {
                                            view! { <InvitationItem invitation accept decline back /> }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

#[component]
fn InvitationItem(
    invitation: PendingInvitation,
    accept: ServerAction<AcceptMyInvitation>,
    decline: ServerAction<DeclineMyInvitation>,
    back: &'static str,
) -> impl IntoView {
    let query = use_query_map();
    let id = invitation.id.clone();
    let confirming = {
        let id = id.clone();
        move || query.read().get("decline").as_deref() == Some(id.as_str())
    };
    let title = if invitation.organization_display_name.is_empty() {
        invitation.organization.clone()
    } else {
        invitation.organization_display_name.clone()
    };
    let by = invitation
        .invited_by
        .as_ref()
        .map(|who| format!(", invited by {who}"))
        .unwrap_or_default();
    let groups = if invitation.groups.is_empty() {
        String::new()
    } else {
        format!(", in {}", invitation.groups.join(", "))
    };
    let facts = format!(
        "As {}{groups}{by}. Open until {}.",
        invitation.role,
        day(&invitation.expires_at)
    );
    let question = format!("Decline the invitation to {title}?");
    let join = format!("Join {title}");
    view! {
        <li>
            <div>
                <strong>{title.clone()}</strong>
                <p class="muted">{facts}</p>
            </div>
            {move || {
                let (id, join, question) = (id.clone(), join.clone(), question.clone());
                let (label, decline_href) = (question.clone(), format!("{back}?decline={id}"));
                if confirming() {
                    view! {
                        <div class="confirm" role="alertdialog" aria-label=label>
                            <p>
                                <strong>{question}</strong>
                            </p>
                            <p class="muted">
                                "The invitation stops working; only a new one lets you join."
                            </p>
                            <ActionForm action=decline attr:class="confirm__actions">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="back" value=back />
                                <button type="submit" class="button--danger">
                                    "Decline"
                                </button>
                                <a class="button" href=back>
                                    "Cancel"
                                </a>
                            </ActionForm>
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <div class="confirm__actions">
                            <ActionForm action=accept attr:class="inline-form">
                                <input type="hidden" name="id" value=id />
                                <button type="submit">{join}</button>
                            </ActionForm>
                            <a class="button" href=decline_href>
                                "Decline…"
                            </a>
                        </div>
                    }
                        .into_any()
                }
            }}
        </li>
    }
}
