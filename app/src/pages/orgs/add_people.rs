//! "Add people who already have an account" (on the people page's invitations tab, where the
//! organization allows direct adding): find accounts — by exact email address, or by name for
//! holders of the instance permission `users.read` — tick several, choose a role and groups,
//! add. Without JavaScript the search is a plain GET (`?find=`) and the ticked boxes post.

use crate::api::direct_add::{AddMembers, find_candidates};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::group_choices::GroupChoices;
use crate::domain::organization::{Candidate, OrgView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AddPeople(view: OrgView) -> impl IntoView {
    let org = view.organization.name.clone();
    let query = use_query_map();
    let typed = RwSignal::new(query.read_untracked().get("find").unwrap_or_default());
    let add = ServerAction::<AddMembers>::new();
    let error = submission_error(add);
    let picked: RwSignal<Vec<Candidate>> = RwSignal::new(Vec::new());
    let o = org.clone();
    let found = Resource::new(
        move || typed.get(),
        move |q| {
            let org = o.clone();
            async move {
                if q.trim().is_empty() {
                    Ok(Vec::new())
                } else {
                    find_candidates(org, q).await
                }
            }
        },
    );
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            picked.set(Vec::new());
            typed.set(String::new());
        }
    });
    let roles = view.grantable_roles.clone();
    let page = format!("/orgs/{org}/people");
    view! {
        <h2>"Add people who already have an account"</h2>
        {move || {
            add.value()
                .get()
                .and_then(Result::ok)
                .map(|added| {
                    let names: Vec<String> = added.into_iter().map(|m| m.user.username).collect();
                    view! {
                        <p class="notice notice--success" role="status">
                            {format!("Added {}.", names.join(", "))}
                        </p>
                    }
                })
        }}
        <form method="get" action=page role="search" class="inline-form">
            <input type="hidden" name="tab" value="invitations" />
            <div class="field">
                <label for="find-people">"Find by email address"</label>
                <input
                    id="find-people"
                    name="find"
                    type="search"
                    autocomplete="off"
                    aria-describedby="find-people-hint"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <p class="field__hint" id="find-people-hint">
                    "Type their full email address. Administrators who may read users can also type the start of a name."
                </p>
            </div>
            <button type="submit" class="button--secondary">
                "Find"
            </button>
        </form>
        <ActionForm action=add>
            <FormError error />
            <FieldError error field="users" />
            <input type="hidden" name="org" value=org.clone() />
            <fieldset class="field checkbox-list">
                <legend>"People to add"</legend>
                {move || {
                    picked
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| view! { <PickedPerson index=i candidate=c picked /> })
                        .collect_view()
                }}
                <Suspense fallback=|| {
                    view! {
                        <p class="muted" role="status">
                            "Searching…"
                        </p>
                    }
                }>
                    {move || Suspend::new(async move {
                        match found.await {
                            Err(err) => {
                                view! {
                                    <p class="notice notice--error" role="alert">
                                        {err.message}
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(
                                list,
                            ) if list.is_empty() && !typed.get_untracked().trim().is_empty() => {
                                view! {
                                    <p class="muted" role="status">
                                        "No account matches; invite them by email below."
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                let shown: Vec<Candidate> = list
                                    .into_iter()
                                    .filter(|c| {
                                        !picked.get_untracked().iter().any(|p| p.email == c.email)
                                    })
                                    .collect();
                                shown
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, c)| {
                                        view! {
                                            <FoundPerson index=100 + i candidate=c picked typed />
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                        }
                    })}
                </Suspense>
            </fieldset>
            <div class="field">
                <label for="add-role">"Their role"</label>
                <select id="add-role" name="role" aria-invalid=invalid(error, "role")>
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
            <GroupChoices org=org.clone() roles=view.grantable_roles.clone() prefix="add" />
            <FieldError error field="groups" />
            <button type="submit" disabled=move || add.pending().get()>
                {move || if add.pending().get() { "Adding…" } else { "Add to the organization" }}
            </button>
        </ActionForm>
    }
}

/// Who a candidate is, for a checkbox label.
fn label(c: &Candidate) -> String {
    if c.display_name.is_empty() {
        format!("{} ({})", c.username, c.email)
    } else {
        format!("{} — {} ({})", c.display_name, c.username, c.email)
    }
}

/// A person ticked to be added (kept across searches with JavaScript).
#[component]
fn PickedPerson(
    index: usize,
    candidate: Candidate,
    picked: RwSignal<Vec<Candidate>>,
) -> impl IntoView {
    let id = format!("add-person-{index}");
    let label_for = id.clone();
    let email = candidate.email.clone();
    view! {
        <label for=label_for>
            <input
                id=id
                type="checkbox"
                name=format!("users[{index}]")
                value=candidate.email.clone()
                checked
                on:change=move |_| picked.update(|list| list.retain(|p| p.email != email))
            />
            " "
            {label(&candidate)}
        </label>
    }
}

/// A person the search found: a box to tick (with JavaScript, ticking moves them to the
/// people to add and clears the search for the next one), or a note when they are a member
/// already.
#[component]
fn FoundPerson(
    index: usize,
    candidate: Candidate,
    picked: RwSignal<Vec<Candidate>>,
    typed: RwSignal<String>,
) -> impl IntoView {
    if candidate.member {
        return view! { <p class="muted">{format!("{} is already a member.", label(&candidate))}</p> }
        .into_any();
    }
    let id = format!("add-person-{index}");
    let label_for = id.clone();
    let chosen = candidate.clone();
    view! {
        <label for=label_for>
            <input
                id=id
                type="checkbox"
                name=format!("users[{index}]")
                value=candidate.email.clone()
                on:change=move |ev| {
                    if event_target_checked(&ev) {
                        let chosen = chosen.clone();
                        picked.update(|list| list.push(chosen));
                        typed.set(String::new());
                    }
                }
            />
            " "
            {label(&candidate)}
        </label>
    }
    .into_any()
}
