//! The OpenAPI 3.1 document of the REST API, generated from the handlers' annotations and
//! served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse REST API",
        description = "Users, organizations, teams, roles and API tokens. Errors are \
                       `{\"error\": {\"code\", \"message\", \"field\"}}`.",
    ),
    paths(
        crate::health::healthz,
        document,
        crate::rest::auth::signup,
        crate::rest::auth::login,
        crate::rest::auth::logout,
        crate::rest::auth::verify_email,
        crate::rest::account::get,
        crate::rest::account::update,
        crate::rest::account::change_password,
        crate::rest::account::sessions,
        crate::rest::account::revoke_session,
        crate::rest::account::resend_verification,
        crate::rest::tokens::create,
        crate::rest::tokens::list,
        crate::rest::tokens::revoke,
        crate::rest::two_factor::begin,
        crate::rest::two_factor::confirm,
        crate::rest::two_factor::regenerate,
        crate::rest::two_factor::disable,
        crate::rest::organizations::mine,
        crate::rest::organizations::create,
        crate::rest::organizations::get,
        crate::rest::organizations::update,
        crate::rest::organizations::delete,
        crate::rest::organizations::members,
        crate::rest::organizations::change_role,
        crate::rest::organizations::remove_member,
        crate::rest::groups::list,
        crate::rest::groups::create,
        crate::rest::groups::get,
        crate::rest::groups::update,
        crate::rest::groups::delete,
        crate::rest::groups::members,
        crate::rest::groups::add_member,
        crate::rest::groups::remove_member,
        crate::rest::invitations::create,
        crate::rest::invitations::list,
        crate::rest::invitations::resend,
        crate::rest::invitations::revoke,
        crate::rest::invitations::view,
        crate::rest::invitations::accept,
        crate::rest::invitations::decline,
        crate::rest::invitations::signup,
        crate::rest::roles::catalog,
        crate::rest::roles::list,
        crate::rest::roles::explain,
        crate::rest::roles::create,
        crate::rest::roles::get,
        crate::rest::roles::update,
        crate::rest::roles::delete,
        crate::rest::roles::preview,
        crate::rest::projects::list,
        crate::rest::projects::create,
        crate::rest::projects::get,
        crate::rest::projects::update,
        crate::rest::projects::delete,
        crate::rest::projects::transfer,
        crate::rest::projects::set_access,
        crate::rest::projects::remove_access,
        crate::rest::org_tokens::list,
        crate::rest::org_tokens::create,
        crate::rest::org_tokens::revoke,
        crate::rest::org_tokens::list_group,
        crate::rest::org_tokens::create_group,
        crate::rest::org_tokens::revoke_group,
        crate::rest::audit::org_events,
        crate::rest::audit::org_export,
        crate::rest::audit::all_events,
        crate::rest::audit::all_export,
        crate::rest::admin::users,
        crate::rest::admin::create_user,
        crate::rest::admin::update_user,
        crate::rest::admin::reset_password,
        crate::rest::admin::disable_two_factor,
        crate::rest::admin::delete_user,
        crate::rest::admin::organizations,
        crate::rest::admin::settings,
        crate::rest::admin::update_settings,
        crate::rest::admin::outbox,
        crate::rest::admin::org_members,
        crate::rest::admin::add_owner
    ),
    components(schemas(
        crate::health::Health,
        app::error::ErrorBody,
        app::error::ErrorDetail,
        app::error::ErrorCode,
        app::domain::user::User,
        app::service::accounts::SignupInput,
        app::service::accounts::LoginInput,
        app::service::accounts::ProfileUpdate,
        crate::rest::auth::LoginResponse,
        crate::rest::auth::VerifyEmail,
        crate::rest::account::ChangePassword,
        app::domain::session::SessionInfo,
        app::domain::token::TokenInfo,
        app::domain::token::CreatedToken,
        crate::rest::tokens::NewToken,
        crate::rest::two_factor::CodeInput,
        app::domain::two_factor::Enrolment,
        app::domain::two_factor::RecoveryCodes,
        app::service::two_factor::DisableTwoFactor,
        app::domain::organization::Organization,
        app::domain::organization::MyOrganization,
        app::domain::organization::Member,
        app::domain::organization::MemberUser,
        app::domain::group::Group,
        app::domain::invitation::Invitation,
        app::domain::invitation::PublicInvitation,
        app::service::organizations::NewOrganization,
        app::service::organizations::OrganizationUpdate,
        app::service::members::RoleChange,
        app::service::groups::NewGroup,
        app::service::groups::GroupUpdate,
        app::service::invitations::NewInvitationInput,
        app::service::invitations::InvitationSignup,
        crate::rest::invitations::Accepted,
        app::domain::permission::CatalogEntry,
        app::domain::role::RoleInfo,
        app::domain::explain::Explanation,
        app::domain::explain::PermissionGrant,
        app::domain::explain::GrantedBy,
        app::service::roles::NewRole,
        app::service::roles::RoleUpdate,
        app::service::roles::PreviewInput,
        app::domain::role::Preview,
        app::domain::role::MemberChange,
        app::domain::explain::ProjectPermissions,
        app::domain::project::Project,
        app::domain::project::ProjectGrant,
        app::domain::project::ProjectDetail,
        app::service::projects::NewProject,
        app::service::projects::ProjectUpdate,
        app::service::projects::Transfer,
        app::service::projects::AccessGrant,
        app::service::org_tokens::NewOrganizationToken,
        app::service::org_tokens::NewGroupToken,
        app::domain::audit::AuditEvent,
        app::domain::admin::AdminUser,
        app::domain::admin::CreatedUser,
        app::domain::admin::TemporaryPassword,
        app::domain::admin::InstanceSettings,
        app::domain::admin::OutboxMessage,
        app::domain::admin::AdminOrganization,
        app::service::admin_users::NewUserInput,
        app::service::admin_users::AdminUserUpdate,
        app::service::admin_instance::SettingsUpdate,
        app::service::admin_instance::NewOwner
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "operations", description = "Health and the API description"),
        (name = "authentication", description = "Sign-up, sign-in, sign-out"),
        (name = "account", description = "The caller's own account"),
        (name = "organizations", description = "Organizations and their members"),
        (name = "groups", description = "Groups (teams) of members"),
        (name = "invitations", description = "Invitations to organizations"),
        (name = "roles", description = "Permissions, roles and why a member holds a permission"),
        (name = "projects", description = "Projects, their owners and project access"),
        (name = "tokens", description = "Organization and group tokens"),
        (name = "audit", description = "The tamper-evident audit log"),
        (name = "admin", description = "Site administration (site admins only)")
    )
)]
pub struct ApiDoc;

/// This document. No authentication.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Declares the two ways to authenticate: `Authorization: Bearer <token>` and the session
/// cookie.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("gatehouse_session"))),
        );
    }
}
