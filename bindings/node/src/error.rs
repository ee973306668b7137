//! The one conversion from engine errors to JS errors: `err.code` is the stable engine code.
use napi::bindgen_prelude::*;

/// napi status carrying the engine's stable code string; napi sets it as the JS error's `code`.
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

pub type MpResult<T> = std::result::Result<T, napi::Error<Code>>;

pub fn to_napi(e: mp_api::Error) -> napi::Error<Code> {
    napi::Error::new(Code(e.code().as_str()), e.message())
}

/// Runs engine code with panics caught: a bug surfaces as an `INTERNAL` error, never a crash of the process.
pub fn guard<T>(f: impl FnOnce() -> mp_api::Result<T>) -> MpResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(to_napi),
        Err(payload) => Err(to_napi(mp_api::Error::from_panic(payload.as_ref()))),
    }
}

/// For AsyncTask results: an error created on the JS thread, with `code` set, passed through a Status error.
pub fn to_js_rejection(env: Env, e: napi::Error<Code>) -> napi::Error {
    napi::Error::from(JsError::from(e).into_unknown(env))
}
