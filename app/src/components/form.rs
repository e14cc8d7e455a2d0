//! Form helpers shared by every page: the error of the last submission, whether it came back
//! through the action (JavaScript on) or through the URL the server redirected the plain form
//! post to (JavaScript off), and how it is shown.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

/// The error of the last submission of `action`, if it failed.
pub fn submission_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let query = use_query_map();
    Signal::derive(move || {
        if let Some(Err(err)) = action.value().get() {
            return Some(err);
        }
        let query = query.read();
        match (query.get("__path"), query.get("__err")) {
            (Some(path), Some(err)) if path == S::PATH => {
                Some(ServerFnUrlError::<AppError>::decode_err(&err))
            }
            _ => None,
        }
    })
}

/// The message of an error that belongs to no single field.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().filter(|e| e.field.is_none()).map(|e| {
            view! {
                <p class="notice notice--error" role="alert">
                    {e.message}
                </p>
            }
        })
    }
}

/// The message of an error about `field`, placed under that field.
#[component]
pub fn FieldError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.field.as_deref() == Some(field))
            .map(|e| {
                view! {
                    <p class="field__error" id=format!("{field}-error") role="alert">
                        {e.message}
                    </p>
                }
            })
    }
}

/// `aria-invalid` for an input whose field has an error.
pub fn invalid(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> + Copy {
    move || {
        error
            .get()
            .is_some_and(|e| e.field.as_deref() == Some(field))
            .then_some("true")
    }
}

/// A `<form>` reference that empties the form once `action` succeeds, so that what was just
/// created is not offered to be created again. Only in the browser: a plain form post loads
/// a fresh page anyway. Give it to the form as `node_ref`.
pub fn cleared_on_success<S>(action: ServerAction<S>) -> NodeRef<leptos::html::Form>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        let succeeded = action.value().with(|value| matches!(value, Some(Ok(_))));
        if succeeded && let Some(form) = form.get_untracked() {
            form.reset();
        }
    });
    form
}
