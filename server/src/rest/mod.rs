//! The REST API under `/api/v1` (../shared/API.md). Handlers are thin: extract the caller,
//! parse, call `app::service`, map errors. Every error leaves as the contract's JSON shape.

pub mod account;
pub mod admin;
pub mod admin_sso;
pub mod admin_tokens;
pub mod audit;
pub mod auth;
pub mod caller;
pub mod groups;
pub mod identities;
pub mod instance_roles;
pub mod invitations;
mod json;
pub mod org_tokens;
pub mod organizations;
pub mod passkeys;
pub mod password_reset;
pub mod paths;
pub mod projects;
pub mod refusals;
pub mod roles;
pub mod sso;
pub mod tokens;
pub mod two_factor;

pub use json::{ApiJson, ApiQuery};

use app::error::{AppError, ErrorCode};
use app::state::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every REST route and its OpenAPI description, from one declaration: each handler's
/// `#[utoipa::path]` gives both its route and its entry in `/api/v1/openapi.json`, so the two
/// cannot drift apart (a test checks both ways). Mounted by [`crate::router::build`].
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(crate::health::healthz))
        .nest("/api/v1", v1())
}

/// The `/api/v1` route group: its handlers' paths are relative to it.
fn v1() -> OpenApiRouter<AppState> {
    let (router, doc) = OpenApiRouter::new()
        .routes(routes!(crate::openapi::document))
        .routes(routes!(auth::signup))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::verify_email))
        .routes(routes!(password_reset::request))
        .routes(routes!(password_reset::complete))
        .routes(routes!(sso::providers))
        .routes(routes!(sso::start))
        .routes(routes!(sso::callback))
        .routes(routes!(identities::list))
        .routes(routes!(identities::unlink))
        .routes(routes!(passkeys::list, passkeys::create))
        .routes(routes!(passkeys::registration))
        .routes(routes!(passkeys::rename, passkeys::delete))
        .routes(routes!(passkeys::options))
        .routes(routes!(passkeys::sign_in))
        .routes(routes!(admin_sso::list, admin_sso::create))
        .routes(routes!(
            admin_sso::get,
            admin_sso::update,
            admin_sso::delete
        ))
        .routes(routes!(account::get, account::update))
        .routes(routes!(account::change_password))
        .routes(routes!(account::resend_verification))
        .routes(routes!(account::sessions))
        .routes(routes!(account::revoke_session))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(tokens::rotate))
        .routes(routes!(two_factor::begin, two_factor::disable))
        .routes(routes!(two_factor::confirm))
        .routes(routes!(two_factor::regenerate))
        .routes(routes!(organizations::mine))
        .routes(routes!(organizations::create))
        .routes(routes!(
            organizations::get,
            organizations::update,
            organizations::delete
        ))
        .routes(routes!(roles::catalog))
        .routes(routes!(roles::list, roles::create))
        .routes(routes!(roles::get, roles::update, roles::delete))
        .routes(routes!(roles::preview))
        .routes(routes!(roles::holders))
        .routes(routes!(roles::explain))
        .routes(routes!(organizations::members, organizations::add_members))
        .routes(routes!(organizations::candidates))
        .routes(routes!(organizations::two_factor_lockout))
        .routes(routes!(
            organizations::change_role,
            organizations::remove_member
        ))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::get, groups::update, groups::delete))
        .routes(routes!(groups::members))
        .routes(routes!(groups::add_member, groups::remove_member))
        .routes(routes!(invitations::list, invitations::create))
        .routes(routes!(invitations::revoke))
        .routes(routes!(invitations::resend))
        .routes(routes!(org_tokens::list_group, org_tokens::create_group))
        .routes(routes!(org_tokens::revoke_group))
        .routes(routes!(org_tokens::list, org_tokens::create))
        .routes(routes!(org_tokens::revoke))
        .routes(routes!(projects::list, projects::create))
        .routes(routes!(projects::get, projects::update, projects::delete))
        .routes(routes!(projects::transfer))
        .routes(routes!(projects::owned))
        .routes(routes!(projects::set_access, projects::remove_access))
        .routes(routes!(audit::org_events))
        .routes(routes!(audit::org_export))
        .routes(routes!(admin::users, admin::create_user))
        .routes(routes!(admin::create_batch))
        .routes(routes!(admin::user, admin::update_user, admin::delete_user))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::user_tokens))
        .routes(routes!(admin_tokens::tokens))
        .routes(routes!(admin::revoke_user_token))
        .routes(routes!(admin::user_sessions, admin::end_user_sessions))
        .routes(routes!(admin::end_user_session))
        .routes(routes!(admin::disable_two_factor))
        .routes(routes!(admin::organizations))
        .routes(routes!(admin::org_members))
        .routes(routes!(admin::add_owner))
        .routes(routes!(admin::settings, admin::update_settings))
        .routes(routes!(admin::two_factor_lockout))
        .routes(routes!(admin::outbox))
        .routes(routes!(instance_roles::catalog))
        .routes(routes!(instance_roles::list, instance_roles::create))
        .routes(routes!(
            instance_roles::get,
            instance_roles::update,
            instance_roles::delete
        ))
        .routes(routes!(instance_roles::holders))
        .routes(routes!(instance_roles::preview))
        .routes(routes!(audit::all_events))
        .routes(routes!(audit::all_export))
        .routes(routes!(invitations::view))
        .routes(routes!(invitations::accept))
        .routes(routes!(invitations::decline))
        .routes(routes!(invitations::mine))
        .routes(routes!(invitations::accept_mine))
        .routes(routes!(invitations::decline_mine))
        .routes(routes!(invitations::signup))
        .split_for_parts();
    let mut v1 = OpenApiRouter::from(
        router
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed),
    );
    *v1.get_openapi_mut() = doc;
    v1
}

/// Any path under `/api/v1` that names no endpoint.
pub async fn not_found() -> AppError {
    AppError::new(ErrorCode::NotFound, "No such endpoint.")
}

async fn method_not_allowed() -> AppError {
    AppError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not accept that method.",
    )
}
