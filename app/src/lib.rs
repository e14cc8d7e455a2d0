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
    Lazy, ParamSegment, SsrMode, StaticSegment,
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
                        <Route
                            path=StaticSegment("")
                            view=Lazy::<lazy::Home>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("login")
                            view=Lazy::<lazy::Login>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("login"), StaticSegment("two-factor"))
                            view=Lazy::<lazy::LoginCode>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("signup")
                            view=Lazy::<lazy::Signup>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("verify-email")
                            view=Lazy::<lazy::VerifyEmail>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("setup")
                            view=Lazy::<lazy::Setup>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("profile"))
                            view=Lazy::<lazy::Profile>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("password"))
                            view=Lazy::<lazy::Password>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("sessions"))
                            view=Lazy::<lazy::Sessions>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("tokens"))
                            view=Lazy::<lazy::Tokens>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("two-factor"))
                            view=Lazy::<lazy::TwoFactor>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("settings"), StaticSegment("organizations"))
                            view=Lazy::<lazy::MyOrganizations>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("orgs"), StaticSegment("new"))
                            view=Lazy::<lazy::NewOrg>::new()
                            ssr=SsrMode::Async
                        />
                        <ParentRoute
                            path=(StaticSegment("orgs"), ParamSegment("org"))
                            view=OrgLayout
                            ssr=SsrMode::Async
                        >
                            <Route
                                path=StaticSegment("")
                                view=Lazy::<lazy::OrgOverview>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("people")
                                view=Lazy::<lazy::People>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("people"), ParamSegment("username"))
                                view=Lazy::<lazy::Member>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("groups"), ParamSegment("group"))
                                view=Lazy::<lazy::Group>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("settings")
                                view=Lazy::<lazy::OrgSettings>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("roles")
                                view=Lazy::<lazy::Roles>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("roles"), ParamSegment("role"))
                                view=Lazy::<lazy::Role>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("projects")
                                view=Lazy::<lazy::Projects>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("projects"), ParamSegment("project"))
                                view=Lazy::<lazy::Project>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("tokens")
                                view=Lazy::<lazy::OrgTokens>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("audit")
                                view=Lazy::<lazy::OrgAudit>::new()
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
                                view=Lazy::<lazy::AdminUsers>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("users")
                                view=Lazy::<lazy::AdminUsers>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("users"), ParamSegment("username"))
                                view=Lazy::<lazy::AdminUser>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("settings")
                                view=Lazy::<lazy::AdminSettings>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("organizations")
                                view=Lazy::<lazy::AdminOrganizations>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=(StaticSegment("organizations"), ParamSegment("org"))
                                view=Lazy::<lazy::AdminOrganization>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("outbox")
                                view=Lazy::<lazy::AdminOutbox>::new()
                                ssr=SsrMode::Async
                            />
                            <Route
                                path=StaticSegment("audit")
                                view=Lazy::<lazy::AdminAudit>::new()
                                ssr=SsrMode::Async
                            />
                        </ParentRoute>
                        <Route
                            path=(StaticSegment("invitations"), StaticSegment("declined"))
                            view=Lazy::<lazy::InvitationDeclined>::new()
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("invitations"), ParamSegment("token"))
                            view=Lazy::<lazy::Invitation>::new()
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </ErrorBoundary>
            </Layout>
        </Router>
    }
}
