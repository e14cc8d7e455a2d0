use crate::domain::identicon;
use leptos::prelude::*;

/// A user's identicon as inline SVG.
#[component]
pub fn Avatar(seed: String, #[prop(default = 48)] size: u32, label: String) -> impl IntoView {
    let (hue, cells) = identicon::pattern(&seed);
    view! {
        <svg
            class="avatar"
            width=size
            height=size
            viewBox="0 0 5 5"
            shape-rendering="crispEdges"
            role="img"
            aria-label=label
        >
            <rect width="5" height="5" fill=format!("hsl({hue} 45% 92%)") />
            {cells
                .into_iter()
                .map(|(x, y)| {
                    view! {
                        <rect
                            x=x.to_string()
                            y=y.to_string()
                            width="1"
                            height="1"
                            fill=format!("hsl({hue} 55% 38%)")
                        />
                    }
                })
                .collect_view()}
        </svg>
    }
}
