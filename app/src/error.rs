//! `AppError`: the one error type of Gatehouse, shared by the service layer, the server
//! functions the browser calls and the REST API.
//!
//! Invariants:
//! - Every error has a stable snake_case `code` (the API contract, ../shared/API.md
//!   "Conventions"), and the HTTP status follows from the code in exactly one place
//!   ([`ErrorCode::status`]).
//! - An internal error never carries its cause to the client: the cause is logged on the
//!   server, the client sees a generic sentence.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The error codes of the REST contract, plus `internal` and `unavailable` for failures that
/// are not the caller's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthenticated,
    InvalidCredentials,
    TwoFactorRequired,
    PasswordChangeRequired,
    Forbidden,
    Csrf,
    TwoFactorPolicy,
    NotFound,
    MethodNotAllowed,
    Conflict,
    LastOwner,
    OwnsProjects,
    AlreadyMember,
    SelfAction,
    LastSiteAdmin,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation,
    RateLimited,
    Internal,
    Unavailable,
}

impl ErrorCode {
    /// The HTTP status of this code: the single mapping used by every transport.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            BadRequest => 400,
            Unauthenticated | InvalidCredentials | TwoFactorRequired | PasswordChangeRequired => {
                401
            }
            Forbidden | Csrf | TwoFactorPolicy => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            Conflict | LastOwner | OwnsProjects | AlreadyMember | SelfAction | LastSiteAdmin => 409,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            Validation => 422,
            RateLimited => 429,
            Internal => 500,
            Unavailable => 503,
        }
    }

    /// The wire name, e.g. `last_owner`.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            BadRequest => "bad_request",
            Unauthenticated => "unauthenticated",
            InvalidCredentials => "invalid_credentials",
            TwoFactorRequired => "two_factor_required",
            PasswordChangeRequired => "password_change_required",
            Forbidden => "forbidden",
            Csrf => "csrf",
            TwoFactorPolicy => "two_factor_policy",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            Conflict => "conflict",
            LastOwner => "last_owner",
            OwnsProjects => "owns_projects",
            AlreadyMember => "already_member",
            SelfAction => "self_action",
            LastSiteAdmin => "last_site_admin",
            PayloadTooLarge => "payload_too_large",
            UnsupportedMediaType => "unsupported_media_type",
            Validation => "validation",
            RateLimited => "rate_limited",
            Internal => "internal",
            Unavailable => "unavailable",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the client sees it: code, human sentence, and the offending field if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    /// Seconds until a throttled caller may retry (sent as `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// Absent, or present but hidden from the caller: the message never says which.
    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "Not found.")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Sign in to continue.")
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    /// A well-formed value that breaks a rule; `field` names the input it belongs to.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(ErrorCode::Validation, message)
        }
    }

    /// The same error with another code (and so another status).
    pub fn with_code(self, code: ErrorCode) -> Self {
        Self { code, ..self }
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after: Some(retry_after_secs),
            ..Self::new(
                ErrorCode::RateLimited,
                "Too many attempts. Wait a moment and try again.",
            )
        }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unavailable, message)
    }

    /// An unexpected failure. `cause` is logged on the server and never sent to the client.
    pub fn internal(cause: impl fmt::Display) -> Self {
        #[cfg(feature = "ssr")]
        tracing::error!(error = %cause, "internal error");
        #[cfg(not(feature = "ssr"))]
        let _ = &cause;
        Self::new(
            ErrorCode::Internal,
            "Something went wrong on the server. Try again; if it keeps happening, tell your administrator.",
        )
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// The JSON body of the REST contract:
    /// `{"error": {"code": …, "message": …, "field": … | null}}`.
    pub fn to_body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
                field: self.field.clone(),
            },
        }
    }
}

/// The REST error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `not_found`, `validation`, `last_owner`.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The input field the error is about, or null.
    pub field: Option<String>,
}

mod server_fn_error {
    use super::{AppError, ErrorCode};
    use leptos::server_fn::codec::JsonEncoding;
    use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

    impl FromServerFnError for AppError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                // The caller sent something we could not read: their fault, a 4xx.
                ServerFnErrorErr::Args(msg) => {
                    AppError::bad_request(format!("The request could not be read: {msg}"))
                }
                ServerFnErrorErr::MissingArg(arg) => {
                    AppError::bad_request(format!("The request is missing `{arg}`."))
                }
                ServerFnErrorErr::Request(_) => AppError::new(
                    ErrorCode::Unavailable,
                    "The server could not be reached. Check your connection and try again.",
                ),
                other => AppError::internal(other),
            }
        }
    }
}

#[cfg(feature = "ssr")]
mod axum_response {
    use super::AppError;
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::{IntoResponse, Response};

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status =
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, axum::Json(self.to_body())).into_response();
            if let Some(secs) = self.retry_after
                && let Ok(value) = HeaderValue::from_str(&secs.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_contract_shape() {
        let json = serde_json::to_value(AppError::validation("name", "Too long.").to_body())
            .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "validation", "message": "Too long.", "field": "name"}})
        );
        let json = serde_json::to_value(AppError::not_found().to_body()).unwrap_or_default();
        assert_eq!(json["error"]["field"], serde_json::Value::Null);
    }

    #[test]
    fn codes_serialise_as_their_wire_names() {
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::LastSiteAdmin,
            ErrorCode::TwoFactorPolicy,
            ErrorCode::PasswordChangeRequired,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap_or_default(),
                serde_json::Value::String(code.as_str().to_string())
            );
        }
    }

    #[test]
    fn statuses_follow_the_contract() {
        assert_eq!(ErrorCode::BadRequest.status(), 400);
        assert_eq!(ErrorCode::TwoFactorRequired.status(), 401);
        assert_eq!(ErrorCode::Csrf.status(), 403);
        assert_eq!(ErrorCode::NotFound.status(), 404);
        assert_eq!(ErrorCode::OwnsProjects.status(), 409);
        assert_eq!(ErrorCode::Validation.status(), 422);
        assert_eq!(ErrorCode::RateLimited.status(), 429);
    }
}
