//! The REST API under `/api/v1` (../shared/API.md). Handlers are thin: extract the caller,
//! parse, call `app::service`, map errors. Every error leaves as the contract's JSON shape.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod caller;
pub mod groups;
pub mod invitations;
mod json;
pub mod org_tokens;
pub mod organizations;
pub mod projects;
pub mod roles;
pub mod tokens;
pub mod two_factor;

pub use json::{ApiJson, ApiQuery};

use app::error::{AppError, ErrorCode};
use app::state::AppState;
use axum::Router;
use axum::routing::{delete, get, post, put};

/// The `/api/v1` route group (mounted by [`crate::router::build`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(crate::openapi::document))
        .route("/auth/signup", post(auth::signup))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/verify-email", post(auth::verify_email))
        .route("/account", get(account::get).patch(account::update))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/email/verification",
            post(account::resend_verification),
        )
        .route("/account/sessions", get(account::sessions))
        .route("/account/sessions/{id}", delete(account::revoke_session))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}", delete(tokens::revoke))
        .route(
            "/account/two-factor",
            post(two_factor::begin).delete(two_factor::disable),
        )
        .route("/account/two-factor/confirm", post(two_factor::confirm))
        .route(
            "/account/two-factor/recovery-codes",
            post(two_factor::regenerate),
        )
        .route("/account/organizations", get(organizations::mine))
        .route("/organizations", post(organizations::create))
        .route(
            "/organizations/{org}",
            get(organizations::get)
                .patch(organizations::update)
                .delete(organizations::delete),
        )
        .route("/permissions", get(roles::catalog))
        .route(
            "/organizations/{org}/roles",
            get(roles::list).post(roles::create),
        )
        .route(
            "/organizations/{org}/roles/{role}",
            get(roles::get).patch(roles::update).delete(roles::delete),
        )
        .route(
            "/organizations/{org}/roles/{role}/preview",
            post(roles::preview),
        )
        .route(
            "/organizations/{org}/members/{username}/permissions",
            get(roles::explain),
        )
        .route("/organizations/{org}/members", get(organizations::members))
        .route(
            "/organizations/{org}/members/{username}",
            axum::routing::patch(organizations::change_role).delete(organizations::remove_member),
        )
        .route(
            "/organizations/{org}/groups",
            get(groups::list).post(groups::create),
        )
        .route(
            "/organizations/{org}/groups/{group}",
            get(groups::get)
                .patch(groups::update)
                .delete(groups::delete),
        )
        .route(
            "/organizations/{org}/groups/{group}/members",
            get(groups::members),
        )
        .route(
            "/organizations/{org}/groups/{group}/members/{username}",
            put(groups::add_member).delete(groups::remove_member),
        )
        .route(
            "/organizations/{org}/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route(
            "/organizations/{org}/invitations/{id}",
            delete(invitations::revoke),
        )
        .route(
            "/organizations/{org}/invitations/{id}/resend",
            post(invitations::resend),
        )
        .route(
            "/organizations/{org}/groups/{group}/tokens",
            get(org_tokens::list_group).post(org_tokens::create_group),
        )
        .route(
            "/organizations/{org}/groups/{group}/tokens/{id}",
            delete(org_tokens::revoke_group),
        )
        .route(
            "/organizations/{org}/tokens",
            get(org_tokens::list).post(org_tokens::create),
        )
        .route(
            "/organizations/{org}/tokens/{id}",
            delete(org_tokens::revoke),
        )
        .route(
            "/organizations/{org}/projects",
            get(projects::list).post(projects::create),
        )
        .route(
            "/organizations/{org}/projects/{project}",
            get(projects::get)
                .patch(projects::update)
                .delete(projects::delete),
        )
        .route(
            "/organizations/{org}/projects/{project}/transfer",
            post(projects::transfer),
        )
        .route(
            "/organizations/{org}/projects/{project}/access/{kind}/{name}",
            put(projects::set_access).delete(projects::remove_access),
        )
        .route("/organizations/{org}/audit-events", get(audit::org_events))
        .route(
            "/organizations/{org}/audit-events/export",
            get(audit::org_export),
        )
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route(
            "/admin/users/{username}",
            axum::routing::patch(admin::update_user).delete(admin::delete_user),
        )
        .route(
            "/admin/users/{username}/reset-password",
            post(admin::reset_password),
        )
        .route(
            "/admin/users/{username}/two-factor",
            delete(admin::disable_two_factor),
        )
        .route("/admin/organizations", get(admin::organizations))
        .route(
            "/admin/organizations/{org}/members",
            get(admin::org_members),
        )
        .route("/admin/organizations/{org}/owners", post(admin::add_owner))
        .route(
            "/admin/settings",
            get(admin::settings).patch(admin::update_settings),
        )
        .route("/admin/outbox", get(admin::outbox))
        .route("/admin/audit-events", get(audit::all_events))
        .route("/admin/audit-events/export", get(audit::all_export))
        .route("/invitations/{token}", get(invitations::view))
        .route("/invitations/{token}/accept", post(invitations::accept))
        .route("/invitations/{token}/decline", post(invitations::decline))
        .route("/invitations/{token}/signup", post(invitations::signup))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
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
