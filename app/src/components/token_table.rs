use crate::domain::day;
use crate::domain::token::{TokenFlag, TokenInfo};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A table of live tokens (never their secrets). Each row's "Revoke" opens a confirmation
/// step (`{page}?revoke={id}`, works without JavaScript) whose form `revoke_form` draws.
/// `role` and `creator` add those columns (organization and group tokens), `organization` the
/// token's organization; `rotate` adds a "Rotate…" link (`{page}?rotate={id}`, the page draws
/// that step); `read_only` leaves the actions out. Flags show as badges where they apply.
#[component]
pub fn TokenTable<F>(
    caption: &'static str,
    list: Vec<TokenInfo>,
    /// The page the table is on, for the confirmation link and its Cancel.
    page: String,
    revoke_form: F,
    #[prop(optional)] role: bool,
    #[prop(optional)] creator: bool,
    #[prop(optional)] organization: bool,
    #[prop(optional)] rotate: bool,
    #[prop(optional)] read_only: bool,
) -> impl IntoView
where
    F: Fn(&TokenInfo) -> AnyView + Send + Sync + 'static,
{
    let columns = Columns {
        role,
        creator,
        organization,
        rotate,
        read_only,
    };
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
        .map(|token| view! { <TokenRow token page=page.clone() columns /> })
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
                        {organization.then(|| view! { <th scope="col">"Organization"</th> })}
                        {role.then(|| view! { <th scope="col">"Role"</th> })}
                        {creator.then(|| view! { <th scope="col">"Created by"</th> })}
                        <th scope="col">"Created"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Last used"</th>
                        {(!read_only)
                            .then(|| {
                                view! {
                                    <th scope="col">
                                        <span class="visually-hidden">"Action"</span>
                                    </th>
                                }
                            })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Which optional columns and actions a [`TokenTable`] shows.
#[derive(Clone, Copy)]
struct Columns {
    role: bool,
    creator: bool,
    organization: bool,
    rotate: bool,
    read_only: bool,
}

/// One token's row, with the links that ask to rotate or revoke it.
#[component]
fn TokenRow(token: TokenInfo, page: String, columns: Columns) -> impl IntoView {
    let Columns {
        role,
        creator,
        organization,
        rotate,
        read_only,
    } = columns;
    let t = token;
    let never_used = t.last_used_at.is_none();
    let flagged = |flag: TokenFlag| t.flags.iter().any(|f| f == flag.key());
    let (expiring, orphaned) = (flagged(TokenFlag::Expiring), flagged(TokenFlag::Orphaned));
    let href = format!("{page}?revoke={}", t.id);
    let rotate_href = format!("{page}?rotate={}", t.id);
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
                    .filter(|_| t.kind == "user")
                    .map(|org| {
                        let level = match t.role.as_deref() {
                            None => "your rights".to_string(),
                            Some("") => "a deleted role: nothing".to_string(),
                            Some(role) => role.to_string(),
                        };
                        view! {
                            " "
                            <span class="badge">{format!("Only {org} · {level}")}</span>
                        }
                    })}
            </td>
            <td>
                <code>{format!("{}…", t.prefix)}</code>
            </td>
            {organization
                .then(|| {
                    view! { <td>{t.organization.clone().unwrap_or_else(|| "—".into())}</td> }
                })}
            {role
                .then(|| {
                    let shown = match (&t.group, &t.role) {
                        (Some(group), _) => format!("Group {group}"),
                        (None, Some(role)) if t.kind == "user" => format!("User's, at most {role}"),
                        (None, None) if t.kind == "user" => "User's".into(),
                        (None, Some(role)) => role.clone(),
                        (None, None) => "Group's role".into(),
                    };
                    view! {
                        <td>
                            <span class="badge">{shown}</span>
                        </td>
                    }
                })}
            {creator
                .then(|| {
                    view! {
                        <td>
                            {t.created_by.clone().unwrap_or_else(|| "—".into())}
                            {orphaned
                                .then(|| {
                                    view! {
                                        " "
                                        <span class="badge badge--warn">"Creator left"</span>
                                    }
                                })}
                        </td>
                    }
                })}
            <td>{day(&t.created_at)}</td>
            <td>
                {t.expires_at.as_deref().map(day).unwrap_or_else(|| "Never".into())}
                {expiring
                    .then(|| {
                        view! {
                            " "
                            <span class="badge badge--warn">"Expires within 7 days"</span>
                        }
                    })}
                {t
                    .rotated_at
                    .is_some()
                    .then(|| {
                        view! {
                            " "
                            <span class="badge">"Rotated: works until then"</span>
                        }
                    })}
            </td>
            <td>
                {t.last_used_at.as_deref().map(day)}
                {never_used.then(|| view! { <span class="badge">"Never used"</span> })}
            </td>
            {(!read_only)
                .then(|| {
                    view! {
                        <td class="actions-cell">
                            {(rotate && t.rotated_at.is_none())
                                .then(|| {
                                    view! {
                                        <a
                                            class="button button--small"
                                            href=rotate_href.clone()
                                            aria-label=format!("Rotate {}", t.description)
                                        >
                                            "Rotate…"
                                        </a>
                                        " "
                                    }
                                })}
                            <a
                                class="button button--small"
                                href=href.clone()
                                aria-label=format!("Revoke {}", t.description)
                            >
                                "Revoke…"
                            </a>
                        </td>
                    }
                })}
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
    #[prop(optional)] organization: bool,
    #[prop(optional)] read_only: bool,
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
        Ok(list) => view! { <TokenTable caption list page revoke_form role creator organization read_only /> }
        .into_any(),
    }
}

/// Links that narrow a token list to one flag (`{page}?flag=…`), the current one marked.
#[component]
pub fn TokenFlagFilter(page: String, current: Option<String>) -> impl IntoView {
    let link = |href: String, label: &'static str, on: bool| {
        view! {
            <a href=href aria-current=on.then_some("page")>
                {label}
            </a>
        }
    };
    let all = link(page.clone(), "All", current.is_none());
    let flags = TokenFlag::ALL
        .into_iter()
        .map(|flag| {
            link(
                format!("{page}?flag={}", flag.key()),
                flag.title(),
                current.as_deref() == Some(flag.key()),
            )
        })
        .collect_view();
    view! {
        <nav class="subtabs" aria-label="Show tokens">
            {all}
            {flags}
        </nav>
    }
}
