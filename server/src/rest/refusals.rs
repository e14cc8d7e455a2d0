//! The error responses of the REST API, each described once. A handler lists the ones it can
//! answer with (`responses((status = 200, …), NotAuthenticated, Forbidden, NotFound)`); what is
//! particular to an operation (the permission it needs, its conflict codes) is written in the
//! handler's own description. Every one carries the contract's error body
//! (`{"error": {"code", "message", "field"}}`), whose `code` says exactly why.

use app::error::ErrorBody;
use utoipa::IntoResponses;

/// 400 `bad_request`.
#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "Malformed request: the body is not a JSON object of the documented shape"
)]
pub struct Malformed(pub ErrorBody);

/// 401.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "Not authenticated: no valid session cookie or bearer token \
                   (`unauthenticated`), or wrong credentials where the operation checks them \
                   (its description names the codes)"
)]
pub struct NotAuthenticated(pub ErrorBody);

/// 403 for the site-administration endpoints.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Refused: the caller's instance role lacks the instance permission the operation \
                   names, or the action would reach a user or give a role beyond the caller's \
                   own (`forbidden`)"
)]
pub struct NoInstancePermission(pub ErrorBody);

/// 403 in an organization.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Refused: the caller lacks the permission the operation names, or would give a \
                   right beyond their own (`forbidden`), or the organization requires two-factor \
                   authentication (`two_factor_policy`)"
)]
pub struct Forbidden(pub ErrorBody);

/// 404; also what a non-member sees for an organization, so membership is not revealed.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such resource, or not visible to the caller: a non-member sees an \
                   organization and everything in it as missing (`not_found`)"
)]
pub struct NotFound(pub ErrorBody);

/// 409.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "Refused by the current state; `error.code` says why (`conflict`, \
                   `last_owner`, `owns_projects`, `already_member`, `self_action`, \
                   `last_site_admin`); the operation's description lists its cases"
)]
pub struct Conflict(pub ErrorBody);

/// 422.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Invalid input (`validation`); `error.field` names the field when there is one"
)]
pub struct Invalid(pub ErrorBody);

/// 429.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "Too many attempts (`rate_limited`); try again later"
)]
pub struct Throttled(pub ErrorBody);
