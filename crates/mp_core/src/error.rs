//! One error type with a stable machine-readable code, shared by every binding.
use std::fmt;

/// Stable error codes. Bindings expose `code()` as `err.code`; TS branches on it, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A model or fit parameter is out of range or unknown.
    InvalidParam,
    /// Buffer lengths disagree with `n_rows` / `n_features`.
    ShapeMismatch,
    /// Zero rows or zero features.
    EmptyData,
    /// A label is NaN, infinite or not 0/1.
    InvalidLabel,
    /// Only one class is present where two are required.
    EmptyClass,
    /// A feature value is NaN/infinite where the model cannot accept it.
    NonFinite,
    /// Model bytes are corrupt, truncated or from an unknown format version.
    Deserialize,
    /// Predicting with a model that was never fitted.
    NotFitted,
    /// A bug: a caught panic or a violated internal invariant.
    Internal,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidParam => "INVALID_PARAM",
            ErrorCode::ShapeMismatch => "SHAPE_MISMATCH",
            ErrorCode::EmptyData => "EMPTY_DATA",
            ErrorCode::InvalidLabel => "INVALID_LABEL",
            ErrorCode::EmptyClass => "EMPTY_CLASS",
            ErrorCode::NonFinite => "NON_FINITE",
            ErrorCode::Deserialize => "DESERIALIZE",
            ErrorCode::NotFitted => "NOT_FITTED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Error {
    code: ErrorCode,
    message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into() }
    }
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The human-readable part, without the code prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn invalid_param(name: &str, why: impl fmt::Display) -> Self {
        Error::new(ErrorCode::InvalidParam, format!("parameter `{name}` {why}"))
    }
    pub fn shape(why: impl Into<String>) -> Self {
        Error::new(ErrorCode::ShapeMismatch, why)
    }
    pub fn deserialize(why: impl Into<String>) -> Self {
        Error::new(ErrorCode::Deserialize, why)
    }
    pub fn internal(why: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal, why)
    }
    /// Turns a caught panic payload into an `Internal` error (used by the bindings' unwind guards).
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Error::internal(format!("engine panicked (this is a bug): {what}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_code_then_message() {
        let e = Error::invalid_param("alpha", "must be >= 0, got -1");
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert_eq!(e.to_string(), "INVALID_PARAM: parameter `alpha` must be >= 0, got -1");
    }

    #[test]
    fn panic_payload_becomes_internal() {
        let r = std::panic::catch_unwind(|| panic!("boom {}", 7));
        let e = Error::from_panic(r.unwrap_err().as_ref());
        assert_eq!(e.code(), ErrorCode::Internal);
        assert!(e.message().contains("boom 7"));
    }
}
