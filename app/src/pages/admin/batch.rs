//! `/admin/batch`: several accounts at once — one email address per line (optionally
//! `, username`), all with the same options; the result lists each account with its
//! temporary password (shown once, copyable, downloadable as CSV) and each refused line with
//! the reason. Without JavaScript the result comes back sealed for this browser, once.

use super::account_options::AccountOptionsFields;
use crate::api::admin::{CreateUsersBatch, admin_check, take_batch_result};
use crate::api::instance_roles::list_instance_roles;
use crate::components::copy_button::CopyButton;
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::loading::loading;
use crate::domain::admin::BatchResult;
use crate::domain::percent::encode;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminBatchPage() -> impl IntoView {
    let batch = ServerAction::<CreateUsersBatch>::new();
    let error = submission_error(batch);
    let roles = Resource::new(|| (), |_| list_instance_roles());
    let mine = Resource::new(|| (), |_| admin_check());
    let sealed = Resource::new(|| (), |_| take_batch_result());
    view! {
        <Title text="Create several accounts" />
        <p>
            <a href="/admin/users">"← All users"</a>
        </p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let from_post = sealed.await.ok().flatten();
                let roles = roles.await.unwrap_or_default();
                let can_give_roles = mine
                    .await
                    .unwrap_or_default()
                    .iter()
                    .any(|p| p == "users.update");
                let result = move || {
                    batch.value().get().and_then(Result::ok).or_else(|| from_post.clone())
                };
                view! {
                    {move || result().map(|result| view! { <BatchOutcome result /> })}
                    <ActionForm action=batch>
                        <FormError error />
                        <div class="field">
                            <label for="batch-lines">"Email addresses"</label>
                            <textarea
                                id="batch-lines"
                                name="lines"
                                rows="8"
                                required
                                aria-describedby="batch-lines-hint"
                                aria-invalid=invalid(error, "entries")
                            />
                            <p class="field__hint" id="batch-lines-hint">
                                "One per line, up to 100. To choose a username, add it after a comma: "
                                <code>"ada@example.org, ada"</code>
                                ". Each account gets a generated temporary password."
                            </p>
                            <FieldError error field="entries" />
                        </div>
                        <AccountOptionsFields prefix="batch" roles can_give_roles error />
                        <button type="submit" disabled=move || batch.pending().get()>
                            {move || {
                                if batch.pending().get() {
                                    "Creating…"
                                } else {
                                    "Create accounts"
                                }
                            }}
                        </button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

/// A CSV cell: quoted, with quotes doubled, and a leading `=`, `+`, `-` or `@` escaped so a
/// spreadsheet does not run it as a formula.
fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// The created accounts as a CSV file (username, email, temporary password).
fn csv(result: &BatchResult) -> String {
    let mut out = String::from("username,email,temporary_password\r\n");
    for c in &result.created {
        out.push_str(&format!(
            "{},{},{}\r\n",
            cell(&c.user.username),
            cell(&c.user.email),
            cell(&c.temporary_password)
        ));
    }
    out
}

/// What the batch did.
#[component]
fn BatchOutcome(result: BatchResult) -> impl IntoView {
    let href = format!("data:text/csv;charset=utf-8,{}", encode(&csv(&result)));
    let created = result.created.len();
    view! {
        <div class="token-reveal" role="status">
            <p>
                <strong>
                    {format!(
                        "{created} account{} created, {} address{} refused.",
                        if created == 1 { "" } else { "s" },
                        result.failed.len(),
                        if result.failed.len() == 1 { "" } else { "es" },
                    )}
                </strong>
                " Hand the temporary passwords over now; they will not be shown again."
            </p>
            {(created > 0)
                .then(|| {
                    view! {
                        <p>
                            <a class="button" href=href download="new-accounts.csv">
                                "Download as CSV"
                            </a>
                        </p>
                        <div class="table-wrap">
                            <table>
                                <caption class="visually-hidden">"Created accounts"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Username"</th>
                                        <th scope="col">"Email"</th>
                                        <th scope="col">"Temporary password"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {result
                                        .created
                                        .into_iter()
                                        .map(|c| {
                                            let label = format!(
                                                "Temporary password of {}",
                                                c.user.username,
                                            );
                                            let password = c.temporary_password.clone();
                                            view! {
                                                <tr>
                                                    <td>
                                                        <a href=format!(
                                                            "/admin/users/{}",
                                                            c.user.username,
                                                        )>{c.user.username.clone()}</a>
                                                    </td>
                                                    <td>{c.user.email.clone()}</td>
                                                    <td>
                                                        <input
                                                            class="token-reveal__value"
                                                            type="text"
                                                            readonly
                                                            aria-label=label
                                                            value=password.clone()
                                                        />
                                                        <CopyButton text=password />
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })}
            {(!result.failed.is_empty())
                .then(|| {
                    view! {
                        <h3>"Refused addresses (nothing was created for them)"</h3>
                        <ul class="batch-failures">
                            {result
                                .failed
                                .into_iter()
                                .map(|f| {
                                    view! {
                                        <li>
                                            {format!("Address {}: ", f.line)} <code>{f.email}</code>
                                            " — " {f.error.message}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
        </div>
    }
}
