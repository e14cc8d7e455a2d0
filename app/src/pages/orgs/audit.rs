use super::{PageError, org_param, use_org};
use crate::api::audit::list_org_audit;
use crate::components::loading::loading;
use crate::domain::audit::{AuditEvent, AuditQuery};
use crate::domain::percent::encode;
use crate::domain::permission::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

/// The filter form's label and hint for each of [`AuditQuery::FILTERS`].
const LABELS: [(&str, &str); 5] = [
    ("Actor", "a username, or anonymous"),
    ("Action", "e.g. member or member.role_changed"),
    ("Target", "e.g. user:bob or group:devs"),
    ("From", ""),
    ("Until (exclusive)", ""),
];

/// The audit query of the page's query string.
pub fn audit_query(query: &ParamsMap) -> AuditQuery {
    AuditQuery::read(|key| query.get(key))
}

/// `/orgs/{org}/audit`: the organization's audit log, filtered by actor, action, target and
/// time range (a plain GET form), paged, and exported as CSV or JSON Lines.
#[component]
pub fn AuditPage() -> impl IntoView {
    let org = org_param();
    let query = use_query_map();
    let org_view = use_org();
    let params = move || audit_query(&query.read());
    let events = Resource::new(
        move || (org.get(), params()),
        |(org, q)| list_org_audit(org, q),
    );
    view! {
        <Title text="Audit log" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let Ok(view) = org_view.await else { return ().into_any() };
                if !view.can(Permission::AuditRead) {
                    let message = "Reading the audit log needs the \"Read the audit log\" permission."
                        .to_string();
                    return view! { <PageError message /> }.into_any();
                }
                let name = view.organization.name;
                let filters = params().filters();
                let listed = events.await;
                view! {
                    <AuditBody
                        base=format!("/orgs/{name}/audit")
                        export_api=format!("/api/v1/organizations/{name}/audit-events/export")
                        filters
                        listed
                    />
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The filters, the export links and one page of events; `base` is the page's path and
/// `export_api` the export endpoint.
#[component]
pub fn AuditBody(
    base: String,
    export_api: String,
    filters: Vec<(String, String)>,
    listed: Result<crate::domain::organization::Page<AuditEvent>, crate::error::AppError>,
) -> impl IntoView {
    let query_string: String = filters
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let export = |format: &str| {
        let mut href = format!("{export_api}?format={format}");
        if !query_string.is_empty() {
            href.push('&');
            href.push_str(&query_string);
        }
        href
    };
    let body = match listed {
        Err(err) => view! {
            <p class="notice notice--error" role="alert">
                {err.message}
            </p>
        }
        .into_any(),
        Ok(page) if page.items.is_empty() => {
            view! { <p class="muted">"No event matches."</p> }.into_any()
        }
        Ok(page) => {
            let next = page.next_cursor.clone().map(|cursor| {
                let mut href = format!("{base}?cursor={}", encode(&cursor));
                if !query_string.is_empty() {
                    href.push('&');
                    href.push_str(&query_string);
                }
                href
            });
            view! {
                <AuditTable events=page.items />
                {next
                    .map(|href| {
                        view! {
                            <p>
                                <a class="button" href=href>
                                    "Older events"
                                </a>
                            </p>
                        }
                    })}
            }
            .into_any()
        }
    };
    view! {
        <h2>"Audit log"</h2>
        <p class="muted">
            "Every security-relevant change, newest first. Entries are chained by hash, so "
            "an edited or removed entry is detected by " <code>"gatehouse audit verify"</code> "."
        </p>
        <AuditFilters base=base.clone() filters=filters.clone() />
        <p class="audit-export">
            "Export what is filtered: " <a href=export("csv") download="">
                "CSV"
            </a> " · " <a href=export("jsonl") download="">
                "JSON Lines"
            </a>
        </p>
        {body}
    }
}

/// The filter form above the log (a plain GET form: works without JavaScript).
#[component]
fn AuditFilters(base: String, filters: Vec<(String, String)>) -> impl IntoView {
    let value_of = |key: &str| {
        filters
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    view! {
        <form method="get" action=base.clone() class="audit-filters">
            {AuditQuery::FILTERS
                .iter()
                .zip(LABELS)
                .map(|(key, (label, hint))| {
                    let id = format!("audit-{key}");
                    let kind = if *key == "since" || *key == "until" { "date" } else { "text" };
                    view! {
                        <div class="field">
                            <label for=id.clone()>{label}</label>
                            <input id=id name=*key type=kind value=value_of(key) placeholder=hint />
                        </div>
                    }
                })
                .collect_view()}
            <div class="audit-filters__actions">
                <button type="submit">"Filter"</button>
                <a class="button" href=base.clone()>
                    "Clear"
                </a>
            </div>
        </form>
    }
}

/// One page of audit events, newest first.
#[component]
fn AuditTable(events: Vec<AuditEvent>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Audit events, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"When (UTC)"</th>
                        <th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Details"</th>
                    </tr>
                </thead>
                <tbody>
                    {events
                        .into_iter()
                        .map(|e| {
                            view! {
                                <tr>
                                    <td class="small">{e.at.replace('T', " ").replace('Z', "")}</td>
                                    <td>
                                        {e.actor.clone()}<br />
                                        <span class="muted small">{e.ip.clone()}</span>
                                    </td>
                                    <td>
                                        <code class="small">{e.action.clone()}</code>
                                    </td>
                                    <td>{e.target.clone()}</td>
                                    <td>
                                        <code class="small audit-detail">
                                            {e.detail.to_string()}
                                        </code>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
