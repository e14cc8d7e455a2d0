use crate::api::admin::{AddOrgOwner, list_org_members};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::domain::day;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/admin/organizations/{org}`: an organization's members, and making someone an owner (for
/// an ownerless or abandoned organization; audited).
#[component]
pub fn AdminOrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let org = Memo::new(move |_| params.read().get("org").unwrap_or_default());
    let add = ServerAction::<AddOrgOwner>::new();
    let error = submission_error(add);
    let members = Resource::new(
        move || (org.get(), add.version().get()),
        |(org, _)| list_org_members(org),
    );
    view! {
        <Title text="Organization" />
        <p>
            <a href="/admin/organizations">"← All organizations"</a>
        </p>
        <h2>{move || org.get()}</h2>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match members.await {
                    Err(err) if err.status() == 404 => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                "There is no such organization."
                            </p>
                        }
                            .into_any()
                    }
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <caption class="visually-hidden">"Members"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Member"</th>
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Joined"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|m| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <a href=format!(
                                                                "/admin/users/{}",
                                                                m.user.username,
                                                            )>{m.user.username.clone()}</a>
                                                            <br />
                                                            <span class="muted small">{m.user.email.clone()}</span>
                                                        </td>
                                                        <td>
                                                            <span class="badge">{m.role.clone()}</span>
                                                        </td>
                                                        <td>{day(&m.joined_at)}</td>
                                                    </tr>
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
            })}
        </Suspense>
        <h3>"Add an owner"</h3>
        <p class="muted">
            "For an organization with no active owner left. The person becomes an owner (and a member if they were not one); you cannot pick yourself while it still has owners. Its owners are told by email, and the change is in the audit log."
        </p>
        <ActionForm action=add>
            <FormError error />
            <input type="hidden" name="org" value=move || org.get() />
            <div class="field">
                <label for="owner-username">"Username"</label>
                <input
                    id="owner-username"
                    name="username"
                    type="text"
                    required
                    aria-invalid=invalid(error, "username")
                />
                <FieldError error field="username" />
            </div>
            <button type="submit">"Make owner"</button>
        </ActionForm>
    }
}
