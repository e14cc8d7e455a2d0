use crate::api::audit::list_all_audit;
use crate::components::loading::loading;
use crate::pages::orgs::audit::{AuditBody, audit_query};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/admin/audit`: every event of the instance, filtered, paged, exported.
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || audit_query(&query.read());
    let events = Resource::new(params, list_all_audit);
    view! {
        <Title text="Audit log" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let filters = params().filters();
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
    }
}
