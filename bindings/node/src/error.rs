//! The one conversion from engine errors to JS errors: `err.code` is the stable engine code.
use napi::bindgen_prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

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

/// [`guard`] calls running now, on any thread. Process-wide rather than per thread: a panic on a rayon
/// worker of a guarded fit is re-raised in the guarded caller and caught there.
static GUARDED: AtomicUsize = AtomicUsize::new(0);

/// Installs (once) a panic hook that stays silent for panics [`guard`] catches (their message travels
/// in the `INTERNAL` error; the default hook would print it, and a full backtrace under
/// `RUST_BACKTRACE=1`, to the host's stderr) and defers to the previous hook for any other panic.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.load(Ordering::SeqCst) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs engine code with panics caught: a bug surfaces as an `INTERNAL` error, never a crash of the process.
pub fn guard<T>(f: impl FnOnce() -> mp_api::Result<T>) -> MpResult<T> {
    install_quiet_hook();
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.fetch_sub(1, Ordering::SeqCst);
    match outcome {
        Ok(r) => r.map_err(to_napi),
        Err(payload) => Err(to_napi(mp_api::Error::from_panic(payload.as_ref()))),
    }
}

/// For AsyncTask results: an error created on the JS thread, with `code` set, passed through a Status error.
pub fn to_js_rejection(env: Env, e: napi::Error<Code>) -> napi::Error {
    napi::Error::from(JsError::from(e).into_unknown(env))
}
