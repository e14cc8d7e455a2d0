//! The OpenAPI 3.1 document of the REST API, generated from the handlers' annotations (the
//! route list in [`crate::rest::api`]) and served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse REST API",
        description = "Users, organizations, teams, roles and API tokens. Errors are \
                       `{\"error\": {\"code\", \"message\", \"field\"}}`.",
    ),
    components(schemas(
        crate::health::Health,
        app::error::ErrorBody,
        app::error::ErrorDetail,
        app::error::ErrorCode,
        app::domain::user::User,
        app::domain::user::SignupInput,
        app::domain::user::LoginInput,
        app::domain::user::ProfileUpdate,
        crate::rest::auth::LoginResponse,
        crate::rest::auth::VerifyEmail,
        crate::rest::account::ChangePassword,
        app::domain::session::SessionInfo,
        app::domain::token::TokenInfo,
        app::domain::token::CreatedToken,
        app::domain::token::NewUserToken,
        crate::rest::two_factor::CodeInput,
        app::domain::two_factor::Enrolment,
        app::domain::two_factor::RecoveryCodes,
        app::domain::two_factor::DisableTwoFactor,
        app::domain::organization::Organization,
        app::domain::organization::MyOrganization,
        app::domain::organization::Member,
        app::domain::organization::MemberUser,
        app::domain::group::Group,
        app::domain::invitation::Invitation,
        app::domain::invitation::PublicInvitation,
        app::domain::organization::NewOrganization,
        app::domain::organization::OrganizationUpdate,
        app::domain::organization::RoleChange,
        app::domain::group::NewGroup,
        app::domain::group::GroupUpdate,
        app::domain::invitation::NewInvitationInput,
        app::domain::invitation::InvitationSignup,
        crate::rest::invitations::Accepted,
        app::domain::permission::CatalogEntry,
        app::domain::role::RoleInfo,
        app::domain::explain::Explanation,
        app::domain::explain::PermissionGrant,
        app::domain::explain::GrantedBy,
        app::domain::role::NewRole,
        app::domain::role::RoleUpdate,
        app::domain::role::PreviewInput,
        app::domain::role::Preview,
        app::domain::role::MemberChange,
        app::domain::explain::ProjectPermissions,
        app::domain::project::Project,
        app::domain::project::ProjectGrant,
        app::domain::project::ProjectDetail,
        app::domain::project::NewProject,
        app::domain::project::ProjectUpdate,
        app::domain::project::Transfer,
        app::domain::project::AccessGrant,
        app::domain::token::NewOrganizationToken,
        app::domain::token::NewGroupToken,
        app::domain::audit::AuditEvent,
        app::domain::admin::AdminUser,
        app::domain::admin::AdminUserDetail,
        app::domain::admin::UserOrganization,
        app::domain::admin::CreatedUser,
        app::domain::admin::TemporaryPassword,
        app::domain::admin::InstanceSettings,
        app::domain::admin::OutboxMessage,
        app::domain::admin::AdminOrganization,
        app::domain::admin::NewUserInput,
        app::domain::admin::AdminUserUpdate,
        app::domain::admin::SettingsUpdate,
        app::domain::admin::NewOwner
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
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(spec().clone())
}

/// The document: the description, schemas and tags declared here, and every path the router
/// mounts ([`crate::rest::api`]), read from the same declaration as the routes.
pub fn spec() -> &'static utoipa::openapi::OpenApi {
    static SPEC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| crate::rest::api().split_for_parts().1)
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
