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
        crate::rest::account::get,
        crate::rest::account::change_password,
        crate::rest::account::sessions,
        crate::rest::account::revoke_session
    ),
    components(schemas(
        crate::health::Health,
        app::error::ErrorBody,
        app::error::ErrorDetail,
        app::error::ErrorCode,
        app::domain::user::User,
        app::service::accounts::SignupInput,
        app::service::accounts::LoginInput,
        crate::rest::auth::LoginResponse,
        crate::rest::account::ChangePassword,
        app::domain::session::SessionInfo
    )),
    tags(
        (name = "operations", description = "Health and the API description"),
        (name = "authentication", description = "Sign-up, sign-in, sign-out"),
        (name = "account", description = "The caller's own account")
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
