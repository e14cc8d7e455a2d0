//! Before saving an edited role (an organization's or the instance's): who would gain or lose
//! which permission, computed by the server with the function that decides.

use crate::domain::permission::Catalogued;
use crate::domain::role::Preview;
use crate::error::AppError;
use leptos::prelude::*;

/// A "Preview changes" button that runs `preview` with the permissions ticked in `chosen`,
/// and its answer.
#[component]
pub fn RolePreview<P: Catalogued>(
    chosen: RwSignal<Vec<P>>,
    preview: Action<Vec<String>, Result<Preview, AppError>>,
) -> impl IntoView {
    view! {
        <h3>"Before saving: who gains or loses what"</h3>
        <button
            type="button"
            class="button--secondary"
            on:click=move |_| {
                let perms: Vec<String> = chosen.get().iter().map(|p| p.key().to_string()).collect();
                preview.dispatch(perms);
            }
        >
            "Preview changes"
        </button>
        {move || {
            preview
                .value()
                .get()
                .map(|result| match result {
                    Err(err) => {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {err.message}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(p) if p.gains.is_empty() && p.losses.is_empty() => {
                        view! {
                            <p class="muted" role="status">
                                "Nobody's permissions would change."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(p) => {
                        let lines = p
                            .gains
                            .into_iter()
                            .map(|c| format!("{} gains {}", c.username, c.permissions.join(", ")))
                            .chain(
                                p
                                    .losses
                                    .into_iter()
                                    .map(|c| {
                                        format!("{} loses {}", c.username, c.permissions.join(", "))
                                    }),
                            );
                        view! {
                            <div role="status">
                                <ul class="preview">
                                    {lines.map(|line| view! { <li>{line}</li> }).collect_view()}
                                </ul>
                            </div>
                        }
                            .into_any()
                    }
                })
        }}
    }
}
