use super::{SettingsFrame, SignInFirst};
use crate::api::account::{CreateToken, RevokeToken, list_tokens, take_token_reveal};
use crate::components::form::{FieldError, FormError, invalid, submission_error};
use crate::components::token_reveal::TokenReveal;
use crate::domain::day;
use crate::domain::token::{LIFETIMES_DAYS, TokenInfo};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/settings/tokens`: create, list and revoke personal API tokens.
#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let create_error = submission_error(create);
    let revoke_error = submission_error(revoke);
    let pending = create.pending();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    // After a plain form post the new secret comes back once, through a one-time cookie.
    let reveal = Resource::new(|| (), |_| take_token_reveal());
    let new_token = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .map(|created| created.token)
    };

    view! {
        <Title text="API tokens" />
        <SettingsFrame title="API tokens">
            <p class="muted">
                "Tokens let scripts and CI call the REST API as you, with your current rights: send "
                <code>"Authorization: Bearer <token>"</code>"."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let from_cookie = reveal.await.ok().flatten();
                    new_token().or(from_cookie).map(|token| view! { <TokenReveal token /> })
                })}
            </Suspense>
            <h2>"New token"</h2>
            <ActionForm action=create>
                <FormError error=create_error />
                <div class="field">
                    <label for="description">"What is it for?"</label>
                    <input id="description" name="description" type="text" maxlength="100" required aria-invalid=invalid(create_error, "description") />
                    <FieldError error=create_error field="description" />
                </div>
                <div class="field">
                    <label for="expires_in_days">"Expires"</label>
                    <select id="expires_in_days" name="expires_in_days" aria-invalid=invalid(create_error, "expires_in_days")>
                        {LIFETIMES_DAYS.iter().map(|d| view! {
                            <option value=d.to_string() selected=*d == 30>{format!("In {d} days")}</option>
                        }).collect_view()}
                        <option value="never">"Never"</option>
                    </select>
                    <FieldError error=create_error field="expires_in_days" />
                </div>
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create token" }}
                </button>
            </ActionForm>
            <h2>"Your tokens"</h2>
            <FormError error=revoke_error />
            <Suspense fallback=|| view! { <p class="muted" role="status">"Loading tokens…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"You have no tokens."</p> }.into_any(),
                        Ok(list) => view! { <TokenTable list revoke /> }.into_any(),
                        Err(err) if err.status() == 401 => view! { <SignInFirst /> }.into_any(),
                        Err(err) => view! { <p class="notice notice--error" role="alert">{err.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </SettingsFrame>
    }
}

#[component]
fn TokenTable(list: Vec<TokenInfo>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Your API tokens"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Token"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|t| view! {
                        <tr>
                            <td>{t.description.clone()}</td>
                            <td><code>{format!("{}…", t.prefix)}</code></td>
                            <td>{day(&t.created_at)}</td>
                            <td>{t.expires_at.as_deref().map(day).unwrap_or_else(|| "Never".into())}</td>
                            <td>{t.last_used_at.as_deref().map(day).unwrap_or_else(|| "Never used".into())}</td>
                            <td>
                                <ActionForm action=revoke attr:class="inline-form">
                                    <input type="hidden" name="id" value=t.id.clone() />
                                    <button type="submit" class="button--danger" aria-label=format!("Revoke {}", t.description)>"Revoke"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
