//! Gatehouse: the application shell, the root component and its routes.
//!
//! Compiled twice: with `hydrate` for the browser (WebAssembly) and with `ssr` for the server.

pub mod api;
#[cfg(feature = "ssr")]
pub mod caller;
#[cfg(feature = "ssr")]
pub mod client_address;
pub mod components;
#[cfg(feature = "ssr")]
pub mod cookies;
pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

use components::error_panel::ErrorPanel;
use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{ParentRoute, Route, Router, Routes},
};
use pages::admin::AdminLayout;
use pages::lazy;
use pages::not_found::NotFound;
use pages::orgs::OrgLayout;

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    page_headers();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta
                    name="description"
                    content="Gatehouse: users, organizations, teams, roles and API tokens."
                />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                // Passkeys (the browser's WebAuthn API): a small script of its own, so that the
                // buttons work whether or not the WebAssembly has loaded.
                <script type="module" src="/passkeys.js" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The nonce of one page response, chosen by the server's security-headers middleware before
/// the page renders (a request extension), so that the policy it sends and the nonce Leptos
/// puts on the hydration scripts are always the same, whatever happens to `ResponseOptions`.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct PageNonce(pub String);

/// The Content-Security-Policy of a page: scripts only from this origin or carrying this
/// response's nonce, WebAssembly compilation (`'wasm-unsafe-eval'`, never `'unsafe-eval'`),
/// and nothing from other origins.
#[cfg(feature = "ssr")]
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Headers of every page: never cached (pages carry the signed-in user's data), and the page
/// policy with this response's nonce (the middleware sets it again from the same nonce).
#[cfg(feature = "ssr")]
fn page_headers() {
    use http::{
        HeaderValue,
        header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY},
    };
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
    response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// The root component: layout, error boundary and routes.
///
/// Every route renders with `SsrMode::Async`: the server waits for the page's data and sends
/// complete HTML, so every page works before (or without) the WebAssembly.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        // The base title (text "" → "Gatehouse") stands until a page's own title replaces it,
        // so the document never has an empty title while a page's chunk is still loading.
        <Title
            text=""
            formatter=|title: String| {
                if title.is_empty() {
                    "Gatehouse".to_string()
                } else {
                    format!("{title} · Gatehouse")
                }
            }
        />
        <Router>
            <Layout>
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors /> }>
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=StaticSegment("") view=lazy::Home::page() ssr=SsrMode::Async />
                        <Route
                            path=StaticSegment("login")
                            view=lazy::Login::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("login"), StaticSegment("two-factor"))
                            view=lazy::LoginCode::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("login"), StaticSegment("link"))
                            view=lazy::LinkIdentity::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("signed-out")
                            view=lazy::SignedOut::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("signup")
                            view=lazy::Signup::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("verify-email")
                            view=lazy::VerifyEmail::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("forgot-password")
                            view=lazy::ForgotPassword::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("reset-password")
                            view=lazy::ResetPassword::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("setup")
                            view=lazy::Setup::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("profile"))
                            view=lazy::Profile::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("sign-in-methods"))
                            view=lazy::SignInMethods::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("passkeys"))
                            view=lazy::Passkeys::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("password"))
                            view=lazy::Password::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("sessions"))
                            view=lazy::Sessions::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("tokens"))
                            view=lazy::Tokens::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("two-factor"))
                            view=lazy::TwoFactor::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("organizations"))
                            view=lazy::MyOrganizations::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("orgs"), StaticSegment("new"))
                            view=lazy::NewOrg::page()
                            ssr=SsrMode::Async
                        />
                        <ParentRoute
                            path=(StaticSegment("orgs"), ParamSegment("org"))
                            view=OrgLayout
                            ssr=SsrMode::Async
                        >
                            <Route
                                path=StaticSegment("")
                                view=lazy::OrgOverview::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("people")
                                view=lazy::People::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("people"), ParamSegment("username"))
                                view=lazy::Member::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("groups"), ParamSegment("group"))
                                view=lazy::Group::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("settings")
                                view=lazy::OrgSettings::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("roles")
                                view=lazy::Roles::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("roles"), ParamSegment("role"))
                                view=lazy::Role::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("projects")
                                view=lazy::Projects::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("projects"), ParamSegment("project"))
                                view=lazy::Project::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("tokens")
                                view=lazy::OrgTokens::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("audit")
                                view=lazy::OrgAudit::page()
                                ssr=SsrMode::Async
                            />
                        </ParentRoute>
                        <ParentRoute
                            path=StaticSegment("admin")
                            view=AdminLayout
                            ssr=SsrMode::Async
                        >
                            <Route
                                path=StaticSegment("")
                                view=lazy::AdminUsers::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("users")
                                view=lazy::AdminUsers::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("users"), ParamSegment("username"))
                                view=lazy::AdminUser::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("batch")
                                view=lazy::AdminBatch::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("roles")
                                view=lazy::AdminRoles::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("roles"), ParamSegment("role"))
                                view=lazy::AdminRole::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("settings")
                                view=lazy::AdminSettings::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("sso")
                                view=lazy::AdminSso::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("sso"), ParamSegment("id"))
                                view=lazy::AdminSsoProvider::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("organizations")
                                view=lazy::AdminOrganizations::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("organizations"), ParamSegment("org"))
                                view=lazy::AdminOrganization::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("outbox")
                                view=lazy::AdminOutbox::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("tokens")
                                view=lazy::AdminTokens::page()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("audit")
                                view=lazy::AdminAudit::page()
                                ssr=SsrMode::Async
                            />
                        </ParentRoute>
                        <Route
                            path=(StaticSegment("invitations"), StaticSegment("declined"))
                            view=lazy::InvitationDeclined::page()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("invitations"), ParamSegment("token"))
                            view=lazy::Invitation::page()
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </ErrorBoundary>
            </Layout>
        </Router>
    }
}
