//! The one error type that crosses from server to browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one field of a form, by field name and message key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// What can go wrong in a server function. Internal details are logged on the server, never
/// sent to the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("the record was changed by someone else")]
    Conflict,
    #[error("internal error")]
    Internal,
    /// A server function's arguments could not be read (missing, malformed): the caller's
    /// mistake, answered 400 with this plain message; the details are logged on the server.
    #[error("the request's arguments could not be read")]
    BadRequest,
    /// The call itself failed (network, encoding): raised by the server-function machinery.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error stands for.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 422,
            AppError::BadRequest => 400,
            AppError::Conflict => 409,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                // On the server this runs inside the call's reactive owner: the answer's status
                // follows (leptos_axum applies `ResponseOptions` after the call), else it is 500.
                #[cfg(feature = "ssr")]
                {
                    leptos::logging::warn!("server function arguments refused: {value}");
                    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                        response.set_status(http::StatusCode::BAD_REQUEST);
                    }
                }
                AppError::BadRequest
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
