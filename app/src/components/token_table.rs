use crate::domain::day;
use crate::domain::token::TokenInfo;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A table of live tokens (never their secrets). Each row's "Revoke" opens a confirmation
/// step (`{page}?revoke={id}`, works without JavaScript) whose form `revoke_form` draws.
/// `role` and `creator` add those columns (organization and group tokens).
#[component]
pub fn TokenTable<F>(
    caption: &'static str,
    list: Vec<TokenInfo>,
    /// The page the table is on, for the confirmation link and its Cancel.
    page: String,
    revoke_form: F,
    #[prop(optional)] role: bool,
    #[prop(optional)] creator: bool,
) -> impl IntoView
where
    F: Fn(&TokenInfo) -> AnyView + Send + Sync + 'static,
{
    let query = use_query_map();
    let confirming = {
        let list = list.clone();
        move || {
            let id = query.read().get("revoke")?;
            list.iter().find(|t| t.id == id).cloned()
        }
    };
    let cancel = page.clone();
    let confirm = move || {
        confirming().map(|t| {
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby="confirm-revoke-title">
                    <p id="confirm-revoke-title">
                        <strong>
                            {format!("Revoke the token \u{201c}{}\u{201d}?", t.description)}
                        </strong>
                    </p>
                    <p class="muted">
                        "Anything still using it gets 401 from its next request on. This cannot be undone."
                    </p>
                    <div class="confirm__actions">
                        {revoke_form(&t)} <a class="button" href=cancel.clone()>
                            "Cancel"
                        </a>
                    </div>
                </div>
            }
        })
    };
    let rows = list
        .into_iter()
        .map(|token| view! { <TokenRow token page=page.clone() role creator /> })
        .collect_view();
    view! {
        {confirm}
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Token"</th>
                        {role.then(|| view! { <th scope="col">"Role"</th> })}
                        {creator.then(|| view! { <th scope="col">"Created by"</th> })}
                        <th scope="col">"Created"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Action"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One token's row, with the link that asks to revoke it.
#[component]
fn TokenRow(token: TokenInfo, page: String, role: bool, creator: bool) -> impl IntoView {
    let t = token;
    let never_used = t.last_used_at.is_none();
    let href = format!("{page}?revoke={}", t.id);
    view! {
        <tr>
            <td>
                {t.description.clone()}
                {t
                    .admin
                    .then(|| {
                        view! {
                            " "
                            <span class="badge">"Site administration"</span>
                        }
                    })}
                {t
                    .organization
                    .clone()
                    .map(|org| {
                        let level = t.role.clone().unwrap_or_else(|| "your rights".into());
                        view! {
                            " "
                            <span class="badge">{format!("Only {org} · {level}")}</span>
                        }
                    })}
            </td>
            <td>
                <code>{format!("{}…", t.prefix)}</code>
            </td>
            {role
                .then(|| {
                    view! {
                        <td>
                            <span class="badge">
                                {t.role.clone().unwrap_or_else(|| "group's role".into())}
                            </span>
                        </td>
                    }
                })}
            {creator
                .then(|| {
                    view! { <td>{t.created_by.clone().unwrap_or_else(|| "—".into())}</td> }
                })}
            <td>{day(&t.created_at)}</td>
            <td>{t.expires_at.as_deref().map(day).unwrap_or_else(|| "Never".into())}</td>
            <td>
                {t.last_used_at.as_deref().map(day)}
                {never_used.then(|| view! { <span class="badge">"Never used"</span> })}
            </td>
            <td>
                <a
                    class="button button--small"
                    href=href
                    aria-label=format!("Revoke {}", t.description)
                >
                    "Revoke…"
                </a>
            </td>
        </tr>
    }
}

/// Tokens as a page loaded them: the error if the load failed, `empty` when there are none,
/// else their [`TokenTable`].
#[component]
pub fn TokenList<F>(
    list: Result<Vec<TokenInfo>, AppError>,
    empty: &'static str,
    caption: &'static str,
    page: String,
    revoke_form: F,
    #[prop(optional)] role: bool,
    #[prop(optional)] creator: bool,
) -> impl IntoView
where
    F: Fn(&TokenInfo) -> AnyView + Send + Sync + 'static,
{
    match list {
        Err(err) => view! {
            <p class="notice notice--error" role="alert">
                {err.message}
            </p>
        }
        .into_any(),
        Ok(list) if list.is_empty() => view! { <p class="muted">{empty}</p> }.into_any(),
        Ok(list) => view! { <TokenTable caption list page revoke_form role creator /> }.into_any(),
    }
}
