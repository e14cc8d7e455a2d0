use crate::api::auth::current_user;
use crate::api::instance::get_instance_status;
use crate::api::orgs::my_organizations;
use crate::components::my_invitations::MyInvitations;
use crate::domain::instance::InstanceStatus;
use leptos::prelude::*;
use leptos_meta::Title;

/// The landing page: what Gatehouse is, and whether this instance is healthy.
#[component]
pub fn HomePage() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_instance_status());

    view! {
        <Title text="" />
        <section class="hero">
            <h1>"Gatehouse"</h1>
            <p class="lead">
                "Who has an account, who belongs where, what each of them may do, and which machine credentials exist: users, organizations, teams, roles and API tokens in one place."
            </p>
        </section>
        <Welcome />
        <section class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">"Instance status"</h2>
            <Suspense fallback=|| {
                view! {
                    <p class="muted" role="status">
                        "Checking the instance…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <StatusList status=s /> }.into_any(),
                        Err(err) => {
                            view! {
                                <p class="notice notice--error" role="alert">
                                    "The status could not be read: "
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// For a signed-in user: the invitations addressed to them and, while they belong to no
/// organization (as after signing up without an invitation), the way to create the first.
#[component]
fn Welcome() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    let orgs = Resource::new(|| (), |_| my_organizations());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = me.await.ok().flatten().is_some();
                let first = orgs.await.is_ok_and(|list| list.is_empty());
                (signed_in && first)
                    .then(|| {
                        view! {
                            <section class="panel" aria-labelledby="welcome-heading">
                                <h2 id="welcome-heading">"Your first organization"</h2>
                                <p>
                                    "You do not belong to any organization yet. Create one for your team, or join one you were invited to below."
                                </p>
                                <p>
                                    <a class="button" href="/orgs/new">
                                        "Create an organization"
                                    </a>
                                </p>
                            </section>
                        }
                    })
            })}
        </Suspense>
        // Outside the suspense above: a resource created only after another resolved would be
        // numbered differently on the server and in the browser, and break hydration.
        <MyInvitations back="/" />
    }
}

#[component]
fn StatusList(status: InstanceStatus) -> impl IntoView {
    let database = if status.database_ok {
        "Answering"
    } else {
        "Not answering"
    };
    view! {
        <dl class="facts">
            <div>
                <dt>"Database"</dt>
                <dd>
                    <span class="badge" class=("badge--ok", status.database_ok)>
                        {database}
                    </span>
                </dd>
            </div>
            <div>
                <dt>"Schema version"</dt>
                <dd>{status.schema_version}</dd>
            </div>
            <div>
                <dt>"Gatehouse version"</dt>
                <dd>{status.version}</dd>
            </div>
        </dl>
    }
}
