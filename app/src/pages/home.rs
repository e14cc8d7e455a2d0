use crate::api::instance::get_instance_status;
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
