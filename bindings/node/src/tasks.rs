//! Async (libuv thread pool) versions of the long-running facade calls.
use crate::error::{guard, to_js_rejection, MpResult};
use crate::Model;
use napi::bindgen_prelude::*;

pub struct FitTask {
    x: Float32Array,
    n_rows: u32,
    y: Float32Array,
    spec_json: String,
}

impl FitTask {
    pub fn new(x: Float32Array, n_rows: u32, y: Float32Array, spec_json: String) -> Self {
        FitTask { x, n_rows, y, spec_json }
    }
}

impl Task for FitTask {
    // The engine outcome travels to the JS thread intact, so `resolve` can reject with the coded error.
    type Output = MpResult<mp_api::Model>;
    type JsValue = Model;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(guard(|| mp_api::fit(&self.x, self.n_rows as usize, &self.y, &self.spec_json)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Model> {
        output.map(|inner| Model { inner }).map_err(|e| to_js_rejection(env, e))
    }
}
