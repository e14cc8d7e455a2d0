//! The last line of defence: a request whose handler panics gets a 500 in the API's error
//! shape (and the panic is logged), never a dropped connection.

use app::error::AppError;
use axum::response::{IntoResponse, Response};
use std::any::Any;

/// The answer to a request whose handler panicked.
pub fn respond(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    AppError::internal(format!("a request handler panicked: {what}")).into_response()
}
