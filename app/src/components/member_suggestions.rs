use crate::api::orgs::list_members;
use crate::domain::organization::{Member, Page};
use crate::error::AppError;
use leptos::prelude::*;

/// What a username field has typed, and the organization's members it matches.
///
/// Create it at the top of the routed page, beside the page's other resources, and pass it
/// down: a resource created inside a `Suspend` (after an `.await`) is not sure to find the
/// server's answer when the page hydrates (two `Suspend`s deep, under the `/orgs/:org` layout,
/// it did not).
#[derive(Clone, Copy)]
pub struct MemberSearch {
    pub typed: RwSignal<String>,
    found: Resource<Result<Page<Member>, AppError>>,
}

impl MemberSearch {
    pub fn new(org: Memo<String>) -> Self {
        let typed = RwSignal::new(String::new());
        let found = Resource::new(
            move || (org.get(), typed.get()),
            |(org, q)| async move { list_members(org, (!q.is_empty()).then_some(q), None, None).await },
        );
        Self { typed, found }
    }
}

/// The members a [`MemberSearch`] found, as the `<option>`s of the datalist `id`: a username
/// field with `list=id` suggests them.
#[component]
pub fn MemberSuggestions(search: MemberSearch, id: &'static str) -> impl IntoView {
    let found = search.found;
    view! {
        <datalist id=id>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    found
                        .await
                        .ok()
                        .map(|page| page.items.into_iter().map(member_option).collect_view())
                })}
            </Suspense>
        </datalist>
    }
}

/// One suggestion: the username, labelled with the email.
fn member_option(member: Member) -> impl IntoView {
    view! { <option value=member.user.username>{member.user.email}</option> }
}
