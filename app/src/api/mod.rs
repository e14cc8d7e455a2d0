//! Server functions: the browser's transport to the service layer. Each one resolves the
//! caller, calls one service function and maps its error to a real HTTP status.

pub mod instance;

#[cfg(feature = "ssr")]
mod support {
    use crate::error::AppError;
    use crate::state::AppState;
    use leptos::prelude::use_context;

    /// The shared state, provided to every server function by the router.
    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>()
            .ok_or_else(|| AppError::internal("AppState missing from the server-function context"))
    }

    /// Gives an error its real status (server functions otherwise answer 500 to everything).
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(err) = &result
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(err.status())
        {
            response.set_status(status);
        }
        result
    }
}
#[cfg(feature = "ssr")]
pub(crate) use support::{respond, state};
