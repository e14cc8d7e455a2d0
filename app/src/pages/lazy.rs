//! Every page as a lazy route. In the browser each page's code is its own WebAssembly chunk
//! (built with `cargo leptos build --split`), fetched the first time the page is shown; the
//! server renders them as usual and names the chunks the page needs, so hydration starts with
//! them already on their way. The first page of any route loads the shared runtime, the
//! layout and its own chunk only.

use leptos::prelude::*;

/// `lazy_pages!(Route => Page, …)`: a `LazyRoute` named `Route` whose view is `<Page/>`.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[derive(Clone, Copy)]
        pub struct $route;

        impl $route {
            /// The route's view, for `<Route view=…/>`.
            pub fn page() -> leptos_router::Lazy<Self> {
                leptos_router::Lazy::new()
            }
        }

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

use super::admin::{
    audit::AdminAuditPage,
    batch::AdminBatchPage,
    organization::AdminOrganizationPage,
    organizations::AdminOrganizationsPage,
    outbox::AdminOutboxPage,
    roles::{AdminRolePage, AdminRolesPage},
    settings::AdminSettingsPage,
    sso::{AdminSsoPage, AdminSsoProviderPage},
    tokens::AdminTokensPage,
    user::AdminUserPage,
    users::AdminUsersPage,
};
use super::auth::{
    forgot_password::ForgotPasswordPage, link_identity::LinkIdentityPage, login::LoginPage,
    login_code::LoginCodePage, reset_password::ResetPasswordPage, setup::SetupPage,
    signed_out::SignedOutPage, signup::SignupPage, verify_email::VerifyEmailPage,
};
use super::home::HomePage;
use super::invitation::{InvitationDeclinedPage, InvitationPage};
use super::orgs::{
    audit::AuditPage,
    group::GroupPage,
    member::MemberPage,
    new::NewOrgPage,
    overview::OrgOverviewPage,
    people::PeoplePage,
    project::ProjectPage,
    projects::ProjectsPage,
    roles::{RolePage, RolesPage},
    settings::OrgSettingsPage,
    tokens::OrgTokensPage,
};
use super::settings::{
    organizations::OrganizationsPage, passkeys::PasskeysPage, password::PasswordPage,
    profile::ProfilePage, sessions::SessionsPage, sign_in_methods::SignInMethodsPage,
    tokens::TokensPage, two_factor::TwoFactorPage,
};

lazy_pages!(
    Home => HomePage,
    Login => LoginPage,
    LoginCode => LoginCodePage,
    Signup => SignupPage,
    VerifyEmail => VerifyEmailPage,
    ForgotPassword => ForgotPasswordPage,
    LinkIdentity => LinkIdentityPage,
    SignedOut => SignedOutPage,
    SignInMethods => SignInMethodsPage,
    Passkeys => PasskeysPage,
    AdminSso => AdminSsoPage,
    AdminSsoProvider => AdminSsoProviderPage,
    ResetPassword => ResetPasswordPage,
    Setup => SetupPage,
    Profile => ProfilePage,
    Password => PasswordPage,
    Sessions => SessionsPage,
    Tokens => TokensPage,
    TwoFactor => TwoFactorPage,
    MyOrganizations => OrganizationsPage,
    NewOrg => NewOrgPage,
    OrgOverview => OrgOverviewPage,
    People => PeoplePage,
    Member => MemberPage,
    Group => GroupPage,
    OrgSettings => OrgSettingsPage,
    Roles => RolesPage,
    Role => RolePage,
    Projects => ProjectsPage,
    Project => ProjectPage,
    OrgTokens => OrgTokensPage,
    OrgAudit => AuditPage,
    AdminUsers => AdminUsersPage,
    AdminUser => AdminUserPage,
    AdminRoles => AdminRolesPage,
    AdminBatch => AdminBatchPage,
    AdminRole => AdminRolePage,
    AdminSettings => AdminSettingsPage,
    AdminOrganizations => AdminOrganizationsPage,
    AdminOrganization => AdminOrganizationPage,
    AdminOutbox => AdminOutboxPage,
    AdminTokens => AdminTokensPage,
    AdminAudit => AdminAuditPage,
    InvitationDeclined => InvitationDeclinedPage,
    Invitation => InvitationPage,
);
