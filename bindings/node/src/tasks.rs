//! Async (libuv thread pool) versions of the long-running facade calls: one generic job type.
use crate::error::{guard, to_js_rejection, MpResult};
use napi::bindgen_prelude::*;

/// Runs `work` on the pool (panics caught), then `wrap`s its result into a JS value on the JS thread.
/// The engine outcome crosses threads intact, so `resolve` can reject with the coded error.
pub struct Job<T, J> {
    work: Option<Box<dyn FnOnce() -> mp_api::Result<T> + Send>>,
    wrap: fn(T) -> J,
}

impl<T: Send + 'static, J: ToNapiValue + TypeName> Job<T, J> {
    pub fn new(work: impl FnOnce() -> mp_api::Result<T> + Send + 'static, wrap: fn(T) -> J) -> AsyncTask<Self> {
        AsyncTask::new(Job { work: Some(Box::new(work)), wrap })
    }
}

impl<T: Send + 'static, J: ToNapiValue + TypeName> Task for Job<T, J> {
    type Output = MpResult<T>;
    type JsValue = J;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let work = self.work.take().ok_or_else(|| napi::Error::from_reason("job already ran"))?;
        Ok(guard(work))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<J> {
        output.map(self.wrap).map_err(|e| to_js_rejection(env, e))
    }
}
