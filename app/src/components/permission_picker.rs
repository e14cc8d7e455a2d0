//! A permission catalog as checkboxes grouped by area, for a role editor (an organization's
//! custom roles, or the instance's): a search box narrows it, implied permissions tick and
//! lock themselves, a summary follows the selection, and what the editor does not hold cannot
//! be ticked.

use crate::domain::permission::{Catalogued, Set as Permissions};
use leptos::prelude::*;

/// The search box, the summary and the checkboxes. `chosen` is what is ticked by hand;
/// `mine` what the editor holds.
#[component]
pub fn PermissionPicker<P: Catalogued>(
    chosen: RwSignal<Vec<P>>,
    mine: Permissions<P>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let closure = Memo::new(move |_| Permissions::of(chosen.get()));
    let implied_only = move |p: P| {
        let others = chosen.get().into_iter().filter(|c| *c != p);
        Permissions::of(others).contains(p) && !chosen.get().contains(&p)
    };
    let mut areas: Vec<&str> = P::CATALOG.iter().map(|e| e.area).collect();
    areas.dedup();
    view! {
        <div class="field">
            <label for="permission-search">"Find a permission"</label>
            <input
                id="permission-search"
                type="search"
                placeholder="Type to narrow the list"
                on:input=move |ev| filter.set(event_target_value(&ev).to_lowercase())
            />
        </div>
        <p class="role-summary" role="status">
            {move || {
                let count = closure.get().iter().count();
                let by_hand = chosen.get().len();
                format!(
                    "{count} permissions selected ({by_hand} ticked, {} implied).",
                    count.saturating_sub(by_hand),
                )
            }}
        </p>
        {areas
            .into_iter()
            .map(|area| {
                view! {
                    <fieldset class="permission-area">
                        <legend>{area}</legend>
                        {P::CATALOG
                            .iter()
                            .filter(|e| e.area == area)
                            .map(|e| {
                                let p = e.id;
                                let index = P::EVERY.iter().position(|x| *x == p).unwrap_or(0);
                                let id = format!("perm-{}", p.key().replace('.', "-"));
                                let beyond = !mine.contains(p);
                                let haystack = format!(
                                    "{} {} {} {}",
                                    p.key(),
                                    e.title,
                                    e.description,
                                    e.area,
                                )
                                    .to_lowercase();
                                let hidden = move || {
                                    let f = filter.get();
                                    !f.is_empty() && !haystack.contains(&f)
                                };
                                let label_for = id.clone();
                                view! {
                                    <div class="permission-option" hidden=hidden>
                                        <input
                                            id=id
                                            type="checkbox"
                                            name=format!("permissions[{index}]")
                                            value=p.key()
                                            prop:checked=move || closure.get().contains(p)
                                            checked=Permissions::of(chosen.get_untracked()).contains(p)
                                            disabled=move || beyond || implied_only(p)
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen
                                                    .update(|list| {
                                                        list.retain(|c| *c != p);
                                                        if on {
                                                            list.push(p);
                                                        }
                                                    });
                                            }
                                        />
                                        <label for=label_for>
                                            <strong>{e.title}</strong>
                                            " "
                                            <code class="small">{p.key()}</code>
                                            {move || {
                                                implied_only(p)
                                                    .then(|| {
                                                        view! {
                                                            " "
                                                            <span class="badge">"implied"</span>
                                                        }
                                                    })
                                            }}
                                            {beyond
                                                .then(|| {
                                                    view! {
                                                        " "
                                                        <span class="badge">"you do not hold this"</span>
                                                    }
                                                })}
                                            <br />
                                            <span class="muted small">{e.description}</span>
                                        </label>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                }
            })
            .collect_view()}
    }
}

/// A role's permissions, read-only, grouped by area with their descriptions.
#[component]
pub fn PermissionList<P: Catalogued>(held: Permissions<P>) -> impl IntoView {
    let mut areas: Vec<&str> = P::CATALOG.iter().map(|e| e.area).collect();
    areas.dedup();
    areas
        .into_iter()
        .map(|area| {
            let entries: Vec<_> = P::CATALOG
                .iter()
                .filter(|e| e.area == area && held.contains(e.id))
                .collect();
            (!entries.is_empty()).then(|| {
                view! {
                    <h3>{area}</h3>
                    <ul class="permission-detail">
                        {entries
                            .into_iter()
                            .map(|e| {
                                view! {
                                    <li>
                                        <strong>{e.title}</strong>
                                        " "
                                        <code class="small">{e.id.key()}</code>
                                        <br />
                                        <span class="muted small">{e.description}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })
        })
        .collect_view()
}
