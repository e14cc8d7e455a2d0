//! `ApiJson<T>`: axum's JSON extractor with rejections in the contract's error shape, so a
//! malformed body is a 400 `bad_request` (never a 5xx or a plain-text answer). Every request
//! body of the API is an object: an array is refused, even where serde would read a struct
//! from one (`[]` would otherwise pass for "change nothing").

use app::error::{AppError, ErrorCode};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(rejection_to_error(&rejection)),
        };
        if value.is_array() {
            return Err(AppError::bad_request(
                "The request body must be a JSON object, not an array.",
            ));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|err| {
            // serde's sentence names the field and the expected type, which helps the caller
            // and reveals nothing about the server.
            AppError::bad_request(format!("The request body does not match: {err}"))
        })
    }
}

fn rejection_to_error(rejection: &JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonSyntaxError(_) => {
            AppError::bad_request("The request body is not valid JSON.")
        }
        JsonRejection::MissingJsonContentType(_) => {
            AppError::bad_request("Send the body as JSON, with `Content-Type: application/json`.")
        }
        JsonRejection::BytesRejection(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::new(ErrorCode::PayloadTooLarge, "The request body is too large.")
        }
        other => AppError::bad_request(format!(
            "The request body could not be read: {}",
            other.body_text()
        )),
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `ApiQuery<T>`: axum's query-string extractor with rejections as 400 `bad_request` in the
/// contract's shape.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(AppError::bad_request(format!(
                "The query string does not match: {}",
                rejection.body_text()
            ))),
        }
    }
}
