use super::AdminFrame;
use crate::api::audit::list_all_audit;
use crate::pages::orgs::audit::{AuditBody, FILTERS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin/audit`: every event of the instance, filtered, paged, exported.
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| {
        query
            .read()
            .get(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let events = Resource::new(
        move || {
            (
                param("actor"),
                param("action"),
                param("target"),
                param("since"),
                param("until"),
                param("cursor"),
            )
        },
        |(actor, action, target, since, until, cursor)| {
            list_all_audit(actor, action, target, since, until, cursor)
        },
    );
    view! {
        <Title text="Audit log" />
        <AdminFrame title="Audit log">
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let filters: Vec<(String, String)> = FILTERS
                        .iter()
                        .filter_map(|(key, _, _)| param(key).map(|v| (key.to_string(), v)))
                        .collect();
                    let listed = events.await;
                    view! {
                        <AuditBody
                            base="/admin/audit".to_string()
                            export_api="/api/v1/admin/audit-events/export".to_string()
                            filters
                            listed
                        />
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}
