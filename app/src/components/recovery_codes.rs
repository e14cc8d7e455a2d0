use super::copy_button::CopyButton;
use leptos::prelude::*;

/// Fresh recovery codes, shown once: the list, a copy button (with JavaScript) and a download
/// link (a `data:` URL, so it works without JavaScript too).
#[component]
pub fn RecoveryCodesReveal(codes: Vec<String>) -> impl IntoView {
    let text = format!(
        "Gatehouse recovery codes\n\nEach code signs you in once when you cannot use your authenticator app.\n\n{}\n",
        codes.join("\n")
    );
    let href = format!(
        "data:text/plain;charset=utf-8,{}",
        crate::domain::percent::encode(&text)
    );
    view! {
        <div class="token-reveal" role="status">
            <p>
                <strong>"Save your recovery codes now."</strong>
                " They will not be shown again. Each one signs you in once if you lose your authenticator app."
            </p>
            <ol class="recovery-codes" aria-label="Recovery codes">
                {codes
                    .into_iter()
                    .map(|code| {
                        view! {
                            <li>
                                <code>{code}</code>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <div class="token-reveal__row">
                <a class="button" href=href download="gatehouse-recovery-codes.txt">
                    "Download as text"
                </a>
                <CopyButton text label="Copy all" />
            </div>
        </div>
    }
}
